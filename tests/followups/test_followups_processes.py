"""Two bot processes on one database, as real OS processes.

The first guard: the second `cohortbot run` sees the lock, says which process holds the
database, and exits with status 2 before it connects anywhere; the kernel frees the lock
when the holder dies, even by SIGKILL. The second guard: processes that share the file
anyway (a file system where locks do not hold) still claim each reminder once.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.clock import to_ms
from storage import Database
from storage import followups as followups_store
from storage.lock import DatabaseInUse, DatabaseLock

ROOT = Path(__file__).resolve().parents[2]
SENT = to_ms(datetime(2026, 1, 5, tzinfo=UTC))

HOLD = """
import sys
from pathlib import Path
from storage.lock import DatabaseLock
lock = DatabaseLock.acquire(Path(sys.argv[1]))
print("held", flush=True)
sys.stdin.read()
"""

CLAIM = """
import asyncio, json, sys
from storage import Database
from storage import followups as followups_store

async def main():
    db = await Database.open(sys.argv[1])
    ids = json.loads(sys.argv[2])
    print("ready", flush=True)
    sys.stdin.readline()  # both start together
    won = [i for i in ids if await followups_store.claim(db, [i], 10**13, f"{sys.argv[3]}:{i}")]
    await db.close()
    print(json.dumps(won), flush=True)

asyncio.run(main())
"""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT)
    env.pop("DISCORD_TOKEN_FILE", None)
    return env


def test_a_second_bot_process_exits_2_naming_the_holder(tmp_path: Path) -> None:
    database = tmp_path / "cohort.db"
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(database)], cwd=ROOT,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                              env=_env())
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        config = tmp_path / "config.toml"
        config.write_text(f'[storage]\ndatabase = "{database}"\n'
                          f'[lesson]\ndirectory = "{ROOT / "lessons"}"\n', encoding="utf-8")
        second = subprocess.run(
            [sys.executable, "-m", "bot", "run", "--config", str(config)], cwd=ROOT,
            capture_output=True, text=True, timeout=60,
            env={**_env(), "DISCORD_TOKEN": "not-a-real-token"},
        )
        assert second.returncode == 2, second.stderr
        assert f"another cohortbot process (pid {holder.pid})" in second.stderr
        assert "Not starting" in second.stderr and "Traceback" not in second.stderr
        with pytest.raises(DatabaseInUse):
            DatabaseLock.acquire(database)
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
    lock = DatabaseLock.acquire(database)  # the kernel released it with the dead process
    assert lock is not None
    lock.release()


async def _due_reminders(path: Path, count: int) -> list[int]:
    """`count` reminders, all due: their outreaches were sent weeks ago."""
    db = await Database.open(path)
    await followups_store.insert_planned(db, (
        followups_store.Planned(user_id=i, recipient=f"P{i}",
                                channel="email", sent_at=SENT,
                                window_end_at=SENT + 14 * 86_400_000, due_at=SENT,
                                zone="UTC")
        for i in range(count)), now=SENT)
    ids = [int(r[0]) for r in await db.fetchall("SELECT id FROM followups ORDER BY id")]
    await db.close()
    return ids


def test_two_processes_claim_each_reminder_once(tmp_path: Path) -> None:
    database = tmp_path / "cohort.db"
    ids = asyncio.run(_due_reminders(database, 300))
    # Opposite orders, so the two meet in the middle and race for the same rows there.
    workers = [
        subprocess.Popen([sys.executable, "-c", CLAIM, str(database), json.dumps(order), name],
                         cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                         env=_env())
        for name, order in (("first", ids), ("second", ids[::-1]))
    ]
    for worker in workers:
        assert worker.stdout is not None and worker.stdout.readline().strip() == "ready"
    for worker in workers:
        assert worker.stdin is not None
        worker.stdin.write("go\n")
        worker.stdin.flush()
    won = []
    for worker in workers:
        out, _ = worker.communicate(timeout=120)
        assert worker.returncode == 0
        won.append(set(json.loads(out.strip().splitlines()[-1])))
    first, second = won
    assert first.isdisjoint(second)
    assert first | second == set(ids)
