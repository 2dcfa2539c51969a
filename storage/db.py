"""The connection, its pragmas, numbered migrations and online backup.

One long-lived aiosqlite connection serves the whole bot. Coroutines share it, so every
multi-statement write goes through `transaction()`, which holds an asyncio.Lock: without it two
coroutines could interleave statements inside each other's BEGIN/COMMIT. The lock is not
reentrant, so a write through the database inside a transaction of the same task is refused
at once instead of waiting for itself forever.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import json
import logging
import os
import re
import shutil
import sqlite3
import stat
import tempfile
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from enum import Enum
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from bot.errors import NotSaved, StorageError
from bot.oserrors import FULL, disk_full, full_disk, nearest_folder, reason
from bot.outfile import is_stream, open_stream

log = logging.getLogger(__name__)

T = TypeVar("T")

BUSY_TIMEOUT_MS = 5000
# How every message that advises a restore says it: copying a backup over the file is no
# restore (SQLite replays the old -wal onto it), the command is (storage/restore.py).
RESTORE = "`cohortbot restore BACKUP`, with the bot stopped"
# Half of a UTF-16 pair on its own: Discord delivers one where a client cut text in the
# middle of an emoji, and SQLite (UTF-8) cannot store it.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _bindable(params: Sequence[Any]) -> Sequence[Any]:
    """`params` as SQLite can bind them: a lone surrogate in text becomes U+FFFD, the
    replacement character, which is how it displays anyway (else the write fails)."""
    if not any(isinstance(p, str) and not p.isascii() and _LONE_SURROGATE.search(p)
               for p in params):
        return params
    return [_LONE_SURROGATE.sub("\ufffd", p) if isinstance(p, str) else p for p in params]


def json_text(value: Any) -> str:
    """`value` as JSON for a statement's JSON functions (`json_each(?)`), its text as it is:
    an ASCII escape would carry a lone surrogate past `_bindable` as `\\udfff`, which
    SQLite's JSON functions store as bytes that no read can decode again."""
    return json.dumps(value, ensure_ascii=False)


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


async def _set_pragmas(conn: aiosqlite.Connection) -> None:
    """What every connection to the file is set to (pragmas hold per connection)."""
    conn.row_factory = sqlite3.Row
    await conn.execute("PRAGMA foreign_keys=ON")
    await conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    await conn.execute("PRAGMA synchronous=FULL")
    # Deleted rows are overwritten with zeros, not left in free pages: /forget-me must
    # not leave a member's text readable in the file (however SQLite was compiled).
    await conn.execute("PRAGMA secure_delete=ON")


