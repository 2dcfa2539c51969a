"""Running a local Discord as its own process: serve until SIGTERM/SIGINT, and say where.

Once listening, the process writes the info JSON (`LocalDiscord.info()`: `api_url`,
`gateway_url`, `control_url`, `token`, `application_id`, the guilds with their channel,
role and member ids) as one line on stdout and, with `info`, to that file (written whole,
then renamed into place, so a reader never sees half of it).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from localdiscord.app import LocalDiscord


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
    wait for SIGTERM or SIGINT, stop; the info file goes with the process. Exit code 0."""
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
        local = await start()
        write_info(local.info(), info)
        await done.wait()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
        await stop()
