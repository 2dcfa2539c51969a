"""The world clock: the time of the local Discord (timestamps, interaction token lifetimes).

A local Discord takes any clock with `now()`. To move it through the control API the clock
must also be movable (`advance`, `set`): in a test that runs the bot in the same process, pass
the bot's own manual clock, so that moving one moves both. Run as its own process, the local
Discord keeps a `WorldClock` that stands still until moved (from 2026-01-05 09:00 UTC by
default); bot processes follow it (`localdiscord.control.follow`) and every move waits
until each follower has taken it, so a move returns once both sides are at the new time and
whatever became due on the bot's side has run. A follower also says when it next has work:
a move stops at each such time on its way, as real time would pass through it, so what the
bot does at a job's time is dated then by the world too (not at the end of a jump).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol, runtime_checkable

from localdiscord.snowflakes import LAST_ID_TIME

DEFAULT_START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
# The latest time a move may reach: the last day a snowflake can carry its time (41 bits of
# milliseconds since 2015 run out on 2084-09-06, and an id past it no longer fits the 64-bit
# integers Discord's libraries and SQLite store it in), less a day for the ids that run
# ahead of a clock standing still.
LATEST = (LAST_ID_TIME - timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
WHY_LATEST = ("a Discord id carries its time in 41 bits of milliseconds since 2015, which "
              "run out in September 2084")


def move_target(now: datetime, *, advance: float | None = None,
                to: datetime | None = None) -> datetime:
    """Where a move of the clock goes: `advance` seconds on, or `to` (aware); ValueError,
    in words, for a move backwards or past `LATEST`."""
    if advance is not None:
        try:
            when = now + timedelta(seconds=advance)
        except OverflowError:
            when = datetime.max.replace(tzinfo=UTC)
    elif to is not None:
        when = to
    else:
        raise ValueError("give `advance` (seconds) or `to` (an ISO time)")
    if when < now:
        raise ValueError(f"time only moves forward; it is {now.isoformat()}")
    if when > LATEST:
        raise ValueError(f"the clock goes no further than {LATEST:%Y-%m-%d} ({WHY_LATEST})")
    return when


@runtime_checkable
class Clock(Protocol):
    def now(self) -> datetime: ...


@runtime_checkable
class MovableClock(Protocol):
    def now(self) -> datetime: ...

    async def advance(self, delta: timedelta) -> datetime: ...

    async def set(self, when: datetime) -> datetime: ...

    async def step(self, when: datetime) -> datetime:
        """Move only to the first stop on the way to `when` (or to `when`); returns it."""
        ...


Listener = Callable[[datetime], Awaitable[None]]
Wake = Callable[[], Awaitable[datetime | None]]  # when a listener next has work


class WorldClock:
    """Stands still until moved; forward only. Listeners run (and are awaited) on each move;
    a move stops on its way at each time a listener's `wake` names."""

    def __init__(self, start: datetime = DEFAULT_START) -> None:
        if start.tzinfo is None:
            raise ValueError("the world clock needs a timezone-aware start")
        self.start = start.astimezone(UTC)
        self._now = self.start
        self._listeners: dict[Listener, Wake | None] = {}
        self._lock = asyncio.Lock()  # one move at a time: followers see them in order

    def now(self) -> datetime:
        return self._now

    def reset(self) -> None:
        """Back to the start (only when starting the world over)."""
        self._now = self.start

    def on_move(self, listener: Listener, *, wake: Wake | None = None) -> None:
        self._listeners[listener] = wake

    def off_move(self, listener: Listener) -> None:
        self._listeners.pop(listener, None)

    async def advance(self, delta: timedelta) -> datetime:
        return await self.set(self._now + delta)

    async def set(self, when: datetime) -> datetime:
        if when.tzinfo is None:
            raise ValueError("the world clock needs a timezone-aware time")
        async with self._lock:
            target = self._target(when)
            while (stop := await self._next_stop(target)) is not None:
                await self._move(stop)
            await self._move(target)
        return self._now

    async def step(self, when: datetime) -> datetime:
        """Move to the first time on the way to `when` at which a follower has work, or to
        `when`; returns where it stopped."""
        async with self._lock:
            target = self._target(when)
            await self._move(await self._next_stop(target) or target)
        return self._now

    def _target(self, when: datetime) -> datetime:
        if when.tzinfo is None:
            raise ValueError("the world clock needs a timezone-aware time")
        target = when.astimezone(UTC)
        if target < self._now:
            raise ValueError(f"time only moves forward; it is {self._now.isoformat()}")
        return target

    async def _next_stop(self, target: datetime) -> datetime | None:
        wakes = [wake() for wake in list(self._listeners.values()) if wake is not None]
        wanted = [t for t in await asyncio.gather(*wakes)
                  if t is not None and self._now < t < target]
        return min(wanted, default=None)

    async def _move(self, when: datetime) -> None:
        self._now = when
        await asyncio.gather(*(listener(when) for listener in list(self._listeners)))
