"""Frozen dataclasses the reviewer returns. Plain data: no Discord, no database."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["problem", "warning", "tip", "good"]
Verdict = Literal["likely", "maybe", "unlikely"]

#: Order findings are listed in (then by position in the draft).
SEVERITY_ORDER: dict[str, int] = {"problem": 0, "warning": 1, "tip": 2, "good": 3}

#: Channels the reviewer knows; `None` means "detect it".
CHANNELS: tuple[str, ...] = ("linkedin_note", "linkedin_message", "email")

#: The longest draft the bot accepts (characters). Longer text is refused, not truncated.
MAX_DRAFT_CHARS = 4000


@dataclass(frozen=True)
class ReviewSettings:
    """Every tunable threshold; the sources are listed in docs/review.md."""

    #: LinkedIn connection-note limit: 300 characters (premium), 200 on free accounts.
    linkedin_note_limit: int = 300
    #: Email body sweet spot (Boomerang, 40M emails): 50-125 words.
    email_min_words: int = 50
    email_max_words: int = 125
    #: Above this many words a LinkedIn message or email is "long" (a problem, not a tip).
    long_message_words: int = 200
    #: Subject line sweet spot (Boomerang): 3-4 words.
    subject_min_words: int = 3
    subject_max_words: int = 4
    #: Questions: 1-3 get the most replies (Boomerang).
    max_questions: int = 3
    #: Reading grade (Flesch-Kincaid): Boomerang found 3rd-grade text did best; above this warn.
    max_reading_grade: float = 10.0
    #: A follow-up should be short.
    followup_max_words: int = 100
    #: Score cut-offs for the verdict.
    likely_at: int = 60
    maybe_at: int = 40


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    start: int
    end: int
    message: str
    hint: str

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class Stats:
    characters: int
    words: int
    sentences: int
    questions: int
    reading_grade: float

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class Review:
    score: int
    verdict: Verdict
    channel: str
    channel_detected: bool
    findings: tuple[Finding, ...]
    stats: Stats
    followup: bool = False
    attempt: int = 1

    def to_dict(self) -> dict[str, object]:
        return {
            "score": self.score,
            "verdict": self.verdict,
            "channel": self.channel,
            "channel_detected": self.channel_detected,
            "followup": self.followup,
            "attempt": self.attempt,
            "findings": [f.to_dict() for f in self.findings],
            "stats": self.stats.to_dict(),
        }
