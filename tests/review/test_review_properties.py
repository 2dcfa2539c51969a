"""Hypothesis properties: any text in, a well-formed review out."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.review import ADVERSARIAL_UNITS
from bot.review import CHANNELS, is_reviewable, review
from bot.review.score import clamp
from bot.review.text import lowered
from bot.review.weights import WEIGHTS

WORDS = [
    "I", "you", "your", "post", "talk", "on", "could", "ask", "one", "question", "job",
    "refer", "me", "[Name]", "{company}", "ASAP", "following", "up", "Instagram", "15-minute",
    "call", "suggested", "Ana", "Ruiz", "fellow", "alum", "happy", "to", "share", "Hi", "Dear",
    "Subject:", "?", ".", "!", "\n", "I'd", "like", "add", "professional", "network", "___",
    "quick", "sometime", "chat", "about", "experience", "moved", "into", "role", "would", "open",
]
drafts = st.one_of(
    st.text(max_size=600),
    st.lists(st.sampled_from(WORDS), max_size=120).map(" ".join),
)
kwargs = st.fixed_dictionaries(
    {
        "channel": st.one_of(st.none(), st.sampled_from(CHANNELS)),
        "followup": st.booleans(),
        "attempt": st.integers(min_value=1, max_value=4),
    }
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(drafts, kwargs)
def test_review_is_well_formed(text: str, kw: dict[str, object]) -> None:
    r = review(text, **kw)  # type: ignore[arg-type]
    assert 0 <= r.score <= 100
    assert r.verdict in {"likely", "maybe", "unlikely"}
    assert r.channel in CHANNELS
    assert r.stats.characters == len(text)
    order = {"problem": 0, "warning": 1, "tip": 2, "good": 3}
    keys = []
    for f in r.findings:
        assert 0 <= f.start < f.end <= len(text), f
        assert text[f.start : f.end].strip(), f  # spans point at real text
        assert f.message and f.hint
        keys.append((order[f.severity], f.start))
    assert keys == sorted(keys)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(drafts, kwargs)
def test_every_point_traces_to_a_finding(text: str, kw: dict[str, object]) -> None:
    """The score is the base plus the findings' points (clamped); must-fix items carry none;
    a good finding only adds and a fault only takes away; one rule counts once."""
    r = review(text, **kw)  # type: ignore[arg-type]
    if not r.stats.words:
        return
    assert r.score == clamp(r.base + sum(f.points for f in r.findings))
    counted: set[tuple[str, str]] = set()
    for f in r.findings:
        if f.must_fix:
            assert f.points == 0, f
        assert f.points >= 0 if f.severity == "good" else f.points <= 0, f
        if f.points:
            assert (f.rule, f.severity) not in counted, f
            counted.add((f.rule, f.severity))
    assert r.ready == (not any(f.must_fix for f in r.findings) and r.verdict != "unlikely")
    assert 0.0 < r.probability < 1.0 and r.likelihood.startswith("about ")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(drafts, st.sampled_from(CHANNELS), st.sampled_from(["{}", "[your company]", "___"]))
def test_a_must_fix_item_never_raises_the_score(text: str, channel: str, blank: str) -> None:
    """A left-in blank makes the draft not ready and costs nothing: the same draft without it
    scores the same or better. The blanks add no words, so nothing else changes."""
    blank = blank if blank != "[your company]" else "[ ]"
    with_blank = review(text + " " + blank, channel=channel)
    without = review(text, channel=channel)
    assert with_blank.score <= without.score or not without.stats.words
    assert not with_blank.ready or not with_blank.stats.words


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(drafts, st.sampled_from(CHANNELS))
def test_a_third_attempt_is_flagged_but_not_scored(text: str, channel: str) -> None:
    """Attempt 3 (from the field or from the text) blocks "ready" and changes nothing else."""
    second = review(text, channel=channel, attempt=2)
    third = review(text, channel=channel, attempt=3)
    if not second.stats.words:
        return
    assert third.score == second.score
    assert not third.ready and any(f.rule == "attempt.third" for f in third.must_fix)
    said = review(text + " Following up again, since my last two messages got no reply.",
                  channel=channel, attempt=1)
    assert said.attempt >= 3 and said.attempt_detected
    assert any(f.rule == "attempt.third" and f.must_fix for f in said.findings)


INSTAGRAM = " I followed you on Instagram and liked your posts."
LINKEDIN = " I followed you on LinkedIn and liked your posts."


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(drafts, st.sampled_from(CHANNELS))
def test_the_lessons_warning_is_never_rewarded(text: str, channel: str) -> None:
    """Following someone on their personal accounts is the lesson's warning, never research:
    no good finding rests on that sentence, and it scores below the same draft that says
    LinkedIn instead (same words, same syllables)."""
    insta = review(text + INSTAGRAM, channel=channel)
    start = len(text) + 1
    assert any(f.rule == "warn.personal_social" for f in insta.findings)
    assert not [f for f in insta.findings if f.severity == "good" and f.end > start], insta
    linked = review(text + LINKEDIN, channel=channel)
    already = any(f.rule == "warn.personal_social" for f in linked.findings)
    assert insta.score <= linked.score
    assert insta.score < linked.score or linked.score == 0 or already


VAGUE_CHAT = " I'd love to chat with you sometime."


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(drafts, st.sampled_from(CHANNELS))
def test_the_lessons_chat_warning_caps_the_verdict(text: str, channel: str) -> None:
    """Round 10: the lesson's other Beware ("don't post 'I'd like to have a chat with you'"):
    a draft whose ask is a chat with no topic never reads likely, however much else it does
    well; the vague ask's own finding carries what that costs, so the points still add up."""
    r = review(text + VAGUE_CHAT, channel=channel)
    vague = [f for f in r.findings if f.rule == "ask.vague"]
    if vague:
        assert r.verdict != "likely" and r.score < WEIGHTS.likely_at
        assert r.score == clamp(r.base + sum(f.points for f in r.findings))


