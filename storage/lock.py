"""One bot process per database: an exclusive OS lock on a file beside it.

Two bot processes on one database (a second `cohortbot run` started by mistake, a container
restarted while the old one still runs) would both deliver reminders and answer every
command twice. The lock is `flock` on `<database>.lock`: the kernel releases it when the
holder exits, however it exits (even `kill -9`), so a crash never leaves a stale lock behind.
The row claim in storage/followups.py stays the second guard, for a file system where locks
do not hold (some network shares).
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from bot.errors import StorageError
from bot.oserrors import reason
from storage.db import require_database_path


class DatabaseInUse(StorageError):
    """Another process holds the database's lock."""


class DatabaseLock:
    def __init__(self, path: Path, fd: int) -> None:
        self.path, self._fd = path, fd

    @classmethod
    def acquire(cls, database: Path) -> DatabaseLock | None:
        """Take the lock, or raise DatabaseInUse naming the holder. None for :memory:."""
        if str(database) == ":memory:":
            return None
        require_database_path(database)  # (a device's lock would be made beside it, in /dev)
        # Beside the file itself: two names for one database (a symbolic link, a relative
        # and an absolute path) are one lock.
        real = database.resolve()
        path = real.with_name(real.name + ".lock")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise _unwritable(path, exc) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            raise DatabaseInUse(
                f"{database}: another cohortbot process (pid {holder}) is running on this "
                "database. One database serves one bot: stop the other process first, or give "
                "this one its own database ([storage] database in the config). Not starting."
            ) from None
        except BaseException:
            os.close(fd)
            raise
        try:  # (a new lock file's pid needs a block: on a full disk this is what fails)
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        except OSError as exc:
            os.close(fd)  # (which drops the lock just taken)
            raise _unwritable(path, exc) from None
        return cls(path, fd)

    def release(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)  # closing the descriptor drops the lock
            self._fd = -1


def _unwritable(path: Path, exc: OSError) -> StorageError:
    return StorageError(f"{path}: cannot write the database's lock file (the bot keeps it "
                        f"beside the database): {reason(exc, path)}.")
