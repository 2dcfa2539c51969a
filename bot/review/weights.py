"""The scoring weights, fitted from the labelled corpus and shipped as data.

`weights.json` is written by `python -m bot.review.fit` (never by hand: a test refits the corpus
and compares). It holds, per feature (a `rule:severity` pair or a fault group, see
`score.FAULT_GROUPS`), the fitted logistic-regression weight and the same weight in score points,
the base score (the intercept) and the verdict cut-offs chosen from the fit.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

#: The wording finding (`vocabulary.py`) and its feature in the rules' fit: the weight of the
#: vocabulary's log-odds.
VOCABULARY_RULE = "style.vocabulary"
VOCABULARY_FEATURE = f"{VOCABULARY_RULE}:good"

WEIGHTS_PATH = Path(__file__).with_name("weights.json")

#: Score points per unit of log-odds: the score's 0-100 spans log-odds -4..+4 around 50, i.e.
#: probabilities of about 2 % to 98 %.
SCALE = 12.5


@dataclass(frozen=True)
class Weights:
    intercept: float = 0.0
    logits: Mapping[str, float] = field(default_factory=dict)
    likely_at: int = 60
    maybe_at: int = 40
    # Looked up for every finding of every review: computed once.
    _points: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_points", {f: to_points(w) for f, w in self.logits.items()})

    @property
    def base(self) -> int:
        return to_points(self.intercept) + 50

    def points(self, feature: str) -> int:
        return self._points.get(feature, 0)

    @property
    def vocabulary(self) -> float:
        """The weight of the vocabulary's log-odds in the score (0: no vocabulary finding)."""
        return self.logits.get(VOCABULARY_FEATURE, 0.0)


def to_points(logit: float) -> int:
    return round(SCALE * logit)


#: The most the vocabulary finding may add or take (points): no more than the width of "maybe"
#: (43 to 52 since round 10, `fit.cut_offs`), so the words alone never lift an "unlikely" draft
#: to "likely" or sink a "likely" one to "unlikely". Measured in round 9 (docs/review.md),
#: leaving one batch out, batches 7-10's real messages: uncapped 0.801 AUC (with every
#: unigram), 15 points 0.772 / 0.640 (AUC / balanced accuracy), 10 points 0.769 / 0.652, 8
#: 0.765 / 0.652; 10 also gives the pool's best balanced accuracy (0.790, against 0.780 at
#: 15). A cap costs a little AUC and keeps the rules' say over the verdict.
VOCABULARY_CAP = 10


def vocabulary_points(logit: float) -> int:
    """The vocabulary finding's points for its (weighted) log-odds, within the cap."""
    return max(-VOCABULARY_CAP, min(VOCABULARY_CAP, to_points(logit)))


def probability(raw_score: int) -> float:
    """The probability a score stands for (inverse of the points scale)."""
    return 1.0 / (1.0 + math.exp(-(raw_score - 50) / SCALE))


def load(path: Path = WEIGHTS_PATH) -> Weights:
    """The shipped weights; neutral ones (every feature 0) only before the first fit has
    written the file, so that the fit itself can run."""
    if not path.exists():
        return Weights()
    data = json.loads(path.read_text(encoding="utf-8"))
    return Weights(
        intercept=float(data["intercept"]),
        logits={str(k): float(v) for k, v in data["logits"].items()},
        likely_at=int(data["likely_at"]),
        maybe_at=int(data["maybe_at"]),
    )


WEIGHTS = load()