def test_a_strong_draft_with_a_vague_ask_is_a_maybe_that_keeps_its_wording() -> None:
    """Everything the lesson credits but a small ask, and a chat with no topic instead: the
    score stops one below likely, on the vague ask's finding, and the wording finding (which
    only the personal-accounts warning silences) is still read."""
    text = ("Hi Dana, Priya Shah suggested I write to you. I read your post on onboarding "
            "metrics at Acme and loved the point about week-one activation. We both studied at "
            "Leeds. I'd be happy to share the survey of 40 PMs I ran last month. I'd love to "
            "chat with you sometime.")
    r = review(text, channel="email")
    assert {"ask.vague", "research.specific", "path.mutual"} <= {f.rule for f in r.findings}
    assert r.verdict == "maybe" and r.score == WEIGHTS.likely_at - 1
    assert any(f.rule == "style.vocabulary" for f in r.findings)
    uncapped = review(text.replace("I'd love to chat with you sometime.",
                                   "Could I ask you two questions about it?"), channel="email")
    assert uncapped.verdict == "likely"


@settings(max_examples=100, deadline=None)
@given(drafts, kwargs)
def test_review_is_deterministic(text: str, kw: dict[str, object]) -> None:
    assert review(text, **kw) == review(text, **kw)  # type: ignore[arg-type]


@given(st.text(max_size=300))
def test_lowered_keeps_length(text: str) -> None:
    assert len(lowered(text)) == len(text)


