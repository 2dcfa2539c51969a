"""The vocabulary finding (round 9): the terms, their fit, the stacking, and what a member reads.

Deterministic, not timed. The figures are in docs/review.md (Round 9).
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.review import Finding, evaluate, review, vocabulary
from bot.review import fit as fit_module
from bot.review.evaluate import FROZEN, cross_validate, load
from bot.review.fit import VOCABULARY, Sample, fit
from bot.review.score import clamp, vocabulary_finding
from bot.review.text import WORD_RE, lowered
from bot.review.vocabulary import (
    MIN_SOURCES,
    RULE,
    Doc,
    Terms,
    Vocabulary,
    fit_vocabulary,
    known_terms,
    out_of_fold,
    terms,
)
from bot.review.weights import VOCABULARY_CAP, WEIGHTS, vocabulary_points

POOL = [e for e in load() if e.split not in FROZEN]


def _docs(rows: Sequence[tuple[str, bool, str]]) -> list[Doc]:
    return [Doc(frozenset(terms(lowered(t))), good, 1.0, src) for t, good, src in rows]


def test_terms_are_the_bodys_words_and_pairs() -> None:
    text = "Hi Ana, I read your post on 15 metrics. Thanks!"
    got = terms(lowered(text))
    assert "ana" not in got and "hi" not in got  # the greeting and its name
    assert {"read", "post", "metrics", "read your", "your post", "post on",
            vocabulary.NUMBER, "on <number>"} <= got
    assert "on" not in got and "i" not in got  # function words only inside a pair
    assert "metrics thanks" not in got  # no pair across a sentence break
    words = Terms(lowered(text))
    assert {t: text[slice(*words.span(t))] for t in ("your post", "on <number>", "thanks")} == {
        "your post": "your post", "on <number>": "on 15", "thanks": "Thanks"}


def test_blanks_and_quotations_are_not_the_senders_words() -> None:
    """A vocabulary word inside a template blank or a quotation is not wording: it is the
    template's, or the title of their post, and it breaks the pairs around it."""
    got = terms(lowered('I loved "Your Book Question" and [your work] at {company} today'))
    assert not {"book", "question", "work", "company", "your book", "your work"} & got
    assert "loved" in got and "today" in got and "loved today" not in got


def _vocabulary_docs(sources_with_word: int) -> list[Doc]:
    """Drafts where "zanzibar" marks every good one, spread over `sources_with_word` sources;
    "hello world" is in every draft, from many sources."""
    rows = []
    for i in range(24):
        good = i % 2 == 0
        src = f"s{i % sources_with_word}" if good else f"bad{i}"
        rows.append((("we zanzibar " if good else "we ") + "hello world", good, src))
    return _docs(rows)


def test_a_term_from_fewer_sources_never_gets_a_weight() -> None:
    """A name in one source's messages (a person, a company) is never learned, however well
    it separates them; the same word from MIN_SOURCES sources is."""
    few = fit_vocabulary(_vocabulary_docs(MIN_SOURCES - 1))
    assert "zanzibar" not in few.weights and "we zanzibar" not in few.weights
    enough = fit_vocabulary(_vocabulary_docs(MIN_SOURCES))
    assert enough.weights["zanzibar"] > 0


def test_every_shipped_term_comes_from_three_sources() -> None:
    """The shipped vocabulary.json on the corpus: no term of it is in fewer than MIN_SOURCES
    sources of the pool (so no message's own name is in it)."""
    from bot.review.evaluate import docs

    pool_docs = docs(POOL)
    assert set(vocabulary.VOCABULARY.weights) <= set(known_terms(pool_docs))
    sources: dict[str, set[str]] = {}
    for d in pool_docs:
        for t in d.terms:
            sources.setdefault(t, set()).add(d.source)
    assert all(len(sources[t]) >= MIN_SOURCES for t in vocabulary.VOCABULARY.weights)


def test_the_fit_is_deterministic() -> None:
    docs = _vocabulary_docs(4)
    a, b = fit_vocabulary(docs), fit_vocabulary(list(docs))
    assert a == b and a.to_json(1, 1) == b.to_json(1, 1)


def test_out_of_fold_scores_never_see_their_draft(monkeypatch: pytest.MonkeyPatch) -> None:
    """The rules' fit weighs each draft's vocabulary score from a vocabulary fitted without
    its source's fold."""
    docs = _vocabulary_docs(6)
    seen: list[set[int]] = []
    real_fit = vocabulary.fit_vocabulary

    def spy(train: Sequence[Doc]) -> Vocabulary:
        seen.append({id(d) for d in train})
        return real_fit(train)

    monkeypatch.setattr(vocabulary, "fit_vocabulary", spy)
    scores = out_of_fold(docs)
    assert len(seen) == vocabulary.INNER_FOLDS and len(scores) == len(docs)
    for d in docs:  # each draft was out of exactly one fit: the one that scored it
        assert sum(id(d) not in s for s in seen) == 1


