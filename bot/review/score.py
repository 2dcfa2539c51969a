"""From findings to points, a 0-100 score, a probability and a verdict.

Each finding belongs to one *feature*: its `rule:severity` pair, or the fault group it is part
of. The score is the base (the fitted intercept) plus, for every feature present, its fitted
points, carried by the first finding of that feature (so a rule counts once however often it
fires, and a group of findings that describe one fault counts once). Must-fix items carry no
points: they block "ready to send" and say nothing about whether the fixed message works.
The points and cut-offs come from `weights.json` (`python -m bot.review.fit`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from bot.display import member_text
from bot.review.model import Finding, ReviewSettings, Verdict
from bot.review.text import WORD_RE, normalise
from bot.review.vocabulary import RULE as VOCABULARY_RULE
from bot.review.vocabulary import Terms, Vocabulary
from bot.review.weights import Weights, vocabulary_points

#: Findings that block "ready to send": a template blank left in, a note the channel would cut
#: off, a third attempt (the lesson allows two), a sentence pasted in again and again.
MUST_FIX: frozenset[str] = frozenset(
    {"warn.placeholder", "form.note_length", "attempt.third", "form.repetition"})

#: Findings that are one fault under several names. A draft all about the sender and their
#: job search is self-focused, hard to read and job-seeking at once; it counts once (and since
#: round 6 weighs nothing, `fit.UNSCORED`: the letters that worked were about their senders).
#: Length is not part of it: it is its own feature, judged by the channel's norms, since the
#: letters that worked are often long *and* about the sender (a query, a cover email), and the
#: fit decides what length is worth. Asking a stranger outright for the job or a referral
#: stays a fault of its own: in the corpus it sinks short notes that have none of the others.
FAULT_GROUPS: dict[str, frozenset[tuple[str, str]]] = {
    "group:about_you": frozenset(
        {
            ("warn.self_focus", "warning"),
            ("ask.too_big", "warning"),
            ("form.reading_grade", "warning"),
        }
    ),
}
_GROUP_OF = {key: group for group, keys in FAULT_GROUPS.items() for key in keys}

#: The lesson's two "⛔ Beware!" boxes: a draft that mentions following someone on their
#: personal accounts, or asks a stranger for a chat with no topic or limit (the lesson's own
#: words: don't post "I'd like to have a chat with you"; its middling example is middling for
#: "an open-ended call with no time limit"), is never "likely", whatever else it does well. The
#: corpus has too few of them to fit that, so the finding takes as many points as it needs to
#: keep the score below `likely`.
BELOW_LIKELY: frozenset[str] = frozenset({"warn.personal_social", "ask.vague"})
#: Of those, the ones that speak alone: no wording finding beside them (`core.review`), so no
#: word ("LinkedIn") weighs against the draft they correct.
SPEAKS_ALONE: frozenset[str] = frozenset({"warn.personal_social"})


def feature_of(rule: str, severity: str) -> str | None:
    """The feature a finding counts towards, or None for a must-fix item and for the
    vocabulary finding (its points are its own: `vocabulary_finding`)."""
    if rule in MUST_FIX or rule == VOCABULARY_RULE:
        return None
    return _GROUP_OF.get((rule, severity), f"{rule}:{severity}")


def features(findings: Iterable[Finding]) -> list[str]:
    """The features present, each once, in the order of their first finding."""
    seen: dict[str, None] = {}
    for f in findings:
        feat = feature_of(f.rule, f.severity)
        if feat is not None:
            seen.setdefault(feat, None)
    return list(seen)


def assign_points(findings: Sequence[Finding], weights: Weights, likely_at: int
                  ) -> tuple[tuple[Finding, ...], int]:
    """Each finding with its points and must-fix flag, and the unclamped score."""
    out: list[Finding] = []
    seen: set[str] = set()
    raw = weights.base
    capped = -1
    for f in findings:
        if f.rule == VOCABULARY_RULE:
            out.append(f)
            raw += f.points
            continue
        feat = feature_of(f.rule, f.severity)
        points = 0 if feat is None or feat in seen else weights.points(feat)
        if feat is not None:
            seen.add(feat)
            if f.rule in BELOW_LIKELY and capped < 0:
                capped = len(out)
        raw += points
        # The constructor, not dataclasses.replace: this runs for every finding of every review.
        out.append(Finding(f.rule, f.severity, f.start, f.end, f.message, f.hint, points,
                           feat is None))
    if capped >= 0 and raw >= likely_at:
        f = out[capped]
        extra = raw - (likely_at - 1)
        out[capped] = Finding(f.rule, f.severity, f.start, f.end, f.message, f.hint,
                              f.points - extra, f.must_fix)
        raw -= extra
    return tuple(out), raw


#: How many of its words the vocabulary finding quotes.
QUOTED_TERMS = 3


def vocabulary_finding(text: str, words: Terms, vocabulary: Vocabulary, weight: float
                       ) -> Finding | None:
    """The wording finding: the draft's terms (`words`) weighed by the vocabulary, `weight`
    times their log-odds in points within `weights.VOCABULARY_CAP`; None when that is 0. It
    quotes the terms that moved the score most in its direction, each at its first place in
    the text, and points at the first. (`core.review` drops it beside a
    `SPEAKS_ALONE` warning: the rule speaks alone there.)"""
    shares = vocabulary.contributions(words.present)
    points = vocabulary_points(weight * math.fsum(shares.values()))
    if not points:
        return None
    sign = 1 if points > 0 else -1
    # The largest shares in the finding's direction first; ties in term order (two sorts,
    # the second stable).
    ranked = sorted(t for t, w in shares.items() if w * sign > 0)
    ranked.sort(key=lambda t: -abs(shares[t]))
    quoted: list[tuple[int, int]] = []
    for t in ranked:
        s, e = words.span(t)
        if all(e <= qs or s >= qe for qs, qe in quoted):  # "your book" and "book": one quote
            quoted.append((s, e))
            if len(quoted) == QUOTED_TERMS:
                break
    # The words themselves, one space apart: nothing between them (a mark, a control
    # character) is quoted back.
    quotes = ", ".join(f"\u201c{_isolated(' '.join(WORD_RE.findall(normalise(text[s:e]))))}\u201d"
                       for s, e in quoted)
    start, end = quoted[0]
    if sign > 0:
        return Finding(VOCABULARY_RULE, "good", start, end,
                       f"Wording that went with answered messages: {quotes}",
                       "Keep it: say why them, in your own words, and ask for something small.",
                       points)
    return Finding(VOCABULARY_RULE, "warning", start, end,
                   f"Wording that went with unanswered messages: {quotes}",
                   "Cut the selling words; say why them and ask one small question.", points)


def _isolated(quote: str) -> str:
    """A quote of the draft set inside the reviewer's sentence, as `rules._quote` sets it."""
    return quote if quote.isascii() else member_text(quote)


def clamp(raw: int) -> int:
    return max(0, min(100, raw))


def verdict(value: int, settings: ReviewSettings) -> Verdict:
    if value >= settings.likely_at:
        return "likely"
    if value >= settings.maybe_at:
        return "maybe"
    return "unlikely"
