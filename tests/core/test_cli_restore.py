"""`cohortbot restore BACKUP`: the restore the bot's messages advise, which copying a backup
over the database is not (SQLite replays the old `-wal` onto the copied-in file: review 5's
finding 14). It refuses while a bot runs, checks the backup, moves the replaced database and
its companions aside (never deleting them) and says where."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from pathlib import Path

import pytest

from storage.db import SCHEMA_VERSION, Database
from storage.lock import DatabaseLock
from tests.files import Outcome, run_cli


def _crashed(tmp_path: Path) -> tuple[Path, Path]:
    """A backup, then a change after it, then a crash: the database as a `kill -9` leaves it
    (the change only in its `-wal`). Returns (database, backup)."""
    return asyncio.run(_crash(tmp_path))


async def _crash(tmp_path: Path) -> tuple[Path, Path]:
    live = await Database.open(tmp_path / "live" / "cohort.db")
    try:
        await live.execute("INSERT INTO member_settings VALUES (1, 'Asia/Tokyo', 0)")
        backup = await live.backup(tmp_path / "backup.db")
        await live.execute("INSERT INTO member_settings VALUES (2, 'After/Backup', 0)")
        crashed = tmp_path / "data"
        crashed.mkdir()
        for suffix in ("", "-wal", "-shm"):  # copied while open: nothing checkpointed
            shutil.copyfile(f"{live.path}{suffix}", crashed / f"cohort.db{suffix}")
    finally:
        await live.close()
    assert (crashed / "cohort.db-wal").stat().st_size > 0
    return crashed / "cohort.db", backup


def _zones(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT timezone FROM member_settings ORDER BY user_id")
        return [row[0] for row in rows]


def _refused(outcome: Outcome, words: str) -> None:
    assert outcome.code == 2 and outcome.stdout == "", outcome
    assert outcome.stderr.count("\n") == 1 and "Traceback" not in outcome.stderr, outcome
    assert words in outcome.stderr and "Nothing was changed" in outcome.stderr, outcome


def test_restore_puts_the_backup_back_and_keeps_the_old_database_aside(
    tmp_path: Path,
) -> None:
    database, backup = _crashed(tmp_path)
    # What the bot's message used to leave people to do: the old -wal is replayed onto it.
    copied = tmp_path / "copied"
    shutil.copytree(database.parent, copied)
    shutil.copyfile(backup, copied / "cohort.db")
    assert _zones(copied / "cohort.db") == ["Asia/Tokyo", "After/Backup"]

    done = run_cli("restore", str(backup), "--db", str(database))
    assert done.code == 0, done
    assert _zones(database) == ["Asia/Tokyo"]  # the backup, and only the backup
    aside = sorted(p.name for p in database.parent.iterdir() if "before-restore" in p.name)
    assert len(aside) == 3 and {n[-4:] for n in aside} >= {"-wal", "-shm"}, aside
    (old,) = [database.parent / n for n in aside if not n.endswith(("-wal", "-shm"))]
    assert _zones(old) == ["Asia/Tokyo", "After/Backup"]  # kept whole, with its own -wal
    assert f"restored {backup} -> {database}" in done.stdout
    assert all(name in done.stdout for name in aside) and "not deleted" in done.stdout
    assert not list(database.parent.glob("*.restoring*"))
    # The bot starts on it as on any database, and finds what the backup held.
    assert asyncio.run(_count(database)) == 1


async def _count(path: Path) -> int:
    reopened = await Database.open(path)
    try:
        return int(await reopened.fetchval("SELECT count(*) FROM member_settings"))
    finally:
        await reopened.close()


def test_restore_refuses_while_the_bot_runs(tmp_path: Path) -> None:
    database, backup = _crashed(tmp_path)
    before = {p.name: p.read_bytes() for p in database.parent.iterdir()}
    lock = DatabaseLock.acquire(database)  # as `cohortbot run` holds it
    try:
        _refused(run_cli("restore", str(backup), "--db", str(database)), "stop the bot first")
    finally:
        assert lock is not None
        lock.release()
    after = {p.name: p.read_bytes() for p in database.parent.iterdir() if p.suffix != ".lock"}
    assert after == before


def _newer(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")


def _no_cohortbot_database(path: Path) -> None:
    path.unlink()
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (text)")


def _not_a_database(path: Path) -> None:
    path.write_text("<html>an export, not a backup</html>")


@pytest.mark.parametrize(("spoil", "words"), [
    (_newer, "newer than this bot"),
    (_no_cohortbot_database, "no cohortbot database"),
    (_not_a_database, "not a usable SQLite database, so not a backup"),
    (Path.unlink, "no such file"),
])
def test_a_backup_that_will_not_do_is_refused_and_nothing_changes(
    tmp_path: Path, spoil: object, words: str,
) -> None:
    database, backup = _crashed(tmp_path)
    spoil(backup)  # type: ignore[operator]
    before = {p.name: p.read_bytes() for p in database.parent.iterdir()}
    outcome = run_cli("restore", str(backup), "--db", str(database))
    assert outcome.code == 2 and words in outcome.stderr, outcome
    assert outcome.stderr.count("\n") == 1 and "Traceback" not in outcome.stderr, outcome
    after = {p.name: p.read_bytes() for p in database.parent.iterdir() if p.suffix != ".lock"}
    assert after == before


def test_the_database_itself_is_no_backup(tmp_path: Path) -> None:
    database, _ = _crashed(tmp_path)
    _refused(run_cli("restore", str(database), "--db", str(database)), "the database itself")


def test_a_restore_onto_a_new_machine_needs_no_database_there_when_told(
    tmp_path: Path,
) -> None:
    """With --new (tests/core/test_cli_paths.py: without it, a path with no database is
    refused, as the typo it usually is)."""
    _, backup = _crashed(tmp_path)
    fresh = tmp_path / "new" / "cohort.db"
    fresh.parent.mkdir()
    done = run_cli("restore", str(backup), "--db", str(fresh), "--new")
    assert done.code == 0 and "not deleted" not in done.stdout, done
    assert _zones(fresh) == ["Asia/Tokyo"]
