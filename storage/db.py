"""The connection, its pragmas, numbered migrations and online backup.

One long-lived aiosqlite connection serves the whole bot. Coroutines share it, so every
multi-statement write goes through `transaction()`, which holds an asyncio.Lock: without it two
coroutines could interleave statements inside each other's BEGIN/COMMIT. The lock is not
reentrant, so a write through the database inside a transaction of the same task is refused
at once instead of waiting for itself forever.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from bot.errors import StorageError

log = logging.getLogger(__name__)

T = TypeVar("T")

BUSY_TIMEOUT_MS = 5000


def _migrations() -> list[tuple[int, str, str]]:
    """(number, name, sql) for every storage/migrations/NNNN_name.sql, in order."""
    found = []
    for entry in resources.files("storage").joinpath("migrations").iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            found.append((int(name[:4]), name, entry.read_text(encoding="utf-8")))
    found.sort()
    numbers = [n for n, _, _ in found]
    if numbers != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migrations must be numbered 0001.. without gaps, found {numbers}")
    return found


MIGRATIONS = _migrations()
SCHEMA_VERSION = len(MIGRATIONS)

# The transaction the running code is inside of. A context variable rather than the current
# task: tasks started inside a transaction (asyncio.wait_for, gather) inherit it, and waiting on
# one of them that writes through the database would deadlock just the same.
_transaction: ContextVar[object | None] = ContextVar("storage_transaction", default=None)


class Database:
    """Open with `await Database.open(path)`; close with `await db.close()`."""

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        self._write_lock = asyncio.Lock()
        self._active: object | None = None  # the transaction under way, if any

    @classmethod
    async def open(cls, path: Path | str, *, migrate: bool = True) -> Database:
        path = Path(path)
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, so the sqlite3 module never
        # opens a hidden transaction behind our back.
        conn = await aiosqlite.connect(path, isolation_level=None)
        db = cls(conn, path)
        try:
            await db._check_and_prepare(migrate)
        except BaseException:
            await conn.close()
            raise
        return db

    async def _check_and_prepare(self, migrate: bool) -> None:
        # Read the version before anything writes: a newer database must not be touched at
        # all, and even `PRAGMA journal_mode=WAL` writes to the file header.
        try:
            version = await self.user_version()
        except sqlite3.DatabaseError as exc:
            raise StorageError(
                f"{self.path}: this is not a usable SQLite database ({exc}). Restore it from a "
                "backup (cohortbot backup makes them) or move it aside to start afresh."
            ) from None
        if version > SCHEMA_VERSION:
            raise StorageError(
                f"{self.path}: the database is at schema version {version}, newer than this "
                f"bot understands ({SCHEMA_VERSION}). It was written by a newer cohortbot; "
                "upgrade the bot, or restore a backup made by this version. Nothing was changed."
            )
        await self._conn.execute("PRAGMA journal_mode=WAL")
        await self._conn.execute("PRAGMA foreign_keys=ON")
        await self._conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        await self._conn.execute("PRAGMA synchronous=FULL")
        if migrate:
            await self.migrate()

    async def user_version(self) -> int:
        async with self._conn.execute("PRAGMA user_version") as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def migrate(self, target: int | None = None) -> list[int]:
        """Apply pending migrations in order, each in one transaction. Returns those applied."""
        target = SCHEMA_VERSION if target is None else target
        applied = []
        async with self._write_lock:
            current = await self.user_version()
            for number, name, sql in MIGRATIONS:
                if current < number <= target:
                    # The version bump sits inside the same transaction as the DDL, so a
                    # crash leaves either the old schema and version, or the new ones.
                    script = f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version={number};\nCOMMIT;"
                    try:
                        await self._conn.executescript(script)
                    except sqlite3.Error as exc:
                        if self._conn.in_transaction:
                            await self._conn.rollback()
                        raise StorageError(f"{self.path}: migration {name} failed: {exc}") from exc
                    log.info("applied migration %s", name)
                    applied.append(number)
        return applied

    async def close(self) -> None:
        await self._conn.close()

    # --- queries --------------------------------------------------------------------------

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        async with self._conn.execute(sql, params) as cur:
            cur.row_factory = sqlite3.Row
            return list(await cur.fetchall())

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def fetchval(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = await self.fetchone(sql, params)
        return row[0] if row is not None else None

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """BEGIN IMMEDIATE ... COMMIT under the write lock; ROLLBACK on any error.

        Inside the block, write through the `Transaction` it gives: `db.execute()` or another
        `transaction()` there would wait for the lock this task already holds, so they raise.
        """
        if self._active is not None and _transaction.get() is self._active:
            raise RuntimeError(
                "nested transaction: inside `async with db.transaction() as tx`, write with "
                "tx.execute()/tx.insert(), not db.execute() or another transaction()"
            )
        async with self._write_lock:
            self._active = active = object()
            entered = _transaction.set(active)
            try:
                await self._conn.execute("BEGIN IMMEDIATE")
                try:
                    yield Transaction(self._conn)
                except BaseException:
                    await self._conn.rollback()
                    raise
                else:
                    await self._conn.commit()
            finally:
                _transaction.reset(entered)
                self._active = None

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """One write statement in its own transaction. Returns the affected row count."""
        async with self.transaction() as tx:
            return await tx.execute(sql, params)

    # --- backup ---------------------------------------------------------------------------

    async def backup(self, dest: Path | str) -> None:
        """SQLite's online backup of the live database, safe while the bot writes."""
        await backup_file(self.path, Path(dest))


