"""bot/scheduler.py with a ManualClock: a repeating job that says when it next has work is
skipped while it has none, so a clock jump costs the runs with work, not one per interval;
the runs it makes stay on its beat (whole intervals after the last), as with the real clock."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.clock import ManualClock
from bot.scheduler import Scheduler


async def test_an_idle_repeating_job_runs_only_when_it_has_work() -> None:
    clock = ManualClock()
    scheduler = Scheduler(clock)
    scheduler.start()
    work: list[datetime] = []
    ran: list[datetime] = []

    async def sweep() -> None:
        ran.append(clock.now())
        work[:] = [t for t in work if t > clock.now()]

    async def idle_until() -> datetime | None:
        return min(work, default=None)

    try:
        scheduler.every("sweep", timedelta(hours=1), sweep, idle_until=idle_until)
        await clock.advance(timedelta(weeks=520))
        assert ran == []  # ten years with nothing to do: not 87,600 runs
        due = clock.now() + timedelta(days=3, minutes=7)
        work.append(due)  # added between two moves: the next move sees it
        await clock.advance(timedelta(weeks=1))
        assert ran == [due + timedelta(minutes=53)]  # on its hourly beat, as in real time
        soon = clock.now() + timedelta(minutes=10)
        work.append(soon)
        await clock.advance(timedelta(days=1))
        assert ran == [due + timedelta(minutes=53), soon + timedelta(minutes=50)]
    finally:
        await scheduler.shutdown()
