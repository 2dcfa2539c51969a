"""The vocabulary finding: which of a draft's words went with answered messages.

The rules read kinds of phrasing the lesson names; this reads the words themselves. Its terms
are the lowercased word unigrams (not the `FUNCTION_WORDS`) and bigrams of the draft's body
(`terms`): not the greeting (its name is the reader's), numbers folded to one token, and
nothing inside a template blank or a quotation (a left-in `[your company]` and the title of
their post are not the sender's wording); a bigram never spans a sentence break. A term gets
a weight only if training drafts from at least `MIN_SOURCES` different sources use it, so no
message's own names (a person, a company, a product) are ever learned.

The model (`fit_vocabulary`) is an L2-regularised logistic regression on the terms' presence
(a draft that repeats "your book" ten times has it once), class-balanced, real messages
weighed `OUTCOME_WEIGHT` times a guide's example, fitted in pure Python by L-BFGS with a fixed
budget, so the same corpus always gives the same weights. Its output enters the rules' fit as
one feature (`fit.py`, stacking); the weights ship in `vocabulary.json`, written with
`weights.json` by `python -m bot.review.fit`.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from bot.review.fastscan import ascii_twin
from bot.review.weights import VOCABULARY_FEATURE, VOCABULARY_RULE

VOCABULARY_PATH = Path(__file__).with_name("vocabulary.json")
RULE = VOCABULARY_RULE
FEATURE = VOCABULARY_FEATURE
#: A term is learned only if drafts from this many different sources use it: a person's or a
#: company's name is in one source's messages, the words of a kind of message in many.
MIN_SOURCES = 3
#: The L2 penalty on the terms' weights (1 / sklearn's C), on class-balanced weights. On
#: presence, leaving one batch out, 1, 3 and 10 measure within 0.01 on batches 7-10's real
#: messages (0.732, 0.739, 0.735); L2-normalised presence as the feasibility study's TF-IDF
#: did no better (0.713-0.730) and reads worse (a word's share would depend on the others).
L2 = 3.0
#: L-BFGS: a fixed budget and history, so the fit is deterministic and bounded in time.
ITERATIONS = 150
HISTORY = 8

# A template blank or a quotation: masked out (as a break) before the words are read. A blank
# holds no opening bracket of its kind: in "[S [ ]" the blank is "[ ]", not the word before it.
_SKIP_RE = re.compile(r'\[[^\[\]\n]{0,80}\]|\{[^{}\n]{0,80}\}|<[^<>\n]{0,80}>|"[^"\n]{1,300}"')
# A word, or a mark that ends a phrase (no pair of words spans one; it reads as "").
_TOKEN_RE = re.compile(r"([^\W_]+(?:['\-][^\W_]+)*)|[.!?;:()\n]")
_TOKEN_ASCII = ascii_twin(_TOKEN_RE)  # the same on ASCII text, faster
_DIGIT_RE = re.compile(r"[0-9]")
# The word right after one, within its phrase (spaces and marks between, no break).
_NEXT_WORD_RE = re.compile(r"(?:[^\w.!?;:()\n]|_)*([^\W_]+(?:['\-][^\W_]+)*)")
_GREETING_RE = re.compile(
    r"[ \t]*(?:hi|hello|hey|dear|greetings|good (?:morning|afternoon|evening))\b[^\n,.!:;]{0,40}")
NUMBER = "<number>"
#: Words that are never a term alone (only in a bigram: "read your", "your post"): alone they
#: stand for length, and a member told that "on" and "about" went with answered messages
#: learns nothing. Round 9 measured the cost: leaving one batch out, batches 7-10's real
#: messages rank at 0.772 without them, 0.790 with; 5-fold over sources 0.823 and 0.818.
_FUNCTION_WORDS = (
    "a an the and or but if of to in on at for with by from about as is are was were be been "
    "being am it its this that these those i me my so just can could would will do did does "
    "have has had not no some any all what when there here than then also very more into out "
    "up over which who how")
FUNCTION_WORDS = frozenset(_FUNCTION_WORDS.split())


class Terms:
    """The terms of a draft's body, read in one C-level pass: `present` holds every term (and
    a few pairs with a break in them, which no vocabulary has: `terms` drops them for the
    fit), and `span` finds where a term a finding quotes first occurs."""

    __slots__ = ("_body", "_raw", "_start", "_starts", "_tokens", "present")

    def __init__(self, low: str, start: int = 0, end: int | None = None) -> None:
        """`low[start:end]`: a lowered text (`text.lowered`), so its offsets are the draft's."""
        end = len(low) if end is None else end
        greeting = _GREETING_RE.match(low, start, end)
        if greeting:
            start = greeting.end()
        body = low[start:end]
        if "[" in body or "{" in body or "<" in body or '"' in body:
            body = _SKIP_RE.sub(lambda m: "." * len(m.group()), body)  # same length
        # a word, or "" for a mark that ends a phrase
        raw = tokens = (_TOKEN_ASCII if body.isascii() else _TOKEN_RE).findall(body)
        if _DIGIT_RE.search(body):
            # each token that starts with a digit as NUMBER: the distinct tokens are tested, and
            # every token is looked up in C
            numbers = {w: NUMBER for w in set(raw) if w[:1].isdigit()}
            tokens = list(map(numbers.get, raw, raw))
        present = set(tokens)
        present.update(map(" ".join, pairwise(tokens)))
        self._body, self._start, self._tokens, self._raw = body, start, tokens, raw
        self._starts: list[int] = []
        #: Read only (a set, not a frozenset: no copy per review).
        self.present: AbstractSet[str] = present

    def terms(self) -> frozenset[str]:
        """The terms proper: no break, no function word alone."""
        return frozenset(t for t in self.present  # a break is "": alone, or a pair's side
                         if t and t[0] != " " and t[-1] != " " and t not in FUNCTION_WORDS)

    def span(self, term: str) -> tuple[int, int]:
        """Where `term` (one of `terms()`) first occurs: the span of its word, or its two.
        Any place a token occurs is a place its letters occur, so the first of those that is
        a whole token (followed by the pair's second word) is the one: a few `str.find`s."""
        first, _, second = term.partition(" ")
        if first == NUMBER or second == NUMBER:
            return self._counted_span(first, second)  # a number's letters vary: count tokens
        body = self._body
        i = body.find(first)
        while i >= 0:
            j = i + len(first)
            if _token_at(body, i, j):
                if not second:
                    return self._start + i, self._start + j
                m = _NEXT_WORD_RE.match(body, j)
                if m is not None and m.group(1) == second:
                    return self._start + i, self._start + m.end()
            i = body.find(first, i + 1)
        raise KeyError(term)

    def _counted_span(self, first: str, second: str) -> tuple[int, int]:
        tokens = self._tokens
        i = -1
        while True:
            i = tokens.index(first, i + 1)  # ValueError: not a term of this text
            if not second or (i + 1 < len(tokens) and tokens[i + 1] == second):
                break
        last = i + 1 if second else i
        return self._start_of(i), self._start_of(last) + len(self._raw[last])

    def _start_of(self, i: int) -> int:
        """Where token `i` starts in the draft. Nothing but marks and spaces lies between two
        tokens, so each is the next place its letters occur after the one before: found with
        `str.find`, once each, as far as a finding needs (cheaper than matching every token)."""
        starts, raw, body = self._starts, self._raw, self._body
        pos = starts[-1] + len(raw[len(starts) - 1]) if starts else 0
        while len(starts) <= i:
            pos = body.find(raw[len(starts)], pos)
            starts.append(pos)
            pos += len(raw[len(starts) - 1])
        return self._start + starts[i]


