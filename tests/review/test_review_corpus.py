"""The reviewer against the labelled corpus of real outreach (tests/data/outreach_corpus.jsonl).

Deterministic, not timed: the figures are recorded in docs/review.md and reproduced with
`python -m bot.review.evaluate tests/data/outreach_corpus.jsonl`.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from bot.review.evaluate import FROZEN, SPLITS, auc, balanced_accuracy, load, measure

CORPUS = Path(__file__).resolve().parents[1] / "data" / "outreach_corpus.jsonl"


def test_corpus_shape() -> None:
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line]
    assert len(rows) >= 40
    keys = {"id", "channel", "text", "label", "source_url", "source_verdict", "is_followup"}
    keys.add("split")
    for r in rows:
        assert keys <= set(r), r["id"]
        assert r["label"] in {"good", "bad"} and r["split"] in SPLITS
        assert r["source_url"].startswith("http") and r["source_verdict"]
        assert r["channel"] in {"linkedin_note", "linkedin_message", "email"}
    assert len({r["id"] for r in rows}) == len(rows)
    labels = Counter(r["label"] for r in rows)
    assert abs(labels["good"] - labels["bad"]) <= 0.1 * len(rows)


def test_corpus_meets_targets() -> None:
    """Targets: AUC >= 0.90, balanced accuracy >= 0.85 (docs/review.md).

    Met on the development split, on the third batch (`heldout2`, measured once before any
    tuning on it: 0.920 / 0.908) and on the whole corpus (0.941 / 0.883). The first held-out
    split stays below the balanced-accuracy target (0.80, reported as measured in
    docs/review.md); it is pinned as a floor so a change cannot make it silently worse.
    """
    examples = [e for e in load(CORPUS) if e.split not in FROZEN]  # never looked at here
    dev, _ = measure(e for e in examples if e.split == "dev")
    assert dev.auc >= 0.90, dev
    assert dev.balanced_accuracy >= 0.85, dev
    everything, _ = measure(examples)
    assert everything.auc >= 0.90, everything
    assert everything.balanced_accuracy >= 0.85, everything
    heldout, _ = measure(e for e in examples if e.split == "heldout")
    assert heldout.auc >= 0.90, heldout
    assert heldout.balanced_accuracy >= 0.80, heldout
    heldout2, _ = measure(e for e in examples if e.split == "heldout2")
    assert heldout2.auc >= 0.90, heldout2
    assert heldout2.balanced_accuracy >= 0.85, heldout2


@pytest.mark.parametrize("split", [s for s in SPLITS if s not in FROZEN])
def test_each_split_is_reported(split: str) -> None:
    figs, _ = measure(e for e in load(CORPUS) if e.split == split)
    assert figs.n_good and figs.n_bad
    assert 0.5 < figs.auc <= 1.0


def test_metric_helpers() -> None:
    assert auc([3, 2, 1, 0], [True, True, False, False]) == 1.0
    assert auc([1, 1], [True, False]) == 0.5
    assert balanced_accuracy([True, False, False, False], [True, True, False, False]) == 0.75
