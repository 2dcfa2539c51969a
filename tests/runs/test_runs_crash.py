"""A posting cut short by a crash at the worst moment: Discord made the part (a message, a
thread, a forum post) but its answer never reached the bot. After the restart nothing of the
run is left behind, and the moderator's deferred `/lesson post` gets its answer.

The crash is the bot's command task cut short while the held request is in flight
(`tests.world.cut_short`). `tests/e2e/test_processes.py` does the same with a real `kill -9`.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest

from localdiscord.members import InteractionResult
from storage import runs as runs_store
from tests.world import CohortWorld, cut_short, post

LOADING = 128  # a deferred answer still "thinking"
CUT_SHORT = "I restarted in the middle of posting run #1"


async def crash_while_held(world: CohortWorld, route: str, *, channel: object = None,
                           after: bool = True,
                           down_for: timedelta = timedelta(0)) -> InteractionResult:
    """The moderator's /lesson post, the bot killed once `route` is held (handled by
    Discord, the answer kept back, when `after`), then started again after `down_for`; the
    held answer is released to nobody."""
    world.sandbox.faults.hold(route, after=after)
    asked = await world.mod.slash("lesson post", channel=channel or world.lessons,
                                  settle=False)
    assert await world.sandbox.faults.wait_for_held(within=10)  # Discord has it, not the bot
    assert cut_short("CommandTree-invoker")
    await world.stop_bot()
    world.sandbox.faults.release()
    if down_for:
        await world.clock.advance(down_for)
    await world.start_bot()
    await world.sandbox.settle()
    return asked


def answer_text(asked: InteractionResult) -> str:
    response = asked.response
    assert response is not None and not response.flags & LOADING, response
    return response.content


async def test_a_thread_made_but_never_confirmed_is_removed(world: CohortWorld) -> None:
    asked = await crash_while_held(world, "POST /channels/*/messages/*/threads")
    assert world.sandbox.threads(world.lessons) == []
    assert world.posts(world.lessons) == []
    assert CUT_SHORT in answer_text(asked)
    assert await runs_store.get_run(world.bot.db, 1) is None
    assert await post(world) == 2  # the next posting works as usual


async def test_a_message_made_but_never_confirmed_is_found_by_its_footer(
    world: CohortWorld,
) -> None:
    # The prompt, the first message of the posting: Discord made it, the bot has no id.
    asked = await crash_while_held(world, "POST /channels/*/messages")
    assert world.posts(world.lessons) == []
    assert CUT_SHORT in answer_text(asked)


async def test_a_forum_post_made_but_never_confirmed_is_removed(world: CohortWorld) -> None:
    forum = world.guild.critiques
    asked = await crash_while_held(world, "POST /channels/*/threads", channel=forum)
    assert world.sandbox.threads(forum) == []
    assert CUT_SHORT in answer_text(asked)


async def test_a_run_posted_but_never_announced_is_announced_after_the_restart(
    world: CohortWorld,
) -> None:
    # Everything is on Discord and the run is open; the answer itself never left the bot.
    asked = await crash_while_held(world, "POST /webhooks/*", after=False)
    text = answer_text(asked)
    assert text.startswith("Posted run #1 of **Networking with Professionals**"), text
    assert len(world.sandbox.threads(world.lessons)) == 3
    assert await runs_store.answer_of(world.bot.db, 1) is None  # the token is not kept


async def test_once_the_token_has_expired_the_moderator_is_told_by_dm(
    world: CohortWorld,
) -> None:
    asked = await crash_while_held(world, "POST /channels/*/messages/*/threads",
                                   down_for=timedelta(minutes=20))
    assert world.sandbox.threads(world.lessons) == []
    assert asked.response is not None and asked.response.flags & LOADING  # never editable
    (told,) = world.sandbox.dm_messages(world.mod)
    assert told.content.startswith("About your `/lesson post` of <t:")
    assert CUT_SHORT in told.content


async def test_a_posting_under_way_at_start_up_is_not_one_cut_short(world: CohortWorld) -> None:
    # A /lesson post can arrive as soon as the bot is connected, before its start-up has
    # removed the postings a crash cut short: the one under way is not one of them.
    world.sandbox.faults.hold("POST /channels/*/messages", after=False)
    asked = await world.mod.slash("lesson post", channel=world.lessons, settle=False)
    assert await world.sandbox.faults.wait_for_held(within=10)
    await world.bot.services.runs.resume()
    world.sandbox.faults.release()
    await world.sandbox.settle()
    assert "Posted run #1" in answer_text(asked)
    assert await runs_store.get_run(world.bot.db, 1) is not None


async def test_start_up_reading_stale_postings_as_a_run_is_created_leaves_it_be(
    world: CohortWorld, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The narrowest moment: the new run is committed, and start-up reads the stale postings
    # before the posting has said it is its own (a crash scenario caught it removing one).
    create_run = runs_store.create_run
    reads: list[asyncio.Task[None]] = []

    async def create_then_resume(*args: Any, **kw: Any) -> int | None:
        run_id = await create_run(*args, **kw)
        reads.append(asyncio.create_task(world.bot.services.runs.resume()))
        # Start-up goes as far as it can before this posting goes on: to its end, once it
        # has removed what it took for stale, or (as it should) to the posting's lock.
        await asyncio.wait(reads, timeout=1)  # (a bound: the post must still ack in 3 s)
        return run_id

    monkeypatch.setattr(runs_store, "create_run", create_then_resume)
    asked = await world.mod.slash("lesson post", channel=world.lessons)
    await asyncio.gather(*reads)
    await world.sandbox.settle()
    assert "Posted run #1" in answer_text(asked)
    run = await runs_store.get_run(world.bot.db, 1)
    assert run is not None and run.status == "open"
