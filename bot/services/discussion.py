"""Capture of the discussion in open runs' threads: live messages, edits and deletes, the
reactions on them, and the backfill that reads back what was said while the bot was away.

Live capture queues rows in a `GroupWriter` (bot/discussion.py says why); the backfill reads
each open thread whole: what follows its cursor goes through the same writer (the cursor
moves only past groups that were committed, so a lost group is read again at the next
(re)connect), and what precedes it only corrects the stored messages, so an edit or a delete
made while the bot was away is in the database too. Nothing below the cursor is ever
inserted: `/forget-me` moves it past a forgotten member's messages. Reaction events queue in
the same writer (a reaction lands after its message); the backfill brings each new message's
reaction counts as history shows them (bot/discussion.py says what is known).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from datetime import datetime, timedelta
from typing import Protocol

from bot.clock import Clock, to_ms
from bot.discussion import DiscussionRow, GroupWriter, ReactionChange
from bot.export.times import first_snowflake_at
from bot.services.gate import MemberGate
from bot.services.ports import Gone, Refused
from storage import Database
from storage import discussion as discussion_store
from storage import runs as runs_store

log = logging.getLogger(__name__)

# A stored message the backfill does not meet in the thread counts as deleted only if it is
# older than the read by this much: Discord's clock and ours may differ by a little, and a
# message posted as the read went by is captured live, not missing.
CLOCK_MARGIN = timedelta(minutes=1)
REFRESH_GROUP = 2000  # rows below the cursor corrected per statement


class DiscussionPort(Protocol):
    """What Discord does for capture (cogs/discussion/_port.py)."""

    def history(self, thread_id: int) -> AsyncIterator[tuple[int, DiscussionRow | None]]:
        """The thread's messages, oldest first, as (message id, its row with its reactions;
        None for a bot's message, which is not stored). Raises `Gone` for a deleted thread
        and `Refused` for one the bot may not read."""
        ...


class DiscussionService:
    def __init__(self, db: Database, clock: Clock, port: DiscussionPort, *,
                 gate: MemberGate) -> None:
        self.db, self.clock, self.port, self.gate = db, clock, port, gate
        self.enabled = True  # the ingest benchmark compares with capture off
        self.threads: set[int] = set()
        self.writer: GroupWriter[DiscussionRow | ReactionChange] = GroupWriter(self._save)

    async def _save(self, rows: Sequence[DiscussionRow | ReactionChange]) -> None:
        await discussion_store.save_group(self.db, rows)

    async def refresh_threads(self) -> None:
        """Which threads belong to open runs now (runs call this when they open or close)."""
        self.threads = await runs_store.open_thread_ids(self.db)

    def captures(self, channel_id: int) -> bool:
        return self.enabled and channel_id in self.threads

    def capture(self, row: DiscussionRow) -> None:
        # Written in groups, later: one from a member being forgotten right now would land
        # after their rows are deleted (what was queued before is written first, then goes).
        if not self.gate.forgetting_now(row.author_id):
            self.writer.add(row)

    def react(self, change: ReactionChange) -> None:
        """A reaction added, removed or cleared on a message in a captured thread (one that
        is not stored, such as the bot's own post, is ignored when the group is written)."""
        if change.user_id is None or not self.gate.forgetting_now(change.user_id):
            self.writer.add(change)

    async def edit(self, message_id: int, content: str, edited_at: datetime | None) -> None:
        await self.writer.flush()  # the message itself may still be waiting in the queue
        when = edited_at or self.clock.now()
        await discussion_store.edit_message(self.db, message_id, content, to_ms(when))

    async def delete(self, message_id: int) -> None:
        await self.writer.flush()
        await discussion_store.delete_message(self.db, message_id, to_ms(self.clock.now()))

    async def flush(self) -> None:
        """Write what is queued (before reading the rows, or deleting a member's)."""
        await self.writer.flush()

    async def close(self) -> None:
        await self.writer.close()

    async def backfill(self) -> int:
        """Read every open thread again: new messages stored, edits and deletes made while the
        bot was away applied. Returns the messages stored after each thread's cursor."""
        await self.refresh_threads()
        total = 0
        for thread_id in sorted(self.threads):
            try:
                total += await self._backfill_thread(thread_id)
            except Gone:
                log.warning("thread %s is gone; nothing to backfill", thread_id)
            except Refused:
                log.warning("no access to thread %s; cannot backfill it", thread_id)
        if total:
            log.info("backfilled %d messages", total)
        return total

    async def _backfill_thread(self, thread_id: int) -> int:
        cursor = await discussion_store.backfill_cursor(self.db, thread_id)
        began = to_ms(self.clock.now() - CLOCK_MARGIN)
        stored, last_seen = 0, 0
        seen: set[int] = set()
        earlier: list[DiscussionRow] = []
        failures = self.writer.failed_groups
        # Through the same group writer as live capture: the next history page is fetched
        # while the previous group commits. Messages captured live since the last backfill
        # are read again (the message id is the key, so that is harmless).
        async for message_id, row in self.port.history(thread_id):
            last_seen = message_id
            seen.add(message_id)
            if row is None:
                continue
            if cursor is None or message_id > cursor:
                self.writer.add(row)
                stored += 1
            else:
                earlier.append(row)
                if len(earlier) >= REFRESH_GROUP:
                    await discussion_store.refresh_messages(self.db, earlier)
                    earlier = []
        await self.writer.flush()
        await discussion_store.refresh_messages(self.db, earlier)
        # The read went through the whole thread: what is stored and was not met is gone.
        gone = await discussion_store.stored_ids(
            self.db, thread_id, up_to=max(last_seen, first_snowflake_at(began))) - seen
        if gone:
            await discussion_store.delete_messages(self.db, sorted(gone),
                                                   to_ms(self.clock.now()))
            log.info("thread %s: %d messages deleted while I was away", thread_id, len(gone))
        if last_seen and self.writer.failed_groups == failures:
            await discussion_store.advance_cursor(self.db, thread_id, last_seen)
        return stored
