"""Measure the reviewer against a labelled corpus.

    python -m bot.review.evaluate tests/data/outreach_corpus.jsonl \
        [--split dev|heldout|heldout2|all] [--json] [-v]

Each line of the corpus is one JSON object: id, channel, text, label (good|bad), source_url,
source_verdict, is_followup, split (dev|heldout|heldout2). Reported: AUC of `score`
(probability that a random good message outscores a random bad one, ties counting half) and
balanced accuracy of `verdict == "likely"` as the prediction of `good`.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.review.core import review

#: The corpus splits, in the order they were made (docs/review.md has their history).
SPLITS: tuple[str, ...] = ("dev", "heldout", "heldout2", "frozen")
#: Splits frozen before a change and held out of all tuning: measured only on request.
FROZEN: tuple[str, ...] = ("frozen",)


@dataclass(frozen=True)
class Example:
    id: str
    channel: str | None
    text: str
    good: bool
    followup: bool
    split: str


@dataclass(frozen=True)
class Figures:
    n: int
    n_good: int
    n_bad: int
    auc: float
    balanced_accuracy: float

    def to_dict(self) -> dict[str, object]:
        return {"n": self.n, "good": self.n_good, "bad": self.n_bad,
                "auc": round(self.auc, 4), "balanced_accuracy": round(self.balanced_accuracy, 4)}


def load(path: str | Path) -> list[Example]:
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            d = json.loads(line)
            out.append(Example(d["id"], d.get("channel"), d["text"], d["label"] == "good",
                               bool(d.get("is_followup")), d.get("split", "dev")))
    return out


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


def measure(examples: Iterable[Example]) -> tuple[Figures, list[tuple[Example, int, str]]]:
    rows: list[tuple[Example, int, str]] = []
    for ex in examples:
        r = review(ex.text, channel=ex.channel, followup=ex.followup)
        rows.append((ex, r.score, r.verdict))
    labels = [ex.good for ex, _, _ in rows]
    figs = Figures(
        n=len(rows),
        n_good=sum(labels),
        n_bad=len(rows) - sum(labels),
        auc=auc([s for _, s, _ in rows], labels),
        balanced_accuracy=balanced_accuracy([v == "likely" for _, _, v in rows], labels),
    )
    return figs, rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bot.review.evaluate", description=__doc__)
    ap.add_argument("corpus")
    ap.add_argument("--split", choices=[*SPLITS, "all"], default=None,
                    help="one split only (default: report every split and all)")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("-v", "--verbose", action="store_true", help="list every example")
    args = ap.parse_args(argv)
    examples = load(args.corpus)
    splits = [args.split] if args.split else [*SPLITS, "all"]
    result: dict[str, dict[str, object]] = {}
    for split in splits:
        chosen = [e for e in examples if split == "all" or e.split == split]
        figs, rows = measure(chosen)
        result[split] = figs.to_dict()
        if args.verbose and not args.json:
            for ex, s, v in sorted(rows, key=lambda t: t[1]):
                mark = "good" if ex.good else "bad "
                sys.stdout.write(f"  {s:3d} {v:<8} {mark} {ex.id}\n")
        if not args.json:
            sys.stdout.write(
                f"{split:<8} n={figs.n:<3} (good {figs.n_good}, bad {figs.n_bad})  "
                f"AUC {figs.auc:.3f}  balanced accuracy {figs.balanced_accuracy:.3f}\n"
            )
    if args.json:
        sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