class Database:
    """Open with `await Database.open(path)`; close with `await db.close()`."""

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self._conn = conn
        # Reads outside a transaction go to a connection of their own (WAL lets it read while
        # the other writes): a read queued behind every pending write's fsync on one
        # connection costs the interactions that read before they answer (a /critique form
        # opening) their 3 s. It sees what is committed, as another process would.
        self._reader: aiosqlite.Connection | None = None
        self.path = path
        self._write_lock = asyncio.Lock()
        self._active: object | None = None  # the transaction under way, if any

    @classmethod
    async def open(cls, path: Path | str, *, migrate: bool = True) -> Database:
        """Open (or create) the database, check it, and migrate it.

        Every way a file can be unusable is a `StorageError` saying what is wrong and what
        to do: a folder or a path under a file, a folder or a file the bot may not write, a
        file that is no database, damaged pages, a newer schema. Checked before the first
        write, so a refused file is left as it was.
        """
        path = Path(path)
        if str(path) != ":memory:":
            _prepare_folder(path)
        try:
            # isolation_level=None: we issue BEGIN/COMMIT ourselves, so the sqlite3 module
            # never opens a hidden transaction behind our back.
            conn = await aiosqlite.connect(path, isolation_level=None)
        except sqlite3.Error as exc:
            raise unusable(path, exc) from None
        db = cls(conn, path)
        try:
            await db._check_and_prepare(migrate)
        except sqlite3.Error as exc:
            await conn.close()
            raise unusable(path, exc) from None
        except BaseException:
            await conn.close()
            raise
        return db

    async def _check_and_prepare(self, migrate: bool) -> None:
        # Read the version before anything writes: a newer database must not be touched at
        # all, and even `PRAGMA journal_mode=WAL` writes to the file header.
        version = await self.user_version()
        if version > SCHEMA_VERSION:
            raise StorageError(
                f"{self.path}: the database is at schema version {version}, newer than this "
                f"bot understands ({SCHEMA_VERSION}). It was written by a newer cohortbot; "
                "upgrade the bot, or restore a backup made by this version "
                f"({RESTORE}). Nothing was changed."
            )
        # A damaged page found now costs a restore from last night's backup; found by the
        # first write that touches it, it costs whatever was written in between.
        problems = [row[0] for row in await self.fetchall("PRAGMA quick_check")]
        if problems != ["ok"]:
            raise damaged(self.path, problems[0])
        await self._conn.execute("PRAGMA journal_mode=WAL")
        await _set_pragmas(self._conn)
        await self._probe_write(version)
        if migrate:
            await self.migrate()
        if str(self.path) != ":memory:":  # (a second connection would be a second database)
            self._reader = await aiosqlite.connect(self.path, isolation_level=None)
            await _set_pragmas(self._reader)

    async def _probe_write(self, version: int) -> None:
        """Fail now, not at the first member's action, if the file or its folder is
        read-only: SQLite opens such a file without complaint and refuses every write."""
        await self._conn.execute("BEGIN IMMEDIATE")
        try:
            await self._conn.execute(f"PRAGMA user_version={version}")
        finally:
            await self._conn.rollback()

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
                        if is_storage_failure(exc):  # the disk, not the migration
                            raise unusable(self.path, exc) from None
                        raise StorageError(f"{self.path}: migration {name} failed: {exc}") from exc
                    log.info("applied migration %s", name)
                    applied.append(number)
        return applied

    async def close(self) -> None:
        if self._reader is not None:
            await self._reader.close()
        await self._conn.close()

    async def checkpoint(self) -> None:
        """Copy the WAL into the database file and empty it: after deleting a member's rows,
        the WAL still holds the pages as they were before."""
        self._refuse_nesting()
        async with self._write_lock:
            await self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def _refuse_nesting(self) -> None:
        if self._active is not None and _transaction.get() is self._active:
            raise RuntimeError(
                "nested transaction: inside `async with db.transaction() as tx`, write with "
                "tx.execute()/tx.insert(), not db.execute() or another transaction()"
            )

    # --- queries --------------------------------------------------------------------------

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        # Inside this task's own transaction, through it: it must see its own writes.
        mine = self._active is not None and _transaction.get() is self._active
        conn = self._conn if mine or self._reader is None else self._reader
        # One trip to the connection's thread, not three (execute, fetch, close): under a
        # burst each trip waits for a turn of a busy event loop.
        return list(await conn.execute_fetchall(sql, _bindable(params)))

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
        self._refuse_nesting()
        async with self._write_lock:
            self._active = active = object()
            entered = _transaction.set(active)
            try:
                with self._saving():
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

    async def execute_alone(self, sql: str, params: Sequence[Any] = ()) -> None:
        """One write statement committed on its own, without BEGIN ... COMMIT around it (SQLite
        makes a lone statement atomic, its triggers included), and without a row count: one
        trip to the connection's thread where `execute` takes four. For writes made under a
        burst, when each trip waits a turn of the busy event loop."""
        self._refuse_nesting()
        async with self._write_lock:
            # (execute_fetchall: the statement and its cursor stay in the connection's thread;
            # `execute` would hand the cursor over and need another trip to close it)
            with self._saving():
                await self._conn.execute_fetchall(sql, _bindable(params))

    @contextlib.contextmanager
    def _saving(self) -> Iterator[None]:
        """A write the disk refuses (full, failing) is `NotSaved`, said in words, whatever
        statement met it; a statement's own error (a constraint, a bug) stays as it is."""
        try:
            yield
        except (sqlite3.Error, OSError) as exc:
            if not is_storage_failure(exc):
                raise
            raise NotSaved(not_saved(self.path, exc)) from exc

    # --- backup ---------------------------------------------------------------------------

    async def backup(self, dest: Path | str, *, overwrite: bool = False) -> Path:
        """SQLite's online backup of the live database, safe while the bot writes; the file
        written."""
        return await backup_file(self.path, Path(dest), overwrite=overwrite)


