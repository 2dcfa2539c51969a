"""From findings to a 0-100 score and a verdict.

The score starts at a neutral base and each finding moves it by its rule's weight (a rule
counts once, however many times it fires). Weights follow the lesson's emphasis: the warm
path and specific research help most; the default invite, placeholders and big asks hurt
most. The verdict cut-offs are `ReviewSettings.likely_at` / `maybe_at`.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.review.model import Finding, ReviewSettings, Verdict

BASE = 50

#: Weight per (rule, severity). Unknown pairs weigh 0.
WEIGHTS: dict[tuple[str, str], int] = {
    ("path.mutual", "good"): 15,
    ("research.specific", "good"): 15,
    ("research.detail", "good"): 8,
    ("research.common_ground", "good"): 10,
    ("research.value", "good"): 10,
    ("ask.small", "good"): 10,
    ("attempt.followup_reference", "good"): 10,
    ("ask.too_big", "problem"): -20,
    ("ask.too_big", "warning"): -8,
    ("ask.vague", "warning"): -10,
    ("ask.missing", "tip"): -5,
    ("research.missing", "warning"): -15,
    ("warn.default_invite", "problem"): -45,
    ("warn.placeholder", "problem"): -30,
    ("warn.personal_social", "problem"): -20,
    ("warn.generic", "warning"): -10,
    ("warn.pitch", "warning"): -15,
    ("warn.flattery", "warning"): -8,
    ("warn.pressure", "problem"): -20,
    ("warn.guilt", "problem"): -25,
    ("warn.caps", "warning"): -10,
    ("warn.self_focus", "warning"): -10,
    ("attempt.third", "problem"): -60,
    ("attempt.followup_reference", "warning"): -10,
    ("attempt.followup_length", "warning"): -8,
    ("form.note_length", "problem"): -15,
    ("form.length", "problem"): -15,
    ("form.length", "warning"): -6,
    ("form.length", "tip"): 0,
    ("form.subject", "tip"): -2,
    ("form.questions", "warning"): -6,
    ("form.questions", "tip"): -3,
    ("form.reading_grade", "warning"): -4,
    ("path.mutual", "tip"): 0,
}


def score(findings: Iterable[Finding]) -> int:
    seen: set[tuple[str, str]] = set()
    total = BASE
    for f in findings:
        key = (f.rule, f.severity)
        if key in seen:
            continue
        seen.add(key)
        total += WEIGHTS.get(key, 0)
    return max(0, min(100, total))


def verdict(value: int, settings: ReviewSettings) -> Verdict:
    if value >= settings.likely_at:
        return "likely"
    if value >= settings.maybe_at:
        return "maybe"
    return "unlikely"
