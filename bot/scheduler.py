"""APScheduler wiring, in the clock's time.

The database is the source of truth for due work; this module only holds in-memory jobs for
it (APScheduler 3's memory job store: its SQLAlchemy store blocks the event loop and pickles
callables). Jobs are given in the bot's clock time. With the real clock that is plain
APScheduler. With a ManualClock (tests, the sandbox) time moves in jumps: the clock stops at
each job's time on the way (`next_due`), and there the jobs whose time has come are told to
run now, still executed by APScheduler itself; a move returns once they (and any due work
they scheduled) have finished.

Memory holds only work due soon: a feature with many rows of future work keeps them in the
database and loads the next slice of hours with a periodic sweep (`every`).

`misfire_grace_time=None` everywhere: APScheduler's default of one second would silently drop
a job that came due while the bot was busy or down.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.combining import OrTrigger
from apscheduler.triggers.cron import CronTrigger

from bot.clock import Clock, ManualClock
from bot.cron import parse_cron
from bot.errors import NotSaved

log = logging.getLogger(__name__)

JobFunc = Callable[..., Awaitable[Any]]
Hint = Callable[[], Awaitable[datetime | None]]  # when a repeating job next has work


def cron_trigger(cron: str, tz: tzinfo) -> BaseTrigger:
    """A crontab(5) expression as an APScheduler trigger (`bot/cron.py` says why not
    `CronTrigger.from_crontab`). Raises `CronError` (a ValueError) naming the wrong field."""
    fields = parse_cron(cron)

    def trigger(day: str, day_of_week: str) -> CronTrigger:
        return CronTrigger(minute=fields.minute, hour=fields.hour, day=day, month=fields.month,
                           day_of_week=day_of_week, timezone=tz)

    if fields.either_day:  # crontab: the day of month OR the day of week
        return OrTrigger([trigger(fields.day, "*"), trigger("*", fields.day_of_week)])
    return trigger(fields.day, fields.day_of_week)


def next_cron_time(cron: str, tz: tzinfo, after: datetime) -> datetime:
    """The first occurrence of a crontab expression strictly after `after` (UTC result)."""
    trigger = cron_trigger(cron, tz)
    # APScheduler includes `after` itself when it matches; nudge past it.
    probe = after.astimezone(tz)
    fire = trigger.get_next_fire_time(None, probe)
    if fire is not None and fire <= after:
        fire = trigger.get_next_fire_time(None, probe + timedelta(seconds=1))
    if fire is None:
        raise ValueError(f"cron expression {cron!r} never fires again")
    return fire.astimezone(UTC)


class Scheduler:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._aps = AsyncIOScheduler(timezone=UTC)
        self._due: dict[str, datetime] = {}  # job id -> clock time it is due
        # Jobs a clock move made due, and the futures that `_on_clock_move` awaits for them.
        self._waiting: dict[str, asyncio.Future[None]] = {}
        self._repeating: dict[str, object] = {}  # job id -> token of its current `every`
        self._every: dict[str, tuple[timedelta, JobFunc]] = {}  # job id -> interval, runner
        self._ran: dict[str, datetime] = {}  # job id -> when its last run ended (or armed)
        # Repeating jobs that say when they next have work (ManualClock only).
        self._idle: dict[str, Hint] = {}
        if isinstance(clock, ManualClock):
            clock.on_move(self._on_clock_move, wake=self.next_due)

    def start(self) -> None:
        self._aps.start()

    async def shutdown(self) -> None:
        if isinstance(self.clock, ManualClock):
            self.clock.off_move(self._on_clock_move)  # a stopped bot's jobs no longer run
        if self._aps.running:
            # wait=False: running jobs are cancelled with the event loop's tasks. The database
            # holds the due work, and the next start schedules it again.
            self._aps.shutdown(wait=False)

    @property
    def running(self) -> bool:
        return bool(self._aps.running)

    def at(self, job_id: str, when: datetime, func: JobFunc, *args: Any) -> None:
        """Run `func(*args)` once at clock time `when` (at once if that has passed)."""
        self._due[job_id] = when
        self._aps.add_job(
            self._wrap(job_id, func),
            "date",
            run_date=self._real_time(when),
            args=args,
            id=job_id,
            replace_existing=True,
            misfire_grace_time=None,
        )

    def every(self, job_id: str, interval: timedelta, func: JobFunc, *,
              idle_until: Hint | None = None) -> None:
        """Run `func()` every `interval` of clock time, the first time one interval from now.
        Each run arms the next one when it finishes, so runs never overlap.

        `idle_until` says when `func` next has work (None: nothing known). With a
        ManualClock the runs with nothing to do are skipped: the next run is the first one on
        its beat at or after that time, asked again at every move of the clock (work added
        meanwhile), so a jump of years costs the runs that have work, not one per interval.
        With the real clock it runs every interval regardless (other processes may add work).
        """
        token = object()
        self._repeating[job_id] = token

        async def run_and_rearm() -> None:
            try:
                await func()
            finally:
                # Not if it was cancelled (or replaced) while it ran.
                if self.running and self._repeating.get(job_id) is token:
                    self._ran[job_id] = self.clock.now()
                    await self._arm(job_id)

        self._ran[job_id] = self.clock.now()
        if idle_until is not None and isinstance(self.clock, ManualClock):
            self._idle[job_id] = idle_until
        self.at(job_id, self.clock.now() + interval, run_and_rearm)
        self._every[job_id] = (interval, run_and_rearm)

    async def _arm(self, job_id: str) -> None:
        """Arm the repeating job's next run: one interval after its last, or later when it
        is idle until then; not at all while it knows of no work (a later move asks again)."""
        interval, run = self._every[job_id]
        last = self._ran[job_id]
        when: datetime | None = last + interval
        if job_id in self._idle:
            hint = await self._idle[job_id]()
            # On the job's own beat, as with the real clock: the first run at or after the
            # work, never sooner than one interval after the last.
            when = None if hint is None else last + interval * max(1, -(-(hint - last)
                                                                        // interval))
        if when is None:
            self._due.pop(job_id, None)
            with contextlib.suppress(JobLookupError):
                self._aps.remove_job(job_id)
        elif self._due.get(job_id) != when:
            self.at(job_id, when, run)

    def job_ids(self, prefix: str = "") -> list[str]:
        """The ids of the jobs held in memory (for diagnostics, tests and benchmarks)."""
        return [job.id for job in self._aps.get_jobs() if job.id.startswith(prefix)]

    def next_due(self) -> datetime | None:
        """The clock time of the next job, if any."""
        return min((when for job_id, when in self._due.items()
                    if self._aps.get_job(job_id) is not None), default=None)

    def cancel(self, job_id: str) -> bool:
        self._due.pop(job_id, None)
        self._repeating.pop(job_id, None)
        self._every.pop(job_id, None)
        self._idle.pop(job_id, None)
        try:
            self._aps.remove_job(job_id)
        except JobLookupError:
            return False
        return True

    def _real_time(self, when: datetime) -> datetime:
        # With the system clock the offset is zero; with a manual clock, a job due in three
        # clock days sits three real days out, and `_on_clock_move` brings it forward.
        return datetime.now(UTC) + (when - self.clock.now())

    def _wrap(self, job_id: str, func: JobFunc) -> Callable[..., Awaitable[None]]:
        async def run(*args: Any) -> None:
            task = asyncio.current_task()
            if task is not None:
                # The sandbox harness waits for tasks named "cohortbot:..." to settle.
                task.set_name(f"cohortbot:job:{job_id}")
            if self._aps.get_job(job_id) is None:
                self._due.pop(job_id, None)  # a one-off job: it is no longer due
            try:
                await func(*args)
            except NotSaved as exc:  # the disk, not the job: one line (bot/errors.py)
                log.error("scheduled job %s not saved: %s", job_id, exc)
            except Exception:
                log.exception("scheduled job %s failed", job_id)
            finally:
                waiter = self._waiting.pop(job_id, None)
                if waiter is not None and not waiter.done():
                    waiter.set_result(None)

        return run

    async def _on_clock_move(self, now: datetime) -> None:
        """Run every job whose clock time has come, and return once they have finished,
        including due jobs that those jobs added; then ask the idle repeating jobs again
        when they next have work (which may be now)."""
        loop = asyncio.get_running_loop()
        asked = False
        while True:
            waiters = []
            for job_id, when in list(self._due.items()):
                job = self._aps.get_job(job_id)
                if when <= now and job is not None:
                    waiter = self._waiting.setdefault(job_id, loop.create_future())
                    waiters.append(waiter)
                    job.modify(next_run_time=datetime.now(UTC))
            if not waiters:
                if asked or not self._idle:
                    return
                for job_id in list(self._idle):
                    if job_id not in self._waiting:  # not while it runs: it arms itself
                        await self._arm(job_id)
                asked = True
                continue
            asked = False
            self._aps.wakeup()
            await asyncio.gather(*waiters)
