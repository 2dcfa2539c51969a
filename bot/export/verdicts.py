"""The cohort's tally beside the reviewer's verdict on the same example.

A moderator opens the discussion with "the cohort said X, the lesson's rules say Y": the
reviewer (`bot.review.review`, the same one that reviews members' drafts) is run on each
example's text, and its verdict is set against the cohort's most common answer to "likely to get
a response?". Exports and `/lesson summary` show the same line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.critiques import Likely, RunSummary, Tally
from bot.review import review

# The reviewer's verdict in the cohort's words: "likely" to get a response is a yes.
_AS_ANSWER = {"likely": Likely.YES, "maybe": Likely.UNSURE, "unlikely": Likely.NO}


@dataclass(frozen=True, slots=True)
class ReviewerView:
    score: int  # 0-100
    verdict: str  # "likely", "maybe" or "unlikely"


def reviewer_view(text: str) -> ReviewerView:
    result = review(text)
    return ReviewerView(result.score, result.verdict)


def leading_answer(tally: Tally) -> Likely | None:
    """The cohort's most common answer; None with no critiques or a tie at the top."""
    counts = sorted(((tally.count(a), a) for a in Likely), key=lambda c: -c[0])
    if counts[0][0] == 0 or counts[0][0] == counts[1][0]:
        return None
    return counts[0][1]


def comparison_line(tally: Tally, reviewer: ReviewerView | None) -> str:
    """"The cohort said no (2 of 3); the lesson's rules say unlikely (31/100): they agree.\""""
    leading = leading_answer(tally)
    if tally.total == 0:
        cohort = "No critiques yet"
    elif leading is None:
        cohort = f"The cohort is split (yes {tally.yes} · no {tally.no} · unsure {tally.unsure})"
    else:
        cohort = f"The cohort said {leading} ({tally.count(leading)} of {tally.total})"
    if reviewer is None:
        return f"{cohort}; the reviewer has not seen this example (its text is not loaded)."
    rules = f"the lesson's rules say {reviewer.verdict} ({reviewer.score}/100)"
    answer = _AS_ANSWER.get(reviewer.verdict)
    if leading is None or answer is None:
        return f"{cohort}; {rules}."
    return f"{cohort}; {rules}: {'they agree' if answer == leading else 'they differ'}."


def summary_comparisons(texts: Mapping[int, str], summary: RunSummary) -> dict[int, str]:
    """The line for each example of a run's summary (by example number), the reviewer reading
    `texts`: the examples as the run posted them (`bot.runs.as_posted`)."""
    return {
        ex.example_no: comparison_line(
            ex.tally, reviewer_view(texts[ex.example_no]) if ex.example_no in texts else None)
        for ex in summary.examples
    }