def as_row(cls: type[T], row: sqlite3.Row) -> T:
    """Build a row dataclass from the columns it names (extra columns are ignored)."""
    columns = set(row.keys())  # (iterating a sqlite3.Row yields values, not keys)
    fields = cls.__dataclass_fields__  # type: ignore[attr-defined]
    return cls(**{name: row[name] for name in fields if name in columns})


class Transaction:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        async with self._conn.execute(sql, _bindable(params)) as cur:
            return cur.rowcount

    async def insert(self, sql: str, params: Sequence[Any] = ()) -> int:
        async with self._conn.execute(sql, _bindable(params)) as cur:
            return int(cur.lastrowid or 0)

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        await self._conn.executemany(sql, (_bindable(row) for row in rows))

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        # (rows: sqlite3.Row)
        return list(await self._conn.execute_fetchall(sql, _bindable(params)))

    async def fetchval(self, sql: str, params: Sequence[Any] = ()) -> Any:
        rows = await self.fetchall(sql, params)
        return rows[0][0] if rows else None


async def check_database(path: Path) -> None:
    """Open the database as the bot would, and close it: `StorageError` if it is unusable.
    Creates and migrates it when it does not exist yet, as the bot's start would."""
    await (await Database.open(path)).close()


def path_kind(path: Path) -> str:
    """"file", "folder", "missing" or "other" (a device, a socket); `StorageError` when the
    path itself is unusable (a name too long, a folder on the way the bot may not enter)."""
    try:
        mode = path.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):
        return "missing"
    except OSError as exc:
        raise StorageError(f"{path}: {exc.strerror or exc}") from None
    return "file" if stat.S_ISREG(mode) else "folder" if stat.S_ISDIR(mode) else "other"


def require_database_path(path: Path) -> None:
    """`StorageError` unless `path` is a plain file or nothing yet: SQLite on a device or a
    pipe (/dev/null) would write its journal beside it, and the bot its lock."""
    kind = path_kind(path)
    if kind == "folder":
        raise StorageError(f"{path}: is a folder; the database is a file inside one: give its "
                           f"name too, e.g. {path / 'cohort.db'}")
    if kind == "other":
        raise StorageError(f"{path}: is not a plain file (a device, a pipe, a socket?); the "
                           "database is a file: give its path")


def _prepare_folder(path: Path) -> None:
    """Create the database's folder; `StorageError` when the path cannot hold a file."""
    require_database_path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        blocker = next((p for p in path.parents if p.exists() and not p.is_dir()), path.parent)
        raise StorageError(f"{path}: {blocker} is a file, not a folder; put the database "
                           "somewhere else") from None
    except OSError as exc:
        raise StorageError(f"{path}: cannot create its folder {path.parent}: "
                           f"{exc.strerror or exc}") from None


class Source(Enum):
    """What the file a command reads is to the operator, for the advice its refusals give."""

    DATABASE = "database"  # the bot's database, or a copy read as one (backup, export)
    RESTORING = "restoring"  # the backup `cohortbot restore` puts back: pick another one


def damaged(path: Path, problem: str, source: Source = Source.DATABASE) -> StorageError:
    """The one message for a damaged file, whoever found it (the bot's start, backup, export,
    restore)."""
    if source is Source.RESTORING:
        return StorageError(
            f"{path}: this backup is damaged ({problem}); pick another backup (an older "
            "one). Nothing was changed: the database was not touched.")
    return StorageError(
        f"{path}: the database is damaged ({problem}). Restore it from a backup "
        f"({RESTORE}) or move it aside to start afresh; nothing was changed."
    )


def read_only_part(path: Path) -> str:
    """What keeps this user from writing `path` or the companions SQLite keeps beside it
    (`-wal`, `-shm`, `-journal`), in words: the file system, the folder or the file."""
    # The nearest folder there: a backup's folder may be one still to be made.
    folder = next(p for p in path.absolute().parents if p.exists())
    with contextlib.suppress(OSError):
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return f"the file system holding {folder} is mounted read-only"
    blocked = [what for what, where in ((f"the file {path.name}", path),
                                        (f"the folder {folder}", folder))
               if where.exists() and not os.access(where, os.W_OK)]
    if not blocked:  # (a lock, a security module: SQLite said read-only, the modes do not)
        return f"SQLite may not write {path.name} or beside it in {folder}"
    are = " are" if len(blocked) > 1 else " is"
    return " and ".join(blocked) + are + " read-only to this user"


