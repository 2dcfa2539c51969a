"""Reactions on thread messages end to end, through the sandbox Discord: members react and
take it back, a moderator clears them, the bot is down meanwhile, a member uses /forget-me."""

from __future__ import annotations

from typing import Any

from bot.discussion import MessageReaction
from storage import discussion as discussion_store
from tests.world import CohortWorld, component, example_messages, post

BLOB = "blob:880000000000000001"  # a custom emoji (the sandbox's "name:id")
BLOB_KEY = "880000000000000001"


async def run_thread(world: CohortWorld) -> Any:
    """A posted run's first example thread."""
    await post(world)
    return world.sandbox.threads(world.lessons)[0]


async def reactions(world: CohortWorld, thread_id: int) -> dict[int, list[MessageReaction]]:
    await world.bot.services.discussion.flush()
    return await discussion_store.thread_reactions(world.bot.db, thread_id)


async def test_members_reactions_are_captured_live(world: CohortWorld) -> None:
    thread = await run_thread(world)
    note = await world.ada.say(thread, "The ask is far too big")
    await world.ben.react(note, "👍")
    await world.cy.react(note, "👍")
    await world.cy.react(note, BLOB)
    await world.ben.react(note, "🎉")
    await world.ben.unreact(note, "🎉")
    assert await reactions(world, thread.id) == {note.id: [
        MessageReaction(BLOB_KEY, "blob", 1, (world.cy.id,)),
        MessageReaction("👍", "👍", 2, tuple(sorted((world.ben.id, world.cy.id)))),
    ]}
    await world.mod.clear_reactions(note, BLOB)
    assert [r.emoji for r in (await reactions(world, thread.id))[note.id]] == ["👍"]
    await world.mod.clear_reactions(note)
    assert await reactions(world, thread.id) == {}


async def test_reactions_elsewhere_are_not_captured(world: CohortWorld) -> None:
    await post(world)
    chatter = await world.ada.say(world.lessons, "not in a run's thread")
    await world.ben.react(chatter, "👍")
    thread = world.sandbox.threads(world.lessons)[0]
    prompt = example_messages(world)[0]  # the bot's own post: its 👍 are critique votes
    await world.ben.react(prompt, "🎉")
    await world.ada.say(thread, "stored")
    await world.bot.services.discussion.flush()
    count = await world.bot.db.fetchval("SELECT count(*) FROM discussion_reactions")
    assert count == 0


async def test_after_downtime_history_gives_the_counts_and_live_events_the_names(
    world: CohortWorld,
) -> None:
    thread = await run_thread(world)
    kept = await world.ada.say(thread, "first")
    dropped = await world.ada.say(thread, "second")
    await world.ben.react(kept, "👍")
    await world.ben.react(dropped, "🎉")
    await world.cy.react(dropped, "🎉")
    await world.stop_bot()
    await world.cy.react(kept, "👍", settle=False)  # who: unknown to the bot
    await world.mod.react(kept, BLOB, settle=False)
    await world.ben.unreact(dropped, "🎉", settle=False)
    late = await world.ben.say(thread, "said while down", settle=False)
    await world.ada.react(late, "👍", settle=False)
    await world.start_bot()
    assert await reactions(world, thread.id) == {
        kept.id: [MessageReaction(BLOB_KEY, "blob", 1, ()),
                  MessageReaction("👍", "👍", 2, (world.ben.id,))],
        # One of the two known names left while the bot was away: which one, only Discord
        # knows, so the count stays and the names go.
        dropped.id: [MessageReaction("🎉", "🎉", 1, ())],
        late.id: [MessageReaction("👍", "👍", 1, ())],
    }
    # Live again: a change is counted on top of what history showed.
    await world.ada.react(dropped, "🎉")
    assert (await reactions(world, thread.id))[dropped.id] == [
        MessageReaction("🎉", "🎉", 2, (world.ada.id,))]


async def test_a_deleted_message_takes_its_reactions_along(world: CohortWorld) -> None:
    thread = await run_thread(world)
    note = await world.ada.say(thread, "I regret this")
    await world.ben.react(note, "👍")
    await world.ada.delete(note)
    assert await reactions(world, thread.id) == {}


async def test_forget_me_takes_the_members_reactions_out_and_they_stay_out(
    world: CohortWorld,
) -> None:
    thread = await run_thread(world)
    note = await world.ada.say(thread, "a thought")
    own = await world.cy.say(thread, "cy's own message")
    await world.cy.react(note, "👍")
    await world.ben.react(note, "👍")
    await world.ben.react(own, "🎉")
    asked = await world.cy.slash("forget-me")
    assert "1 reaction on a thread message" in asked.response.content  # the 👍 on ada's
    assert "your reactions there" in asked.response.content  # stay on Discord, it says
    done = await world.cy.click(asked.response, component(asked.response, "Delete everything"))
    assert "Done: deleted" in done.updated_message.content
    expected = {note.id: [MessageReaction("👍", "👍", 1, (world.ben.id,))]}
    assert await reactions(world, thread.id) == expected
    # cy's 👍 is still on Discord: the next start does not read it back in.
    await world.restart()
    assert await reactions(world, thread.id) == expected
