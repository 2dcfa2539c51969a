"""/forget-me: everything the bot stores about a member, and deleting it all (the rows in one
transaction, the drafts in memory, the jobs of their reminders, and the bot's posts of their
critiques on Discord)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.services.discussion import DiscussionService
from bot.services.followups import FollowupsService
from bot.services.review import ReviewService
from storage import Database
from storage import privacy as privacy_store
from storage.privacy import MemberRecords

log = logging.getLogger(__name__)


class PrivacyPort(Protocol):
    """What Discord does for /forget-me (cogs/privacy/_port.py)."""

    async def delete_posts(self, thread_id: int, message_ids: Sequence[int]) -> int:
        """Delete the bot's posts in a thread, archived or not; returns how many are gone."""
        ...


@dataclass(frozen=True)
class Forgetting:
    """What /forget-me did."""

    records: int  # rows deleted
    removed_posts: int  # critique posts deleted on Discord
    kept_posts: int  # critique posts Discord would not let the bot delete


class PrivacyService:
    def __init__(self, db: Database, discussion: DiscussionService, review: ReviewService,
                 followups: FollowupsService, port: PrivacyPort) -> None:
        self.db, self.discussion, self.review, self.port = db, discussion, review, port
        self.followups = followups

    async def stored(self, user_id: int) -> MemberRecords:
        return await privacy_store.stored_counts(self.db, user_id)

    async def forget(self, user_id: int) -> Forgetting:
        await self.discussion.flush()  # queued rows go first, or they would outlive this
        gone = await privacy_store.forget_member(self.db, user_id)
        self.review.forget_member(user_id)
        self.followups.forget_member(user_id)  # their reminders' jobs go with the rows
        by_thread: dict[int, list[int]] = {}
        for thread_id, message_id in gone.critique_posts:
            by_thread.setdefault(thread_id, []).append(message_id)
        removed = 0
        for thread_id, message_ids in by_thread.items():
            removed += await self.port.delete_posts(thread_id, message_ids)
        log.info("forgot member %s: %d rows", user_id, gone.records.total)
        return Forgetting(gone.records.total, removed, len(gone.critique_posts) - removed)
