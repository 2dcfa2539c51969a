"""The scoring weights, fitted from the labelled corpus and shipped as data.

`weights.json` is written by `python -m bot.review.fit` (never by hand: a test refits the corpus
and compares). It holds, per feature (a `rule:severity` pair or a fault group, see
`score.FAULT_GROUPS`), the fitted logistic-regression weight and the same weight in score points,
the base score (the intercept), the temper of the odds (`Weights.temper`: how far out of sample
the score's log-odds are to be believed) and the verdict cut-offs chosen from both.
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
    #: The factor the score's log-odds are multiplied by before they are read as odds (round
    #: 11, `fit.temper`): 1 takes the fit at its word; under 1 says that on drafts from new
    #: sources its odds were too sure (the slope of the labels on them, out of sample).
    temper: float = 1.0
    # Looked up for every finding of every review: computed once.
    _points: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_points", {f: to_points(w) for f, w in self.logits.items()})

    @property
    def base(self) -> int:
        return to_points(self.intercept) + 50

    def points(self, feature: str) -> int:
        return self._points.get(feature, 0)

    def probability(self, raw_score: int) -> float:
        """The odds a member reads for an unclamped score (`probability`, tempered)."""
        return probability(raw_score, self.temper)

    @property
    def vocabulary(self) -> float:
        """The weight of the vocabulary's log-odds in the score (0: no vocabulary finding)."""
        return self.logits.get(VOCABULARY_FEATURE, 0.0)


def to_points(logit: float) -> int:
    return round(SCALE * logit)


#: The most the vocabulary finding may add or take (points). Round 9 set 10, the width of
#: "maybe", so that the words alone could never carry a draft across it; at 10 it bound 39 % of
#: the pool's drafts, so for them the score was not the model the fit had fitted (which weighs
#: the words uncapped). Round 10 chose it by nested validation: inside each batch fold, the cap
#: among 10, 15, 20, 25 and none with the best AUC leaving one training batch out (none 7
#: times, 25 three, 15 once); that procedure, held out, ranks batches 7-11's real messages at
#: 0.811 against 0.784 at 10 (docs/review.md). The same rule on the whole pool picks 25, which
#: binds on 6 % of the drafts: the words weigh what the fit says, within the size of the
#: strongest findings, and the lesson's warnings still cap the verdict (`score.BELOW_LIKELY`).
VOCABULARY_CAP = 25


def vocabulary_points(logit: float) -> int:
    """The vocabulary finding's points for its (weighted) log-odds, within the cap."""
    return max(-VOCABULARY_CAP, min(VOCABULARY_CAP, to_points(logit)))


def probability(raw_score: int, temper: float = 1.0) -> float:
    """The probability a score stands for: the logistic of its log-odds (the inverse of the
    points scale), multiplied by `temper` (`Weights.temper`)."""
    return 1.0 / (1.0 + math.exp(-temper * (raw_score - 50) / SCALE))


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
        temper=float(data["temper"]),
    )


WEIGHTS = load()
