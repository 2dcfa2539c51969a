"""The reviewer agrees with the lesson on the lesson's own examples.

Each example of `lessons/networking-with-professionals.toml` carries the lesson's verdict in its
`quality` note ("Weak: …", "Middling: …", "Strong: …"). The bot shows the cohort the reviewer's
verdict beside theirs (`bot/export/verdicts.py`), so a reviewer that called the middling note
"likely" contradicted the lesson in front of the people learning from it (round 7).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

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


# The lesson's reasons as general rules, on drafts built from any name, employer and purpose.
names = st.sampled_from(["Maria", "Dev", "Ana", "Tom", "Priya", "Sam"])
employers = st.from_regex(r"[A-Z][a-z]{3,9}", fullmatch=True)
#: Purposes that name no topic: "learn more about your experience" could go to anyone.
GENERIC_PURPOSES = ["learn more about your experience", "hear about your journey",
                    "get to know you better", "learn more about what you do",
                    "learn about your career path", "hear more about your role"]
BOUNDS = ["a 15-minute call", "a 20 minute call", "two questions by message",
          "a quick call about how you chose your first team"]


@given(names, employers, st.sampled_from(["call", "chat", "coffee"]),
       st.sampled_from(GENERIC_PURPOSES), st.sampled_from(BOUNDS))
def test_an_open_ended_call_is_not_a_small_ask(name: str, employer: str, talk: str,
                                               purpose: str, bound: str) -> None:
    """"The ask is an open-ended call with no time limit": a quick call sometime, for a
    purpose that names no topic, is a vague ask; a time limit, a question count or a topic
    makes it a small one."""
    opening = f"Hi {name}, I read your post on hiring at {employer}."
    vague = review(f"{opening} Would you be open to a quick {talk} sometime so I can {purpose}?")
    rules = {f.rule for f in vague.findings}
    assert "ask.vague" in rules and "ask.small" not in rules
    small = review(f"{opening} Would you be open to {bound}?")
    rules = {f.rule for f in small.findings}
    assert "ask.small" in rules and "ask.vague" not in rules


@given(names, employers, st.sampled_from(["post", "talk", "paper", "podcast episode"]))
def test_a_career_move_is_shallower_research_than_their_published_work(
        name: str, employer: str, work: str) -> None:
    """"The research is shallow (a job title anyone can see)"; the strong example cites a
    post. A move read off their profile earns `research.career`, fewer points than a
    reference to something they published."""
    ask = "Could I ask you one question?"
    career = review(f"Hi {name}, I saw that you moved from sales into PM at {employer}. {ask}")
    work_ = review(f"Hi {name}, I read your {work} on pricing experiments at {employer}. {ask}")
    shallow = next(f for f in career.findings if f.rule == "research.career")
    deep = next(f for f in work_.findings if f.rule == "research.specific")
    assert 0 < shallow.points < deep.points
    assert "research.specific" not in {f.rule for f in career.findings}
