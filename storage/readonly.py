"""Opening a database file only to read it: the export's snapshot and the backup's source.

Neither writes the file, so neither may need to: a backup kept in a folder the reader may not
write (an archive, a read-only mount, the service's own folder seen by another user) must
read as well as one beside it, and leave its folder as it was. SQLite's `mode=ro` reads most
such files, but not all:

- a WAL database (every backup is one) with no `-shm` beside it makes SQLite create a `-shm`
  and a `-wal`, which a read-only folder refuses, and which a writable one keeps for good (a
  reader may not delete them): a restore or an export would leave them beside the backup.
  Nobody has it open then (every connection in WAL mode keeps a `-shm`), so with an empty or
  absent `-wal` it is read as unchanging (`immutable=1`: no companion files, no locks),
  without trying `mode=ro` first;
- the changes of a `-wal` that has no `-shm` (a copy of the two files), and a hot rollback
  journal (a writer that died mid-transaction; the main file holds half of it), can only be
  applied by writing: they are read from a temporary copy of the file and its companion,
  where SQLite applies them, and the original is left as it was;
- a `-wal` and `-shm` that the reader cannot open are another user's live database: it is
  refused, saying so, because a copy taken under a writer could be torn.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

from bot.errors import StorageError
from storage.db import BUSY_TIMEOUT_MS, Source, damaged, read_only_part, unusable

# SQLite's answers when it would have to write beside the file, or the file itself, to read it.
_NEEDS_WRITING = ("SQLITE_CANTOPEN", "SQLITE_READONLY")


class ReadOnlyDatabase:
    """One read-only connection to `path`, and the temporary copy it reads instead, if any:
    `close()` removes that."""

    def __init__(self, conn: sqlite3.Connection, path: Path, copy: Path | None = None) -> None:
        self.conn = conn
        self.path = path
        self._copy = copy

    @classmethod
    def open(cls, path: Path, reading: Source = Source.DATABASE) -> ReadOnlyDatabase:
        """Connect; `StorageError`, saying what is in the way and what to do, when it cannot
        be read (`reading`: what the file is, for that advice). The first page is read, so a
        file that is no database is refused here."""
        wal, shm = _companion(path, "-wal"), _companion(path, "-shm")
        try:
            if not shm.exists() and _in_wal_mode(path):  # nobody has it open
                return cls._as_it_is(path, wal)
            return cls(_connect(path.resolve().as_uri() + "?mode=ro"), path)
        except sqlite3.Error as exc:
            if not getattr(exc, "sqlite_errorname", "").startswith(_NEEDS_WRITING):
                raise unusable(path, exc, reading) from None
        _require_readable(path)
        if wal.exists() and shm.exists():  # (SQLite read them if it could open them)
            unusable_file = next((f for f in (shm, wal) if not os.access(f, os.R_OK | os.W_OK)),
                                 None)
            why = (f"the file `{unusable_file.name}` is not open to you (its owner or mode)"
                   if unusable_file else read_only_part(path))
            raise StorageError(
                f"{path}: it is open in another program, or was left so: reading it means "
                f"using its `{shm.name}` and `{wal.name}`, and {why}. Run this as the user "
                "the bot runs as (a `cohortbot backup` made by that user can be read anywhere), "
                "or stop the bot and try again.")
        try:
            return cls._as_it_is(path, wal)
        except sqlite3.Error as exc:
            raise unusable(path, exc, reading) from None

    @classmethod
    def _as_it_is(cls, path: Path, wal: Path) -> ReadOnlyDatabase:
        """A file nobody has open, read without writing beside it: as unchanging, or from a
        copy when its `-wal` or a hot journal holds changes only writing can apply."""
        pending = next((f for f in (wal, _companion(path, "-journal")) if _size(f) > 0), None)
        if pending is None:
            return cls(_connect(path.resolve().as_uri() + "?mode=ro&immutable=1"), path)
        return cls._from_copy(path, pending)

    @classmethod
    def _from_copy(cls, path: Path, pending: Path) -> ReadOnlyDatabase:
        """Read `path` with the changes `pending` (its `-wal` or hot journal) holds, from a
        temporary copy of both: SQLite applies them there."""
        folder = Path(tempfile.mkdtemp(prefix="cohortbot-read-"))
        try:
            copy = folder / path.name
            shutil.copyfile(path, copy)
            shutil.copyfile(pending, folder / (path.name + pending.name[len(path.name):]))
            return cls(_connect(copy.as_uri()), path, folder)
        except OSError as exc:
            shutil.rmtree(folder, ignore_errors=True)
            raise StorageError(
                f"{path}: its latest changes are in `{pending.name}`, which SQLite applies "
                f"by writing, and {read_only_part(path)}; reading them from a copy in "
                f"{folder.parent} failed too ({exc.strerror or exc}). Set TMPDIR to a folder "
                f"with room, or copy `{path.name}` and `{pending.name}` together to a folder "
                "you may write, and read that.") from None
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise

    def close(self) -> None:
        self.conn.close()
        if self._copy is not None:
            shutil.rmtree(self._copy, ignore_errors=True)

    def verify(self) -> None:
        """SQLite's `quick_check` of every page, as the bot does at start: `StorageError`
        when the file is damaged. Inside a read transaction, it checks the snapshot read next."""
        try:
            problems = [row[0] for row in self.conn.execute("PRAGMA quick_check")]
        except sqlite3.Error as exc:
            raise unusable(self.path, exc) from None
        if problems != ["ok"]:
            raise damaged(self.path, problems[0])


def _connect(uri: str) -> sqlite3.Connection:
    # check_same_thread=False: the bot's /export reads from a worker thread.
    conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000,
                           isolation_level=None, check_same_thread=False)
    try:
        conn.execute("PRAGMA user_version").fetchone()  # opens the file: a refusal shows now
    except BaseException:
        conn.close()
        raise
    return conn


def _companion(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _in_wal_mode(path: Path) -> bool:
    """Whether the file's header says WAL (its read and write versions, bytes 18 and 19, are
    2); False for anything unreadable, which the open then says in its own words."""
    try:
        with path.open("rb") as handle:
            header = handle.read(20)
    except OSError:
        return False
    return header[:16] == b"SQLite format 3\0" and header[18:20] == b"\x02\x02"


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _require_readable(path: Path) -> None:
    try:
        path.open("rb").close()
    except OSError as exc:
        raise StorageError(
            f"{path}: I may not read this file ({exc.strerror or exc}). Give your user read "
            "permission to it (chmod/chown), or run this as the user the bot runs as."
        ) from None
