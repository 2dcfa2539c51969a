"""Finding 17: the headline and "Ready to send" are one answer (`Review.status`), in Discord
and in the CLI, for any draft: a green "Likely" never sits above "Ready to send: no", and
"Ready to send: yes" never sits under "Unlikely". Review 4, finding 11: nor "fix these first"
under "Ready to send: yes"."""

from __future__ import annotations

import json
import re
from dataclasses import replace

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bot.review import CHANNELS, Review, review
from bot.review.answer import ready_answer
from bot.review.cli import render
from cogs.review._render import all_findings_text, review_embed

#: Pieces that between them reach every status: the good parts of a draft, the faults that sink
#: the score, and the must-fix items (a blank, a third attempt).
GOOD = [
    "Hi Dana,", "I read your post on onboarding metrics at Acme.",
    "Could I ask you one question about how you chose them?", "Priya Shah suggested I write.",
    "Would you be open to a 15-minute call?", "We are both Leeds alumni.",
]
PIECES = [
    *GOOD, "are you hiring? send me a job pls I need one ASAP",
    "I'd like to add you to my network.",
    "I followed you on Instagram.", "Hi [Name],", "your work on {topic}", "{{company}}",
    "I'm following up again on my last two messages.", "I hope this email finds you well.",
    "I am a data analyst and I have worked on many projects and I want a job.", "Thanks!",
]
drafts = st.one_of(st.lists(st.sampled_from(GOOD), min_size=1, max_size=6).map(" ".join),
                   st.lists(st.sampled_from(PIECES), min_size=1, max_size=12).map(" ".join),
                   st.text(max_size=300))
options = st.fixed_dictionaries({"channel": st.one_of(st.none(), st.sampled_from(CHANNELS)),
                                 "attempt": st.integers(min_value=1, max_value=3)})

POSITIVE = ("✅", "🤔")  # the headlines that say it may go
NEGATIVE = ("🚫", "❌")


def says_ready(line: str) -> bool:
    assert ("Ready to send: yes" in line) != ("Ready to send: no" in line), line
    return "Ready to send: yes" in line


def check_agrees(r: Review, title: str, ready_line: str) -> None:
    assert title.startswith(POSITIVE + NEGATIVE), title
    ready = says_ready(ready_line)
    assert ready == title.startswith(POSITIVE) == r.ready, (title, ready_line)
    if r.must_fix:
        assert not ready and title.startswith("🚫")
    if title.startswith("✅"):
        assert r.verdict == "likely" and not r.must_fix
    if r.verdict == "unlikely":
        assert not ready


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(drafts, options)
def test_the_headline_and_the_ready_line_never_disagree(text: str, kw: dict[str, object]
                                                        ) -> None:
    r = review(text, **kw)  # type: ignore[arg-type]
    embed = review_embed(text, r).to_dict()
    check_agrees(r, embed["title"], embed["description"].splitlines()[0])
    must_field = any(f["name"] == "Must fix before sending" for f in embed.get("fields", []))
    assert must_field == bool(r.must_fix)
    head, ready_line = render(r, text).splitlines()[:2]
    check_agrees(r, head, ready_line)


def test_the_reviewers_three_cases_read_one_way() -> None:
    third = review("Hi Dana, I'm following up again on my last two messages about your post on"
                   " onboarding at Acme. Could I ask one question?")
    blanks = review("Hi [Name], I read your post on {topic} at {{company}}. Could I ask you one"
                    " question about it?")
    job = review("hey are you hiring? send me a job pls I need one ASAP")
    for r in (third, blanks):
        assert r.status == "must_fix" and not r.ready
        assert not review_embed("", r).to_dict()["title"].startswith("✅")
    assert job.verdict == "unlikely" and not job.must_fix and not job.ready
    e = review_embed("", job).to_dict()
    assert e["title"].startswith("❌") and "Ready to send: no" in e["description"]


