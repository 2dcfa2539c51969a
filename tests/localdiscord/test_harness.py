"""What only the in-process harness (`Sandbox`) offers: live objects, world builders that
announce themselves, the client's own command tree, the request log file, a clean exit."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from localdiscord import Sandbox
from localdiscord.guilds import GuildHandle

from .plain_bot import PlainBot, ProbeCog


async def test_exit_leaves_no_tasks_behind() -> None:
    async with Sandbox(PlainBot) as sb:
        guild = sb.create_guild("Guild")
        lessons = guild.add_text_channel("lessons")
        ada = guild.add_member("ada")
        await ada.say(lessons, "ping")
        await ada.slash("confirm", channel=lessons)
    await asyncio.sleep(0)  # let cancelled callbacks run
    leftover = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    assert leftover == []


async def test_a_new_channel_reaches_the_bot_before_messages_in_it(sandbox: Sandbox) -> None:
    ada = sandbox.member("ada")
    assert ada.guild is not None
    fresh = GuildHandle(sandbox, ada.guild).add_text_channel("fresh")  # no settle in between
    await ada.say(fresh, "ping")
    assert sandbox.bot_messages(fresh)[-1].content == "pong"


async def test_results_read_the_live_world(sandbox: Sandbox) -> None:
    ada = sandbox.member("ada")
    result = await ada.slash("confirm", channel="lessons")
    assert result.response is not None and result.response.content == "sure?"
    await ada.click(result.response, "conf:yes")
    assert result.response.content == "confirmed"  # the same object, edited since


async def test_unsynced_commands_are_found_in_the_tree() -> None:
    class NoSync(PlainBot):
        async def setup_hook(self) -> None:
            await super().setup_hook()
            self.tree.clear_commands(guild=None)
            await self.tree.sync()
            cog = self.get_cog("ProbeCog")
            assert isinstance(cog, ProbeCog)
            for cmd in cog.get_app_commands():
                self.tree.add_command(cmd, override=True)

    async with Sandbox(NoSync) as sb:
        guild = sb.create_guild("Guild")
        lessons = guild.add_text_channel("lessons")
        ada = guild.add_member("ada")
        await sb.settle()
        assert sb.world.commands == {}
        result = await ada.slash("lesson post", {"title": "T"}, channel=lessons)
        assert result.response is not None and result.response.content == "lesson: T"


async def test_request_log_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "requests.jsonl"
    monkeypatch.setenv("COHORTBOT_SANDBOX_REQUEST_LOG", str(log))
    sb = Sandbox(PlainBot)
    guild = sb.create_guild("Guild")
    lessons = guild.add_text_channel("lessons")
    async with sb:
        channel = sb.client.get_channel(lessons.id) if sb.client else None
        assert channel is not None
        await channel.send("logged")  # type: ignore[union-attr]
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert lines[0]["method"] == "GET" and lines[0]["path"] == "/users/@me"
    assert set(lines[0]) == {"method", "path", "query", "json", "status", "files"}
    sent = [x for x in lines if x["method"] == "POST" and x["path"].endswith("/messages")]
    assert sent[-1]["json"]["content"] == "logged" and sent[-1]["status"] == 200
