"""The labelled corpus (tests/data/outreach_corpus.jsonl), the fit and the cross-validation.

Deterministic, not timed. The figures are in docs/review.md with the commands that reproduce
them; the frozen split is never scored here (it is measured only by
`python -m bot.review.evaluate frozen`).
"""

from __future__ import annotations

import functools
import json
from collections import Counter
from pathlib import Path

import pytest

from bot.review import weights
from bot.review.evaluate import (
    FROZEN,
    SPLITS,
    Example,
    Scored,
    auc,
    balanced_accuracy,
    batch_folds,
    breakdown,
    calibration,
    cross_validate,
    draft_weights,
    figures,
    folds,
    forecast,
    load,
    samples,
)
from bot.review.evaluate import main as evaluate_main
from bot.review.fit import (
    EARLY_POOL_WEIGHT,
    LIKELY_TENTHS,
    OUTCOME_WEIGHT,
    TEMPER_BATCHES,
    UNLIKELY_TENTHS,
    class_balanced,
    cut_offs,
    fit,
)
from bot.review.fit import main as fit_main
from bot.review.fit import temper as fit_temper

CORPUS = Path(__file__).resolve().parents[1] / "data" / "outreach_corpus.jsonl"
ROWS = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line]
POOL = [e for e in load(CORPUS) if e.split not in FROZEN]


def test_corpus_shape() -> None:
    keys = {"id", "channel", "text", "label", "evidence", "source_url", "source_id",
            "source_verdict", "is_followup", "split", "batch"}
    for r in ROWS:
        assert keys <= set(r), r["id"]
        assert r["label"] in {"good", "bad"} and r["split"] in SPLITS, r["id"]
        assert r["evidence"] in {"outcome", "example"}, r["id"]
        assert r["source_url"].startswith("http") and r["source_verdict"], r["id"]
        assert r["channel"] in {"linkedin_note", "linkedin_message", "email"}, r["id"]
        assert r["text"].strip(), r["id"]
    assert len({r["id"] for r in ROWS}) == len(ROWS)
    # The pool is as it was published (batch 8 brought it to 90 good / 120 bad); the fit
    # weighs good and bad drafts the same in total, so the probability does not follow that mix.
    labels = Counter(e.good for e in POOL)
    assert labels[True] and labels[False]
    balanced = class_balanced(samples(POOL))
    assert sum(s.weight for s in balanced if s.good) == pytest.approx(
        sum(s.weight for s in balanced if not s.good))


def test_each_batch_comes_from_new_sources() -> None:
    """A batch may reuse a source only as a named exception (a second post by one author)."""
    reused = {"adamgrant"}
    seen: set[str] = set()
    for batch in sorted({r["batch"] for r in ROWS}):
        sources = {r["source_id"] for r in ROWS if r["batch"] == batch}
        if batch > 3:  # batches 1-3 predate source ids; 4 on are checked
            assert not (sources & seen) - reused, batch
        seen |= sources


def test_frozen_split_is_never_fitted() -> None:
    shipped = json.loads(weights.WEIGHTS_PATH.read_text(encoding="utf-8"))
    assert shipped["trained_on"]["messages"] == len(POOL)
    assert all(e.split not in FROZEN for e in POOL)


def test_shipped_weights_are_what_the_fit_produces(capsys: pytest.CaptureFixture[str]) -> None:
    """Nobody edits weights.json or vocabulary.json by hand: `python -m bot.review.fit --check`
    refits the corpus and compares both files byte for byte (`python -m bot.review.fit`
    rewrites them)."""
    assert fit_main(["--check"]) == 0
    out = capsys.readouterr().out
    assert "weights.json matches" in out and "vocabulary.json matches" in out


def test_folds_never_split_a_source() -> None:
    parts = folds(POOL, 5)
    assert sorted(i for part in parts for i in part) == list(range(len(POOL)))
    owner = {}
    for n, part in enumerate(parts):
        for i in part:
            assert owner.setdefault(POOL[i].source_id, n) == n
    assert max(map(len, parts)) - min(map(len, parts)) <= 0.25 * len(POOL) / 5 + 3


