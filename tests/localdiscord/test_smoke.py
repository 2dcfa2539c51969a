"""Speaking Discord, not discord.py: unmodified client libraries, each installed by this test
in a virtualenv of its own, pass one smoke test against the local Discord run as its own
process: log in and cache the guild, get a member's message and answer it, register a slash
command and answer it with a deferral and a followup, resume after a dropped gateway.

The virtualenvs are kept in pytest's cache (`.pytest_cache/d/localdiscord-smoke/`), so only
the first run downloads; where the package registry cannot be reached the test is skipped,
saying so. Marked `slow` (`make test-slow`).
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import venv
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from localdiscord.control.client import Control

pytestmark = [pytest.mark.slow, pytest.mark.process]

HERE = Path(__file__).parent / "smoke"
LIBRARIES = {  # name -> (pip requirement, bot script)
    "discord.py": ("discord.py==2.7.1", "discordpy_bot.py"),
    "disnake": ("disnake==2.12.2", "disnake_bot.py"),
    "hikari": ("hikari==2.7.0", "hikari_bot.py"),
}
WORLD = {"bot": "SmokeBot", "guilds": [{"name": "Guild", "channels": [{"name": "general"}],
                                        "members": [{"name": "ada"}, {"name": "ben"}]}]}
STARTUP = 60.0


def library_python(cache: Path, library: str) -> Path:
    """The virtualenv's interpreter with `library` installed (made once, then reused)."""
    requirement, _ = LIBRARIES[library]
    home = cache / library.replace(".", "")
    python = home / "bin" / "python"
    marker = home / f"installed-{requirement}"
    if marker.exists():
        return python
    venv.create(home, with_pip=True, clear=True)
    done = subprocess.run([str(python), "-m", "pip", "install", "--quiet", requirement],
                          capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        pytest.skip(f"cannot install {requirement} from the package registry: "
                    f"{done.stderr.strip().splitlines()[-1] if done.stderr.strip() else '?'}")
    marker.write_text("ok\n", encoding="utf-8")
    return python


@pytest.fixture
async def local(tmp_path: Path) -> AsyncIterator[tuple[Control, Path]]:
    world = tmp_path / "world.json"
    world.write_text(json.dumps(WORLD), encoding="utf-8")
    info_path = tmp_path / "info.json"
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "localdiscord", "--world", str(world), "--info", str(info_path),
        stdout=asyncio.subprocess.PIPE, stderr=(tmp_path / "localdiscord.log").open("wb"),
    )
    assert proc.stdout is not None
    info = json.loads(await asyncio.wait_for(proc.stdout.readline(), STARTUP))
    control = Control.connect(info["control_url"])
    try:
        yield control, info_path
    finally:
        await control.close()
        proc.terminate()
        await proc.wait()


async def last_bot_message(control: Control, channel: str) -> dict[str, Any] | None:
    bot = (await control.info())["bot"]["id"]
    mine = [m for m in await control.messages(channel=channel) if m["author"]["id"] == bot]
    return mine[-1] if mine else None


async def answered_with(control: Control, text: str) -> bool:
    async def done() -> bool:
        last = await last_bot_message(control, "general")
        return last is not None and last["content"] == text

    return await control.wait_until(done, within=STARTUP)


@pytest.mark.parametrize("library", sorted(LIBRARIES))
async def test_an_unmodified_library_passes_the_smoke_test(
    library: str, local: tuple[Control, Path], request: pytest.FixtureRequest,
) -> None:
    control, info_path = local
    python = library_python(request.config.cache.mkdir("localdiscord-smoke"), library)
    log = info_path.with_name("bot.log")
    bot = await asyncio.create_subprocess_exec(
        str(python), str(HERE / LIBRARIES[library][1]), str(info_path),
        stdout=asyncio.subprocess.PIPE, stderr=log.open("wb"),
    )
    assert bot.stdout is not None
    try:
        ready = await asyncio.wait_for(_ready_line(bot.stdout), STARTUP)
        assert ready.split() == ["READY", library, "guild=Guild", "channels=1",
                                 "members=4"], ready + log.read_text()[-3000:]
        # Each asked for zlib-stream: every frame it read was a compressed binary frame.
        connections = (await control.status())["gateway"]["connections"]
        assert [c["compress"] for c in connections] == ["zlib-stream"]

        await control.member("ada").say("general", "ping")
        assert await answered_with(control, f"pong from {library}"), log.read_text()[-3000:]

        started = await control.member("ben").slash("later", channel="general")
        final = await control.interaction(interaction=started["id"], wait="final", within=30)
        assert final["callback_type"] == 5, final
        assert final["response"]["content"] == f"done later by {library}", final

        await control.drop_gateway()

        async def resumed() -> bool:
            return (await control.status())["gateway"]["resumes"] == 1

        assert await control.wait_until(resumed, within=STARTUP), log.read_text()[-3000:]
        before = len(await _pongs(control, library))
        await control.member("ada").say("general", "ping")

        async def answered_again() -> bool:
            return len(await _pongs(control, library)) > before

        assert await control.wait_until(answered_again, within=STARTUP), log.read_text()[-3000:]
        assert await control.violations() == []
        assert await control.unsupported() == []
    finally:
        bot.terminate()
        await bot.wait()


async def _ready_line(stdout: asyncio.StreamReader) -> str:
    """The bot's `READY ...` line (a library may print other things first)."""
    while line := (await stdout.readline()).decode():
        if line.startswith("READY"):
            return line
    return "(the bot exited before it was ready)\n"


async def _pongs(control: Control, library: str) -> list[dict[str, Any]]:
    return [m for m in await control.messages(channel="general")
            if m["content"] == f"pong from {library}"]
