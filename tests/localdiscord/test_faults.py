"""Faults: rate limits, server errors, gateway drops, resumes, invalid sessions; the request
log; and the OpenAPI validator catching a request real Discord would refuse."""

from __future__ import annotations

import json
from pathlib import Path

import discord
import pytest
from discord.http import Route

from bot.demo.guild import CohortGuild
from localdiscord import Sandbox
from localdiscord.errors import unknown_channel

from .plain_bot import PlainBot


def lessons(sb: Sandbox) -> discord.TextChannel:
    assert sb.client is not None
    channel = sb.client.get_channel(sb.channel("lessons").id)
    assert isinstance(channel, discord.TextChannel)
    return channel


async def test_route_rate_limit_is_retried(sandbox: Sandbox) -> None:
    sandbox.faults.rate_limit("POST /channels/*/messages", retry_after=0.01)
    await lessons(sandbox).send("after a 429")
    statuses = [r.status for r in sandbox.requests if r.method == "POST"]
    assert statuses[-2:] == [429, 200]
    assert sandbox.bot_messages("lessons")[-1].content == "after a 429"


async def test_global_rate_limit_is_retried(sandbox: Sandbox) -> None:
    sandbox.faults.rate_limit(None, retry_after=0.01, is_global=True)
    await lessons(sandbox).send("after a global 429")
    assert sandbox.faults.fired[-1][2] == 429
    assert sandbox.bot_messages("lessons")[-1].content == "after a global 429"


async def test_server_error_and_forced_errors(sandbox: Sandbox) -> None:
    sandbox.faults.server_error("POST /channels/*/messages", status=503)
    with pytest.raises(discord.DiscordServerError):
        await lessons(sandbox).send("x")
    sandbox.faults.error("GET /channels/*", unknown_channel())
    assert sandbox.client is not None
    with pytest.raises(discord.NotFound) as info:
        await sandbox.client.fetch_channel(sandbox.channel("lessons").id)
    assert info.value.code == 10003


async def test_resume_replays_missed_events(sandbox: Sandbox) -> None:
    assert sandbox.client is not None
    cog = sandbox.client.get_cog("ProbeCog")
    await sandbox.gateway.drop(hold=True)
    ada = sandbox.member("ada")
    await ada.say("lessons", "while you were away", settle=False)
    assert not any(m.content == "while you were away" for m in cog.seen)
    sandbox.gateway.release()
    await sandbox.settle()
    assert sandbox.gateway.resumes == 1 and sandbox.gateway.replayed >= 1
    assert cog.seen[-1].content == "while you were away"


async def test_reconnect_request_resumes(sandbox: Sandbox) -> None:
    await sandbox.gateway.reconnect()
    await sandbox.settle()
    assert sandbox.gateway.resumes == 1
    await sandbox.member("ada").say("lessons", "ping")
    assert sandbox.bot_messages("lessons")[-1].content == "pong"


async def test_invalid_session_identifies_again(sandbox: Sandbox) -> None:
    await sandbox.gateway.invalidate()
    await sandbox.settle()
    assert sandbox.gateway.identifies == 2
    await sandbox.member("ben").say("lessons", "ping")
    assert sandbox.bot_messages("lessons")[-1].content == "pong"


async def test_guild_joined_later(sandbox: Sandbox) -> None:
    joined: list[discord.Guild] = []
    assert sandbox.client is not None

    async def on_join(guild: discord.Guild) -> None:
        joined.append(guild)

    sandbox.client.add_listener(on_join, "on_guild_join")
    second = sandbox.create_guild("Second cohort")
    second.add_text_channel("general")
    await sandbox.settle()
    assert [g.name for g in joined] == ["Second cohort"]
    assert sandbox.client.get_guild(second.id) is not None


async def test_request_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "requests.jsonl"
    monkeypatch.setenv("COHORTBOT_SANDBOX_REQUEST_LOG", str(log))
    sb = Sandbox(PlainBot)
    CohortGuild(sb)
    async with sb:
        await lessons(sb).send("logged", file=discord.File(__file__, filename="a.py"))
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert lines[0]["method"] == "GET" and lines[0]["path"] == "/users/@me"
    sent = [x for x in lines if x["method"] == "POST" and x["path"].endswith("/messages")]
    assert sent[-1]["json"]["content"] == "logged"  # payload_json of the multipart body
    # The documented keys, plus the answer's status and the uploaded files (name, size).
    assert set(lines[0]) == {"method", "path", "query", "json", "status", "files"}
    assert lines[0]["status"] == 200 and lines[0]["files"] == []
    assert sent[-1]["status"] == 200
    assert sent[-1]["files"] == [{"name": "a.py", "size": Path(__file__).stat().st_size}]


async def test_invalid_request_is_flagged(sandbox: Sandbox) -> None:
    assert sandbox.client is not None
    lessons_id = sandbox.channel("lessons").id
    route = Route("POST", "/channels/{channel_id}/messages", channel_id=lessons_id)
    with pytest.raises(discord.HTTPException) as info:
        await sandbox.client.http.request(route, json={"content": 12345})
    assert info.value.status == 400
    (violation,) = sandbox.take_violations()
    assert violation.kind == "request" and "content" in violation.error
    # Integer snowflakes are the one allowance: this request is fine.
    await sandbox.client.http.request(
        Route("POST", "/users/@me/channels"), json={"recipient_id": sandbox.member("ada").id}
    )
    assert sandbox.violations == []