@functools.cache
def _lobo_rows() -> list[Scored]:
    """The whole pool left out one batch at a time (deterministic: computed once, read by
    several tests)."""
    return cross_validate(POOL, parts=batch_folds(POOL))


#: Batches 1-6: the pool the targets were first met on (round 4). Batch 7 joined in round 5.
EARLY_POOL = [e for e in POOL if e.batch <= 6]


#: Balanced accuracy on batches 1-6, the pool the targets (0.85) were first met on. Since round
#: 7 the verdict's cut-off reads the fitted odds (2 to 1) instead of the best balanced accuracy
#: on the training folds, and leaving one batch out measures 0.842 there (docs/review.md).
#: Round 9's vocabulary costs this pool a little (5-fold: 0.830, real AUC 0.898; leaving one
#: batch out: 0.850, real AUC 0.889) for +0.05 AUC on batches 7-10's real messages: the
#: real-message AUC floors here are the measurements, under the 0.90 target. Round 10's "likely"
#: from 6 in 10 raised the balanced accuracies to 0.869 and 0.856; round 11's tempered odds put
#: "likely" higher (56 against 53) and they read 0.866 and 0.841 (the early pool's half weight
#: changes nothing in a fit on it alone: `evaluate.draft_weights`).
EARLY_POOL_BA_FLOORS = {"batches": 0.86, "sources": 0.84}
EARLY_POOL_REAL_AUC_FLOORS = {"batches": 0.88, "sources": 0.89}


@pytest.mark.parametrize("parts", ["batches", "sources"])
def test_held_out_figures_meet_the_targets(parts: str) -> None:
    """Measured figures (docs/review.md), pinned as floors so a change cannot make them
    silently worse: leave one collection batch out (the figure the pool is tuned on) and
    5-fold over sources, each draft scored by weights fitted without it. On batches 1-6, the
    pool these floors were measured on."""
    rows = cross_validate(EARLY_POOL, parts=batch_folds(EARLY_POOL)) if parts == "batches" else (
        cross_validate(EARLY_POOL, 5))
    table = breakdown(rows)
    assert table["all"].auc >= 0.90, table["all"]
    assert table["all"].balanced_accuracy >= EARLY_POOL_BA_FLOORS[parts], table["all"]
    assert table["real (known outcome)"].auc >= EARLY_POOL_REAL_AUC_FLOORS[parts], (
        table["real (known outcome)"])


#: The floors on the whole pool, as measured (docs/review.md): (AUC, balanced accuracy) for all
#: drafts and for real messages alone. Round 10 measured ((0.878, 0.786), (0.838, 0.746))
#: leaving one batch out and ((0.878, 0.784), (0.850, 0.767)) over sources with batches 7 to 11
#: in the pool; batches 12 and 13 (round 11, step 1), which its reviewer ranked at 0.66, brought
#: them to ((0.826, 0.754), (0.792, 0.729)) and ((0.846, 0.761), (0.815, 0.729)); round 11's
#: rules, the early pool at half weight and the tempered odds ("likely" where they say 6 in 10,
#: higher than before) to ((0.835, 0.755), (0.804, 0.732)) and ((0.853, 0.759), (0.825,
#: 0.728)).
WHOLE_POOL_FLOORS = {"batches": ((0.83, 0.75), (0.80, 0.73)),
                     "sources": ((0.85, 0.75), (0.82, 0.72))}


