"""`review()`: one draft in, one `Review` out. Pure and deterministic."""

from __future__ import annotations

from bot.review import patterns as P
from bot.review.channel import detect_channel
from bot.review.model import (
    CHANNELS,
    SEVERITY_ORDER,
    Finding,
    Review,
    ReviewSettings,
    Stats,
)
from bot.review.rules import RULES, Context
from bot.review.score import SPEAKS_ALONE, assign_points, clamp, verdict, vocabulary_finding
from bot.review.text import (
    body_bounds,
    compute_stats,
    lowered,
    sentences,
    subject_line,
    words_of,
)
from bot.review.vocabulary import VOCABULARY, Terms
from bot.review.weights import WEIGHTS

_DEFAULT_SETTINGS = ReviewSettings()


def review(
    text: str,
    *,
    channel: str | None = None,
    followup: bool = False,
    attempt: int = 1,
    settings: ReviewSettings = _DEFAULT_SETTINGS,
) -> Review:
    """Review one outreach draft against the lesson's rubric.

    `channel` is one of `CHANNELS` or None to detect it. `attempt` is which attempt this
    message would be (1 = first message); attempt 2 or more implies a follow-up, and a
    follow-up is reported as attempt 2 at least. Offsets in
    the findings are indices into `text` (Python str, i.e. code points). Raises ValueError
    only for an unknown channel or an attempt below 1; any text is accepted (length limits
    are the caller's business: see `is_reviewable`).
    """
    if channel is not None and channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}; expected one of {', '.join(CHANNELS)}")
    if attempt < 1:
        raise ValueError(f"attempt must be 1 or more, got {attempt}")
    detected = channel is None
    chan = detect_channel(text, settings) if channel is None else channel
    low = lowered(text)
    said = _attempt_said(low)
    attempt_detected = said > attempt
    attempt = max(attempt, said)
    followup = followup or attempt >= 2
    if followup:
        attempt = max(attempt, 2)  # a follow-up is at least the second attempt
    sents = sentences(text)
    words = words_of(low)
    stats = compute_stats(text, sents, words)
    if stats.words == 0:
        return Review(0, "unlikely", chan, detected, (), stats, followup, attempt,
                      base=0, probability=WEIGHTS.probability(0), attempt_detected=attempt_detected)

    subj = subject_line(text) if chan == "email" else None
    body_start, body_end = body_bounds(text, subj)
    ctx = Context(
        text=text,
        norm=low,
        channel=chan,
        followup=followup,
        attempt=attempt,
        settings=settings,
        sentences=tuple(sents),
        stats=stats,
        body_start=body_start,
        body_end=body_end,
        subject=subj,
        # the body's words: all but the subject line's (nothing but spaces follows body_end)
        body_words=len(words) - len(words_of(low, 0, body_start)),
        words=tuple(words),
    )
    found: list[Finding] = []
    for rule in RULES:
        found.extend(rule(ctx))
    if WEIGHTS.vocabulary:
        wording = vocabulary_finding(text, Terms(low, body_start, body_end), VOCABULARY,
                                     WEIGHTS.vocabulary)
        # Beside the lesson's "Beware!" about personal accounts (`score.SPEAKS_ALONE`) the
        # rule speaks alone: no word ("LinkedIn") weighs against the draft it corrects.
        if wording is not None and not any(f.rule in SPEAKS_ALONE for f in found):
            found.append(wording)
    found.sort(key=lambda f: (SEVERITY_ORDER[f.severity], f.start, f.end, f.rule))
    scored, raw = assign_points(found, WEIGHTS, settings.likely_at)
    value = clamp(raw)
    return Review(value, verdict(value, settings), chan, detected, scored, stats, followup,
                  attempt, base=WEIGHTS.base, probability=WEIGHTS.probability(raw),
                  attempt_detected=attempt_detected)


def _attempt_said(low: str) -> int:
    """Which attempt the draft itself says it is: 3 for "following up again", 2 for "following
    up on my note", else 1. A member's attempt field can only be raised by it, never lowered."""
    if P.found_in(P.THIRD_ATTEMPT, low):
        return 3
    return 2 if P.found_in(P.FOLLOWUP_CUE, low) else 1


__all__ = ["Review", "ReviewSettings", "Stats", "review"]
