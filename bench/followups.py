"""Start-up with 100,000 pending reminders: the reconcile stays fast and small.

Metrics (each side measured in a fresh subprocess, so its peak RSS is its own):

- `reconcile_s`: `FollowupsService.start()` on a database holding N pending reminders, a few
  thousand of them overdue (the bot was down), until every due one is delivered (through a
  port that Discord-free accepts each DM at once) and every one due within the next slice is
  scheduled in APScheduler. Baseline: reading the same N pending reminder rows with no
  scheduling and no delivering (the same paged query the sweep uses). Limit: 5 s.
- `reconcile_peak_rss_mb`: the peak resident memory of that reconcile process. Baseline: the
  reading process's. Limit: 150 MB.
- `backlog_s`: N reminders all due at start-up (1,000; 200 with `--quick`) delivered through
  a port that answers each request after `LATENCY` (a round trip to Discord), until every
  one is marked sent. Baseline: the same N floor reads and sends through the same port, one
  after another, no database (what delivering them one at a time costs at best). Target:
  ratio at most 0.25 (`CONCURRENT_REQUESTS` at once hide the round trips; the database
  steps are shared commits).

Run `python -m bench.followups reconcile|read DB` to measure one side by hand.
"""

from __future__ import annotations

import asyncio
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.metric import Metric
from bot.clock import ManualClock, to_ms
from bot.config import FollowupSettings, ReviewLimits
from bot.followups import window_end
from bot.scheduler import Scheduler
from bot.services.followups import (
    CONCURRENT_REQUESTS,
    SLICE,
    FollowupsPort,
    FollowupsService,
    ReminderMessage,
)
from bot.services.gate import MemberGate
from bot.services.review import ReviewService
from bot.services.settings import SettingsService
from storage import Database
from storage import followups as followups_store

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
MEMBERS = 5_000
LATENCY = 0.01  # seconds per request of the slow port: a round trip to Discord


async def seed(path: Path, pending: int, overdue: int) -> None:
    """`pending` reminders: `overdue` came due in the last days (their windows still open),
    the rest fall due over the next two weeks."""
    rng = random.Random(8)
    items = []
    for i in range(pending):
        if i < overdue:
            due = NOW - timedelta(minutes=rng.randrange(1, 6 * 24 * 60))
        else:
            due = NOW + timedelta(minutes=rng.randrange(1, 14 * 24 * 60))
        sent = due - timedelta(days=7)
        items.append(followups_store.Planned(
            user_id=10**17 + i % MEMBERS, recipient=f"Person {i}",
            channel="email", sent_at=to_ms(sent), window_end_at=to_ms(window_end(sent, UTC)),
            due_at=to_ms(due), zone="UTC"))
    db = await Database.open(path)
    try:
        await followups_store.insert_planned(db, items, to_ms(NOW))
    finally:
        await db.close()


class InstantDiscord:
    """Takes every DM at once: the benchmark measures the bot, not Discord's rate limits."""

    def __init__(self) -> None:
        self.sent = 0

    async def history_floor(self, user_id: int) -> int:
        return 0

    async def send(self, user_id: int, message: ReminderMessage) -> int:
        self.sent += 1
        return self.sent

    async def find(self, user_id: int, followup_id: int, delivery: int,
                   after: int) -> int | None:
        return None

    async def edit(self, user_id: int, message_id: int, message: ReminderMessage) -> None:
        return None


class SlowDiscord(InstantDiscord):
    """Answers each request after LATENCY, as Discord does from across the network."""

    async def history_floor(self, user_id: int) -> int:
        await asyncio.sleep(LATENCY)
        return 0

    async def send(self, user_id: int, message: ReminderMessage) -> int:
        await asyncio.sleep(LATENCY)
        return await super().send(user_id, message)


