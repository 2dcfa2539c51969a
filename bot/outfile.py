"""Writing a file the operator named (`export --out`, `backup DEST`, `sandbox --serve
--info`): never over what the command reads, and never by replacing something that is not a
plain file.

Two rules, for every command that writes a file:

- The output may not be one of the command's inputs under another name: the database (or
  its `-wal`, `-shm`, `-journal` and `.lock` companions), the config file, a lesson file.
  "The same" is the same file on disk (device and inode: symbolic and hard links included),
  or the same path once links are followed, for a companion not made yet. Nor may it be an
  SQLite database: a swapped argument must not cost every record.
- A plain file (or none) is written beside itself as `NAME.partial` and renamed over it when
  complete, so a failed write leaves no half file; a symbolic link is followed, and the file
  it names is written that way (the link stays). What already exists and is not a plain
  file is never replaced: a device or a pipe (`/dev/null`, `/dev/stdout`, a FIFO) is written
  into, as a shell redirection would; a folder or a socket is refused.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from bot.errors import UserError

SQLITE_HEADER = b"SQLite format 3\0"
DATABASE_COMPANIONS = ("-wal", "-shm", "-journal", ".lock")


def require_folder(option: str, path: Path, *, make: bool = False) -> None:
    """`UserError` unless the file `path` goes in a folder that is there: a typo in a path
    named on the command line must not make folders. `make`: its folder may be missing if
    the folder above is there (it is made: one level, as `mkdir` would, not a chain)."""
    folder = path.parent
    if folder.is_dir():
        return
    if not make:
        raise UserError(f"{option} {path}: there is no folder {folder}; create it first, or "
                        "pick another path.")
    if not folder.parent.is_dir():
        raise UserError(f"{option} {path}: there is no folder {folder.parent} to make "
                        f"{folder.name} in; create it first, or pick another path.")


def database_files(database: Path) -> list[Path]:
    """The database and the files SQLite and the bot keep beside it (beside the file a
    symbolic link names, too: the lock is there)."""
    names = dict.fromkeys([database, _real(database) or database])
    return [*names, *(name.with_name(name.name + end)
                      for name in names for end in DATABASE_COMPANIONS)]


def folder_files(folder: Path) -> list[Path]:
    """The files in `folder` (a lesson folder), none if it is not one."""
    with contextlib.suppress(OSError):
        return [entry for entry in folder.iterdir() if entry.is_file()]
    return []


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        found = path.stat()
    except (OSError, ValueError):
        return None
    return found.st_dev, found.st_ino


def _real(path: Path) -> Path | None:
    try:
        return path.resolve()
    except (OSError, RuntimeError, ValueError):
        return None


def refuse_inputs(out: Path, inputs: Iterable[tuple[str, Path]], option: str, *,
                  databases: bool = True) -> None:
    """`UserError` if `out` is one of `inputs` ((what it is, its path)), or (`databases`) an
    SQLite database."""
    mine, real = _identity(out), _real(out)
    for what, path in inputs:
        same = mine is not None and mine == _identity(path)
        if same or (real is not None and real == _real(path)):
            raise UserError(f"{option} {out} is {what} ({path}): writing there would destroy "
                            "it. Pick another path.")
    if databases and _kind(out) == "file" and _is_database(out):
        raise UserError(f"{option} {out} is an SQLite database: I never write over one (it "
                        "may be the cohort's only copy). Pick another path.")


def _is_database(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def _kind(path: Path) -> str:
    """"missing", "file", "folder", "stream" (a device or a pipe: written into) or "other"."""
    try:
        mode = path.stat().st_mode  # (follows links: /dev/stdout is one)
    except FileNotFoundError:
        return "missing"
    except OSError:
        return "other"
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISFIFO(mode):
        return "stream"
    return "other"


def is_stream(path: Path) -> bool:
    """Whether `path` is a device or a pipe that exists: written into, never replaced."""
    return _kind(path) == "stream"


@contextlib.contextmanager
def written(out: Path, option: str) -> Iterator[IO[bytes]]:
    """A stream that ends up as `out` (see the module's rules); `UserError` for a folder or a
    socket, `OSError` from writing for the caller to word."""
    kind = _kind(out)
    if kind == "folder":
        raise UserError(f"{option} {out} is a folder; give a file name.")
    if kind == "other":
        raise UserError(f"{option} {out} is neither a file nor a device or pipe I can write "
                        "into (a socket?); pick another path.")
    if kind == "stream":
        with open_stream(out) as stream:
            yield stream
        return
    target = out.resolve() if out.is_symlink() else out  # the link stays; its file is written
    unfinished = target.with_name(target.name + ".partial")  # a failed write leaves no half
    try:
        with unfinished.open("wb") as stream:
            yield stream
        unfinished.replace(target)
    finally:
        with contextlib.suppress(OSError):
            unfinished.unlink(missing_ok=True)


@contextlib.contextmanager
def open_stream(path: Path) -> Iterator[IO[bytes]]:
    """A device or a pipe opened for writing, in place. A pipe with no reader is refused at
    once (ENXIO) rather than waited on for good: the open does not block, the writes do."""
    fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
    fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)
    with os.fdopen(fd, "wb") as stream:
        yield stream
