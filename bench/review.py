"""Reviewer speed: reviews per second of a 1,000-character draft, and linearity in length.

Metrics:

- `review_rate`: reviews/s of a realistic 1,000-character email draft on one core. Its
  baseline is the issue's fixed requirement, 1,000 reviews/s, so `ratio >= 1` means the
  requirement is met on this machine (a same-run baseline could not say that).
- `review_vs_split_stats`: the same rate, against a trivial same-run baseline (count
  characters, `str.split` words and `?` on the same text). No target: it shows what the rules
  cost relative to doing almost nothing, and drifts less with machine speed.
- `review_linearity`: seconds per character at 8,000 characters over seconds per character at
  1,000 characters (same run). Linear cost gives ~1; target <= 1.5.
- `review_adversarial_linearity`: the same ratio (4,000 vs 500 characters) on the input that
  costs the reviewer most per character among text built to make a backtracking regex explode
  (see `ADVERSARIAL_UNITS`). Catastrophic backtracking would show as a ratio of 8 or far more;
  target <= 2. It lives here, not in the tests, because tests make no timed assertions.

Timings take the best of several repeats (`timeit` style) to shed scheduler noise.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial

from bench.metric import Metric
from bot.review import review

_SEED = (
    "Subject: Question about your onboarding talk\n\n"
    "Hi Priya,\n\n"
    "I watched your talk at SaaStr on onboarding metrics last week, and the point about "
    "measuring time-to-first-value instead of activation really changed how I read our own "
    "numbers. I am a customer success analyst at a small HR software company, and like you I "
    "moved into the role from support. We both seem to care about the first thirty days. "
    "Would you be open to a 15-minute call about how you chose the first metric to track? "
    "If it helps, I am happy to share the dashboard template I built from your slides. "
    "I know your inbox is full, so no worries if now is not a good time. "
    "Thanks for writing so openly about what did not work, too. "
)


def draft(n_chars: int) -> str:
    """A realistic draft of exactly `n_chars` characters (the seed repeated and cut)."""
    reps = n_chars // len(_SEED) + 1
    return (_SEED * reps)[:n_chars]


def _best_rate(fn: Callable[[], object], *, min_time: float, repeats: int) -> float:
    """Calls per second: best of `repeats` runs, each at least `min_time` seconds long."""
    n = 1
    while True:  # calibrate the batch size
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        dt = time.perf_counter() - t0
        if dt >= min_time / 4:
            break
        n *= 2
    n = max(1, int(n * (min_time / max(dt, 1e-9))))
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        best = min(best, (time.perf_counter() - t0) / n)
    return 1.0 / best


def _split_stats(text: str) -> tuple[int, int, int]:
    return len(text), len(text.split()), text.count("?")


# Long runs of what the patterns' bounded gaps and repeated groups accept, closing piece missing.
ADVERSARIAL_UNITS = [
    "your ", "your very ", "a" * 50, "[", "{", "<a", "___", "(", "I ", "AB ", "ABCDEF ",
    "fellow-", "i'm also ", "members of the ", "we both ", "you never ", "!!!", "???", "\n",
    "would you be ", "looking for a ", "your recent new ", "- ", "'", "\u2019",
    # round 7: many asks (or references to a career) in one sentence, each judged in it
    "would you be open to a quick call ", "your move ",
]


def _adversarial_ratio(min_time: float, repeats: int) -> tuple[float, float]:
    """(us/char at 4,000, us/char at 500) for the worst unit at 4,000 characters."""
    worst = (0.0, 0.0)
    for unit in ADVERSARIAL_UNITS:
        big = (unit * (4000 // len(unit) + 1))[:4000]
        small = big[:500]
        per_big = 1e6 / _best_rate(partial(review, big), min_time=min_time,
                                   repeats=repeats) / 4000
        if per_big > worst[0]:
            per_small = 1e6 / _best_rate(partial(review, small), min_time=min_time,
                                         repeats=repeats) / 500
            worst = (per_big, per_small)
    return worst


def run(quick: bool) -> list[Metric]:
    min_time, repeats = (0.05, 3) if quick else (0.3, 7)
    d1k, d8k = draft(1000), draft(8000)
    rate_1k = _best_rate(lambda: review(d1k), min_time=min_time, repeats=repeats)
    rate_8k = _best_rate(lambda: review(d8k), min_time=min_time, repeats=repeats)
    rate_split = _best_rate(lambda: _split_stats(d1k), min_time=min_time, repeats=repeats)
    per_char_1k = 1.0 / rate_1k / 1000
    per_char_8k = 1.0 / rate_8k / 8000
    adv_big, adv_small = _adversarial_ratio(min_time / 5, max(2, repeats // 2))
    return [
        Metric("review_rate", rate_1k, "reviews/s", 1000.0,
               "required 1,000 reviews/s of a 1,000-char draft", target=1.0),
        Metric("review_vs_split_stats", rate_1k, "reviews/s", rate_split,
               "str.split+len stats of the same text, same run"),
        Metric("review_linearity", per_char_8k * 1e6, "us/char", per_char_1k * 1e6,
               "us/char at 1,000 chars, same run", target=1.5, higher_is_better=False),
        Metric("review_adversarial_linearity", adv_big, "us/char", adv_small,
               "us/char at 500 chars of the same adversarial text", target=2.0,
               higher_is_better=False),
    ]