def test_a_maybe_can_go_but_says_what_would_raise_the_odds() -> None:
    # The maybe band is narrow (49-54 now), so the property rarely lands in it: set it here.
    r = replace(review("Hi Dana, could I ask you one question about your work?"),
                verdict="maybe", score=52)
    e = review_embed("", r).to_dict()
    assert e["title"] == "🤔 Maybe gets a response — 52/100"
    assert e["description"].startswith("**Ready to send: yes** — nothing blocks it")
    check_agrees(r, e["title"], e["description"].splitlines()[0])


#: "Fix these first", "fix 2 items first", "nothing must be fixed first": what a ready draft
#: must not be told (the ready line says nothing must change before it is sent).
FIX_FIRST = re.compile(r"\bfix(?:es|ed|ing)?\b[^.\n]*?\bfirst\b", re.IGNORECASE)


def renderings(text: str, r: Review) -> list[str]:
    """Every way a member sees a review: the DM's and /review's embed, its "All findings",
    and the command line's report and JSON."""
    return [json.dumps(review_embed(text, r).to_dict(), ensure_ascii=False), render(r, text),
            *all_findings_text(text, r), json.dumps(r.to_dict(), ensure_ascii=False)]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(drafts, options, st.sampled_from(["likely", "maybe", "unlikely"]))
def test_a_draft_ready_to_send_is_never_told_to_fix_something_first(
    text: str, kw: dict[str, object], verdict: str,
) -> None:
    # The bot's own words only: a draft that says "fix it first" is quoted back.
    assume(not re.search("fix|first", text, re.IGNORECASE))
    r = review(text, **kw)  # type: ignore[arg-type]
    if not r.must_fix:  # every verdict, the narrow maybe band too
        r = replace(r, verdict=verdict)  # type: ignore[arg-type]
    for shown in renderings(text, r):
        if r.ready:
            assert not FIX_FIRST.search(shown), (r.status, shown)
    if r.ready and any(f.severity in ("problem", "warning") for f in r.findings):
        names = [f["name"] for f in review_embed(text, r).to_dict().get("fields", [])]
        assert "To raise the odds further" in names, names


REVIEW_4_READY = [  # docs/demo.sandbox: ada's revised draft, and cy's /review
    ("Hi Dana, Priya Shah from our Data Guild suggested I reach out. I read your post on moving"
     " churn models to survival analysis and tried the approach in my capstone. Could I ask one"
     " question about how you chose the censoring window? Happy to share my results.", None),
    ("Hi, I'd like to have a chat with you about your job. Please reply.", "linkedin_note"),
]


def test_review_4s_ready_drafts_are_not_told_to_fix_anything_first() -> None:
    for text, channel in REVIEW_4_READY:
        r = review(text, channel=channel)
        embed = review_embed(text, r).to_dict()
        for shown in renderings(text, r):
            assert not r.ready or not FIX_FIRST.search(shown), shown
        weak = [f for f in r.findings if f.severity in ("problem", "warning")]
        names = [f["name"] for f in embed.get("fields", [])]
        assert ("To raise the odds further" in names) == (r.ready and bool(weak)), names


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(drafts, options)
def test_a_draft_with_a_problem_is_never_told_nothing_needs_changing(
    text: str, kw: dict[str, object]
) -> None:
    # Review 5, finding 19: "Ready to send: yes — nothing needs changing" above a ✗ PROBLEM.
    assume("nothing" not in text.lower())
    r = review(text, **kw)  # type: ignore[arg-type]
    r = replace(r, verdict="likely") if not r.must_fix else r  # type: ignore[arg-type]
    if any(f.severity == "problem" for f in r.findings):
        for shown in renderings(text, r):
            assert "nothing needs changing" not in shown, shown


def test_a_likely_draft_with_a_big_ask_says_the_problem_is_worth_changing() -> None:
    text = ("Hi Priya, I loved your talk on pricing at PyCon and tried the tiers you showed on"
            " our own plans. Do you know anyone who is hiring junior analysts?")
    r = replace(review(text), verdict="likely")
    assert [f.severity for f in r.findings if f.rule == "ask.too_big"] == ["problem"]
    assert ready_answer(r) == ("Ready to send: yes",
                               "nothing blocks it, but the problem below is worth changing.")
