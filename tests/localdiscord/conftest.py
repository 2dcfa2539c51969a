"""Fixtures for the conformance suite: a local Discord with the plain bot, in this process
and (the `process` runs) as its own process; the harness runs of `test_harness.py`."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from localdiscord import Sandbox
from localdiscord.control.client import Control
from localdiscord.openapi import load_spec

from .live import LiveDiscord, LocalProcess, in_process
from .plain_bot import PlainBot

MODES = ["in-process", pytest.param("process", marks=pytest.mark.process)]


@pytest.fixture(scope="session", autouse=True)
def openapi_spec() -> object:
    """Load Discord's OpenAPI spec once per session (it takes seconds); cached per process."""
    return load_spec()


@pytest.fixture(scope="session")
def local_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalProcess]:
    process = LocalProcess(tmp_path_factory.mktemp("localdiscord"))
    yield process
    process.stop()


@pytest.fixture(params=MODES)
async def live(request: pytest.FixtureRequest) -> AsyncIterator[LiveDiscord]:
    """The test guild built, no bot yet (`await live.start_bot(...)`)."""
    if request.param == "process":
        process: LocalProcess = request.getfixturevalue("local_process")
        control, local = Control.connect(process.info["control_url"]), None
        await control.reset()
    else:
        control, local = await in_process()
    world = LiveDiscord(control)
    await world.build()
    try:
        yield world
        left = await world.finish()
        assert left == [], f"OpenAPI violations: {left}"
    finally:
        await world.stop_bot()
        await control.close()
        if local is not None:
            await local.stop()


@pytest.fixture
async def ld(live: LiveDiscord) -> LiveDiscord:
    """The test guild with the plain bot logged in."""
    await live.start_bot()
    return live


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    """The in-process harness (for what only it offers), with the plain bot and a guild."""
    sb = Sandbox(PlainBot)
    guild = sb.create_guild("Guild")
    guild.add_text_channel("lessons")
    guild.add_member("ada")
    async with sb:
        yield sb
