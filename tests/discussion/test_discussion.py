"""Capture end to end: messages in open runs' threads stored, edited and deleted, attachments
and replies, what is not captured, and the backfill after downtime or a failed commit."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.export.times import snowflake_ms
from storage import discussion as discussion_store
from tests.world import (
    CohortWorld,
    post,
)


async def test_thread_messages_are_captured_edited_and_deleted(world: CohortWorld) -> None:
    await post(world)
    thread = world.sandbox.threads(world.lessons)[0]
    first = await world.ada.say(thread, "I think the ask is too vague")
    reply = await world.ben.say(thread, "Agreed @everyone", reply_to=first,
                                attachments=[("notes.txt", b"hello")])
    await world.ada.edit(first, "I think the ask is far too vague")
    await world.ben.delete(reply)
    await world.bot.services.discussion.flush()
    rows = await discussion_store.thread_messages(world.bot.db, thread.id)
    assert [r.content for r in rows] == ["I think the ask is far too vague", None]
    assert rows[0].edited_at is not None
    assert rows[1].reply_to_id == first.id and rows[1].deleted_at is not None
    assert rows[1].attachments == ()


async def test_bot_messages_and_other_channels_are_not_captured(world: CohortWorld) -> None:
    await post(world)
    await world.ada.say(world.lessons, "general chatter, not in a run thread")
    await world.bot.services.discussion.flush()
    assert await discussion_store.count_messages(world.bot.db) == 0


@pytest.mark.parametrize("while_down", [False, True], ids=["live", "backfilled"])
async def test_attachments_replies_and_edits_are_captured(
    world: CohortWorld, while_down: bool,
) -> None:
    # Live capture makes its rows from discord.py's Message, the backfill from the raw history
    # pages (cogs/discussion/_port.py: history_row): the same rows either way.
    await post(world)
    thread = world.sandbox.threads(world.lessons)[2]
    first = await world.cy.say(thread, "See my annotated version")
    if while_down:
        await world.stop_bot()
    reply = await world.ada.say(thread, "Nice", reply_to=first, settle=not while_down,
                                attachments=[("annotated.png", b"\x89PNG" + b"\0" * 100)])
    await world.ada.edit(reply, "Nice, and look at the second page", settle=not while_down)
    if while_down:
        await world.start_bot()
    await world.bot.services.discussion.flush()
    rows = await discussion_store.thread_messages(world.bot.db, thread.id)
    assert [(r.message_id, r.author_name.lower(), r.content, r.reply_to_id) for r in rows] == [
        (first.id, "cy", "See my annotated version", None),
        (reply.id, "ada", "Nice, and look at the second page", first.id)]
    assert rows[0].edited_at is None and rows[1].edited_at is not None
    assert rows[1].created_at == snowflake_ms(reply.id)
    (attachment,) = rows[1].attachments
    assert (attachment.filename, attachment.size) == ("annotated.png", 104)
    assert attachment.url.startswith("http")


async def test_messages_posted_while_the_bot_was_down_are_backfilled(
    world: CohortWorld,
) -> None:
    await post(world)
    thread = world.sandbox.threads(world.lessons)[0]
    await world.ada.say(thread, "before the restart")
    await world.stop_bot()
    for i in range(130):  # more than one history page
        await world.ben.say(thread, f"while down {i}", settle=False)
    await world.start_bot()
    rows = await discussion_store.thread_messages(world.bot.db, thread.id)
    assert len(rows) == 131
    assert rows[-1].content == "while down 129"
    # Backfilling again stores nothing twice.
    assert await world.bot.services.discussion.backfill() == 0


async def test_edits_and_deletes_made_while_the_bot_was_down_reach_the_database(
    world: CohortWorld,
) -> None:
    await post(world)
    thread = world.sandbox.threads(world.lessons)[0]
    kept = await world.ada.say(thread, "first version")
    gone = await world.ben.say(thread, "about to go")
    last = await world.cy.say(thread, "the last word, deleted too")
    await world.restart()  # its backfill moves the cursor past all three
    await world.stop_bot()
    await world.ada.edit(kept, "second version", settle=False)
    await world.ben.delete(gone, settle=False)
    await world.cy.delete(last, settle=False)  # nothing after it on Discord now
    await world.clock.advance(timedelta(minutes=5))
    await world.start_bot()
    rows = await discussion_store.thread_messages(world.bot.db, thread.id)
    assert [(r.content, r.deleted_at is not None) for r in rows] == [
        ("second version", False), (None, True), (None, True)]
    assert rows[0].edited_at is not None


async def test_a_group_that_failed_to_commit_is_recovered_by_the_backfill(
    world: CohortWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    await post(world)
    thread = world.sandbox.threads(world.lessons)[0]
    capture = world.bot.services.discussion
    real_save = discussion_store.save_group
    failed = []

    async def failing_once(db: Any, rows: Any) -> None:
        if not failed:
            failed.append(len(rows))
            raise OSError("disk full")
        await real_save(db, rows)

    monkeypatch.setattr(discussion_store, "save_group", failing_once)
    await world.ada.say(thread, "lost in a failed commit")
    await capture.flush()
    await world.ben.say(thread, "stored fine")
    await capture.flush()
    assert failed == [1]
    await world.restart()
    rows = await discussion_store.thread_messages(world.bot.db, thread.id)
    assert [r.content for r in rows] == ["lost in a failed commit", "stored fine"]