def _token_at(body: str, i: int, j: int) -> bool:
    """`body[i:j]` is a whole token (`_TOKEN_RE`): no letter joins it on either side, not even
    through an apostrophe or a hyphen ("follow-up" is one token)."""
    before = body[i - 2:i] if i >= 2 else " " + body[:i]
    after = body[j:j + 2]
    return not (before[-1:].isalnum() or (before[-1:] in ("'", "-") and before[:1].isalnum())
                or after[:1].isalnum() or (after[:1] in ("'", "-") and after[1:2].isalnum()))


def terms(low: str, start: int = 0, end: int | None = None) -> frozenset[str]:
    """The terms of `low[start:end]` (a lowered text): what the fit reads."""
    return Terms(low, start, end).terms()


@dataclass(frozen=True)
class Vocabulary:
    intercept: float = 0.0
    weights: Mapping[str, float] = field(default_factory=dict)
    # Intersected with every review's terms (in C): computed once.
    _known: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_known", frozenset(self.weights))

    def contributions(self, present: AbstractSet[str]) -> dict[str, float]:
        """Each known term of `present` with its share of the log-odds (in no set order)."""
        weights = self.weights
        return {t: weights[t] for t in self._known & present}

    def score(self, present: AbstractSet[str]) -> float:
        """The log-odds the words alone give, less the intercept (0 for a draft with no known
        term): the value that enters the rules' fit. `math.fsum`: exact, so the same in any
        order the set gives its terms."""
        weights = self.weights
        return math.fsum(weights[t] for t in self._known & present)

    def to_json(self, n: int, sources: int) -> str:
        data = {
            "fitted_by": "python -m bot.review.fit",
            "trained_on": {"messages": n, "sources": sources},
            "min_sources": MIN_SOURCES,
            "l2": L2,
            "intercept": round(self.intercept, 6),
            "weights": {t: round(w, 6) for t, w in sorted(self.weights.items())},
        }
        return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


