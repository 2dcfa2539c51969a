"""Logging in, the guild cache, a message and its answer, settling, restarting the bot."""

from __future__ import annotations

import asyncio

import discord
import pytest

from localdiscord.settle import SettleTimeout

from .live import LiveDiscord
from .plain_bot import PlainBot


async def test_login_and_guild_cache(ld: LiveDiscord) -> None:
    client = ld.client
    assert client is not None and client.user is not None
    assert client.user.id == ld.id("bot")
    (guild,) = client.guilds
    assert guild.name == "Guild"
    assert {c.name for c in guild.channels} >= {"lessons", "critiques"}
    assert {m.name for m in guild.members} >= {"mod", "ada", "ben", "cy"}
    assert guild.chunked
    assert discord.utils.get(guild.roles, name="Moderator") is not None


async def test_message_roundtrip(ld: LiveDiscord) -> None:
    await ld.ada.say("lessons", "ping")
    (reply,) = await ld.bot_messages("lessons")
    assert reply["content"] == "pong"
    sent = [r for r in await ld.control.requests() if r["method"] == "POST"
            and r["path"].endswith("/messages")]
    assert sent[-1]["json"]["allowed_mentions"] == {"parse": []}


async def test_settle_times_out_with_the_reason(ld: LiveDiscord) -> None:
    gate = asyncio.Event()

    async def stuck(message: discord.Message) -> None:
        await gate.wait()

    assert ld.client is not None
    ld.client.add_listener(stuck, "on_message")
    await ld.ada.say("lessons", "hi", settle=False)
    with pytest.raises(SettleTimeout, match=r"discord\.py: on_message"):
        await ld.settle(within=0.2)
    gate.set()
    await ld.settle()


async def test_restart_logs_a_new_client_in(ld: LiveDiscord) -> None:
    await ld.stop_bot()
    status = await ld.control.status()
    assert not any(s["connected"] for s in status["gateway"]["sessions"])
    await ld.start_bot(PlainBot)
    assert (await ld.control.status())["gateway"]["identifies"] == 2
    await ld.ada.say("lessons", "ping")
    assert (await ld.bot_messages("lessons"))[-1]["content"] == "pong"
