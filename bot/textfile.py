"""Reading a text file someone handed the bot (a config, a lesson, a token file, a sandbox
script, a draft): its UTF-8 text, or one sentence saying why it cannot be read; and TOML.

Every reader goes through `read_text`, so every one of them refuses the same hostile files
the same way: a folder, a missing or unreadable file, one too big to be what it claims, a
binary file, text in another encoding. A UTF-8 byte-order mark, which Windows editors write,
is dropped rather than read as the first character.
"""

from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path
from typing import Any


class UnreadableFile(Exception):
    """Why a file cannot be read as text; the message names no path (callers add it)."""


class MissingFile(UnreadableFile):
    """There is no such file (the caller may say how to create it)."""


def read_text(path: str | os.PathLike[str], *, limit: int) -> str:
    """The file's text; `UnreadableFile` if it is not a readable UTF-8 text file of at most
    `limit` bytes."""
    file = Path(path)
    try:
        if file.is_dir():
            raise UnreadableFile("is a folder, not a file")
        # Opened without waiting: a named pipe nothing writes to (a token "file" made with
        # mkfifo) would hold the open, and the command, for good; read, it ends at once.
        fd = os.open(file, os.O_RDONLY | os.O_NONBLOCK)
        os.set_blocking(fd, True)  # (a pipe that has a writer is then read to its end)
        with os.fdopen(fd, "rb") as handle:
            # One byte past the limit is enough to know it is too big, and a device such as
            # /dev/zero is never read to its end.
            raw = handle.read(limit + 1)
            if not raw and stat.S_ISFIFO(os.fstat(handle.fileno()).st_mode):
                raise UnreadableFile("is a named pipe with nothing writing to it")
    except FileNotFoundError:
        raise MissingFile("no such file") from None
    except OSError as exc:
        raise UnreadableFile(f"cannot read it: {exc.strerror or exc}") from None
    if len(raw) > limit:
        raise UnreadableFile(f"is larger than {limit:,} bytes; is it the right file?")
    return decode_text(raw)


def decode_text(raw: bytes) -> str:
    """UTF-8 bytes (with or without a byte-order mark) as text; `UnreadableFile` for binary
    data or another encoding."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(
            f"is not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            "save it as UTF-8"
        ) from None
    if "\0" in text:
        raise UnreadableFile("holds NUL bytes: it is a binary file, not text")
    return text


def parse_toml(text: str) -> dict[str, Any]:
    """TOML text as data; `UnreadableFile` saying why not. tomllib's own limits raise other
    errors than its own: nesting deeper than Python's recursion, integers of thousands of
    digits (Python refuses to convert them)."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UnreadableFile(f"not valid TOML: {exc}") from None
    except RecursionError:
        raise UnreadableFile("not usable TOML: arrays or tables nested too deeply") from None
    except ValueError as exc:
        raise UnreadableFile(f"not usable TOML: a number too long ({exc})") from None