# What SQLite answers when the disk under it fails a write (a full one among them).
_DISK_CODES = ("SQLITE_FULL", "SQLITE_IOERR", "SQLITE_CANTOPEN")


def is_storage_failure(exc: BaseException) -> bool:
    """Whether `exc` is the disk refusing a write (full, failing), not a bug in a statement:
    the bot says so to the member and keeps what they sent, rather than an error id."""
    if isinstance(exc, OSError):
        return exc.errno in FULL or exc.errno == errno.EIO
    return isinstance(exc, sqlite3.Error) and getattr(exc, "sqlite_errorname", "").startswith(
        ("SQLITE_FULL", "SQLITE_IOERR"))


def not_saved(path: Path, exc: sqlite3.Error | OSError) -> str:
    """The log's line for a write the disk refused (no member content: ids and paths only)."""
    if disk_full(path):
        return f"{path}: could not save: {full_disk(path)}"
    if getattr(exc, "sqlite_errorname", "") == "SQLITE_FULL" or (
            isinstance(exc, OSError) and exc.errno in FULL):
        # (the file system may have room again already, or a quota or a size limit is met)
        return (f"{path}: could not save: the database is full ({exc}): free some space on "
                f"the disk holding {nearest_folder(path)}, or raise the limit it met")
    return (f"{path}: could not save: the disk reported an error writing it ({exc}); check "
            "the disk")


def unusable(path: Path, exc: sqlite3.Error,
             source: Source = Source.DATABASE) -> StorageError:
    """What SQLite's refusal to use `path` means for the person who has to fix it."""
    code = getattr(exc, "sqlite_errorname", "")
    folder = path.absolute().parent  # "its folder ." would name nothing
    if code.startswith(_DISK_CODES) and disk_full(path):
        return StorageError(f"{path}: {full_disk(path)}.")
    if code.startswith("SQLITE_READONLY"):
        return StorageError(
            f"{path}: the bot writes to its database, and {read_only_part(path)}. Give the "
            f"bot's user write permission to the file and to its folder {folder} (chown/chmod; "
            f"SQLite keeps {path.name}-wal and {path.name}-shm there), or set another path "
            "([storage] database in the config, or --db)."
        )
    if code.startswith("SQLITE_CORRUPT"):
        return damaged(path, str(exc), source)
    if code.startswith("SQLITE_CANTOPEN"):
        return StorageError(
            f"{path}: SQLite cannot open or create it. The bot's user must be able to read "
            f"and write the file and to create files in its folder {folder} (SQLite keeps "
            f"{path.name}-wal and {path.name}-shm beside it); check the folder's owner and "
            "permissions, and that the file system is not mounted read-only."
        )
    if code.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return StorageError(f"{path}: another program holds the database locked ({exc}); "
                            "stop it, or wait for it to finish, and start again.")
    if code.startswith("SQLITE_FULL"):
        return StorageError(f"{path}: {full_disk(path)}.")
    if code.startswith("SQLITE_IOERR"):
        return StorageError(f"{path}: the disk reported an error reading or writing it ({exc});"
                            " check the disk, then restore a backup if the file is damaged"
                            f" ({RESTORE}).")
    if source is Source.RESTORING:
        return StorageError(
            f"{path}: this is not a usable SQLite database, so not a backup: it is damaged, "
            f"or some other kind of file ({exc}); give a file `cohortbot backup` made. "
            "Nothing was changed: the database was not touched.")
    return StorageError(
        f"{path}: this is not a usable SQLite database: it is damaged, or some other kind of "
        f"file ({exc}). Restore it from a backup ({RESTORE}) or move it aside to start "
        "afresh; nothing was changed."
    )


