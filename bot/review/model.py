"""Frozen dataclasses the reviewer returns. Plain data: no Discord, no database."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

from bot.review.weights import WEIGHTS

Severity = Literal["problem", "warning", "tip", "good"]
Verdict = Literal["likely", "maybe", "unlikely"]
#: The one answer a member is shown: a must-fix item left outranks every verdict.
Status = Literal["must_fix", "unlikely", "maybe", "likely"]

#: Order findings are listed in (then by position in the draft).
SEVERITY_ORDER: dict[str, int] = {"problem": 0, "warning": 1, "tip": 2, "good": 3}

#: Channels the reviewer knows; `None` means "detect it".
CHANNELS: tuple[str, ...] = ("linkedin_note", "linkedin_message", "email")
#: Each channel as members read it (the review, the outreach log).
CHANNEL_NAMES: dict[str, str] = {
    "linkedin_note": "LinkedIn connection note",
    "linkedin_message": "LinkedIn message",
    "email": "email",
}

#: The attempts a member can name (/review's form, `cohortbot review --attempt`): 1, 2 (the one
#: follow-up) and 3, which stands for any later one (the lesson says stop at 2).
MAX_ATTEMPT = 3

#: The longest draft the bot accepts (characters). Longer text is refused, not truncated.
MAX_DRAFT_CHARS = 4000
# A draft sent as a file (a DM's .txt, `cohortbot review FILE`): far more than a draft needs.
MAX_DRAFT_BYTES = 64 * 1024


@dataclass(frozen=True)
class ReviewSettings:
    """Every tunable threshold; the sources are listed in docs/review.md."""

    #: LinkedIn connection-note limit: 300 characters (premium), 200 on free accounts.
    linkedin_note_limit: int = 300
    #: Length norms per channel, in body words: (long: a warning, a wall of text: a problem).
    #: Email: Boomerang's replies decline only slowly past 125 words, so an email is "long"
    #: past 200 and a wall past 400 (a page): queries, cover emails and investor letters that
    #: worked run 150-400 words, and every split of the corpus has its good emails longer than
    #: its bad ones. LinkedIn message: LinkedIn's InMail study (SHRM, 2021) found replies above
    #: average up to ~800 characters (~130 words) and 18 % fewer past 1,400 (~230 words).
    #: A first message with at least this many body words "says enough" (`form.substance`):
    #: Boomerang's lower bound for email; a LinkedIn note, capped at 300 characters, needs two
    #: sentences' worth - one on why them, one small ask.
    substance_words: int = 50
    note_substance_words: int = 20
    email_long_words: int = 200
    email_wall_words: int = 400
    message_long_words: int = 130
    message_wall_words: int = 230
    #: Subject line sweet spot (Boomerang): 3-4 words.
    subject_min_words: int = 3
    subject_max_words: int = 4
    #: Questions: 1-3 get the most replies (Boomerang).
    max_questions: int = 3
    #: Reading grade (Flesch-Kincaid): Boomerang found 3rd-grade text did best; above this warn.
    max_reading_grade: float = 10.0
    #: A follow-up should be short.
    followup_max_words: int = 100
    #: A draft with at least this many of `patterns.COMMERCE_WORDS` per 100 words (and at
    #: least `selling_min_words` of them) talks sales (`warn.pitch`, round 6). Three in a
    #: hundred: one sentence about prices or traffic in a short email; at least three, so a
    #: job seeker's note with "your company" and one more such word does not reach it (the
    #: pool's figures are the same for 2-4 words and 3-4 per hundred, within 0.01).
    selling_per_100_words: float = 3.0
    selling_min_words: int = 3
    #: A pitch with at least this many per 100 words sells hard: `warn.pitch` is a problem
    #: (round 8). In every batch of the corpus 0-11 % of the good drafts reach 5 in 100 and
    #: 6-33 % of the bad ones; 4 and 5 measure the same within 0.01.
    hard_selling_per_100_words: float = 5.0
    #: Score cut-offs for the verdict; the defaults are fitted from the corpus (`weights.json`).
    likely_at: int = WEIGHTS.likely_at
    maybe_at: int = WEIGHTS.maybe_at


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    start: int
    end: int
    message: str
    hint: str
    #: What this finding adds to (or takes from) the score; the score is `Review.base` plus the
    #: points of every finding, clamped to 0-100. 0 for must-fix items and for a finding whose
    #: fault is already counted by another one (see `score.FAULT_GROUPS`).
    points: int = 0
    #: Blocks "ready to send" (a left-in placeholder, a note over the limit, a third attempt);
    #: says nothing about whether the message works once fixed, so it carries no points.
    must_fix: bool = False

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
    """`verdict`/`probability`: how likely a response is, calibrated on the corpus; `score` is
    `base` plus every finding's points. `status` folds that and the must-fix items into the one
    answer a member reads, and `ready` follows from it, so the two can never disagree."""

    score: int
    verdict: Verdict
    channel: str
    channel_detected: bool
    findings: tuple[Finding, ...]
    stats: Stats
    followup: bool = False
    attempt: int = 1
    #: The score of a draft with no findings at all (the fitted intercept).
    base: int = 50
    #: Share of corpus messages with these findings that got a response (0-1).
    probability: float = 0.5
    #: True when the text itself says which attempt this is ("following up again").
    attempt_detected: bool = False

    @property
    def must_fix(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.must_fix)

    @property
    def status(self) -> Status:
        """"must_fix" while any must-fix item is left, else the verdict."""
        return "must_fix" if self.must_fix else self.verdict

    @property
    def ready(self) -> bool:
        """Nothing must be fixed first and a reply is not unlikely: a draft scoring 0 is not
        "ready to send" just because it has no template blank left in."""
        return self.status in ("likely", "maybe")

    @property
    def likelihood(self) -> str:
        """The probability in words: "about 7 in 10"."""
        return f"about {min(9, max(1, round(self.probability * 10)))} in 10"

    def to_dict(self) -> dict[str, object]:
        return {
            "score": self.score,
            "verdict": self.verdict,
            "probability": round(self.probability, 3),
            "likelihood": self.likelihood,
            "status": self.status,
            "ready": self.ready,
            "must_fix": [f.rule for f in self.must_fix],
            "base": self.base,
            "channel": self.channel,
            "channel_detected": self.channel_detected,
            "followup": self.followup,
            "attempt": self.attempt,
            "attempt_detected": self.attempt_detected,
            "findings": [f.to_dict() for f in self.findings],
            "stats": self.stats.to_dict(),
        }
