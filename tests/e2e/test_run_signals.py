"""`cohortbot run`'s serve loop: SIGTERM and SIGINT stop the bot cleanly, database closed."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sqlite3
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from bot.__main__ import _serve
from bot.config import Config
from bot.demo.guild import CohortGuild
from bot.demo.world import demo_config
from localdiscord import Sandbox

# The sandbox validates every request against Discord's OpenAPI spec: load it once, up front.
pytestmark = pytest.mark.usefixtures("openapi_spec")


async def serving_bot(sandbox: Sandbox, config: Config) -> asyncio.Task[int]:
    """`cohortbot run`'s serve loop on `sandbox`, once it is ready: it has synced its
    commands (the last thing setup_hook does)."""
    serving = asyncio.create_task(_serve(config, sandbox.world.token))
    while not any(r.method == "PUT" for r in sandbox.requests):
        await sandbox.settle()
        assert not serving.done(), serving
    await sandbox.settle()
    return serving


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
async def test_a_signal_stops_the_running_bot_cleanly(tmp_path: Path, signum: int) -> None:
    sandbox = Sandbox()
    guild = CohortGuild(sandbox)
    config = demo_config(guild, tmp_path)
    async with sandbox:
        serving = await serving_bot(sandbox, config)
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


class Heard(logging.Handler):
    """Sets `event` once a record whose message starts with `prefix` is logged."""

    def __init__(self, prefix: str) -> None:
        super().__init__()
        self.prefix, self.event = prefix, asyncio.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith(self.prefix):
            self.event.set()


async def a_summary(sandbox: Sandbox, guild: CohortGuild) -> Callable[[], bool]:
    """A slash command's answer after its deferral: "thinking..." replaced by the summary."""
    summary = await guild.ada.slash("lesson summary", channel=guild.lessons, settle=False)
    return lambda: (summary.response is not None and bool(summary.response.embeds)
                    and not summary.response.flags & 128)


async def a_critique_form(sandbox: Sandbox, guild: CohortGuild) -> Callable[[], bool]:
    """A button's answer (a DynamicItem's task): the critique form opened."""
    example = next(m for m in sandbox.bot_messages(guild.lessons) if m.thread_id)
    opened = await guild.ada.click(example, example.components[0]["components"][0]["custom_id"],
                                   settle=False)
    return lambda: opened.modal is not None


@pytest.mark.parametrize(("answer", "route"), [(a_summary, "POST /webhooks/*"),
                                                (a_critique_form, "POST /interactions/*")])
async def test_a_signal_lets_the_answers_in_flight_arrive_first(
    tmp_path: Path, route: str,
    answer: Callable[[Sandbox, CohortGuild], Awaitable[Callable[[], bool]]],
) -> None:
    """SIGTERM while an answer is on its way: the bot waits for it before it closes its HTTP
    session (closed under it, the request would fail with ServerDisconnectedError and the
    member wait on "thinking..." or a button for good)."""
    sandbox = Sandbox()
    guild = CohortGuild(sandbox)
    config = demo_config(guild, tmp_path)
    draining = Heard("stopping: waiting")
    logger = logging.getLogger("bot.client")
    level = logger.level
    logger.setLevel(logging.INFO)
    logger.addHandler(draining)
    try:
        async with sandbox:
            serving = await serving_bot(sandbox, config)
            await guild.mod.slash("lesson post", channel=guild.lessons)
            sandbox.faults.hold(route, after=False)
            arrived = await answer(sandbox, guild)
            assert await sandbox.faults.wait_for_held(within=30)
            os.kill(os.getpid(), signal.SIGTERM)
            await asyncio.wait_for(draining.event.wait(), timeout=30)
            sandbox.faults.release()
            assert await asyncio.wait_for(serving, timeout=30) == 0
            assert arrived()
    finally:
        logger.removeHandler(draining)
        logger.setLevel(level)