async def backup_file(source: Path, dest: Path, *, overwrite: bool = False,
                      reading: Source = Source.DATABASE) -> Path:
    """Copy `source` to `dest` with the backup API, in pages, from a thread, and return the
    file written. A `dest` that is a folder gets the copy inside it, under the source's name.
    An existing file there is replaced only with `overwrite` (it may be the one good backup).
    `reading`: what `source` is, for the advice of a refusal (a damaged backup to restore is
    not restored from a backup). Nothing is written into `source`'s folder.

    Works while another connection (the running bot) writes: the backup restarts pages that
    changed under it, and WAL mode lets it read without blocking the writer.
    """

    def run() -> Path:
        if path_kind(source) != "file":
            require_database_path(source)  # (a folder, a device: said as what it is)
            if reading is Source.RESTORING:
                raise StorageError(f"{source}: no such file; give the backup's file (one "
                                   "`cohortbot backup` made). Nothing was changed: the "
                                   "database was not touched.")
            raise StorageError(f"{source}: no database there; give the database file to back up")
        target = dest / source.name if path_kind(dest) == "folder" else dest
        if path_kind(target) == "folder":
            raise StorageError(f"{target}: is a folder; give the backup's file name")
        if target.resolve() == source.resolve():
            raise StorageError("the backup destination is the database itself; pick another path")
        if path_kind(target) == "other" and not is_stream(target):
            raise StorageError(f"{target}: neither a file nor a device or pipe to write the "
                               "backup into (a socket?); pick another path")
        if not overwrite and path_kind(target) == "file":
            raise StorageError(f"{target}: a file of that name is already there; give another "
                               "name, or pass --force to replace it")
        from storage.readonly import ReadOnlyDatabase  # (it builds on this module)

        # it writes nothing: a read-only folder will do
        src = ReadOnlyDatabase.open(source, reading)
        try:
            _copy(src.conn, source, target, reading)
        finally:
            src.close()
        return target

    return await asyncio.to_thread(run)


def _copy(src: sqlite3.Connection, source: Path, target: Path, reading: Source) -> None:
    try:
        version = src.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.Error as exc:
        raise unusable(source, exc, reading) from None
    if version > SCHEMA_VERSION and reading is Source.RESTORING:
        raise StorageError(
            f"{source}: a backup at schema version {version}, newer than this bot "
            f"({SCHEMA_VERSION}): restore it with the newer cohortbot that made it, or pick "
            "an older backup. Nothing was changed: the database was not touched.")
    if version > SCHEMA_VERSION:
        raise StorageError(
            f"{source}: schema version {version} is newer than this bot "
            f"({SCHEMA_VERSION}); back it up with the newer cohortbot"
        )
    # A device or a pipe (/dev/null, /dev/stdout) is written into, never replaced: the copy
    # is made in a scratch folder first (SQLite needs a file), then streamed there.
    stream = is_stream(target)
    with contextlib.ExitStack() as scratch:
        if stream:
            tmp = Path(scratch.enter_context(tempfile.TemporaryDirectory())) / "backup.partial"
        else:  # a symbolic link is followed: the file it names is replaced, the link stays
            target = target.resolve() if target.is_symlink() else target
            tmp = target.with_name(target.name + ".partial")
        try:
            _copy_to(src, source, target, tmp, stream, reading)
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)


def _copy_to(src: sqlite3.Connection, source: Path, target: Path, tmp: Path,
             stream: bool, reading: Source) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        out = sqlite3.connect(tmp)
        try:
            src.backup(out, pages=256)
            check = out.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            out.close()
        if check != "ok":  # the pages are copied as they are: the source's damage
            raise damaged(source, check, reading)
        if stream:
            with open_stream(target) as into, tmp.open("rb") as copy:
                shutil.copyfileobj(copy, into)
        else:
            tmp.replace(target)
    except sqlite3.Error as exc:
        if _is_source_fault(exc):
            raise unusable(source, exc, reading) from None
        raise _unwritable(target, str(exc)) from None
    except OSError as exc:
        if exc.errno in FULL:  # (a device's "disk", /dev/full, has free space to statvfs)
            raise StorageError(f"{target}: cannot write the backup there: "
                               f"{reason(exc, target)}") from None
        raise _unwritable(target, reason(exc, target)) from None


def _unwritable(target: Path, why: str) -> StorageError:
    if disk_full(target):
        return StorageError(f"{target}: cannot write the backup there: {full_disk(target)}")
    blocked = read_only_part(target)
    return StorageError(f"{target}: cannot write the backup there ({why}; {blocked}); pick a "
                        "folder you may write to")


def _is_source_fault(exc: sqlite3.Error) -> bool:
    return getattr(exc, "sqlite_errorname", "").startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT"))
