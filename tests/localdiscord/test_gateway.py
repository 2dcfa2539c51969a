"""The gateway as Discord speaks it, seen from a bare websocket client (no library):
compression, encodings, versions, close codes, intents, sessions, heartbeats."""

from __future__ import annotations

import json
import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import discord
import pytest

from localdiscord.gateway import intents

from .live import LiveDiscord
from .plain_bot import PlainBot

GUILD_INTENTS = (intents.GUILDS | intents.GUILD_MEMBERS | intents.GUILD_MESSAGES
                 | intents.MESSAGE_CONTENT)


class Client:
    """One raw gateway connection."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse, compressed: bool) -> None:
        self.ws = ws
        self._inflate = zlib.decompressobj() if compressed else None
        self.binary_frames = 0

    async def receive(self) -> dict[str, Any] | None:
        """The next payload; None once the server closed (see `close_code`)."""
        msg = await self.ws.receive(timeout=10)
        if msg.type == aiohttp.WSMsgType.BINARY:
            assert self._inflate is not None, "a binary frame on an uncompressed connection"
            assert msg.data.endswith(b"\x00\x00\xff\xff")  # one Z_SYNC_FLUSH per frame
            self.binary_frames += 1
            payload: dict[str, Any] = json.loads(self._inflate.decompress(msg.data))
            return payload
        if msg.type == aiohttp.WSMsgType.TEXT:
            text_payload: dict[str, Any] = json.loads(msg.data)
            return text_payload
        return None

    async def until(self, event: str) -> dict[str, Any]:
        while (payload := await self.receive()) is not None:
            if payload.get("t") == event:
                return payload
        raise AssertionError(f"closed with {self.close_code} before {event}")

    async def closed(self) -> int | None:
        """Read until the server closes; its close code."""
        while await self.receive() is not None:
            pass
        return self.close_code

    @property
    def close_code(self) -> int | None:
        return self.ws.close_code

    async def send(self, op: int, d: Any = None, *, binary: bool = False) -> None:
        text = json.dumps({"op": op, "d": d})
        await (self.ws.send_bytes(text.encode()) if binary else self.ws.send_str(text))

    async def identify(self, token: str, intents_: int = GUILD_INTENTS, **extra: Any) -> None:
        await self.send(2, {"token": token, "intents": intents_,
                            "properties": {"os": "linux", "browser": "t", "device": "t"},
                            **extra})


@asynccontextmanager
async def connect(ld: LiveDiscord, query: str = "v=10&encoding=json",
                  *, hello: bool = True) -> AsyncIterator[Client]:
    async with aiohttp.ClientSession() as session, session.ws_connect(
        f"{ld.info['gateway_url']}?{query}"
    ) as ws:
        client = Client(ws, "compress=zlib-stream" in query)
        if hello:
            first = await client.receive()
            assert first is not None and first["op"] == 10
            assert first["d"]["heartbeat_interval"] > 0
        yield client


async def test_zlib_stream_compresses_every_frame(live: LiveDiscord) -> None:
    async with connect(live, "v=10&encoding=json&compress=zlib-stream") as gw:
        await gw.identify(live.info["token"])
        ready = await gw.until("READY")
        guild = await gw.until("GUILD_CREATE")
        assert gw.binary_frames == 3  # HELLO, READY, GUILD_CREATE: one stream over all
    assert ready["d"]["user"]["id"] == live.info["bot"]["id"]
    assert guild["d"]["name"] == "Guild"


async def test_ready_carries_the_bots_private_fields(live: LiveDiscord) -> None:
    async with connect(live) as gw:
        await gw.identify(live.info["token"])
        ready = (await gw.until("READY"))["d"]
    user = ready["user"]
    assert user["bot"] and user["mfa_enabled"] is False and user["verified"] is True
    assert ready["resume_gateway_url"] == live.info["gateway_url"]
    assert ready["application"]["id"] == live.info["application_id"]
    assert ready["session_id"] and ready["guilds"] == [
        {"id": live.guild_info["id"], "unavailable": True}]


async def test_binary_json_frames_from_the_client_are_read(live: LiveDiscord) -> None:
    async with connect(live) as gw:
        await gw.send(1, None, binary=True)
        ack = await gw.receive()
    assert ack == {"op": 11}


@pytest.mark.parametrize(("query", "code"), [
    ("v=6&encoding=json", 4012),
    ("v=abc&encoding=json", 4012),
    ("v=10&encoding=xml", 4002),
])
async def test_the_connection_query_is_checked(live: LiveDiscord, query: str, code: int) -> None:
    async with connect(live, query, hello=False) as gw:
        assert await gw.closed() == code


async def test_what_discord_serves_and_this_one_does_not_is_said_so(live: LiveDiscord) -> None:
    async with connect(live, "v=10&encoding=etf", hello=False) as gw:
        assert await gw.closed() == 4000
    assert await live.control.unsupported() == ["encoding=etf"]


@pytest.mark.parametrize(("frames", "code"), [
    (["not json"], 4002),
    (['{"no": "op"}'], 4002),
    (['{"op": 99, "d": null}'], 4001),
    (['{"op": 8, "d": {"guild_id": "1"}}'], 4003),
])
async def test_bad_payloads_close_with_discords_codes(
    live: LiveDiscord, frames: list[str], code: int
) -> None:
    async with connect(live) as gw:
        for frame in frames:
            await gw.ws.send_str(frame)
        assert await gw.closed() == code


async def test_identify_is_checked(live: LiveDiscord) -> None:
    token = live.info["token"]
    async with connect(live) as gw:
        await gw.identify("wrong")
        assert await gw.closed() == 4004
    async with connect(live) as gw:
        await gw.identify(token, 1 << 30)
        assert await gw.closed() == 4013
    async with connect(live) as gw:
        await gw.identify(token, shard=[2, 2])
        assert await gw.closed() == 4010
    async with connect(live) as gw:
        await gw.identify(token)
        await gw.until("READY")
        await gw.identify(token)
        assert await gw.closed() == 4005


async def test_privileged_intents_must_be_enabled(live: LiveDiscord) -> None:
    await live.control.privileged_intents(message_content=False)
    async with connect(live) as gw:
        await gw.identify(live.info["token"], intents.GUILDS | intents.MESSAGE_CONTENT)
        assert await gw.closed() == 4014
    # discord.py turns it into its own exception, which a bot can explain to its owner.
    bot = PlainBot()
    with pytest.raises(discord.PrivilegedIntentsRequired):
        await bot.start(live.info["token"])
    await bot.close()


async def test_a_resume_past_the_sessions_sequence_is_refused(live: LiveDiscord) -> None:
    async with connect(live) as gw:
        await gw.identify(live.info["token"])
        session = (await gw.until("READY"))["d"]["session_id"]
        await live.control.drop_gateway()  # lost, not closed: the session may be resumed
        assert await gw.closed() == 4000
    async with connect(live) as gw:
        await gw.send(6, {"token": live.info["token"], "session_id": session, "seq": 99})
        assert await gw.closed() == 4007
    async with connect(live) as gw:  # the session is gone with it
        await gw.send(6, {"token": live.info["token"], "session_id": session, "seq": 1})
        assert await gw.receive() == {"op": 9, "d": False}


async def test_events_need_their_intents(live: LiveDiscord) -> None:
    async with connect(live) as gw:
        await gw.identify(live.info["token"], intents.GUILDS | intents.DIRECT_MESSAGES)
        created = (await gw.until("GUILD_CREATE"))["d"]
        # Without GUILD_MEMBERS the guild lists only the bot itself.
        assert [m["user"]["id"] for m in created["members"]] == [live.info["bot"]["id"]]
        await live.control.member("ada").say("lessons", "not for you")
        await live.control.member("ada").dm("for you")
        event = await gw.until("MESSAGE_CREATE")
    assert event["d"]["content"] == "for you" and "guild_id" not in event["d"]


async def test_two_sessions_for_one_token_both_get_events(live: LiveDiscord) -> None:
    token = live.info["token"]
    async with connect(live) as first, connect(live) as second:
        await first.identify(token)
        await first.until("GUILD_CREATE")
        await second.identify(token)
        await second.until("GUILD_CREATE")
        sessions = (await live.control.status())["gateway"]["sessions"]
        assert len(sessions) == 2 and all(s["connected"] for s in sessions)
        await live.control.member("ada").say("lessons", "to both")
        for gw in (first, second):
            assert (await gw.until("MESSAGE_CREATE"))["d"]["content"] == "to both"


async def test_a_silent_connection_times_out(live: LiveDiscord) -> None:
    await live.control.settings(heartbeat_interval_ms=100)
    async with connect(live) as gw:
        await gw.identify(live.info["token"])
        await gw.until("READY")
        assert await gw.closed() == 4009  # no heartbeat within 1.5 intervals
    assert (await live.control.status())["gateway"]["sessions"] == []


async def test_discord_may_ask_for_a_heartbeat(live: LiveDiscord) -> None:
    async with connect(live) as gw:
        await gw.identify(live.info["token"])
        await gw.until("GUILD_CREATE")
        await live.control.request_heartbeat()
        assert await gw.receive() == {"op": 1, "d": None}


async def test_too_many_payloads_close_with_4008(live: LiveDiscord) -> None:
    async with connect(live) as gw:
        for _ in range(121):
            await gw.send(1, None)
        assert await gw.closed() == 4008
