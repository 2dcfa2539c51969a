"""The reviewer agrees with the lesson on the lesson's own examples.

Each example of `lessons/networking-with-professionals.toml` carries the lesson's verdict in its
`quality` note ("Weak: …", "Middling: …", "Strong: …"). The bot shows the cohort the reviewer's
verdict beside theirs (`bot/export/verdicts.py`), so a reviewer that called the middling note
"likely" contradicted the lesson in front of the people learning from it (round 7).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.lessons import Example, load_lesson
from bot.review import review

LESSON = load_lesson(
    Path(__file__).resolve().parents[2] / "lessons" / "networking-with-professionals.toml")
#: The lesson's word for an example's quality and the reviewer's verdict that says the same.
VERDICT_OF_QUALITY = {"weak": "unlikely", "middling": "maybe", "strong": "likely"}
EXAMPLES = [e for e in LESSON.examples if e.quality]


def quality_word(example: Example) -> str:
    """"Middling: personal and tied to a clear goal, but …" -> "middling"."""
    return (example.quality or "").split(":")[0].strip().lower()


def test_every_example_has_a_quality_word() -> None:
    assert [quality_word(e) for e in EXAMPLES] == ["weak", "middling", "strong"]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.title)
def test_the_verdict_is_the_lessons(example: Example) -> None:
    r = review(example.text)
    assert r.verdict == VERDICT_OF_QUALITY[quality_word(example)], (
        r.score, [(f.rule, f.points) for f in r.findings])


def _findings(title: str) -> set[str]:
    text = next(e.text for e in EXAMPLES if e.title == title)
    return {f.rule for f in review(text).findings}


def test_the_middling_example_for_the_lessons_reasons() -> None:
    """"The research is shallow (a job title anyone can see), the ask is an open-ended call
    with no time limit, and it offers nothing back." """
    found = _findings("Outreach 2")
    assert "research.career" in found and "research.specific" not in found
    assert "ask.vague" in found and "ask.small" not in found
    assert "research.value" not in found


def test_the_strong_example_for_the_lessons_reasons() -> None:
    """"A warm intro through a mutual connection …, specific research into the person's
    published work, … a small concrete ask …, and an offer of value in return." """
    found = _findings("Outreach 3")
    assert {"path.mutual", "research.specific", "ask.small", "research.value"} <= found
    assert "research.career" not in found
