"""Which channel a draft is written for: what the member typed for it, or, when they did not
say, what the draft looks like."""

from __future__ import annotations

import re

from bot.errors import UserError
from bot.review.model import CHANNELS, ReviewSettings
from bot.review.text import subject_line

_EMAIL_OPENING_RE = re.compile(r"^\s*(?:dear|to whom it may concern|good (?:morning|afternoon))\b",
                               re.IGNORECASE)
_EMAIL_SIGNOFF_RE = re.compile(
    r"^[ \t]*(?:best regards|kind regards|warm regards|regards|sincerely|best wishes|"
    r"many thanks|thank you|thanks|best|cheers|respectfully)[ \t]*,?[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)


# What members type for a channel, besides the channel ids themselves.
_ALIASES = {"note": "linkedin_note", "connection_note": "linkedin_note",
            "message": "linkedin_message", "linkedin": "linkedin_message", "mail": "email",
            "e_mail": "email"}


def parse_channel(value: str | None) -> str | None:
    """What a member typed for the channel -> a channel id, None for 'detect'."""
    if value is None or not value.strip():
        return None
    key = value.strip().lower().replace(" ", "_").replace("-", "_")
    key = _ALIASES.get(key, key)
    if key not in CHANNELS:
        raise UserError(f"Unknown channel `{value.strip()[:40]}`: use linkedin_note, "
                        "linkedin_message or email (or leave it blank to detect).")
    return key


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
