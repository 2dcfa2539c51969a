"""/forget-me: everything the bot stores about a member, and deleting it all: the rows in one
transaction, what it holds in memory about them (every `Forgettable` registered with
`PrivacyService.holds`: the drafts under reviews, the forms they have open or had refused),
the jobs of their reminders, the bot's posts of their
critiques and its replies in their DMs on Discord, and the summaries already posted redone
without their critiques and votes. What the member wrote in the lesson threads themselves
stays on Discord: a bot cannot delete other people's messages."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.clock import from_ms
from bot.services.critiques import CritiquesService
from bot.services.discussion import DiscussionService
from bot.services.followups import FollowupsService
from bot.services.gate import MemberGate
from bot.services.runs import RunsService
from storage import Database
from storage import privacy as privacy_store
from storage.privacy import MemberRecords

log = logging.getLogger(__name__)


class Forgettable(Protocol):
    """Something the bot holds in memory about members (drafts, forms, anything keyed by a
    member that holds what they wrote). Each registers once at start-up with
    `PrivacyService.holds`, so /forget-me reaches it without knowing who holds what (the
    forms are the cogs', which the service must not import)."""

    def held_about(self, user_id: int) -> int:
        """How many things it holds about the member (what /forget-me asks to confirm)."""
        ...

    def forget_member(self, user_id: int) -> int:
        """Drop everything held about the member; returns how many things went."""
        ...


class PrivacyPort(Protocol):
    """What Discord does for /forget-me (cogs/privacy/_port.py)."""

    async def delete_posts(self, thread_id: int, message_ids: Sequence[int]) -> int:
        """Delete the bot's posts in a thread, archived or not; returns how many are gone."""
        ...

    async def delete_dm_replies(self, user_id: int) -> int:
        """Delete the bot's own messages in its DM with the member (its reviews quote their
        drafts); returns how many."""
        ...


@dataclass(frozen=True)
class Forgetting:
    """What /forget-me did."""

    records: int  # rows deleted
    takedowns: int  # moderators' take-downs of their critiques, kept without their id
    removed_posts: int  # critique posts deleted on Discord
    kept_posts: int  # critique posts Discord would not let the bot delete
    dm_replies: int  # the bot's messages deleted from the member's DMs
    summaries: int  # posted summaries redone without the member
    kept_summaries: int  # posted summaries Discord would not let the bot edit


class PrivacyService:
    def __init__(self, db: Database, discussion: DiscussionService,
                 followups: FollowupsService, runs: RunsService, critiques: CritiquesService,
                 port: PrivacyPort, *, gate: MemberGate) -> None:
        self.db, self.discussion, self.port, self.gate = db, discussion, port, gate
        self.followups, self.runs, self.critiques = followups, runs, critiques
        self._memory: list[Forgettable] = []

    def holds(self, store: Forgettable) -> None:
        """Register an in-memory store that /forget-me must empty of the member."""
        self._memory.append(store)

    async def stored(self, user_id: int) -> MemberRecords:
        return await privacy_store.stored_counts(self.db, user_id)

    async def restored_at(self) -> datetime | None:
        """When the database was last restored from a backup, if ever: what the bot posted
        between that backup and then (a critique's post in a thread) is on Discord, and it
        has no record to find it by."""
        restored = await privacy_store.last_restore(self.db)
        return from_ms(restored) if restored is not None else None

    def in_memory(self, user_id: int) -> int:
        """Drafts and forms of the member held in memory only (never on disk)."""
        return sum(store.held_about(user_id) for store in self._memory)

    async def forget(self, user_id: int) -> Forgetting:
        """Everything about the member, deleted. Their writes under way finish first (and go
        with the rest); any of theirs sent before this and not yet written is refused
        (bot/services/gate.py), so nothing they sent outlives it."""
        async with self.gate.forgetting(user_id):
            return await self._forget(user_id)

    async def _forget(self, user_id: int) -> Forgetting:
        for store in self._memory:  # first: a form open on their screen is refused from now
            store.forget_member(user_id)
        await self.discussion.flush()  # queued rows go first, or they would outlive this
        gone = await privacy_store.forget_member(self.db, user_id)
        for store in self._memory:  # and what came in while the rows went
            store.forget_member(user_id)
        # Their reminders' jobs go with the rows, and one on its way arrives before the DM
        # replies are deleted (below), never after.
        await self.followups.forget_member(user_id)
        posts = list(gone.critique_posts)
        for thread_id, critique_id in gone.unnoted_posts:
            if (found := await self.critiques.unnoted_post(thread_id, critique_id)) is not None:
                posts.append((thread_id, found))
        by_thread: dict[int, list[int]] = {}
        for thread_id, message_id in posts:
            by_thread.setdefault(thread_id, []).append(message_id)
        removed = 0
        for thread_id, message_ids in by_thread.items():
            removed += await self.port.delete_posts(thread_id, message_ids)
        summaries = await self.runs.refresh_summaries(gone.runs)
        replies = await self.port.delete_dm_replies(user_id)
        log.info("forgot a member: %d rows", gone.records.total)  # no id: they asked to go
        return Forgetting(gone.records.deleted, gone.records.takedowns, removed,
                          len(posts) - removed, replies, summaries.done, summaries.refused)