@given(st.text(max_size=5000))
def test_is_reviewable_never_raises(text: str) -> None:
    ok, reason = is_reviewable(text)
    assert ok or reason


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(ADVERSARIAL_UNITS), min_size=1, max_size=8))
def test_adversarial_text_is_reviewed(units: list[str]) -> None:
    """Text built to trip backtracking regexes still gets a well-formed review.

    Its cost is measured in `bench/review.py` (`review_adversarial_linearity`), since tests make
    no timed assertions on this shared machine.
    """
    unit = "".join(units)
    text = (unit * (4000 // len(unit) + 1))[:4000]
    result = review(text)
    assert 0 <= result.score <= 100
    assert all(0 <= f.start < f.end <= len(text) for f in result.findings)


# Phrases that each match a family with a needle pre-check (patterns.NEEDLES), so the property
# below exercises every alternative.
NEEDLE_PHRASES = [
    "are you hiring", "is your team currently hiring", "any openings", "open positions",
    "any internships", "refer me", "a referral", "put in a good word", "recommend me for",
    "vouch for me", "send you my resume", "forward my cv", "pass my CV to",
    "submit my application", "set up a coffee with your CEO",
    "share my profile with your recruiter", "anyone who is hiring", "any teams currently hiring",
    "a one-hour call", "two hours of your time", "a 60-minute meeting", "pick your brain",
    "be my mentor",
    "help me get a job", "land an interview", "Ana suggested I reach out", "referred by",
    "we're both connected to", "mutual friend", "introduced me", "gave me your name",
    "members of the Leeds data group", "I'm also in the PyData community", "happy to share",
    "I can send you", "in return", "might be useful to you", "thought you'd enjoy",
    "if it helps", "I'd like to add you to my professional network", "as a person I trust",
    "I'd like to connect with you on LinkedIn", "your Instagram", "on Facebook",
    "liked your photos", "your TikTok account", "your personal account",
    "your vacation photos", "your kids", "ASAP", "urgently", "as soon as possible",
    "reply by Friday", "get back to me soon", "I need an answer", "don't miss",
    "last chance", "act now", "you must reply", "introduce me to her", "put me in touch with Sam",
    "connect me with your CTO", "following up on my note", "just checking in", "my earlier email",
    "circling back on my", "bumping this", "did you get my", "making sure this came through",
    "reaching out again", "following up again", "another reminder", "second follow-up",
    "my last two messages", "my previous emails", "both of my messages",
    "I've emailed you three times", "writing for the third time", "this is my final attempt",
    "great meeting you", "we met at", "met you at", "based on our conversations",
    "thanks for the chat", "it was nice to meet you", "as we discussed", "we worked together",
    "it was great talk with you", "thanks for the call", "based on our call", "we spoke last",
    "when we talked", "nice chatting with you", "our recent discussion about",
    "I'd be happy to send", "we would be glad to fund",
    "a strategic partnership", "how we could work together", "add value to your business",
    "a guest post", "write an article for you", "contribute to your blog",
    "I came across your website", "checked your site",
    "feedback on our project", "feedback on my app", "star this repository",
    "would you be up for trying it out", "try our new tool",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(NEEDLE_PHRASES + WORDS), max_size=12).map(" ".join))
def test_needle_prechecks_never_hide_a_match(text: str) -> None:
    """A family skipped by its needle pre-check could not have matched."""
    from bot.review import patterns as P

    norm = lowered(text)
    for pattern in P.FAMILIES:
        needles = P.NEEDLES.get(id(pattern))
        if needles and next(P.spans(pattern, norm), None):
            assert any(n in norm for n in needles), (pattern.pattern[:60], text)


def test_each_needle_phrase_matches_its_family() -> None:
    from bot.review import patterns as P

    for phrase in NEEDLE_PHRASES:
        norm = lowered(phrase)
        assert any(next(P.spans(p, norm), None) for p in P.FAMILIES if id(p) in P.NEEDLES), phrase


def _family_phrases() -> list[str]:
    """Every corpus draft, and the table's phrases, as material for the property below."""
    import json
    from pathlib import Path

    corpus = Path(__file__).resolve().parents[1] / "data" / "outreach_corpus.jsonl"
    texts = [json.loads(line)["text"] for line in corpus.read_text("utf-8").splitlines() if line]
    return NEEDLE_PHRASES + texts + [t[i : i + 60] for t in texts for i in range(0, len(t), 60)]


FAMILY_PHRASES = _family_phrases()


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(FAMILY_PHRASES + WORDS
                                + ["-", "'", "_", "2nd", "your's", "ALL CAPS HERE", "SHOUTING"]),
                max_size=10).map(lambda parts: "".join(p + " " * (i % 2) for i, p in
                                                       enumerate(parts))))
def test_fast_families_match_as_written(text: str) -> None:
    """The families compiled for speed (a leading `\\W` for their `\\b`s) find exactly the
    spans the patterns as written find, including matches that touch or follow each other."""
    from bot.review import patterns as P

    for t in (text, lowered(text)):  # CAPS_RUN runs on the draft as written
        for fast, written in P.AS_WRITTEN:
            expected = [(*m.span(), int(m.lastgroup[1:]) if m.lastgroup else 0)
                        for m in re.finditer(written, t, P.FLAGS) if m.end() > m.start()]
            assert list(P.kinds(fast, t)) == expected, (written[:60], text)


def test_fast_families_match_as_written_on_the_corpus() -> None:
    """The same, deterministically, on every draft of the corpus."""
    from bot.review import patterns as P

    for text in FAMILY_PHRASES:
        for t in (text, lowered(text)):
            for fast, written in P.AS_WRITTEN:
                expected = [(*m.span(), int(m.lastgroup[1:]) if m.lastgroup else 0)
                            for m in re.finditer(written, t, P.FLAGS) if m.end() > m.start()]
                assert list(P.kinds(fast, t)) == expected, (written[:60], text)
