"""Measure the reviewer on drafts it was not fitted on.

    python -m bot.review.evaluate batches [--json] [-v]          # leave one collection batch out
    python -m bot.review.evaluate cv [--folds 5] [--json] [-v]   # k-fold over sources
    python -m bot.review.evaluate frozen [--json] [-v]           # the frozen split

`batches`: the figure the pool is tuned on. Each collection batch (one round, one searcher, one
kind of page) is held out in turn; the weights and cut-offs are fitted on the others
(`fit.fit`) and the batch is scored with them: nearer to "unseen" than `cv`, which cuts the
non-frozen corpus into k folds by source (all messages of one source in one fold). Both are
optimistic, since the rules were written looking at every batch of the pool. `frozen`: the
shipped weights (fitted on every non-frozen message) score the split frozen before any change.

Each report gives, for all drafts, per channel and for real messages with a known outcome
alone: AUC of the score (probability that a random good draft outscores a random bad one, ties
half) and balanced accuracy of `verdict == "likely"` as the prediction of good, with two
trivial baselines' AUC (word count; count of you/your); and, over all drafts, how right the
odds members read are out of sample (`calibration`).

Corpus lines (JSON): id, channel, text, label (good|bad), evidence (outcome|example),
source_url, source_id, source_verdict, is_followup, split, batch.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.review.core import review
from bot.review.fit import (
    EARLY_POOL_LAST_BATCH,
    EARLY_POOL_WEIGHT,
    OUTCOME_WEIGHT,
    Sample,
    fit_stacked,
)
from bot.review.score import BELOW_LIKELY, SPEAKS_ALONE, clamp, features
from bot.review.text import WORD_RE, body_bounds, lowered, subject_line
from bot.review.vocabulary import Doc, source_folds, terms
from bot.review.weights import SCALE, WEIGHTS

CORPUS_PATH = Path(__file__).resolve().parents[2] / "tests" / "data" / "outreach_corpus.jsonl"

#: The corpus splits, in the order they were made (docs/review.md has their history).
SPLITS: tuple[str, ...] = (
    "dev", "heldout", "heldout2", "heldout3", "heldout4", "heldout5", "heldout6", "heldout7",
    "heldout8", "heldout9", "heldout10", "heldout11", "frozen")
#: Splits frozen before a change and held out of all fitting and tuning: measured on request.
#: (`heldout3` to `heldout11` were the frozen splits of batches 4, 6, 7, 8, 9, 10, 11, 12 and
#: 13; each was measured before any change (batches 10 to 13 with two reviewers) and its errors
#: read, so it joined the pool. `frozen` is empty until the next batch is collected into it.)
FROZEN: tuple[str, ...] = ("frozen",)


@dataclass(frozen=True)
class Example:
    id: str
    channel: str | None
    text: str
    good: bool
    followup: bool
    split: str
    evidence: str  # "outcome": a real message with its outcome; "example": a guide's example
    source_id: str
    batch: int = 0

    @property
    def real(self) -> bool:
        return self.evidence == "outcome"


@dataclass(frozen=True)
class Figures:
    n: int
    n_good: int
    n_bad: int
    auc: float
    balanced_accuracy: float
    auc_word_count: float
    auc_you_count: float

    def to_dict(self) -> dict[str, object]:
        return {"n": self.n, "good": self.n_good, "bad": self.n_bad,
                "auc": round(self.auc, 3), "balanced_accuracy": round(self.balanced_accuracy, 3),
                "baseline_auc_word_count": round(self.auc_word_count, 3),
                "baseline_auc_you_count": round(self.auc_you_count, 3)}


@dataclass(frozen=True)
class Scored:
    example: Example
    value: float  # the unclamped score
    likely: bool


def load(path: str | Path = CORPUS_PATH) -> list[Example]:
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            d = json.loads(line)
            out.append(Example(d["id"], d.get("channel"), d["text"], d["label"] == "good",
                               bool(d.get("is_followup")), d.get("split", "dev"),
                               d.get("evidence", "example"), d.get("source_id", d["id"]),
                               int(d.get("batch", 0))))
    return out


def featurize(ex: Example) -> frozenset[str]:
    r = review(ex.text, channel=ex.channel, followup=ex.followup)
    return frozenset(features(r.findings))


def draft_weights(examples: Sequence[Example]) -> list[float]:
    """Each draft's weight in the fits: a real message weighs `OUTCOME_WEIGHT` guides'
    examples, and a draft of the early pool `EARLY_POOL_WEIGHT` times a later one; scaled so
    they add up to what they would without the early pool's factor, so that the priors pull
    as hard as before (a fit on the early pool alone is the fit it was)."""
    plain = [OUTCOME_WEIGHT if e.real else 1.0 for e in examples]
    weighed = [w * (EARLY_POOL_WEIGHT if e.batch <= EARLY_POOL_LAST_BATCH else 1.0)
               for w, e in zip(plain, examples, strict=True)]
    scale = math.fsum(plain) / math.fsum(weighed) if weighed else 1.0
    return [w * scale for w in weighed]


def samples(examples: Sequence[Example]) -> list[Sample]:
    """The rules' features of each draft (its vocabulary score is set by `fit.fit_stacked`)."""
    return [Sample(featurize(e), e.good, w)
            for e, w in zip(examples, draft_weights(examples), strict=True)]


