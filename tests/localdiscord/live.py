"""The conformance suite's world: a local Discord, the plain bot logged into it, and nothing
but the control API and Discord's own REST to look at it.

The local Discord runs in this process or as its own (`python -m localdiscord`); the tests
read the same either way. `LiveDiscord.start` builds the test guild through the control API:
#lessons, a #critiques forum, a Moderator role, the bot's own role, members mod, ada, ben
and cy.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
import discord

from localdiscord.app import LocalDiscord
from localdiscord.connect import point_client_at, restore_discord
from localdiscord.control.client import Control, Member
from localdiscord.ratelimits import RateLimits
from localdiscord.settle import DiscordSide, Settler

from .plain_bot import PlainBot

GUILD = "Guild"
# Manage messages, manage threads, kick, moderate members.
MODERATOR_PERMISSIONS = (1 << 13) | (1 << 34) | (1 << 1) | (1 << 40)
# A bot invited with View Channel, Send Messages (and in threads), Create Public Threads,
# Manage Threads, Embed Links, Attach Files, Read Message History, Add Reactions.
BOT_PERMISSIONS = 326417632320
RATE_LIMIT_SCALE = 0.01  # Discord's buckets, with windows 100 times shorter


class LocalProcess:
    """`python -m localdiscord` in a subprocess, for a whole test session (each test starts
    it over with the control API's `reset`)."""

    def __init__(self, workdir: Path) -> None:
        self.stderr = workdir / "localdiscord.stderr"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "localdiscord", "--port", "0",
             "--rate-limit-scale", str(RATE_LIMIT_SCALE)],
            stdout=subprocess.PIPE, stderr=self.stderr.open("wb"), text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()  # the info, once it listens
        if not line:
            raise RuntimeError("localdiscord exited: " + self.stderr.read_text()[-2000:])
        self.info: dict[str, Any] = json.loads(line)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(30)


class SettlingMember:
    """A member whose acts wait for the bot (unless `settle=False`); interactions come back
    as the local Discord saw them once the bot was done."""

    def __init__(self, live: LiveDiscord, member: Member) -> None:
        self._live = live
        self._member = member
        self.name = member.name

    @property
    def id(self) -> int:
        return self._live.id(self.name)

    def __getattr__(self, name: str) -> Callable[..., Any]:
        act = getattr(self._member, name)

        async def settled(*args: Any, settle: bool = True, **kw: Any) -> Any:
            result = await act(*args, **kw)
            if settle:
                await self._live.settle()
                if isinstance(result, dict) and "callback_type" in result:
                    result = await self._live.control.interaction(interaction=result["id"])
            return result

        return settled


