"""`cohortbot run`'s serve loop: SIGTERM and SIGINT stop the bot cleanly, database closed."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
from pathlib import Path

import pytest

from bot.__main__ import _serve
from bot.demo.guild import CohortGuild
from bot.demo.world import demo_config
from localdiscord import Sandbox

# The sandbox validates every request against Discord's OpenAPI spec: load it once, up front.
pytestmark = pytest.mark.usefixtures("openapi_spec")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
async def test_a_signal_stops_the_running_bot_cleanly(tmp_path: Path, signum: int) -> None:
    sandbox = Sandbox()
    guild = CohortGuild(sandbox)
    config = demo_config(guild, tmp_path)
    async with sandbox:
        serving = asyncio.create_task(_serve(config, sandbox.world.token))
        # Ready once it has synced its commands (the last thing setup_hook does).
        while not any(r.method == "PUT" for r in sandbox.requests):
            await sandbox.settle()
            assert not serving.done(), serving
        await sandbox.settle()
        os.kill(os.getpid(), signum)
        assert await asyncio.wait_for(serving, timeout=30) == 0
    # The database was closed: its WAL was checkpointed away and the file is consistent.
    database = config.storage.database
    assert not Path(f"{database}-wal").exists()
    with sqlite3.connect(database) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # Its handlers are gone again: nothing is left to intercept the next signal.
    loop = asyncio.get_running_loop()
    assert not loop.remove_signal_handler(signal.SIGTERM)
    assert not loop.remove_signal_handler(signal.SIGINT)