@dataclass(frozen=True)
class Doc:
    """One training draft: its terms, label, weight and source."""

    terms: frozenset[str]
    good: bool
    weight: float
    source: str


def known_terms(docs: Sequence[Doc]) -> list[str]:
    """The terms drafts from at least `MIN_SOURCES` sources use, sorted."""
    sources: dict[str, set[str]] = {}
    for d in docs:
        for t in d.terms:
            sources.setdefault(t, set()).add(d.source)
    return sorted(t for t, s in sources.items() if len(s) >= MIN_SOURCES)


def _balanced(docs: Sequence[Doc]) -> list[float]:
    """Each draft's weight, scaled so good and bad drafts weigh the same in total."""
    pos = sum(d.weight for d in docs if d.good)
    neg = sum(d.weight for d in docs if not d.good)
    if not pos or not neg:
        return [d.weight for d in docs]
    half = (pos + neg) / 2
    return [d.weight * half / (pos if d.good else neg) for d in docs]


def fit_vocabulary(docs: Sequence[Doc]) -> Vocabulary:
    vocab = known_terms(docs)
    if not vocab or all(d.good for d in docs) or not any(d.good for d in docs):
        return Vocabulary()
    index = {t: i + 1 for i, t in enumerate(vocab)}  # 0 is the intercept
    rows = [[0, *sorted(index[t] for t in d.terms if t in index)] for d in docs]
    weight = _balanced(docs)
    labels = [1.0 if d.good else 0.0 for d in docs]
    n = len(vocab) + 1

    def loss_grad(w: list[float]) -> tuple[float, list[float]]:
        grad = [L2 * wi for wi in w]
        grad[0] = 0.0
        loss = 0.5 * L2 * sum(wi * wi for wi in w[1:])
        for cols, y, c in zip(rows, labels, weight, strict=True):
            z = sum(w[j] for j in cols)
            # log(1 + e^z) - y z, computed without overflow
            loss += c * ((max(z, 0.0) + math.log1p(math.exp(-abs(z)))) - y * z)
            g = c * (1.0 / (1.0 + math.exp(-z)) - y)
            for j in cols:
                grad[j] += g
        return loss, grad

    w = _lbfgs(loss_grad, [0.0] * n)
    return Vocabulary(w[0], {t: w[i] for t, i in index.items() if w[i]})