@pytest.mark.parametrize("parts", ["batches", "sources"])
def test_held_out_figures_on_the_whole_pool(parts: str) -> None:
    """The same on the whole pool, batches 7 to 13 included (the letters the rules were not
    written for; the targets are not met there). Floors at the figures measured in round 11
    (docs/review.md), so they cannot silently get worse."""
    rows = _lobo_rows() if parts == "batches" else cross_validate(POOL, 5)
    table = breakdown(rows)
    (auc_all, ba_all), (auc_real, ba_real) = WHOLE_POOL_FLOORS[parts]
    assert table["all"].auc >= auc_all, table["all"]
    assert table["all"].balanced_accuracy >= ba_all, table["all"]
    assert table["real (known outcome)"].auc >= auc_real, table["real (known outcome)"]
    assert table["real (known outcome)"].balanced_accuracy >= ba_real, (
        table["real (known outcome)"])


#: AUC of each of the newest pool batches held out, as measured in round 11 with batches 12
#: and 13 in the pool (docs/review.md), and (AUC, balanced accuracy) of their real messages
#: together: unseen real messages look like these, so they are the figure a round is judged on.
NEWEST_BATCH_AUC_FLOORS = {7: 0.81, 8: 0.85, 9: 0.91, 10: 0.78, 11: 0.87, 12: 0.65, 13: 0.70}
NEWEST_REAL_FLOORS = (0.77, 0.70)


def test_newest_pool_batches_held_out() -> None:
    """Batches 7 to 13 (real letters mostly, each once a frozen split), each scored by weights
    fitted without it: round 5's rules gave batches 7 and 8 0.54 and 0.62, round 6's 0.72 and
    0.73 without batch 9 in the pool, round 8's 0.77, 0.82 and 0.88 without batch 10, and
    0.75, 0.79, 0.88 and 0.66 with it; with round 9's vocabulary 0.80, 0.87, 0.89 and 0.69,
    and with batch 11 in the pool 0.78, 0.88, 0.90, 0.74 and 0.88; with round 10's wording cap
    at 25 0.81, 0.88, 0.91, 0.75 and 0.89; with batches 12 and 13 in the pool 0.82, 0.83, 0.91,
    0.77, 0.87, 0.63 and 0.66, and with round 11's rules and the early pool at half weight
    0.82, 0.85, 0.91, 0.79, 0.88, 0.66 and 0.70 (docs/review.md)."""
    rows = _lobo_rows()
    for batch, floor in NEWEST_BATCH_AUC_FLOORS.items():
        held = [r for r in rows if r.example.batch == batch]
        assert auc([r.value for r in held], [r.example.good for r in held]) >= floor, batch
    real = [r for r in rows if r.example.batch in NEWEST_BATCH_AUC_FLOORS and r.example.real]
    got = figures(real)
    assert got.auc >= NEWEST_REAL_FLOORS[0] and got.balanced_accuracy >= NEWEST_REAL_FLOORS[1], (
        got)


@pytest.mark.parametrize("split", [s for s in SPLITS if s not in FROZEN])
def test_each_split_has_both_labels(split: str) -> None:
    got = Counter(e.good for e in POOL if e.split == split)
    assert got[True] and got[False]


def test_metric_helpers() -> None:
    assert auc([3, 2, 1, 0], [True, True, False, False]) == 1.0
    assert auc([1, 1], [True, False]) == 0.5
    assert balanced_accuracy([True, False, False, False], [True, True, False, False]) == 0.75


def test_batch_folds_hold_one_batch_each() -> None:
    parts = batch_folds(POOL)
    assert sorted(i for part in parts for i in part) == list(range(len(POOL)))
    assert all(len({POOL[i].batch for i in part}) == 1 for part in parts)
    assert len(parts) == len({e.batch for e in POOL})


def _check_frozen(rows: list[dict[str, object]]) -> None:
    """The frozen split of `rows` is empty (between rounds: its batches joined the pool), or
    one whole collection round newer than every batch of the pool (one batch, or two collected
    side by side as batches 12 and 13 were), from sources the pool never used."""
    frozen = [r for r in rows if r["split"] in FROZEN]
    pool = [r for r in rows if r["split"] not in FROZEN]
    if frozen:
        assert len(frozen) >= 20  # a batch, not a few rows left behind (batch 4 had 22)
        assert min(int(str(r["batch"])) for r in frozen) > max(int(str(r["batch"])) for r in pool)
    assert not {r["source_id"] for r in frozen} & {r["source_id"] for r in pool}


