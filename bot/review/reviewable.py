"""Whether a DM is a draft to review, or a greeting / one-liner that should get help instead."""

from __future__ import annotations

import re

from bot.review.language import foreign_language
from bot.review.model import MAX_DRAFT_CHARS
from bot.review.text import WORD_RE, normalise, sentences
from bot.visible import is_blank

#: Fewer words than this is a greeting or a one-liner, not a draft.
MIN_DRAFT_WORDS = 8

_OUTREACH_RE = re.compile(
    r"\b(?:you|your|yours|connect\w*|reach(?:ing)? out|network\w*|question|advice|chat|call|"
    r"coffee|meet|learn|interested|introduc\w*|referr\w*|opportunit\w*|career|role|job|"
    r"follow(?:ing)?[- ]up|dear|hi|hello)\b",
    re.IGNORECASE,
)


def is_one_liner(text: str) -> bool:
    """A greeting, a one-liner or nothing at all: fewer than `MIN_DRAFT_WORDS` words, in a
    text that is not in another language (Chinese or Japanese runs words together without
    spaces: a whole draft would count as a few). What the DM answer adds its help to."""
    stripped = text.strip()
    if stripped and foreign_language(stripped) is not None:
        return False
    return len(WORD_RE.findall(stripped)) < MIN_DRAFT_WORDS


def too_long(text: str, limit: int = MAX_DRAFT_CHARS) -> str | None:
    """Why a draft over `limit` characters (the bot's configured one, or the most it ever
    takes) is not reviewed; None when it fits."""
    if len(text) <= limit:
        return None
    return (f"The draft is {len(text):,} characters; the limit is {limit:,}. "
            "Cold outreach works best short: cut it down and send it again.")


def is_reviewable(text: str) -> tuple[bool, str]:
    """(True, "") for a draft worth reviewing, else (False, a reason to show the member): the
    same answer by DM, /review and `cohortbot review`."""
    stripped = text.strip()
    if is_blank(stripped):
        return False, "The draft is empty: paste the message you plan to send."
    if (over := too_long(text)) is not None:
        return False, over
    # Before the word count: a draft in Chinese or Japanese has few "words" (no spaces), and
    # telling its writer it is a one-liner would be false.
    language = foreign_language(stripped)
    if language is not None:
        return False, (
            f"I review drafts in English only, and this one looks like it is in {language}: "
            "the lesson's rubric looks for English phrasing, so a score would mean nothing. "
            "If you will send it in English, paste the English version."
        )
    if is_one_liner(stripped):
        return False, (
            "That looks like a greeting or a one-liner rather than a draft. Paste the whole "
            "message you plan to send (a LinkedIn note, message or email) and I will review it."
        )
    norm = normalise(stripped)
    if not any(_OUTREACH_RE.search(s.text) for s in sentences(norm)):
        return False, (
            "This does not read like an outreach message to someone. Paste the draft you "
            "would send them, addressed to them."
        )
    return True, ""
