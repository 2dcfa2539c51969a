"""Capturing the discussion in a run's threads, in small groups: the captured message, the
reactions on it, and the writer that stores them.

Discord can deliver thousands of messages a second; SQLite with synchronous=FULL commits a few
thousand single-row transactions a second. So captured messages wait in a short queue and are
written in one transaction per group. The window is short (a few milliseconds), and nothing is
lost if the bot dies inside it: the backfill at the next start re-reads the threads from the
point its cursor has read up to, and live capture never moves that cursor.

Reactions on captured messages travel the same queue, so each lands after its message. Live
events say who reacted; the history the backfill reads says only how many (per emoji), so
after downtime the counts are Discord's and the names are those the bot saw react
(storage/migrations/0008_discussion_reactions.sql has the rules that keep the two consistent).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from enum import StrEnum
from typing import Generic, NamedTuple, TypeVar

from bot.errors import NotSaved

log = logging.getLogger(__name__)

Row = TypeVar("Row")


class AttachmentRow(NamedTuple):
    """A file attached to a captured message (its link; the bot keeps no copy)."""

    attachment_id: int
    filename: str
    url: str
    size: int


class ReactionCount(NamedTuple):
    """One emoji on a message as Discord's history shows it: how many, not who."""

    emoji: str  # the unicode emoji, or a custom emoji's id (the key: a custom name can change)
    name: str  # what it shows: the unicode emoji, or the custom emoji's name
    total: int  # (not `count`: a tuple has a method of that name)


# NamedTuples, not dataclasses: capture builds one per message at burst rates, and a tuple is
# both the cheapest to build and already the JSON array `save_group` sends to SQLite.
class DiscussionRow(NamedTuple):
    """A member's message in a run's thread, as captured. Times are UTC epoch milliseconds.

    `reactions` is what the message's history showed (the backfill), or None for a live
    message, which is new and has none yet (live reactions come as `ReactionChange`)."""

    message_id: int
    thread_id: int
    author_id: int
    author_name: str
    content: str | None
    reply_to_id: int | None
    created_at: int
    edited_at: int | None = None
    deleted_at: int | None = None
    attachments: tuple[AttachmentRow, ...] = ()
    reactions: tuple[ReactionCount, ...] | None = None


class ReactionKind(StrEnum):
    ADDED = "added"  # a member reacted
    REMOVED = "removed"  # a member took their reaction back
    CLEARED = "cleared"  # a moderator removed all reactions, or all of one emoji


class ReactionChange(NamedTuple):
    """A live reaction event on a message in a run's thread. Changes queue in the same group
    writer as the messages, so a reaction is stored after the message it is on."""

    kind: ReactionKind
    message_id: int
    emoji: str | None  # None for CLEARED of every emoji (see ReactionCount for the key)
    name: str | None = None
    user_id: int | None = None
    user_name: str | None = None


class MessageReaction(NamedTuple):
    """One emoji on a stored message: Discord's count, and the members known to have reacted
    (at most `total`; fewer when some reacted while the bot was away)."""

    emoji: str
    name: str
    total: int
    user_ids: tuple[int, ...]


def reaction_key(name: str | None, custom_id: int | None) -> tuple[str, str]:
    """(key, shown name) of an emoji (see ReactionCount): a custom emoji is known by its id."""
    shown = name or "emoji"  # Discord sends no name for a custom emoji that was deleted
    return (str(custom_id) if custom_id else shown), shown


class GroupWriter(Generic[Row]):
    """Queue rows; write them with `save(rows)` in groups of up to `max_rows`.

    A group is written when it is full, or `window` seconds after its first row arrived.
    """

    def __init__(
        self,
        save: Callable[[Sequence[Row]], Awaitable[None]],
        *,
        max_rows: int = 2000,
        window: float = 0.05,
    ) -> None:
        self._save = save
        self._max_rows = max_rows
        self._window = window
        self._pending: list[Row] = []
        self._timer: asyncio.Task[None] | None = None
        self._immediate = False  # the scheduled flush runs at once (a full group)
        self._flush_lock = asyncio.Lock()
        self.written = 0
        self.failed_groups = 0  # the backfill does not move its cursor past a failure

    def add(self, row: Row) -> None:
        self._pending.append(row)
        if len(self._pending) >= self._max_rows:
            self._schedule(0)
        else:
            self._schedule(self._window)

    def _schedule(self, delay: float) -> None:
        """One flush task at a time; a full group cuts a waiting window short."""
        timer = self._timer
        if timer is not None:
            if delay > 0 or self._immediate:
                return
            timer.cancel()
        self._immediate = delay == 0
        self._timer = asyncio.get_running_loop().create_task(
            self._flush_after(delay), name="cohortbot:capture-flush"
        )

    async def _flush_after(self, delay: float) -> None:
        if delay:
            await asyncio.sleep(delay)
        # From here on, rows that arrive go to the next group and schedule its own flush.
        self._timer = None
        self._immediate = False
        await self.flush()

    async def flush(self) -> None:
        """Write everything queued so far (callers use it before an edit or a delete)."""
        async with self._flush_lock:
            while self._pending:
                group, self._pending = (
                    self._pending[: self._max_rows],
                    self._pending[self._max_rows :],
                )
                try:
                    await self._save(group)
                except Exception as exc:
                    # The backfill re-reads the thread later; dropping the group here keeps one
                    # bad row from wedging capture for everyone.
                    self.failed_groups += 1
                    if isinstance(exc, NotSaved):  # the disk, not a bug: one line
                        log.error("could not store %d captured messages: %s", len(group), exc)
                    else:
                        log.exception("could not store %d captured messages", len(group))
                else:
                    self.written += len(group)

    @property
    def pending(self) -> int:
        return len(self._pending)

    async def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        await self.flush()