def test_cross_validation_refits_the_vocabulary_in_every_fold(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """No leakage: every part's vocabulary (and the out-of-fold scores inside it) is fitted
    on the other parts only, and a held-out draft's score differs from the in-sample one."""
    sample = POOL[::6]
    trained: list[set[str]] = []
    real = evaluate.fit_stacked

    def spy(samples: Sequence[Sample], docs: Sequence[Doc], temper: float = 1.0
            ) -> tuple[fit_module.Fit, Vocabulary]:
        trained.append({d.source for d in docs})
        return real(samples, docs, temper)

    monkeypatch.setattr(evaluate, "fit_stacked", spy)
    parts = evaluate.folds(sample, 3)
    rows = cross_validate(sample, parts=parts)
    assert len(trained) == 3
    for part, sources in zip(parts, trained, strict=True):
        assert not {sample[i].source_id for i in part} & sources
    words = evaluate.docs(sample)
    inside = fit_vocabulary(words)
    changed = 0
    for part in parts:
        outside = fit_vocabulary([d for i, d in enumerate(words) if i not in set(part)])
        changed += sum(outside.score(words[i].terms) != inside.score(words[i].terms)
                       for i in part)
    assert changed == len(sample) and len(rows) == len(sample)


def test_the_vocabulary_weight_can_only_add() -> None:
    """Stacked, the vocabulary's weight keeps its sign: words that scored high on drafts that
    failed cannot turn the weight negative (it is pinned at 0)."""
    data = [Sample(frozenset({"ask.small:good"}) if i % 3 else frozenset(), i % 2 == 0, 1.0,
                   -1.0 if i % 2 == 0 else 1.0) for i in range(40)]
    assert fit(data).logits[VOCABULARY] == 0.0
    data = [Sample(s.features, s.good, s.weight, -s.vocabulary) for s in data]
    assert fit(data).logits[VOCABULARY] > 0


def test_the_words_are_bounded_below_the_lessons_heaviest_warnings() -> None:
    """Round 10: the wording weighs what the fit says within ±`VOCABULARY_CAP` (chosen by nested
    validation, docs/review.md), which stays under the weight of the lesson's heaviest
    warnings, so no wording outweighs a default invite or a mention of personal accounts."""
    assert vocabulary_points(1e9) == VOCABULARY_CAP and vocabulary_points(-1e9) == -VOCABULARY_CAP
    for warning in ("warn.default_invite:problem", "warn.personal_social:problem"):
        assert WEIGHTS.points(warning) < -VOCABULARY_CAP, warning


def _wording(text: str) -> list[Finding]:
    return [f for f in review(text).findings if f.rule == RULE]


def test_the_finding_says_which_words_and_its_points_are_its_share() -> None:
    text = ("Hi Ana, I read your post on onboarding at Acme and your work on churn. Could I "
            "ask you one question about how you set the targets? Thanks, Bo")
    r = review(text)
    (f,) = [f for f in r.findings if f.rule == RULE]
    shares = vocabulary.VOCABULARY.contributions(terms(lowered(text)))
    assert f.points == vocabulary_points(WEIGHTS.vocabulary * sum(shares.values()))
    assert f.severity == ("good" if f.points > 0 else "warning")
    assert f.message.count("\u201c") == min(3, sum(1 for w in shares.values()
                                                    if w * f.points > 0))
    assert text[f.start:f.end].lower() in f.message.lower()
    assert r.score == clamp(r.base + sum(g.points for g in r.findings))


def test_selling_words_go_with_unanswered_messages() -> None:
    (f,) = _wording("Hello, we are an agency offering our services to companies like yours. "
                    "Please let me know if you are looking for help with your website.")
    assert f.severity == "warning" and f.points < 0 and "unanswered" in f.message
    assert f.hint.startswith("Cut")


def test_stuffing_good_words_earns_them_once() -> None:
    """Presence, not counts: a draft that repeats its best words scores them once (from the
    second copy on, nothing new appears), and never past the cap."""
    unit = "I read your book and your work on your talk, a question about your post. "
    points = [sum(f.points for f in _wording(unit * n)) for n in (1, 2, 5, 20)]
    assert len(set(points)) == 1 and abs(points[0]) <= VOCABULARY_CAP


def test_no_wording_beside_the_lessons_warning() -> None:
    """Beside the personal-accounts warning the rule speaks alone: "LinkedIn" (a word of the
    unanswered messages) never sinks the draft that says LinkedIn below the one that says
    Instagram (the hypothesis case: both drafts already draw the warning)."""
    insta = review("yOUR INSTA I followed you on Instagram and liked your posts.",
                   channel="linkedin_note")
    linked = review("yOUR INSTA I followed you on LinkedIn and liked your posts.",
                    channel="linkedin_note")
    assert not [f for f in (*insta.findings, *linked.findings) if f.rule == RULE]
    assert insta.score <= linked.score


def test_no_finding_without_known_words() -> None:
    assert vocabulary_finding("zzz qqq", Terms("zzz qqq"), vocabulary.VOCABULARY, 1.0) is None
    assert vocabulary_finding("read", Terms("read"), Vocabulary(), 1.0) is None


def test_every_span_is_its_term() -> None:
    """The span of every term of every corpus draft holds exactly that term's words."""
    for e in POOL:
        low = lowered(e.text)
        words = Terms(low)
        for t in words.terms():
            s, end = words.span(t)
            found = [vocabulary.NUMBER if w[0].isdigit() else w
                     for w in WORD_RE.findall(low, s, end)]
            assert " ".join(found) == t, (e.id, t, low[s:end])


WORDS = ["I", "read", "your", "post", "book", "question", "about", "services", "rates", "SEO",
         "please", "our", "company", "[your company]", '"Your Book"', "Hi", "Ana", ",", ".",
         "\n", "15", "minutes", "LinkedIn", "connect", "to", "on"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=400),
                 st.lists(st.sampled_from(WORDS), max_size=80).map(" ".join)))
def test_any_text_gets_a_well_formed_wording_finding(text: str) -> None:
    """Any text: the wording finding's span is inside the text and on a word, its points are
    within the cap and have its severity's sign, the score stays 0-100, and it is the same
    every time."""
    r = review(text)
    assert r == review(text)
    assert 0 <= r.score <= 100
    for f in r.findings:
        if f.rule != RULE:
            continue
        assert 0 <= f.start < f.end <= len(text) and text[f.start:f.end].strip()
        assert 0 < abs(f.points) <= VOCABULARY_CAP
        assert (f.points > 0) == (f.severity == "good")
        assert f.message and f.hint