def vocabulary_terms(ex: Example) -> frozenset[str]:
    """The terms of a draft's body, as `review` reads them."""
    subj = subject_line(ex.text) if ex.channel == "email" else None
    return terms(lowered(ex.text), *body_bounds(ex.text, subj))


def docs(examples: Sequence[Example]) -> list[Doc]:
    return [Doc(vocabulary_terms(e), e.good, w, e.source_id)
            for e, w in zip(examples, draft_weights(examples), strict=True)]


def auc(scores: Sequence[float], labels: Sequence[bool]) -> float:
    pos = [s for s, y in zip(scores, labels, strict=True) if y]
    neg = [s for s, y in zip(scores, labels, strict=True) if not y]
    if not pos or not neg:
        return float("nan")
    wins = sum((p > q) + 0.5 * (p == q) for p in pos for q in neg)
    return wins / (len(pos) * len(neg))


def balanced_accuracy(pred: Sequence[bool], labels: Sequence[bool]) -> float:
    tp = sum(p and y for p, y in zip(pred, labels, strict=True))
    tn = sum((not p) and (not y) for p, y in zip(pred, labels, strict=True))
    n_pos = sum(labels)
    n_neg = len(labels) - n_pos
    if not n_pos or not n_neg:
        return float("nan")
    return (tp / n_pos + tn / n_neg) / 2


def calibration(rows: Sequence[Scored]) -> tuple[float, float]:
    """(slope, intercept) of a logistic regression of good on each draft's log-odds as the
    score says them (`(value - 50) / SCALE`, untempered), good and bad drafts weighing half
    each as in the fit: (1, 0) when the fit's odds are right out of sample, a slope under 1
    when they are too sure (the odds members read are tempered: their slope is this one over
    `Weights.temper`). Newton's method on two parameters (a tiny ridge keeps it finite when
    the scores separate the labels)."""
    n_good = sum(r.example.good for r in rows)
    n_bad = len(rows) - n_good
    if not n_good or not n_bad:
        return float("nan"), float("nan")
    data = [((r.value - 50) / SCALE, r.example.good, 0.5 / (n_good if r.example.good else n_bad))
            for r in rows]
    a, b = 1.0, 0.0
    for _ in range(50):
        ga = gb = haa = hab = hbb = 0.0
        for x, good, w in data:
            p = 1.0 / (1.0 + math.exp(-(a * x + b)))
            g, h = w * (p - good), w * p * (1.0 - p)
            ga, gb = ga + g * x, gb + g
            haa, hab, hbb = haa + h * x * x, hab + h * x, hbb + h
        ga, gb, haa, hbb = ga + 1e-6 * (a - 1.0), gb + 1e-6 * b, haa + 1e-6, hbb + 1e-6
        det = haa * hbb - hab * hab
        da, db = (hbb * ga - hab * gb) / det, (haa * gb - hab * ga) / det
        a, b = a - da, b - db
        if max(abs(da), abs(db)) < 1e-10:
            break
    return a, b