def test_frozen_split_holds_the_newest_batches_only() -> None:
    """The corpus as it is: never scored here (docs/review.md has each batch's measurements)."""
    _check_frozen(ROWS)


def test_the_frozen_check_takes_either_state() -> None:
    """Between rounds the frozen split is empty; then the lead freezes the next batch, newer
    than the pool. Both pass the check whatever state the corpus is in now; a frozen batch
    older than the pool, or sharing a source with it, does not."""
    pool = [r for r in ROWS if r["split"] not in FROZEN]
    newest = max(int(r["batch"]) for r in pool)
    _check_frozen(pool)
    fresh = [{**r, "split": "frozen", "batch": newest + 1, "id": f"new-{i}",
              "source_id": f"new-source-{i}"} for i, r in enumerate(pool[:25])]
    _check_frozen(pool + fresh)
    with pytest.raises(AssertionError):
        _check_frozen(pool + [{**r, "batch": newest} for r in fresh])
    with pytest.raises(AssertionError):
        _check_frozen(pool + [{**r, "source_id": pool[0]["source_id"]} for r in fresh])


def test_frozen_report_says_when_nothing_is_frozen(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Between rounds the frozen split is empty: `evaluate frozen` says so in one line and
    exits 0 (no figure of nan); with a frozen row it reports as usual."""
    pool_only = tmp_path / "pool.jsonl"
    pool_only.write_text("".join(json.dumps(r) + "\n" for r in ROWS if r["split"] not in FROZEN),
                         encoding="utf-8")
    assert evaluate_main(["frozen", "--corpus", str(pool_only)]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "no draft is frozen" in out
    assert evaluate_main(["frozen", "--corpus", str(pool_only), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["n"] == 0
    one = {**ROWS[0], "split": "frozen"}
    with_one = tmp_path / "one.jsonl"
    with_one.write_text(json.dumps(one) + "\n", encoding="utf-8")
    assert evaluate_main(["frozen", "--corpus", str(with_one)]) == 0
    assert "frozen split, shipped weights" in capsys.readouterr().out


def test_folds_are_fixed() -> None:
    a = folds(POOL, 5)
    b = folds(list(reversed(POOL)), 5)
    by_id = [sorted(POOL[i].id for i in part) for part in a]
    rev = list(reversed(POOL))
    assert sorted(by_id) == sorted(sorted(rev[i].id for i in part) for part in b)


def test_example_weighting_prefers_real_outcomes() -> None:
    real = Example("a", "email", "Hi Ana, could I ask you one question?", True, False, "dev",
                   "outcome", "s")
    guide = Example("b", "email", "Hi Ana, could I ask you one question?", True, False, "dev",
                    "example", "t")
    w = [s.weight for s in samples([real, guide])]
    assert w[0] > w[1]


def test_the_early_pool_weighs_half_a_later_batch() -> None:
    """Round 11: a draft of batches 1-6 weighs `EARLY_POOL_WEIGHT` times the same draft of a
    later batch, and the weights add up to what they would without that factor, so a fit on
    the early pool alone is what it was (`evaluate.draft_weights`)."""
    def draft(batch: int, real: bool) -> Example:
        return Example(f"{batch}{real}", "email", "Hi Ana, could I ask you one question?", True,
                       False, "dev", "outcome" if real else "example", "s", batch)
    mixed = [draft(3, True), draft(9, True), draft(3, False), draft(9, False)]
    w = draft_weights(mixed)
    assert w[0] == pytest.approx(EARLY_POOL_WEIGHT * w[1])
    assert w[2] == pytest.approx(EARLY_POOL_WEIGHT * w[3])
    assert w[1] == pytest.approx(OUTCOME_WEIGHT * w[3])
    assert sum(w) == pytest.approx(2 * (OUTCOME_WEIGHT + 1))
    early = [draft(3, True), draft(5, False)]
    assert draft_weights(early) == pytest.approx([OUTCOME_WEIGHT, 1.0])


def test_likely_needs_a_sign_that_it_works() -> None:
    """A draft with no findings scores the base, which is below `likely`: the verdict rests on
    what the draft does well, not on the faults the rules happen to miss."""
    model = fit(samples(POOL))
    assert model.raw_score(frozenset()) < model.likely_at
    assert weights.WEIGHTS.base < weights.WEIGHTS.likely_at


def _agree(w: weights.Weights) -> None:
    """`w`'s cut-offs read "likely" exactly when its odds line says about 6 in 10 or more, and
    "unlikely" exactly when it says 3 in 10 or fewer (`fit.LIKELY_TENTHS`,
    `fit.UNLIKELY_TENTHS`): "maybe" is 4 or 5 in 10. Every score a member can be shown."""
    for score in range(max(w.base + 1, 0), 101):  # `likely` sits above the base, by design
        tenths = round(w.probability(score) * 10)
        assert (score >= w.likely_at) == (tenths >= LIKELY_TENTHS), score
    for score in range(101):
        tenths = round(w.probability(score) * 10)
        assert (score < w.maybe_at) == (tenths <= UNLIKELY_TENTHS), score


def test_the_verdict_agrees_with_the_odds_in_words() -> None:
    """The shipped cut-offs and the shipped (tempered) odds agree at every score (round 11;
    6 in 10 since round 10, 7 in rounds 8-9)."""
    _agree(weights.WEIGHTS)


@pytest.mark.parametrize("factor", [0.0, 0.05, 0.2, 0.35, 0.5, 0.8, 1.0])
def test_the_verdict_agrees_with_the_odds_however_tempered(factor: float) -> None:
    """Whatever the temper, the cut-offs are read off the odds it gives: tempered far enough,
    no score reads "likely" (the odds never reach 6 in 10) and none "unlikely"."""
    likely, maybe = cut_offs(base=45, temper=factor)
    _agree(weights.Weights(intercept=-0.4, likely_at=likely, maybe_at=maybe, temper=factor))
    if factor == 0.0:
        assert likely > 100 and maybe <= 0
    # the less sure the odds, the higher "likely" starts and the lower "unlikely" ends
    assert likely >= cut_offs(45, 1.0)[0] and maybe <= cut_offs(45, 1.0)[1]


def test_the_temper_only_makes_the_odds_less_sure() -> None:
    assert fit_temper(0.35) == 0.35
    assert fit_temper(1.4) == 1.0 and fit_temper(-0.2) == 0.0


@functools.cache
def _forecast_rows() -> list[Scored]:
    """The pool's newest batches, each scored by a fit on the batches before it (what the
    shipped odds are tempered on)."""
    return forecast(POOL, TEMPER_BATCHES)


def test_the_odds_are_right_on_the_newest_batches() -> None:
    """Round 11: on the newest batches, each scored by a fit on the older ones alone (as the
    next unseen batch will be), the odds members read are calibrated: the slope of their
    labels on the tempered log-odds is 1 (the temper is that slope, when under 1). Untempered,
    the fit's odds were too sure on drafts from new sources: slope 0.35 on batches 12 and 13
    with round 10's rules (0.47 with round 11's, chosen after reading them)."""
    slope, intercept = calibration(_forecast_rows())
    factor = weights.WEIGHTS.temper
    assert factor == pytest.approx(fit_temper(slope), abs=1e-6)
    assert 0 < factor < 1 and abs(intercept) <= 0.3, (slope, intercept)
    tempered = [Scored(r.example, 50 + factor * (r.value - 50), r.likely)
                for r in _forecast_rows()]
    assert calibration(tempered)[0] == pytest.approx(1.0, abs=0.01)


def test_the_fit_is_surer_on_the_pool_than_on_new_batches() -> None:
    """Leaving one batch of the pool out, the untempered odds are nearly calibrated (slope 0.86
    in round 11; 1.00 in round 10): the rules were written reading every pool batch, so the
    pool flatters them, and the odds are tempered on the newest batches instead. A slope
    there under the pool's is what the temper is for."""
    slope, intercept = calibration(_lobo_rows())
    assert 0.7 <= slope <= 1.25 and abs(intercept) <= 0.25, (slope, intercept)
    assert calibration(_forecast_rows())[0] < slope