class LiveDiscord:
    def __init__(self, control: Control) -> None:
        self.control = control
        self.info: dict[str, Any] = {}
        self.client: discord.Client | None = None
        self._client_task: asyncio.Task[None] | None = None
        self._settler = Settler(self._side, lambda: self.client, timeout=10)

    # -- lifecycle -----------------------------------------------------------------------
    async def build(self) -> None:
        c = self.control
        await c.add_guild(name=GUILD)
        await c.add_channel(guild=GUILD, name="lessons")
        await c.add_channel(guild=GUILD, name="critiques", type="forum")
        await c.add_role(guild=GUILD, name="Moderator", permissions=MODERATOR_PERMISSIONS)
        await c.add_role(guild=GUILD, name="LocalBot", permissions=BOT_PERMISSIONS, bot=True)
        await c.add_member(guild=GUILD, name="mod", roles=["Moderator"])
        for name in ("ada", "ben", "cy"):
            await c.add_member(guild=GUILD, name=name)
        self.info = await c.info()
        point_client_at(self.info["api_url"], self.info["gateway_url"])

    async def start_bot(self, factory: Callable[[], discord.Client] = PlainBot) -> None:
        """Log a bot in and wait until it is ready and idle."""
        self.client = client = factory()
        self._client_task = asyncio.create_task(client.start(self.info["token"]),
                                                name="live-client")
        ready = asyncio.create_task(client.wait_until_ready())
        done, _ = await asyncio.wait({ready, self._client_task}, timeout=10,
                                     return_when=asyncio.FIRST_COMPLETED)
        if ready not in done:
            ready.cancel()
            if self._client_task in done:
                self._client_task.result()
            raise TimeoutError("the bot was not ready within 10 s")
        await self.settle()

    async def stop_bot(self) -> None:
        if self.client is not None and not self.client.is_closed():
            await self.client.close()
        task, self._client_task = self._client_task, None
        if task is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(task, 10)

    async def finish(self) -> list[dict[str, Any]]:
        """Stop the bot; the OpenAPI violations nobody claimed."""
        await self.stop_bot()
        restore_discord()
        return await self.control.violations()

    # -- waiting ---------------------------------------------------------------------------
    async def _side(self) -> DiscordSide:
        return DiscordSide.from_status(await self.control.status())

    async def settle(self, within: float | None = None) -> None:
        await self._settler.settle(within)

    # -- names -----------------------------------------------------------------------------
    @property
    def guild_info(self) -> dict[str, Any]:
        return next(g for g in self.info["guilds"] if g["name"] == GUILD)

    def id(self, name: str) -> int:
        """A member, channel or role of the test guild by name, or the bot ("bot")."""
        if name == "bot":
            return int(self.info["bot"]["id"])
        g = self.guild_info
        for table in ("members", "channels", "roles"):
            if name in g[table]:
                return int(g[table][name])
        raise KeyError(name)

    def member(self, name: str) -> SettlingMember:
        return SettlingMember(self, self.control.member(name))

    @property
    def ada(self) -> SettlingMember:
        return self.member("ada")

    @property
    def ben(self) -> SettlingMember:
        return self.member("ben")

    @property
    def cy(self) -> SettlingMember:
        return self.member("cy")

    @property
    def mod(self) -> SettlingMember:
        return self.member("mod")

    def channel(self, name_or_id: str | int) -> Any:
        """The bot's own object for a channel (discord.py's cache)."""
        assert self.client is not None
        cid = name_or_id if isinstance(name_or_id, int) else self.id(name_or_id)
        return self.client.get_channel(cid)

    # -- reading -----------------------------------------------------------------------------
    async def messages(self, channel: Any, *, ephemeral: bool = True) -> list[dict[str, Any]]:
        return await self.control.messages(channel=channel,
                                                                   ephemeral=ephemeral)

    async def bot_messages(self, channel: Any) -> list[dict[str, Any]]:
        bot = self.info["bot"]["id"]
        return [m for m in await self.messages(channel) if m["author"]["id"] == bot]

    async def threads(self, channel: Any) -> list[dict[str, Any]]:
        return await self.control.threads(channel=channel)

    async def raw(
        self, method: str, path: str, body: Any = None, *, auth: bool = True,
        data: bytes | None = None, token: str | None = None,
    ) -> tuple[int, Any]:
        """A REST request as a client would send it: (status, parsed JSON or None)."""
        status, answer, _ = await self.raw_with_headers(method, path, body, auth=auth,
                                                        data=data, token=token)
        return status, answer

    async def raw_with_headers(
        self, method: str, path: str, body: Any = None, *, auth: bool = True,
        data: bytes | None = None, token: str | None = None,
    ) -> tuple[int, Any, dict[str, str]]:
        headers = {"Authorization": f"Bot {token or self.info['token']}"} if auth else {}
        kw: dict[str, Any] = {"json": body} if data is None else {
            "data": data, "headers": {**headers, "Content-Type": "application/json"}
        }
        async with aiohttp.ClientSession(headers=headers) as session, session.request(
            method, self.info["api_url"] + path, **kw
        ) as resp:
            text = await resp.text()
            return resp.status, json.loads(text) if text else None, dict(resp.headers)


def ephemeral(message: dict[str, Any]) -> bool:
    return bool(message["flags"] & 64)


async def in_process() -> tuple[Control, LocalDiscord]:
    local = LocalDiscord(bot_name="LocalBot", rate_limits=RateLimits(scale=RATE_LIMIT_SCALE))
    await local.start()
    return Control.in_process(local), local
