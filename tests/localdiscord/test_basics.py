from __future__ import annotations

import asyncio

import discord
import pytest

from bot.demo.guild import CohortGuild
from localdiscord import Sandbox, SettleTimeout

from .plain_bot import PlainBot


async def test_login_and_guild_cache(sandbox: Sandbox) -> None:
    client = sandbox.client
    assert client is not None and client.user is not None
    assert client.user.id == sandbox.world.bot.id
    (guild,) = client.guilds
    assert guild.name == "Cohort"
    assert {c.name for c in guild.channels} >= {"lessons", "critiques"}
    assert {m.name for m in guild.members} >= {"mod", "ada", "ben", "cy"}
    assert guild.chunked
    assert discord.utils.get(guild.roles, name="Moderator") is not None


async def test_message_roundtrip(sandbox: Sandbox, cohort: CohortGuild) -> None:
    await cohort.ada.say(cohort.lessons, "ping")
    (reply,) = sandbox.bot_messages(cohort.lessons)
    assert reply.content == "pong"
    assert reply.allowed_mentions == {"parse": []}


async def test_settle_times_out_with_the_reason(sandbox: Sandbox) -> None:
    gate = asyncio.Event()

    async def stuck(message: discord.Message) -> None:
        await gate.wait()

    assert sandbox.client is not None
    sandbox.client.add_listener(stuck, "on_message")
    await sandbox.member("ada").say("lessons", "hi", settle=False)
    with pytest.raises(SettleTimeout, match=r"discord\.py: on_message"):
        await sandbox.settle(within=0.1)
    gate.set()
    await sandbox.settle()


async def test_restart_logs_a_new_client_in(sandbox: Sandbox) -> None:
    await sandbox.stop_client()
    assert sandbox.client is not None and sandbox.client.is_closed()
    await sandbox.start_client(PlainBot())
    assert sandbox.gateway.identifies == 2
    await sandbox.member("ada").say("lessons", "ping")
    assert sandbox.bot_messages("lessons")[-1].content == "pong"


async def test_exit_leaves_no_tasks_behind() -> None:
    async with Sandbox(PlainBot) as sb:
        cohort = CohortGuild(sb)
        await cohort.ada.say(cohort.lessons, "ping")
        await cohort.ada.slash("confirm", channel=cohort.lessons)
    await asyncio.sleep(0)  # let cancelled callbacks run
    leftover = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    assert leftover == []
