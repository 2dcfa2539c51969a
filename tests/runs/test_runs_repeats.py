"""A `/lesson post` or `/lesson close` sent again (a double submit, Discord's lag, a second
moderator doing the same) does what the moderator saw, and commands sent at once end as they
would one after the other (review 6, finding 11: three closes at once closed three runs, and
three posts posted three runs of the lesson in one second)."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from bot.runs import RunStatus
from storage import runs as runs_store
from tests.world import CohortWorld, post


def said(result: Any) -> str:
    """The answer a command ended with (a refusal before the deferral is the response)."""
    return str((result.followups or [result.response])[-1].content)


async def statuses(world: CohortWorld) -> dict[int, RunStatus]:
    runs = await runs_store.runs_in_guild(world.bot.db, world.guild.handle.id)
    return {run.id: run.status for run in runs}


async def at_once(world: CohortWorld, command: str, times: int,
                  options: dict[str, Any] | None = None) -> list[str]:
    results = await asyncio.gather(*(
        world.mod.slash(command, options or {}, channel=world.lessons, settle=False)
        for _ in range(times)))
    await world.sandbox.settle()
    return [said(result) for result in results]


async def test_posting_a_lesson_that_is_still_open_asks_first(world: CohortWorld) -> None:
    first = await post(world)
    again = await world.mod.slash("lesson post", channel=world.lessons)
    text = said(again)
    assert again.ephemeral
    assert f"Run #{first} of **Networking with Professionals** is still open" in text, text
    assert f"`/lesson close run:{first}`" in text and "`/lesson post another:true`" in text
    assert await statuses(world) == {first: RunStatus.OPEN}
    assert len(world.sandbox.threads(world.lessons)) == 3  # nothing more posted
    second = await post(world, another=True)  # asked for: two runs open
    assert await statuses(world) == {first: RunStatus.OPEN, second: RunStatus.OPEN}


async def test_posts_sent_at_once_post_one_run(world: CohortWorld) -> None:
    texts = await at_once(world, "lesson post", 3)
    assert sum("Posted run #1" in t for t in texts) == 1, texts
    refused = [t for t in texts if "Posted" not in t]
    assert len(refused) == 2 and all(
        ("Run #1 of **Networking with Professionals** is being posted right now" in t
         or "Run #1 of **Networking with Professionals** is still open" in t)
        and "`/lesson post another:true`" in t for t in refused), texts
    assert await statuses(world) == {1: RunStatus.OPEN}
    assert len(world.sandbox.threads(world.lessons)) == 3


async def test_a_close_right_after_a_close_closes_nothing_more(world: CohortWorld) -> None:
    """The moderator who sends `/lesson close` twice meant the run they saw: the second
    names the run it would have closed instead of closing it."""
    first = await post(world)
    second = await post(world, another=True)
    closed = await world.mod.slash("lesson close", {"run": second}, channel=world.lessons)
    assert f"Closed run #{second}" in said(closed)
    again = await world.mod.slash("lesson close", channel=world.lessons)
    text = said(again)
    assert f"Run #{second} was just closed" in text and "closed nothing more" in text, text
    assert f"Run #{first} is still open" in text and f"`/lesson close run:{first}`" in text
    assert (await statuses(world))[first] is RunStatus.OPEN
    assert not any(t.locked for t in world.sandbox.threads(world.lessons)[:3])
    # A minute on, the one open run is what `/lesson close` closes.
    await world.clock.advance(timedelta(minutes=1))
    later = await world.mod.slash("lesson close", channel=world.lessons)
    assert f"Closed run #{first}" in said(later)
    twice = await world.mod.slash("lesson close", channel=world.lessons)
    assert f"Run #{first} was just closed" in said(twice) and "No run is open now" in said(twice)


async def test_a_close_with_several_runs_open_asks_which(world: CohortWorld) -> None:
    first = await post(world)
    second = await post(world, another=True)
    asked = await world.mod.slash("lesson close", channel=world.lessons)
    text = said(asked)
    assert "2 runs are open here; say which one to close, `/lesson close run:N`" in text, text
    assert f"• Run #{first} of **Networking with Professionals** in <#{world.lessons.id}>" in text
    assert f"• Run #{second} of" in text
    assert await statuses(world) == {first: RunStatus.OPEN, second: RunStatus.OPEN}
    closed = await world.mod.slash("lesson close", {"run": first}, channel=world.lessons)
    assert f"Closed run #{first}" in said(closed)
    assert await statuses(world) == {first: RunStatus.CLOSED, second: RunStatus.OPEN}


async def test_closes_sent_at_once_end_as_one_after_the_other(world: CohortWorld) -> None:
    """The tester's three posts, then three closes at once: with several open, each close
    asks which; with one open, one closes it and the others say it was just closed."""
    await post(world)
    await post(world, another=True)
    await post(world, another=True)
    texts = await at_once(world, "lesson close", 3)
    assert all("3 runs are open here" in t for t in texts), texts
    assert set((await statuses(world)).values()) == {RunStatus.OPEN}
    for run in (3, 2):
        await world.mod.slash("lesson close", {"run": run}, channel=world.lessons)
    await world.clock.advance(timedelta(minutes=1))
    texts = await at_once(world, "lesson close", 3)
    assert sum("Closed run #1" in t for t in texts) == 1, texts
    assert sum("Run #1 was just closed" in t and "No run is open now" in t
               for t in texts) == 2, texts
    finals = [m for m in world.posts(world.lessons)
              if m.embeds and m.embeds[0].get("title") == "Run #1 — final summary"]
    assert len(finals) == 1


async def test_a_posting_a_crash_cut_short_is_no_run_beside_the_next(world: CohortWorld) -> None:
    """A posting left half-done by a crash (start-up removes it once connected) does not
    refuse a `/lesson post` that arrives first, as one "being posted right now" would."""
    await runs_store.create_run(
        world.bot.db, guild_id=world.guild.handle.id, channel_id=world.lessons.id,
        lesson_key="networking-with-professionals", lesson_title="Networking with Professionals",
        prompt="p", posted_by=world.mod.id, now_ms=0)
    assert await post(world) == 2