def _lbfgs(fun: Callable[[list[float]], tuple[float, list[float]]], x: list[float]
           ) -> list[float]:
    """Minimise a smooth convex function (L-BFGS, backtracking line search, a fixed budget)."""
    fx, g = fun(x)
    hist: list[tuple[list[float], list[float], float]] = []
    for _ in range(ITERATIONS):
        # two-loop recursion: d = -H g
        q = g[:]
        alphas = []
        for s, y, rho in reversed(hist):
            a = rho * sum(si * qi for si, qi in zip(s, q, strict=True))
            alphas.append(a)
            q = [qi - a * yi for qi, yi in zip(q, y, strict=True)]
        if hist:
            s, y, _ = hist[-1]
            gamma = sum(a * b for a, b in zip(s, y, strict=True)) / sum(b * b for b in y)
            q = [gamma * qi for qi in q]
        for (s, y, rho), a in zip(hist, reversed(alphas), strict=True):
            b = rho * sum(yi * qi for yi, qi in zip(y, q, strict=True))
            q = [qi + (a - b) * si for qi, si in zip(q, s, strict=True)]
        d = [-qi for qi in q]
        slope = sum(gi * di for gi, di in zip(g, d, strict=True))
        if slope >= 0:  # not a descent direction: restart from the gradient
            hist.clear()
            d = [-gi for gi in g]
            slope = -sum(gi * gi for gi in g)
        if slope > -1e-12:
            break
        step = 1.0
        while True:
            xn = [xi + step * di for xi, di in zip(x, d, strict=True)]
            fn, gn = fun(xn)
            if fn <= fx + 1e-4 * step * slope or step < 1e-10:
                break
            step *= 0.5
        s = [a - b for a, b in zip(xn, x, strict=True)]
        y = [a - b for a, b in zip(gn, g, strict=True)]
        sy = sum(a * b for a, b in zip(s, y, strict=True))
        if sy > 1e-12:
            hist.append((s, y, 1.0 / sy))
            del hist[:-HISTORY]
        x, fx, g = xn, fn, gn
    return x


def source_folds(sources: Sequence[str], k: int) -> list[list[int]]:
    """k folds of indices; a source never straddles two folds. Sources go, largest first (ties
    by a hash of the name, so the cut is fixed), to the fold with fewest drafts."""
    by_source: dict[str, list[int]] = {}
    for i, s in enumerate(sources):
        by_source.setdefault(s, []).append(i)
    order = sorted(by_source, key=lambda s: (-len(by_source[s]),
                                             hashlib.sha256(s.encode()).hexdigest()))
    out: list[list[int]] = [[] for _ in range(k)]
    for s in order:
        min(out, key=len).extend(by_source[s])
    return out


#: Inner folds for the out-of-fold scores the rules' fit sees.
INNER_FOLDS = 5


def out_of_fold(docs: Sequence[Doc], k: int = INNER_FOLDS) -> list[float]:
    """Each draft's vocabulary score from a vocabulary fitted without its source's fold: what
    the rules' fit weighs, so the weight is not inflated by words the vocabulary learned from
    the very draft it scores."""
    out = [0.0] * len(docs)
    for part in source_folds([d.source for d in docs], k):
        held = set(part)
        model = fit_vocabulary([d for i, d in enumerate(docs) if i not in held])
        for i in part:
            out[i] = model.score(docs[i].terms)
    return out


def load(path: Path = VOCABULARY_PATH) -> Vocabulary:
    """The shipped vocabulary; an empty one only before the first fit has written the file."""
    if not path.exists():
        return Vocabulary()
    data = json.loads(path.read_text(encoding="utf-8"))
    return Vocabulary(float(data["intercept"]),
                      {str(t): float(w) for t, w in data["weights"].items()})


VOCABULARY = load()
