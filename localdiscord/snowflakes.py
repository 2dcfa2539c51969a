"""Snowflakes as Discord makes them: the world time in the top bits, then the worker that
made the id, then a count.

    bits 63..22  milliseconds since Discord's epoch (2015-01-01), from the world clock
    bits 21..12  the worker: Discord's internal worker and process ids (5 bits each), as one
    bits 11..0   an increment for ids made in the same millisecond

So `id >> 22` dates every id by the world clock, as libraries read it (discord.py's
`created_at`, the bot's capture), and ids sort by time. A world clock stands still until it
is moved, so one millisecond may see many ids: past 4,096 the count carries into the next
millisecond, keeping ids increasing (they run that much ahead of the clock).

The worker keeps two local Discords apart that are at the same world time: two processes
that each build the demo world at its start time would otherwise make the very same ids,
and a database kept from the first (`cohortbot sandbox --db`) would meet them again. Each
process draws its first worker at random (two processes share one once in 1,024); each
world of the process takes the next one, so the worlds of one process never share one.
`$COHORTBOT_SANDBOX_SNOWFLAKE_WORKER` fixes the first, for output that must be the same at
every run (the example exports in docs/); a world may also be given its worker, with the
last id it made before (`continue_after`), to be built again as it was (the sandbox's world
kept with its `--db`, bot/demo/world.py).
"""

from __future__ import annotations

import itertools
import os
import secrets
from collections.abc import Callable
from datetime import UTC, datetime

DISCORD_EPOCH_MS = 1_420_070_400_000
WORKER_BITS = 10
INCREMENT_BITS = 12
TIME_BITS = 63 - WORKER_BITS - INCREMENT_BITS  # a snowflake fits a signed 64-bit integer
# The time the last snowflake carries: past it an id overflows 64-bit integers (SQLite's).
LAST_ID_TIME = datetime.fromtimestamp(
    (DISCORD_EPOCH_MS + (1 << TIME_BITS) - 1) / 1000, UTC)
WORKERS = 1 << WORKER_BITS
WORKER_ENV = "COHORTBOT_SANDBOX_SNOWFLAKE_WORKER"


def _first_worker() -> int:
    fixed = os.environ.get(WORKER_ENV, "").strip()
    if not fixed:
        return secrets.randbelow(WORKERS)
    if not fixed.isdigit() or int(fixed) >= WORKERS:
        raise ValueError(f"${WORKER_ENV}={fixed}: a snowflake worker is 0..{WORKERS - 1}")
    return int(fixed)


_workers = itertools.count(_first_worker())


def next_worker() -> int:
    """The worker for a new world of this process (none shares another's, up to 1,024)."""
    return next(_workers) % WORKERS


class Snowflakes:
    """The ids of one world: dated by its clock, increasing, never made twice."""

    def __init__(self, now: Callable[[], datetime], worker: int | None = None) -> None:
        if worker is not None and not 0 <= worker < WORKERS:
            raise ValueError(f"a snowflake worker is 0..{WORKERS - 1}")
        self._now = now
        self.worker = next_worker() if worker is None else worker
        self._ms = -1  # since Discord's epoch, of the last id
        self._increment = 0

    @property
    def last(self) -> int:
        """The last id made (0 before the first)."""
        return 0 if self._ms < 0 else self._compose()

    def continue_after(self, last: int) -> None:
        """Make every id from now on greater than `last` (one this worker made before, in an
        earlier process: a world built again from a kept database goes on from there)."""
        ms, increment = last >> (WORKER_BITS + INCREMENT_BITS), last & ((1 << INCREMENT_BITS) - 1)
        if (ms, increment) > (self._ms, self._increment):
            self._ms, self._increment = ms, increment

    def start_over(self) -> None:
        """Ids from the clock's time again (for a world started over), under a new worker, so
        that none repeats an id made before even when the clock is back at its start."""
        self.worker = next_worker()
        self._ms, self._increment = -1, 0

    def __call__(self) -> int:
        ms = int(self._now().timestamp() * 1000) - DISCORD_EPOCH_MS
        if ms >= 1 << TIME_BITS:  # the clock refuses to go there (clock.py: LATEST)
            raise OverflowError(f"a snowflake cannot carry a time past {LAST_ID_TIME:%Y-%m-%d}")
        if ms > self._ms:
            self._ms, self._increment = ms, 0
        elif self._increment + 1 < 1 << INCREMENT_BITS:
            self._increment += 1
        else:  # 4,096 ids in this millisecond: carry into the next
            self._ms, self._increment = self._ms + 1, 0
        return self._compose()

    def _compose(self) -> int:
        return (self._ms << (WORKER_BITS + INCREMENT_BITS)) | (self.worker << INCREMENT_BITS) \
            | self._increment
