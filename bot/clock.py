"""The one source of "now".

Everything that needs the time asks a `Clock`. Production uses `SystemClock`; tests and the
sandbox use `ManualClock`, which only moves when told to, so scheduled work can be made due
without sleeping.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol

Wake = Callable[[], datetime | None]  # when a clock listener next has work


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that stands still until `advance` or `set` moves it.

    Listeners (the scheduler, the sandbox) are told after each move so that work that became
    due runs at once. A listener may also say when it next has work (`wake`): a move then
    stops at each of those times on its way, as real time would pass through them, so a job
    that schedules more work (a sweep loading the next hours) runs at its own time and what
    it schedules runs at its own time too, not all at the end of a jump.
    """

    def __init__(self, start: datetime | None = None) -> None:
        start = start or datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
        if start.tzinfo is None:
            raise ValueError("ManualClock needs a timezone-aware start time")
        self._now = start.astimezone(UTC)
        self._listeners: dict[Callable[[datetime], object], Wake | None] = {}

    def now(self) -> datetime:
        return self._now

    def on_move(self, listener: Callable[[datetime], object], *, wake: Wake | None = None) -> None:
        self._listeners[listener] = wake

    def off_move(self, listener: Callable[[datetime], object]) -> None:
        self._listeners.pop(listener, None)

    async def advance(self, delta: timedelta) -> datetime:
        if delta < timedelta(0):
            raise ValueError("time only moves forward")
        return await self.set(self._now + delta)

    async def set(self, when: datetime) -> datetime:
        target = self._target(when)
        await self.step(target)
        while self._now < target:
            await self._to_next_stop(target)
        return self._now

    async def step(self, when: datetime) -> datetime:
        """Move to the first time on the way to `when` at which a listener has work, or to
        `when`; returns where it stopped (a terminal shows what happened at each stop)."""
        target = self._target(when)
        await self.refresh()
        return await self._to_next_stop(target)

    async def refresh(self) -> None:
        """Tell the listeners the current time again, so that work added since the last move
        (a member's command) is in their wakes before a move looks for its first stop."""
        await self._notify()

    async def _to_next_stop(self, target: datetime) -> datetime:
        self._now = self._next_stop(target) or target
        await self._notify()
        return self._now

    def _target(self, when: datetime) -> datetime:
        if when.tzinfo is None:
            raise ValueError("ManualClock.set needs a timezone-aware time")
        return when.astimezone(UTC)

    def next_wake(self) -> datetime | None:
        """The earliest time after now at which a listener has work (where a move stops
        first; a local Discord's world clock followed by this one asks it, too)."""
        wanted = [t for wake in self._listeners.values() if wake is not None
                  and (t := wake()) is not None and t > self._now]
        return min(wanted, default=None)

    def _next_stop(self, target: datetime) -> datetime | None:
        stop = self.next_wake()
        return stop if stop is not None and stop < target else None

    async def _notify(self) -> None:
        for listener in list(self._listeners):
            result = listener(self._now)
            if asyncio.iscoroutine(result):
                await result


def to_ms(when: datetime) -> int:
    """Epoch milliseconds: the one time format stored in the database."""
    if when.tzinfo is None:
        raise ValueError("naive datetimes are not allowed; attach a timezone")
    return int(when.timestamp() * 1000)


def from_ms(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


def timestamp_markup(when: datetime, style: str = "f") -> str:
    """`<t:…:style>`: a time that every member's Discord shows in their own timezone (style
    "R" is relative, "D" a date, "F" a full date and time)."""
    return f"<t:{int(when.timestamp())}:{style}>"


def at_and_in(when: datetime) -> str:
    """`<t:…:F> (<t:…:R>)`: the full date and time, and how far off it is, each as the
    reader's own Discord shows it."""
    return f"{timestamp_markup(when, 'F')} ({timestamp_markup(when, 'R')})"