def as_row(cls: type[T], row: sqlite3.Row) -> T:
    """Build a row dataclass from the columns it names (extra columns are ignored)."""
    columns = set(row.keys())  # (iterating a sqlite3.Row yields values, not keys)
    fields = cls.__dataclass_fields__  # type: ignore[attr-defined]
    return cls(**{name: row[name] for name in fields if name in columns})


class Transaction:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        async with self._conn.execute(sql, params) as cur:
            return cur.rowcount

    async def insert(self, sql: str, params: Sequence[Any] = ()) -> int:
        async with self._conn.execute(sql, params) as cur:
            return int(cur.lastrowid or 0)

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        await self._conn.executemany(sql, rows)

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        async with self._conn.execute(sql, params) as cur:
            cur.row_factory = sqlite3.Row
            return list(await cur.fetchall())

    async def fetchval(self, sql: str, params: Sequence[Any] = ()) -> Any:
        rows = await self.fetchall(sql, params)
        return rows[0][0] if rows else None


async def backup_file(source: Path, dest: Path) -> None:
    """Copy `source` to `dest` with the backup API, in pages, from a thread.

    Works while another connection (the running bot) writes: the backup restarts pages that
    changed under it, and WAL mode lets it read without blocking the writer.
    """

    def run() -> None:
        if not source.exists():
            raise StorageError(f"{source}: no database there to back up")
        if dest.resolve() == source.resolve():
            raise StorageError("the backup destination is the database itself; pick another path")
        dest.parent.mkdir(parents=True, exist_ok=True)
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            version = src.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StorageError(
                    f"{source}: schema version {version} is newer than this bot "
                    f"({SCHEMA_VERSION}); back it up with the newer cohortbot"
                )
            tmp = dest.with_name(dest.name + ".partial")
            out = sqlite3.connect(tmp)
            try:
                src.backup(out, pages=256)
                check = out.execute("PRAGMA integrity_check").fetchone()[0]
                if check != "ok":
                    raise StorageError(f"backup failed its integrity check: {check}")
            finally:
                out.close()
            tmp.replace(dest)
        except sqlite3.DatabaseError as exc:
            raise StorageError(f"{source}: cannot back it up: {exc}") from None
        finally:
            src.close()

    await asyncio.to_thread(run)
