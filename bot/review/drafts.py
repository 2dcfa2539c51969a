"""Drafts under review, held in memory only.

A draft is private: it reaches the database only when its author logs the outreach as sent
and agrees to keep it. Until then it lives here, keyed by the bot's review message, so the
buttons under a review (Revise, I sent it, ...) can find it. A restart forgets every draft,
which is the point; the buttons then say so plainly.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.review.model import Review

KEEP_FOR = timedelta(hours=24)
MAX_DRAFTS = 5000  # a bound on memory, whatever happens


@dataclass(frozen=True)
class Draft:
    user_id: int
    text: str
    result: Review
    channel: str | None  # what the member asked for; None = detect
    followup: bool
    attempt: int
    created: datetime

    def revised(self, text: str, result: Review, now: datetime) -> Draft:
        return replace(self, text=text, result=result, created=now)


class DraftBook:
    def __init__(self) -> None:
        self._drafts: OrderedDict[int, Draft] = OrderedDict()
        # Review messages whose drafts /forget-me deleted (ids only), so their buttons say so.
        self._deleted: OrderedDict[int, None] = OrderedDict()

    def put(self, message_id: int, draft: Draft) -> None:
        self._drafts[message_id] = draft
        self._drafts.move_to_end(message_id)
        while len(self._drafts) > MAX_DRAFTS:
            self._drafts.popitem(last=False)

    def get(self, message_id: int, user_id: int, now: datetime) -> Draft | None:
        draft = self._drafts.get(message_id)
        if draft is None or draft.user_id != user_id:
            return None
        if now - draft.created > KEEP_FOR:
            del self._drafts[message_id]
            return None
        return draft

    def forget(self, message_id: int) -> None:
        self._drafts.pop(message_id, None)

    def count_user(self, user_id: int) -> int:
        return sum(d.user_id == user_id for d in self._drafts.values())

    def forget_user(self, user_id: int) -> int:
        gone = [k for k, d in self._drafts.items() if d.user_id == user_id]
        for key in gone:
            del self._drafts[key]
            self._deleted[key] = None
        while len(self._deleted) > MAX_DRAFTS:
            self._deleted.popitem(last=False)
        return len(gone)

    def deleted(self, message_id: int) -> bool:
        """Whether /forget-me deleted the draft under this review."""
        return message_id in self._deleted
