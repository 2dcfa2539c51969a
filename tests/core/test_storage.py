"""Storage: pragmas, migrations (fresh, upgrade, newer refused), corrupt files, backup."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot.errors import StorageError
from storage import SCHEMA_VERSION, Database


async def test_fresh_database_gets_every_migration_and_pragmas(db: Database) -> None:
    assert await db.user_version() == SCHEMA_VERSION
    assert await db.fetchval("PRAGMA journal_mode") == "wal"
    assert await db.fetchval("PRAGMA foreign_keys") == 1
    assert await db.fetchval("PRAGMA synchronous") == 2  # FULL
    assert await db.fetchval("PRAGMA busy_timeout") == 5000
    tables = {r[0] for r in await db.fetchall("SELECT name FROM sqlite_master")}
    assert {"lesson_runs", "critiques", "outreaches", "followups"} <= tables


async def test_upgrade_keeps_data_from_an_older_version(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = await Database.open(path, migrate=False)
    assert await db.migrate(target=1) == [1]
    await db.execute(
        "INSERT INTO lesson_runs (guild_id, channel_id, lesson_key, created_at) VALUES (?,?,?,?)",
        (1, 2, "networking-with-professionals", 1000),
    )
    await db.close()

    db = await Database.open(path)
    try:
        assert await db.user_version() == SCHEMA_VERSION
        assert await db.fetchval("SELECT lesson_key FROM lesson_runs") == (
            "networking-with-professionals"
        )
        assert await db.migrate() == []  # idempotent
    finally:
        await db.close()


async def test_a_newer_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
        conn.execute("CREATE TABLE future (x)")
    before = path.read_bytes()
    with pytest.raises(StorageError, match="newer than this bot"):
        await Database.open(path)
    assert path.read_bytes() == before
    assert not (tmp_path / "new.db-wal").exists()


async def test_a_corrupt_file_gets_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not a database at all, just some text" * 100)
    with pytest.raises(StorageError, match="not a usable SQLite database"):
        await Database.open(path)


async def test_a_failed_migration_rolls_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import storage.db as dbmod

    broken = [*dbmod.MIGRATIONS, (SCHEMA_VERSION + 1, "9999_broken.sql", "CREATE TABLE x(;")]
    monkeypatch.setattr(dbmod, "MIGRATIONS", broken)
    monkeypatch.setattr(dbmod, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with pytest.raises(StorageError, match=r"9999_broken\.sql"):
        await Database.open(tmp_path / "c.db")
    monkeypatch.undo()
    db = await Database.open(tmp_path / "c.db")
    try:
        assert await db.user_version() == SCHEMA_VERSION
    finally:
        await db.close()


async def test_transaction_rolls_back_on_error(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction() as tx:
            await tx.execute(
                "INSERT INTO outreaches (user_id, recipient, channel, sent_at, created_at) "
                "VALUES (1, 'x', 'email', 1, 1)"
            )
            raise RuntimeError("boom")
    assert await db.fetchval("SELECT COUNT(*) FROM outreaches") == 0


async def test_a_write_through_the_database_inside_a_transaction_fails_at_once(
    db: Database,
) -> None:
    insert = ("INSERT INTO outreaches (user_id, recipient, channel, sent_at, created_at) "
              "VALUES (1, 'x', 'email', 1, 1)")
    async with db.transaction() as tx:
        # Without the guard these would wait for ever for the lock this code holds (also
        # from a task it waits on: wait_for runs its own); the timeout only keeps such a
        # regression from hanging the suite.
        with pytest.raises(RuntimeError, match="nested transaction"):
            await asyncio.wait_for(db.execute(insert), timeout=30)
        with pytest.raises(RuntimeError, match="nested transaction"):
            await db.execute(insert)
        with pytest.raises(RuntimeError, match="nested transaction"):
            async with db.transaction():
                pass
        await tx.execute(insert)  # the transaction itself carries on
    assert await db.fetchval("SELECT COUNT(*) FROM outreaches") == 1
    await db.execute(insert)  # and once it has ended, the database writes again
    assert await db.fetchval("SELECT COUNT(*) FROM outreaches") == 2


async def test_concurrent_transactions_do_not_interleave(db: Database) -> None:
    async def log_outreach(i: int) -> None:
        async with db.transaction() as tx:
            oid = await tx.insert(
                "INSERT INTO outreaches (user_id, recipient, channel, sent_at, created_at) "
                "VALUES (?, 'x', 'email', 1, 1)",
                (i,),
            )
            await asyncio.sleep(0)  # give another coroutine the chance to interleave
            await tx.execute(
                "INSERT INTO followups (outreach_id, user_id, due_at) VALUES (?,?,?)",
                (oid, i, 5),
            )

    await asyncio.gather(*(log_outreach(i) for i in range(50)))
    assert await db.fetchval("SELECT COUNT(*) FROM followups") == 50


async def test_backup_while_writing(db: Database, tmp_path: Path) -> None:
    stop = asyncio.Event()
    warmed_up = asyncio.Event()
    written = 0

    async def writer() -> None:
        nonlocal written
        while not stop.is_set():
            await db.execute(
                "INSERT INTO review_usage (user_id, reviewed_at) VALUES (?, ?)", (written, written)
            )
            written += 1
            if written == 200:
                warmed_up.set()

    task = asyncio.create_task(writer())
    try:
        await warmed_up.wait()
        await db.backup(tmp_path / "copy.db")
    finally:
        stop.set()
        await task
    with sqlite3.connect(tmp_path / "copy.db") as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        rows = copy.execute("SELECT COUNT(*) FROM review_usage").fetchone()[0]
    assert 200 <= rows <= written


async def test_backup_refuses_to_overwrite_its_source(db: Database) -> None:
    with pytest.raises(StorageError, match="the database itself"):
        await db.backup(db.path)