def test_calibration_reads_what_the_odds_mean() -> None:
    """On drafts whose labels follow the score's odds exactly the fit finds (1, 0); on odds
    twice as sure as the labels it finds a slope of 1/2."""
    def rows(stretch: float) -> list[Scored]:
        out = []
        for raw in range(10, 91, 2):
            p = weights.probability(raw)
            for k in range(20):  # 20 drafts per score, good in proportion to the odds
                ex = Example(f"{raw}-{k}", "email", "x", k < round(20 * p), False, "dev",
                             "example", "s")
                out.append(Scored(ex, 50 + stretch * (raw - 50), False))
        return out
    slope, intercept = calibration(rows(1.0))
    assert slope == pytest.approx(1.0, abs=0.1) and intercept == pytest.approx(0.0, abs=0.1)
    assert calibration(rows(2.0))[0] == pytest.approx(0.5, abs=0.06)


def test_rare_features_keep_the_lesson_weight() -> None:
    """Fewer than MIN_EVIDENCE drafts are too few to move a weight: it stays at the prior."""
    from bot.review.fit import MIN_EVIDENCE, PRIOR, Sample

    rare = "warn.guilt:problem"
    data = [Sample(frozenset({"ask.small:good"}), i % 2 == 0, 1.0) for i in range(20)]
    data += [Sample(frozenset({rare}), True, 1.0)] * (MIN_EVIDENCE - 1)
    assert fit(data).logits[rare] == PRIOR[rare]
    data += [Sample(frozenset({rare}), True, 1.0)] * 5
    assert fit(data).logits[rare] != PRIOR[rare]


