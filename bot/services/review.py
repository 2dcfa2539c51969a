"""Draft review: checking what a member sent, the per-member hourly limit, and the drafts held
in memory (never on disk) so the buttons under a review can find them."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from bot.clock import Clock, from_ms, timestamp_markup, to_ms
from bot.config import ReviewLimits
from bot.display import duration, plural
from bot.errors import NotSaved, UserError
from bot.limits import INTERACTION_TOKEN
from bot.review import Draft, DraftBook, ReviewSettings, is_reviewable, review
from bot.review.reviewable import too_long
from bot.review.text import syllables
from bot.services.gate import MemberGate
from storage import Database
from storage import review as review_store

RATE_WINDOW = timedelta(hours=1)
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Unanswered:
    """Why a member's DMed draft got no answer: their DMs are closed to the bot
    (`error_id` None), or Discord refused or failed the answer (the id of its log line)."""

    error_id: str | None = None


class ReviewService:
    def __init__(self, db: Database, clock: Clock, limits: ReviewLimits, *,
                 gate: MemberGate) -> None:
        self.db, self.clock, self.limits, self.gate = db, clock, limits, gate
        self.settings = ReviewSettings(linkedin_note_limit=limits.linkedin_note_limit)
        self._drafts = DraftBook()
        # Members whose DMed draft got no answer (their DMs closed to the bot, or Discord
        # refused or failed it): ids only, in memory; they are told at their next DM, or
        # under the answer to their next command, button or form.
        self._unanswered: dict[int, Unanswered] = {}

    def check_text(self, text: str) -> None:
        """`UserError` for a draft the bot will not review (too long, a greeting, ...)."""
        over = too_long(text, self.limits.max_chars)  # (the config may set it lower)
        if over is not None:
            raise UserError(over)
        ok, reason = is_reviewable(text)
        if not ok:
            raise UserError(reason)

    async def review(self, user_id: int, text: str, *, channel: str | None,
                     attempt: int) -> Draft:
        """Review the member's draft (it counts against their hourly limit)."""
        self.check_text(text)
        # Review first (pure, microseconds): a draft the reviewer refuses costs no slot.
        followup = attempt > 1
        result = review(text, channel=channel, followup=followup, attempt=attempt,
                        settings=self.settings)
        now = self.clock.now()
        limit = self.limits.rate_limit_per_hour
        async with self.gate.writing(user_id):
            try:
                again_ms = await review_store.take_review_slot(
                    self.db, user_id, to_ms(now), int(RATE_WINDOW.total_seconds() * 1000), limit
                )
            except NotSaved as exc:
                # The review stores nothing but this count: while the disk is full the member
                # still gets their review, uncounted, rather than no review at all.
                log.warning("review by %s not counted against the hourly limit: %s", user_id,
                            exc)
                again_ms = None
        if again_ms is not None:
            again = from_ms(again_ms)
            # A wait longer than a refused form is held: "Edit and send again" could only be
            # refused again, so the form gives the draft back instead.
            raise UserError(f"You've had {plural(limit, 'review')} in the last hour. Try again "
                            f"in {duration(again - now)} (at {timestamp_markup(again, 't')}).",
                            final=again - now > INTERACTION_TOKEN)
        return Draft(user_id, text, result, channel, followup, attempt, now)

    # --- drafts, by the bot's review message ----------------------------------------------------

    def keep(self, message_id: int, draft: Draft) -> None:
        self._drafts.put(message_id, draft)

    def held(self, message_id: int, user_id: int) -> Draft | None:
        """The member's draft under this review; None once it is forgotten (after a day or a
        restart), when the buttons that can do without it still work."""
        return self._drafts.get(message_id, user_id, self.clock.now())

    def draft(self, message_id: int, user_id: int) -> Draft:
        """The member's draft under this review; `UserError` once it is forgotten."""
        draft = self.held(message_id, user_id)
        if draft is None and self._drafts.deleted(message_id):
            raise UserError("I deleted that draft when you used /forget-me, so I can't list "
                            "its findings. Send it again if you still want a review.")
        if draft is None:
            raise UserError("I no longer hold that draft: I keep drafts in memory only (never "
                            "on disk) and forget them after a day or a restart, so I can't "
                            "list its findings. Press “Revise” and paste it in again, or send "
                            "it again. “I sent it” and “Forget this draft” still work "
                            "without it.")
        return draft

    def forget(self, message_id: int) -> None:
        self._drafts.forget(message_id)

    def held_about(self, user_id: int) -> int:
        return self._drafts.count_user(user_id)

    def forget_member(self, user_id: int) -> int:
        """/forget-me (bot/services/privacy.py: Forgettable): the member's drafts, and the
        reviewer's cache of words, which holds words of everyone's drafts and cannot tell
        whose (it fills again as drafts come)."""
        syllables.cache_clear()
        self._unanswered.pop(user_id, None)
        return self._drafts.forget_user(user_id)

    # --- a DMed draft the bot could not answer ----------------------------------------------

    def could_not_answer(self, user_id: int, error_id: str | None = None) -> None:
        self._unanswered[user_id] = Unanswered(error_id)

    def owes_answer(self, user_id: int) -> Unanswered | None:
        """Why the member's last DMed draft went unanswered, if it did and they have not
        been told since (`told`, once telling them worked)."""
        return self._unanswered.get(user_id)

    def told(self, user_id: int) -> None:
        self._unanswered.pop(user_id, None)
