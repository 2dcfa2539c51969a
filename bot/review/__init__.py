"""The draft reviewer: pure functions, text in, findings out.

    from bot.review import review, is_reviewable, ReviewSettings
    r = review(draft, channel=None, followup=False, attempt=1)
    r.score, r.verdict, r.findings, r.stats

Imports neither discord nor aiosqlite. Thresholds and their sources: docs/review.md.
"""

from __future__ import annotations

from bot.review.channel import detect_channel, parse_channel
from bot.review.core import review
from bot.review.drafts import Draft, DraftBook
from bot.review.model import (
    CHANNEL_NAMES,
    CHANNELS,
    MAX_DRAFT_CHARS,
    Finding,
    Review,
    ReviewSettings,
    Severity,
    Stats,
    Verdict,
)
from bot.review.reviewable import MIN_DRAFT_WORDS, is_one_liner, is_reviewable

__all__ = [
    "CHANNELS",
    "CHANNEL_NAMES",
    "MAX_DRAFT_CHARS",
    "MIN_DRAFT_WORDS",
    "Draft",
    "DraftBook",
    "Finding",
    "Review",
    "ReviewSettings",
    "Severity",
    "Stats",
    "Verdict",
    "detect_channel",
    "is_one_liner",
    "is_reviewable",
    "parse_channel",
    "review",
]