def test_a_problem_never_weighs_less_than_its_warning() -> None:
    """Round 11: when the drafts would make a rule's problem lighter than its warning (hard
    sells answered as often as not, mild pitches never), the two share one weight."""
    from bot.review.fit import Sample

    data = [Sample(frozenset({"ask.small:good"}), i % 2 == 0, 1.0) for i in range(20)]
    data += [Sample(frozenset({"warn.pitch:warning"}), False, 1.0)] * 10
    data += [Sample(frozenset({"warn.pitch:problem"}), i % 2 == 0, 1.0) for i in range(10)]
    logits = fit(data).logits
    assert logits["warn.pitch:problem"] == logits["warn.pitch:warning"] < 0
    # the other way round, each keeps its own weight
    data = [Sample(frozenset({"ask.small:good"}), i % 2 == 0, 1.0) for i in range(20)]
    data += [Sample(frozenset({"warn.pitch:warning"}), i % 3 == 0, 1.0) for i in range(12)]
    data += [Sample(frozenset({"warn.pitch:problem"}), False, 1.0)] * 10
    logits = fit(data).logits
    assert logits["warn.pitch:problem"] < logits["warn.pitch:warning"] < 0


def test_unstable_findings_carry_no_points() -> None:
    """Round 6: findings whose evidence reversed or vanished from one batch to the next keep
    their message and hint but weigh nothing, however the corpus would fit them."""
    from bot.review.fit import UNSCORED, Sample

    data = [Sample(frozenset({"ask.small:good"}), i % 2 == 0, 1.0) for i in range(20)]
    data += [Sample(frozenset({"research.missing:warning"}), False, 1.0)] * 20
    assert fit(data).logits["research.missing:warning"] == 0.0
    assert all(weights.WEIGHTS.points(f) == 0 for f in UNSCORED)
