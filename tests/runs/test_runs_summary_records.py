"""A summary posted for everyone quotes members' critiques, so it is written down before it
is posted (storage/migrations/0017_summary_reservations.sql) and /forget-me can always redo
it: a write that fails posts nothing; one that fails once the summary is posted takes it down
again; a post whose id was never noted (the bot died) is found by its mark. The failures are
made with a temporary trigger on the bot's own connection, so that exactly the write asked
for fails, as it does on a full disk."""

from __future__ import annotations

from typing import Any

from storage import runs as runs_store
from tests.world import CohortWorld, component, critique, example_messages, post

FULL = "SELECT RAISE(FAIL, 'database or disk is full')"


async def fail_writes(world: CohortWorld, when: str) -> None:
    """Every `when` ("INSERT", "UPDATE") on summary_posts fails from now on."""
    await world.bot.db.execute(f"CREATE TEMP TRIGGER full_{when.lower()} BEFORE {when} ON"
                               f" main.summary_posts BEGIN {FULL}; END")


async def heal(world: CohortWorld) -> None:
    for when in ("insert", "update"):
        await world.bot.db.execute(f"DROP TRIGGER IF EXISTS temp.full_{when}")


def summaries(world: CohortWorld) -> list[Any]:
    """Every summary on Discord in #lessons (shared answers and final summaries alike)."""
    return [m for m in world.sandbox.messages(world.lessons)
            if m.embeds and "summary" in m.embeds[0].get("title", "")]


async def critiqued(world: CohortWorld) -> None:
    await post(world)
    await critique(world, world.ada, example_messages(world)[0], "ADAPRIVATE works", "x", "no")
    (ada_post,) = world.posts(world.sandbox.threads(world.lessons)[0])
    await world.ben.react(ada_post, "👍")


async def test_a_shared_summary_that_cannot_be_written_down_is_not_posted(
    world: CohortWorld,
) -> None:
    await critiqued(world)
    await fail_writes(world, "INSERT")
    shared = await world.mod.slash("lesson summary", {"share": True}, channel=world.lessons)
    told = shared.followups[-1].content if shared.followups else shared.response.content
    assert "error id" in told, told
    assert summaries(world) == []  # nothing public
    await heal(world)
    again = await world.mod.slash("lesson summary", {"share": True}, channel=world.lessons)
    assert len(summaries(world)) == 1 and not again.followups[-1].ephemeral


async def test_a_shared_summary_whose_place_cannot_be_noted_is_taken_down_again(
    world: CohortWorld,
) -> None:
    await critiqued(world)
    await fail_writes(world, "UPDATE")
    shared = await world.mod.slash("lesson summary", {"share": True}, channel=world.lessons)
    told = shared.followups[-1]
    assert told.ephemeral and "I took the summary down again" in told.content, told.content
    assert "/forget-me" in told.content and "error id" not in told.content
    assert summaries(world) == []
    assert await runs_store.summary_posts(world.bot.db, [1]) == []


async def test_a_final_summary_whose_place_cannot_be_noted_is_taken_down_and_the_run_stays_open(
    world: CohortWorld,
) -> None:
    await critiqued(world)
    await fail_writes(world, "UPDATE")
    closed = await world.mod.slash("lesson close", channel=world.lessons)
    told = closed.followups[-1].content
    assert "I took the final summary down again and did not close run #1" in told, told
    assert summaries(world) == []
    await heal(world)
    closed = await world.mod.slash("lesson close", channel=world.lessons)
    assert "Closed run #1" in closed.followups[-1].content
    (final,) = summaries(world)  # one final summary, not two
    (row,) = await runs_store.summary_posts(world.bot.db, [1])
    assert row.message_id == final.id


async def test_a_summary_posted_but_never_noted_is_found_by_its_mark_and_redone(
    world: CohortWorld,
) -> None:
    """The bot died between posting a summary and noting its id (here: the id taken off its
    row): /forget-me finds the post by the mark in its footer and redoes it."""
    await critiqued(world)
    await world.mod.slash("lesson summary", {"share": True}, channel=world.lessons)
    await world.mod.slash("lesson close", channel=world.lessons)
    assert len(summaries(world)) == 2
    await world.bot.db.execute("UPDATE summary_posts SET message_id = NULL")
    await world.restart()
    asked = await world.ada.slash("forget-me")
    await world.ada.click(asked.response, component(asked.response, "Delete everything"))
    done = world.sandbox.world.messages[asked.response.id].content
    assert "2 posted summaries" in done, done
    for shown in summaries(world):
        assert "ADAPRIVATE" not in str(shown.embeds), shown.embeds
    assert all(p.message_id for p in await runs_store.summary_posts(world.bot.db, [1]))
