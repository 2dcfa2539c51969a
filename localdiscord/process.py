"""Running a local Discord as its own process: serve until SIGTERM/SIGINT, and say where.

Once listening, the process writes the info JSON (`LocalDiscord.info()`: `api_url`,
`gateway_url`, `control_url`, `token`, `application_id`, the guilds with their channel,
role and member ids) as one line on stdout and, with `info`, to that file (written whole,
then renamed into place, so a reader never sees half of it). What keeps it from serving (an
info file it cannot write, a port it cannot listen on) is `CannotServe`, in words, before
anything else happens or as it starts.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from localdiscord.app import LocalDiscord


class CannotServe(Exception):
    """Why the local Discord cannot serve, said to the person who started it."""


def port_number(text: str) -> int:
    """An argparse type: a TCP port, or 0 for any free one."""
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port (0 to 65535; 0: any free)")
    return int(text)


def check_info_path(path: Path) -> None:
    """The info file can be written there (tried with the file it is first written to)."""
    partial = path.with_name(path.name + ".partial")
    try:  # (is_dir() too: a name too long raises)
        if path.is_dir():
            raise CannotServe(f"--info {path} is a folder; give a file name")
        partial.touch()
        partial.unlink()
    except OSError as exc:
        raise CannotServe(f"--info {path}: cannot write there ({exc.strerror or exc})") from None


def write_info(info: dict[str, Any], path: Path | None) -> None:
    text = json.dumps(info)
    sys.stdout.write(text + "\n")
    sys.stdout.flush()
    if path is not None:
        partial = path.with_name(path.name + ".partial")
        partial.write_text(text + "\n", encoding="utf-8")
        os.replace(partial, path)


def serve(
    start: Callable[[], Awaitable[LocalDiscord]], stop: Callable[[], Awaitable[None]], *,
    info: Path | None = None,
) -> int:
    """Start (with `start`, which returns the listening local Discord), publish the info,
    wait for SIGTERM or SIGINT, stop; the info file goes with the process. Exit code 0;
    `CannotServe` when the info file cannot be written or the port not listened on."""
    if info is not None:
        check_info_path(info)
    try:
        asyncio.run(_serve(start, stop, info))
    finally:
        if info is not None:
            info.unlink(missing_ok=True)
    return 0


async def _serve(
    start: Callable[[], Awaitable[LocalDiscord]], stop: Callable[[], Awaitable[None]],
    info: Path | None,
) -> None:
    done = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, done.set)
    try:
        try:
            local = await start()
        except OSError as exc:  # the port is taken, or not this user's to listen on
            raise CannotServe(f"cannot listen: {exc.strerror or exc}") from None
        write_info(local.info(), info)
        await done.wait()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
        await stop()
