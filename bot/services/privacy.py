"""/forget-me: everything the bot stores about a member, and deleting it all: the rows in one
transaction, the drafts in memory, the jobs of their reminders, the bot's posts of their
critiques and its replies in their DMs on Discord, and the summaries already posted redone
without their critiques and votes. What the member wrote in the lesson threads themselves
stays on Discord: a bot cannot delete other people's messages."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.services.discussion import DiscussionService
from bot.services.followups import FollowupsService
from bot.services.review import ReviewService
from bot.services.runs import RunsService
from storage import Database
from storage import privacy as privacy_store
from storage.privacy import MemberRecords

log = logging.getLogger(__name__)


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
    removed_posts: int  # critique posts deleted on Discord
    kept_posts: int  # critique posts Discord would not let the bot delete
    dm_replies: int  # the bot's messages deleted from the member's DMs
    summaries: int  # posted summaries redone without the member
    kept_summaries: int  # posted summaries Discord would not let the bot edit


class PrivacyService:
    def __init__(self, db: Database, discussion: DiscussionService, review: ReviewService,
                 followups: FollowupsService, runs: RunsService, port: PrivacyPort) -> None:
        self.db, self.discussion, self.review, self.port = db, discussion, review, port
        self.followups, self.runs = followups, runs

    async def stored(self, user_id: int) -> MemberRecords:
        return await privacy_store.stored_counts(self.db, user_id)

    async def forget(self, user_id: int) -> Forgetting:
        await self.discussion.flush()  # queued rows go first, or they would outlive this
        gone = await privacy_store.forget_member(self.db, user_id)
        self.review.forget_member(user_id)
        # Their reminders' jobs go with the rows, and one on its way arrives before the DM
        # replies are deleted (below), never after.
        await self.followups.forget_member(user_id)
        by_thread: dict[int, list[int]] = {}
        for thread_id, message_id in gone.critique_posts:
            by_thread.setdefault(thread_id, []).append(message_id)
        removed = 0
        for thread_id, message_ids in by_thread.items():
            removed += await self.port.delete_posts(thread_id, message_ids)
        summaries = await self.runs.refresh_summaries(gone.runs)
        replies = await self.port.delete_dm_replies(user_id)
        log.info("forgot a member: %d rows", gone.records.total)  # no id: they asked to go
        return Forgetting(gone.records.total, removed, len(gone.critique_posts) - removed,
                          replies, summaries.done, summaries.refused)