def _you_count(text: str) -> int:
    return sum(1 for w in WORD_RE.findall(lowered(text)) if w in {"you", "your", "yours"})


def figures(rows: Sequence[Scored]) -> Figures:
    labels = [r.example.good for r in rows]
    return Figures(
        n=len(rows), n_good=sum(labels), n_bad=len(rows) - sum(labels),
        auc=auc([r.value for r in rows], labels),
        balanced_accuracy=balanced_accuracy([r.likely for r in rows], labels),
        auc_word_count=auc([len(WORD_RE.findall(r.example.text)) for r in rows], labels),
        auc_you_count=auc([_you_count(r.example.text) for r in rows], labels),
    )


def breakdown(rows: Sequence[Scored]) -> dict[str, Figures]:
    """All drafts, real messages alone, guide examples alone, and each channel."""
    groups: list[tuple[str, Callable[[Example], bool]]] = [
        ("all", lambda e: True),
        ("real (known outcome)", lambda e: e.real),
        ("examples", lambda e: not e.real),
        *[(f"channel {c}", lambda e, c=c: e.channel == c)
          for c in ("linkedin_note", "linkedin_message", "email")],
    ]
    return {name: figures([r for r in rows if keep(r.example)]) for name, keep in groups}


def folds(examples: Sequence[Example], k: int) -> list[list[int]]:
    """k folds of example indices; a source never straddles two folds (`source_folds`)."""
    return source_folds([e.source_id for e in examples], k)


def batch_folds(examples: Sequence[Example]) -> list[list[int]]:
    """One fold per collection batch: a harder test than source folds, since a batch was
    gathered in one round, by one searcher, from one kind of page."""
    by_batch: dict[int, list[int]] = {}
    for i, e in enumerate(examples):
        by_batch.setdefault(e.batch, []).append(i)
    return [by_batch[b] for b in sorted(by_batch)]


def cross_validate(examples: Sequence[Example], k: int = 5,
                   parts: Sequence[Sequence[int]] | None = None,
                   temper: float = WEIGHTS.temper) -> list[Scored]:
    """Fit on all but one part, score that part, for each part (default: `folds(examples, k)`).
    The vocabulary is refitted inside every part, on its training drafts alone (and the rules'
    fit sees their scores out of fold, as the shipped fit does): a held-out draft's words
    were never learned. Each part's cut-offs read its odds tempered by `temper` (the shipped
    factor: it is measured once, on the pool's newest batches, `forecast`)."""
    data = samples(examples)
    words = docs(examples)
    rows: list[Scored] = []
    for test in parts if parts is not None else folds(examples, k):
        held = set(test)
        train = [i for i in range(len(examples)) if i not in held]
        model, vocabulary = fit_stacked([data[i] for i in train], [words[i] for i in train],
                                        temper)
        for i in test:
            rules = {f.split(":")[0] for f in data[i].features}
            # as `core.review` and `score.assign_points` do: no wording beside a warning that
            # speaks alone, and a lesson's Beware keeps the draft below likely
            raw = model.raw_score(data[i].features, 0.0 if rules & SPEAKS_ALONE else
                                  vocabulary.score(words[i].terms))
            if rules & BELOW_LIKELY:
                raw = min(raw, model.likely_at - 1)
            rows.append(Scored(examples[i], raw, clamp(raw) >= model.likely_at))
    return rows


