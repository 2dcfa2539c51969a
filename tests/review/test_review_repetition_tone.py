"""Finding 29: a draft that repeats a sentence is not ready to send; "!!!" and emoji get a
finding about the tone and cost points."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.review import review
from bot.review.answer import headline

SENTENCES = [
    "I read your post on onboarding metrics at Acme.",
    "Could I ask you one question about how you chose them?",
    "Priya Shah suggested I get in touch with you.",
    "Would you be open to a 15-minute call next week?",
    "We both studied statistics at Leeds.",
    "I am moving from teaching into data analysis.",
]
slow = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@slow
@given(st.sampled_from(SENTENCES), st.integers(min_value=2, max_value=40),
       st.sampled_from([" ", "\n", "\n\n"]), st.lists(st.sampled_from(SENTENCES), max_size=3))
def test_a_repeated_sentence_blocks_ready(sentence: str, times: int, sep: str,
                                          others: list[str]) -> None:
    text = " ".join(["Hi Dana,", *others, sep.join([sentence] * times)])
    r = review(text)
    found = [f for f in r.must_fix if f.rule == "form.repetition"]
    assert found and not r.ready and r.status == "must_fix"
    assert headline(r).startswith("🚫")
    assert f.points == 0 if (f := found[0]) else False


@slow
@given(st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=6, unique=True))
def test_distinct_sentences_are_not_repetition(sentences: list[str]) -> None:
    assert not any(f.rule == "form.repetition" for f in review(" ".join(sentences)).findings)


def test_the_reviewers_372_word_draft_is_not_ready() -> None:
    sentence = "I really want to learn about your work and I think you could help me a lot."
    text = "Hi Dana, " + " ".join([sentence] * 22)
    r = review(text)
    assert r.stats.words > 350
    assert r.status == "must_fix" and not r.ready
    assert any("22 times" in f.message for f in r.must_fix)


PLAIN = "Hi Dana, I read your post on onboarding at Acme. Could I ask one question?"
EMOJI = "hi dana!!! 🚀 loved your post on onboarding 🎉 could I ask you one question 🙏"


def test_the_reviewers_emoji_draft_gets_a_tone_finding() -> None:
    r = review(EMOJI)
    tone = [f for f in r.findings if f.rule == "warn.tone"]
    assert tone and tone[0].points < 0 and "emoji" in tone[0].message
    assert r.score < review(PLAIN).score


@slow
@given(st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=5),
       st.sampled_from([" 🚀 🎉", "!!!", "!?", " 🙏🙏"]))
def test_shouting_marks_and_emoji_never_raise_the_score(sentences: list[str], marks: str
                                                        ) -> None:
    text = " ".join(sentences)
    loud = review(text + marks)
    assert any(f.rule == "warn.tone" for f in loud.findings)
    assert loud.score <= review(text).score


@slow
@given(st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=5), st.sampled_from(
    [" Thanks!", " 🙂", " Thanks! 🙂"]))
def test_one_exclamation_mark_or_one_emoji_is_fine(sentences: list[str], mark: str) -> None:
    assert not any(f.rule == "warn.tone" for f in review(" ".join(sentences) + mark).findings)


def test_a_followup_may_carry_the_first_message_once() -> None:
    first = "Hi Dana, I read your post on ramp time. Could I ask you one question about it?"
    text = f"Following up on my note below in case it got buried.\n\n> {first}"
    text = "Could I ask you one question about it? " + text
    assert not any(f.rule == "form.repetition" for f in review(text, followup=True).findings)
    thrice = " ".join(["Could I ask you one question about it?"] * 3)
    assert any(f.rule == "form.repetition" for f in review(thrice, followup=True).must_fix)
