"""What the operating system's refusal to read or write a file means, in words an operator
acts on: one sentence per kind of failure (a full disk, a read-only file system, a missing
permission, a failing disk, a name too long), never Python's repr of the exception.

A full disk is said as a full disk wherever it shows: SQLite reports some of its writes on
a full disk as "disk I/O error", and telling an operator to restore a backup for a full disk
would lose everything written since that backup (`disk_full` tells the two apart).
"""

from __future__ import annotations

import contextlib
import errno
import os
from pathlib import Path

FULL = frozenset({errno.ENOSPC, errno.EDQUOT})
# Below this many free bytes SQLite cannot grow its write-ahead log by even a few pages.
NEARLY_FULL = 64 * 1024


def nearest_folder(path: Path) -> Path:
    """The nearest folder on the way to `path` that is there (a new file's folder may not be)."""
    for folder in (path.absolute(), *path.absolute().parents):
        with contextlib.suppress(OSError):
            if folder.is_dir():
                return folder
    return Path("/")


def disk_full(path: Path) -> bool:
    """Whether the file system holding `path` has (next to) no space left for this user."""
    try:
        stats = os.statvfs(nearest_folder(path))
    except OSError:
        return False
    return stats.f_bavail * stats.f_frsize < NEARLY_FULL


def full_disk(path: Path) -> str:
    return (f"the disk holding {nearest_folder(path)} is full: free some space (or give "
            "the bot another place), then try again")


_DENIED = "permission denied: this user may not read or write it (check its owner and mode)"
_SAID = {
    errno.EACCES: _DENIED,
    errno.EPERM: _DENIED,
    errno.EIO: "the disk reported an input/output error: check the disk (`dmesg`) before "
               "trusting what is on it",
    errno.ENAMETOOLONG: "the name is too long for the file system: pick a shorter path",
    errno.ENOENT: "there is no such file or folder",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.EISDIR: "it is a folder, not a file",
    errno.ENXIO: "it is a pipe with nothing reading from it, or a device that is not there",
    errno.ELOOP: "the path goes round a loop of symbolic links",
}


def reason(exc: OSError, path: Path | None = None) -> str:
    """Why `exc` happened and what to do, as a clause (no path in front: callers say which)."""
    where = path if path is not None else Path(exc.filename) if exc.filename else None
    code = exc.errno
    if code in FULL:
        return full_disk(where) if where is not None else "the disk is full: free some space"
    if code == errno.EROFS:
        folder = f" holding {nearest_folder(where)}" if where is not None else ""
        return f"the file system{folder} is mounted read-only"
    return _SAID.get(code or 0) or exc.strerror or str(exc)


def describe(exc: OSError) -> str:
    """The whole line for an OSError that reached the top: its file, then `reason`."""
    names = [name for name in (exc.filename, exc.filename2) if name]
    where = " -> ".join(str(name) for name in names)
    return f"{where}: {reason(exc)}" if where else reason(exc)