def forecast(examples: Sequence[Example], newest: int) -> list[Scored]:
    """The `newest` collection batches, each scored by a fit on the batches before it alone:
    as the next unseen batch will be scored by the shipped fit. What `fit.temper` tempers the
    odds by (the slope of their labels on these scores' log-odds, `calibration`)."""
    batches = sorted({e.batch for e in examples})
    rows: list[Scored] = []
    for batch in batches[-newest:]:
        known = [e for e in examples if e.batch <= batch]
        rows += cross_validate(known, parts=[[i for i, e in enumerate(known) if e.batch == batch]],
                               temper=1.0)
    return rows


def score_with_shipped_weights(examples: Iterable[Example]) -> list[Scored]:
    out = []
    for e in examples:
        r = review(e.text, channel=e.channel, followup=e.followup)
        # the unclamped score back from the (tempered) probability, as `cross_validate` has it
        logit = math.log(r.probability / (1 - r.probability))
        out.append(Scored(e, 50 + SCALE * logit / WEIGHTS.temper, r.verdict == "likely"))
    return out


def _report(title: str, rows: Sequence[Scored], as_json: bool, verbose: bool) -> None:
    table = breakdown(rows)
    slope, intercept = calibration(rows)
    if as_json:
        sys.stdout.write(json.dumps({"report": title,
                                     **{k: v.to_dict() for k, v in table.items()},
                                     "calibration": None if math.isnan(slope) else {
                                         "slope": round(slope, 3),
                                         "intercept": round(intercept, 3),
                                         "temper": WEIGHTS.temper,
                                         "tempered_slope": round(slope / WEIGHTS.temper, 3)},
                                     }) + "\n")
        return
    sys.stdout.write(f"{title}\n")
    if verbose:
        for r in sorted(rows, key=lambda r: r.value):
            mark = "good" if r.example.good else "bad "
            sys.stdout.write(f"  {r.value:8.3f} {'likely' if r.likely else '-':<7} {mark} "
                             f"{r.example.id}\n")
    for name, f in table.items():
        sys.stdout.write(
            f"  {name:<24} n={f.n:<3} (good {f.n_good:>3}, bad {f.n_bad:>3})  AUC {f.auc:.3f}  "
            f"balanced accuracy {f.balanced_accuracy:.3f}   baselines: words "
            f"{f.auc_word_count:.3f}, you/your {f.auc_you_count:.3f}\n")
    sys.stdout.write(f"  the odds out of sample: slope {slope:.3f}, intercept {intercept:.3f} "
                     "of the score's log-odds; of the odds members read (tempered x "
                     f"{WEIGHTS.temper:.3f}) slope {slope / WEIGHTS.temper:.3f} (1 and 0 when "
                     "the \"N in 10\" is right)\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bot.review.evaluate", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", choices=["cv", "batches", "frozen"])
    ap.add_argument("--corpus", default=str(CORPUS_PATH))
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("-v", "--verbose", action="store_true", help="list every draft")
    args = ap.parse_args(argv)
    examples = load(args.corpus)
    if args.what == "cv":
        pool = [e for e in examples if e.split not in FROZEN]
        rows = cross_validate(pool, args.folds)
        title = f"{args.folds}-fold cross-validation over sources ({len(pool)} non-frozen drafts)"
    elif args.what == "batches":
        pool = [e for e in examples if e.split not in FROZEN]
        rows = cross_validate(pool, parts=batch_folds(pool))
        title = f"leave-one-batch-out ({len(pool)} non-frozen drafts)"
    else:
        rows = score_with_shipped_weights(e for e in examples if e.split in FROZEN)
        if not rows:  # between rounds: the last frozen batch joined the pool, the next is due
            note = "frozen split: no draft is frozen (the split is empty), nothing to measure"
            sys.stdout.write((json.dumps({"report": "frozen split", "n": 0, "note": note})
                              if args.json else note) + "\n")
            return 0
        title = "frozen split, shipped weights"
    _report(title, rows, args.json, args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
