"""Which channel a draft is written for, when the member did not say."""

from __future__ import annotations

import re

from bot.review.model import ReviewSettings
from bot.review.text import subject_line

_EMAIL_OPENING_RE = re.compile(r"^\s*(?:dear|to whom it may concern|good (?:morning|afternoon))\b",
                               re.IGNORECASE)
_EMAIL_SIGNOFF_RE = re.compile(
    r"^[ \t]*(?:best regards|kind regards|warm regards|regards|sincerely|best wishes|"
    r"many thanks|thank you|thanks|best|cheers|respectfully)[ \t]*,?[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)


def detect_channel(text: str, settings: ReviewSettings | None = None) -> str:
    """`email` when it has a subject line, or a letter's opening or sign-off and is longer than
    a note; `linkedin_note` when it fits the note limit; `linkedin_message` otherwise."""
    settings = settings or ReviewSettings()
    body = text.strip()
    if subject_line(body) is not None:
        return "email"
    if len(body) <= settings.linkedin_note_limit:
        return "linkedin_note"
    if _EMAIL_OPENING_RE.search(body) or _EMAIL_SIGNOFF_RE.search(body):
        return "email"
    return "linkedin_message"
