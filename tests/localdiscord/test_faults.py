"""Faults: forced errors, 429s, server errors, latency, held answers, gateway drops,
resumes, invalid sessions; the request log; and the OpenAPI validator catching a request
real Discord would refuse."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
import discord
import pytest
from discord.http import Route

from localdiscord.control.base import ControlError

from .live import LiveDiscord

THIS_FILE = Path(__file__).read_bytes()


def lessons(ld: LiveDiscord) -> discord.TextChannel:
    channel = ld.channel("lessons")
    assert isinstance(channel, discord.TextChannel)
    return channel


async def statuses(ld: LiveDiscord, method: str) -> list[int]:
    return [r["status"] for r in await ld.control.requests() if r["method"] == method]


async def test_route_rate_limit_is_retried(ld: LiveDiscord) -> None:
    await ld.control.add_fault(kind="rate_limit", route="POST /channels/*/messages",
                               retry_after=0.01)
    await lessons(ld).send("after a 429")
    assert (await statuses(ld, "POST"))[-2:] == [429, 200]
    assert (await ld.bot_messages("lessons"))[-1]["content"] == "after a 429"


async def test_global_rate_limit_is_retried(ld: LiveDiscord) -> None:
    await ld.control.add_fault(kind="rate_limit", retry_after=0.01, is_global=True)
    await lessons(ld).send("after a global 429")
    fired = (await ld.control.faults())["fired"]
    assert fired[-1]["status"] == 429
    assert (await ld.bot_messages("lessons"))[-1]["content"] == "after a global 429"


async def test_server_error_and_forced_errors(ld: LiveDiscord) -> None:
    await ld.control.add_fault(kind="server_error", route="POST /channels/*/messages",
                               status=503)
    with pytest.raises(discord.DiscordServerError):
        await lessons(ld).send("x")
    await ld.control.add_fault(kind="error", route="GET /channels/*", status=404, code=10003,
                               message="Unknown Channel")
    assert ld.client is not None
    with pytest.raises(discord.NotFound) as info:
        await ld.client.fetch_channel(ld.id("lessons"))
    assert info.value.code == 10003


async def test_a_fault_with_a_probability_fires_on_that_share_until_cleared(
    live: LiveDiscord,
) -> None:
    """times 0: every time, until cleared; probability 0.3: about 3 requests in 10, drawn
    from the seed, so the same seed fires on the same requests again."""
    path = f"/channels/{live.id('lessons')}/messages/1"  # an unknown message: 404 unless hit

    async def fired_on(seed: int) -> list[int]:
        await live.control.clear_faults()
        await live.control.add_fault(kind="server_error", route="GET /channels/*/messages/*",
                                     status=502, times=0, probability=0.3, seed=seed)
        return [i for i in range(40) if (await live.raw("GET", path))[0] == 502]

    first = await fired_on(7)
    assert 4 <= len(first) <= 22, first
    assert await fired_on(7) == first
    assert await fired_on(8) != first
    await live.control.clear_faults()
    assert (await live.raw("GET", path))[0] == 404
    with pytest.raises(ControlError):
        await live.control.add_fault(kind="latency", seconds=1, probability=1.5)


async def test_latency_delays_the_answer_not_the_outcome(ld: LiveDiscord) -> None:
    await ld.control.add_fault(kind="latency", route="POST /channels/*/messages", seconds=0.05)
    sent = await lessons(ld).send("late but there")
    assert (await ld.bot_messages("lessons"))[-1]["id"] == str(sent.id)


async def test_a_held_answer_waits_for_its_release(ld: LiveDiscord) -> None:
    """Held after handling: Discord has made the message, the bot has not heard back."""
    await ld.control.add_fault(kind="hold", route="POST /channels/*/messages")
    sending = asyncio.create_task(lessons(ld).send("held"))
    (held,) = await ld.control.holds(wait=5)
    assert held["method"] == "POST" and held["handled"]
    assert [m["content"] for m in await ld.bot_messages("lessons")] == ["held"]
    assert not sending.done()
    assert (await ld.control.release(hold=held["id"]))["released"] == 1
    sent = await sending
    assert sent.content == "held" and await ld.control.holds() == []


async def test_a_hold_before_handling_changes_nothing_until_released(ld: LiveDiscord) -> None:
    await ld.control.add_fault(kind="hold", route="POST /channels/*/messages", after=False)
    sending = asyncio.create_task(lessons(ld).send("not yet"))
    (held,) = await ld.control.holds(wait=5)
    assert not held["handled"] and await ld.bot_messages("lessons") == []
    await ld.control.release()
    await sending
    assert [m["content"] for m in await ld.bot_messages("lessons")] == ["not yet"]


@pytest.mark.parametrize("after", [True, False])
async def test_a_dropped_connection_is_the_server_disconnecting(ld: LiveDiscord,
                                                                after: bool) -> None:
    """discord.py retries no ServerDisconnectedError: the caller meets it. Dropped after
    handling, the message exists though its sender never heard back; before, it does not."""
    await ld.control.add_fault(kind="disconnect", route="POST /channels/*/messages",
                               after=after)
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await lessons(ld).send("dropped")
    made = [m["content"] for m in await ld.bot_messages("lessons")]
    assert made == (["dropped"] if after else [])
    await lessons(ld).send("next")  # the next request gets a connection of its own
    assert [m["content"] for m in await ld.bot_messages("lessons")] == [*made, "next"]


async def test_resume_replays_missed_events(ld: LiveDiscord) -> None:
    assert ld.client is not None
    cog = ld.client.get_cog("ProbeCog")
    await ld.control.drop_gateway(hold=True)
    await ld.ada.say("lessons", "while you were away", settle=False)
    assert not any(m.content == "while you were away" for m in cog.seen)  # type: ignore[attr-defined]
    await ld.control.release_gateway()
    await ld.settle()
    status = (await ld.control.status())["gateway"]
    assert status["resumes"] == 1 and status["replayed"] >= 1
    assert cog.seen[-1].content == "while you were away"  # type: ignore[attr-defined]


async def test_reconnect_request_resumes(ld: LiveDiscord) -> None:
    await ld.control.reconnect_gateway()
    await ld.settle()
    assert (await ld.control.status())["gateway"]["resumes"] == 1
    await ld.ada.say("lessons", "ping")
    assert (await ld.bot_messages("lessons"))[-1]["content"] == "pong"


async def test_invalid_session_identifies_again(ld: LiveDiscord) -> None:
    await ld.control.invalidate_gateway()
    await ld.settle()
    assert (await ld.control.status())["gateway"]["identifies"] == 2
    await ld.ben.say("lessons", "ping")
    assert (await ld.bot_messages("lessons"))[-1]["content"] == "pong"


async def test_a_heartbeat_request_is_answered(ld: LiveDiscord) -> None:
    assert ld.client is not None and ld.client.ws is not None
    before = ld.client.ws._keep_alive._last_send if ld.client.ws._keep_alive else 0.0
    await ld.control.request_heartbeat()
    await ld.settle()
    keep_alive = ld.client.ws._keep_alive
    assert keep_alive is not None and keep_alive._last_send > before  # it beat at once


async def test_guild_joined_later(ld: LiveDiscord) -> None:
    joined: list[discord.Guild] = []
    assert ld.client is not None

    async def on_join(guild: discord.Guild) -> None:
        joined.append(guild)

    ld.client.add_listener(on_join, "on_guild_join")
    second = await ld.control.add_guild(name="Second guild")
    await ld.control.add_channel(guild=second["id"], name="general")
    await ld.settle()
    assert [g.name for g in joined] == ["Second guild"]
    guild = ld.client.get_guild(int(second["id"]))
    assert guild is not None and [c.name for c in guild.channels] == ["general"]


async def test_request_log(ld: LiveDiscord) -> None:
    await lessons(ld).send("logged", file=discord.File(__file__, filename="a.py"))
    lines = await ld.control.requests()
    assert lines[0]["method"] == "GET" and lines[0]["path"] == "/users/@me"
    sent = [x for x in lines if x["method"] == "POST" and x["path"].endswith("/messages")]
    assert sent[-1]["json"]["content"] == "logged"  # payload_json of the multipart body
    assert set(lines[0]) == {"index", "method", "path", "query", "json", "status", "files"}
    assert lines[0]["status"] == 200 and lines[0]["files"] == []
    size = len(THIS_FILE)
    assert sent[-1]["status"] == 200 and sent[-1]["files"] == [{"name": "a.py", "size": size}]
    later = await ld.control.requests(since=len(lines) - 1)
    assert [r["index"] for r in later] == [len(lines) - 1]


async def test_invalid_request_is_flagged(ld: LiveDiscord) -> None:
    assert ld.client is not None
    route = Route("POST", "/channels/{channel_id}/messages", channel_id=ld.id("lessons"))
    with pytest.raises(discord.HTTPException) as info:
        await ld.client.http.request(route, json={"content": 12345})
    assert info.value.status == 400
    (violation,) = await ld.control.take_violations()
    assert violation["kind"] == "request" and "content" in violation["error"]
    # Integer snowflakes are the one allowance: this request is fine.
    await ld.client.http.request(
        Route("POST", "/users/@me/channels"), json={"recipient_id": ld.id("ada")}
    )
    assert await ld.control.violations() == []