async def reconcile(path: Path, port: InstantDiscord | None = None) -> dict[str, float]:
    clock = ManualClock(NOW)
    db = await Database.open(path)
    scheduler = Scheduler(clock)
    scheduler.start()
    port = port or InstantDiscord()
    gate = MemberGate()
    service = FollowupsService(db, clock, scheduler, FollowupSettings(),
                               ReviewService(db, clock, ReviewLimits(), gate=gate),
                               SettingsService(db, clock, "UTC", gate=gate), port, gate=gate)
    began = time.perf_counter()
    await service.start()
    elapsed = time.perf_counter() - began
    scheduled = len(scheduler.job_ids("fu:")) - 1  # not the sweep
    await service.stop()
    await scheduler.shutdown()
    await db.close()
    return {"seconds": elapsed, "delivered": port.sent, "scheduled": scheduled}


async def read(path: Path) -> dict[str, float]:
    db = await Database.open(path)
    began = time.perf_counter()
    rows, cursor = 0, (-(2**62), 0)
    while page := await followups_store.due_page(db, to_ms(NOW + timedelta(days=30)), cursor, 500):
        cursor = (page[-1].due_at, page[-1].id)
        rows += len(page)
    elapsed = time.perf_counter() - began
    await db.close()
    return {"seconds": elapsed, "rows": rows}


async def one_after_another(port: FollowupsPort, count: int,
                            message: ReminderMessage) -> float:
    """The baseline of `backlog_s`: each reminder's floor read and send in turn."""
    began = time.perf_counter()
    for i in range(count):
        await port.history_floor(10**17 + i % MEMBERS)
        await port.send(10**17 + i % MEMBERS, message)
    return time.perf_counter() - began


def backlog(quick: bool) -> Metric:
    count = 200 if quick else 1_000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "backlog.db"
        asyncio.run(seed(path, count, count))
        measured = asyncio.run(reconcile(path, SlowDiscord()))
    if measured["delivered"] != count:
        raise RuntimeError(f"the backlog delivered {measured['delivered']} of {count}")
    message = ReminderMessage(
        followup_id=1, delivery=1, nonce="fu1.1", recipient="Person 1", channel="email",
        first_message=None, sent_at=NOW, window_end=NOW, actions=())
    base = asyncio.run(one_after_another(SlowDiscord(), count, message))
    return Metric("backlog_s", measured["seconds"], "s", base,
                  f"the same {count:,} floor reads and sends one after another "
                  f"({LATENCY * 1000:.0f} ms a request), no database; "
                  f"{CONCURRENT_REQUESTS} requests at once",
                  target=0.25, higher_is_better=False)


def _child(side: str, path: Path) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-m", "bench.followups", side, str(path)],
                          capture_output=True, text=True, check=True)
    return dict(json.loads(done.stdout))


def run(quick: bool) -> list[Metric]:
    pending, overdue = (10_000, 300) if quick else (100_000, 3_000)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "reminders.db"
        asyncio.run(seed(path, pending, overdue))
        base = _child("read", path)
        measured = _child("reconcile", path)
    if measured["delivered"] != overdue:
        raise RuntimeError(f"reconcile delivered {measured['delivered']} of {overdue} overdue")
    label = f"reading the same {pending:,} pending rows, no scheduling"
    detail = (f"{pending:,} pending, {overdue:,} overdue delivered, "
              f"{int(measured['scheduled']):,} due within {SLICE} scheduled")
    return [
        Metric("reconcile_s", measured["seconds"], "s", base["seconds"],
               f"{label}; {detail}", higher_is_better=False, limit=5.0),
        Metric("reconcile_peak_rss_mb", measured["peak_rss_mb"], "MB", base["peak_rss_mb"],
               f"{label} (that process's peak)", higher_is_better=False, limit=150.0),
        backlog(quick),
    ]


def peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM, not getrusage's ru_maxrss: across
    fork+exec Linux carries the parent's high-water mark into the child's ru_maxrss."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB where no /proc


def main(argv: list[str]) -> int:
    side, path = argv[0], Path(argv[1])
    result = asyncio.run(reconcile(path) if side == "reconcile" else read(path))
    result["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
