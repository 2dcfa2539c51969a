"""`cohortbot restore BACKUP`: put a backup back in the database's place, for real.

Copying a backup over the database file is not a restore: SQLite keeps the last changes in
`<database>-wal` beside the file, and the next open replays that WAL onto whatever file is
there now, so the copied-in backup silently gets the changes it was meant to undo (or, when
the pages no longer line up, a mix of two databases). A restore must take the database's
companions away with it. This one:

- refuses a database path with nothing there unless told it is a new database (`new`): a
  mistyped `--db` (or the wrong config) must not "restore" into a file the bot never reads,
  and makes no folder;
- refuses while a bot runs on the database (its lock, storage/lock.py), and holds the lock
  throughout, so no bot starts half-way;
- copies the backup with SQLite's backup API to a file beside the database (so the rename
  into place is atomic and on the same disk), checks the copy (`integrity_check`, which
  covers `quick_check`) and its schema version (a cohortbot database, not newer than this
  bot), and leaves the database untouched when any of it fails (each refusal worded for a
  backup: pick another one), and the backup's folder as it was (storage/readonly.py);
- notes the restore in the copy (`restores`), so /forget-me can say that what the bot posted
  after the backup was taken may still be on Discord;
- moves the database and its `-wal`, `-shm` and `-journal` aside under one new name, so they
  stay a consistent pair that opens as the database it was, and deletes nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.clock import to_ms
from bot.errors import StorageError
from storage.db import SCHEMA_VERSION, Database, Source, backup_file, path_kind
from storage.lock import DatabaseInUse, DatabaseLock

COMPANIONS = ("-wal", "-shm", "-journal")  # what SQLite keeps beside a database file


@dataclass(frozen=True)
class Restored:
    database: Path
    version: int  # the backup's schema version (the bot migrates an older one at its start)
    moved_aside: tuple[Path, ...]  # the replaced database and its companions, as renamed


async def restore_backup(backup: Path, database: Path, now: datetime, *,
                         new: bool = False) -> Restored:
    """Replace `database` with `backup` (see the module's docstring), or with `new` create it
    from `backup` where there is none; `StorageError`, with nothing changed, when it cannot
    be done. `now` names the files moved aside."""
    await asyncio.to_thread(_refuse_places, backup, database, new)
    try:
        lock = DatabaseLock.acquire(database)
    except DatabaseInUse:
        raise StorageError(
            f"{database}: a cohortbot process is running on it; stop the bot first, then "
            "restore. Nothing was changed.") from None
    incoming = database.with_name(database.name + ".restoring")
    try:
        # (overwrite: a leftover one is ours)
        await backup_file(backup, incoming, overwrite=True, reading=Source.RESTORING)
        try:
            version = _version(incoming)
            if version == 0:
                raise StorageError(f"{backup}: an SQLite file, but no cohortbot database (it "
                                   "has no schema version); give a file `cohortbot backup` "
                                   "made. Nothing was changed.")
            await _note_restore(incoming, now)
            moved = await asyncio.to_thread(_swap, incoming, database, now)
        finally:
            with contextlib.suppress(OSError):
                incoming.unlink(missing_ok=True)
    finally:
        if lock is not None:
            lock.release()
    return Restored(database, version, moved)


def _refuse_places(backup: Path, database: Path, new: bool) -> None:
    kind = path_kind(database)
    if kind not in ("file", "missing"):
        raise StorageError(f"{database}: not a database file (a folder, a device); give the "
                           "database's file with --db or [storage] database. Nothing was "
                           "changed.")
    if path_kind(database.parent) != "folder":
        raise StorageError(f"{database}: there is no folder {database.parent}, so no database "
                           "there to replace; check the path (--db, or [storage] database in "
                           "the config), or create the folder first for a new database "
                           "(--new). Nothing was changed.")
    if kind == "missing" and not new:
        raise StorageError(f"{database}: there is no database there, so nothing to replace: "
                           "is that the bot's database? Check the path (--db, or [storage] "
                           "database in the config); to restore into a new database there (a "
                           "new machine, a lost file), add --new. Nothing was changed.")
    if kind == "file" and new:
        raise StorageError(f"{database}: --new, but there is a database there already; leave "
                           "--new out to replace it (it is moved aside, not deleted). Nothing "
                           "was changed.")
    if path_kind(backup) == "file" and path_kind(database) == "file" and (
            backup.resolve() == database.resolve()):
        raise StorageError(f"{backup}: that is the database itself; give a backup's file. "
                           "Nothing was changed.")


async def _note_restore(copy: Path, now: datetime) -> None:
    """The restore noted in the copy about to take the database's place, for /forget-me
    (what the bot posted between the backup and now is unknown to it: migration 0020). An
    older backup is brought up to this bot's schema first, as its next start would."""
    db = await Database.open(copy)
    try:
        await db.execute("INSERT INTO restores (restored_at) VALUES (?)", (to_ms(now),))
    finally:
        await db.close()


def _version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()
    if version > SCHEMA_VERSION:  # (backup_file refuses it first; said again for the copy)
        raise StorageError(f"{path}: schema version {version} is newer than this bot")
    return version


def _swap(incoming: Path, database: Path, now: datetime) -> tuple[Path, ...]:
    """The database and its companions renamed aside, then `incoming` renamed into place."""
    aside = _free_name(database, now)
    present = [Path(f"{database}{suffix}") for suffix in ("", *COMPANIONS)
               if path_kind(Path(f"{database}{suffix}")) != "missing"]
    moved: list[Path] = []
    try:
        for path in present:
            target = Path(f"{aside}{path.name[len(database.name):]}")
            path.rename(target)
            moved.append(target)
        incoming.rename(database)
    except OSError as exc:
        for target in reversed(moved):  # put back what was moved: nothing changed
            with contextlib.suppress(OSError):
                target.rename(Path(f"{database}{target.name[len(aside.name):]}"))
        raise StorageError(f"{database}: cannot move it aside ({exc.strerror or exc}); the "
                           "bot's user must be able to rename files in its folder "
                           f"{database.absolute().parent}. Nothing was changed.") from None
    return tuple(moved)


def _free_name(database: Path, now: datetime) -> Path:
    """`<database>.before-restore-<UTC time>`, with a number when that is taken (two
    restores in one second), for the database and every companion."""
    stem = f"{database.name}.before-restore-{now.strftime('%Y%m%dT%H%M%SZ')}"
    for n in range(1, 1000):
        name = stem if n == 1 else f"{stem}-{n}"
        if all(path_kind(database.with_name(name + s)) == "missing" for s in ("", *COMPANIONS)):
            return database.with_name(name)
    raise StorageError(f"{database}: too many earlier restores beside it; move them away")
