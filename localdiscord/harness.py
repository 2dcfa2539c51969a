"""The test harness: a local Discord plus a real discord.py client logged into it.

    async with Sandbox(make_bot) as sb:          # make_bot: () -> discord.Client
        guild = sb.create_guild("Cohort")
        ada = guild.add_member("ada")
        await ada.say(guild.add_text_channel("lessons"), "hello")
        assert sb.bot_messages("lessons")[-1].content == ...

Generic on purpose: it knows discord.py, not this project's cogs or storage.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import discord

from localdiscord import payloads
from localdiscord.acting import Acting
from localdiscord.app import LocalDiscord
from localdiscord.clock import Clock
from localdiscord.connect import point_client_at, restore_discord
from localdiscord.faults import Faults
from localdiscord.gateway import Gateway
from localdiscord.guilds import GuildHandle
from localdiscord.members import MemberHandle
from localdiscord.ratelimits import RateLimits
from localdiscord.server import LoggedRequest, Violation
from localdiscord.settle import (
    ANNOUNCE_PREFIX,
    DEFAULT_SETTLE_PREFIXES,
    DiscordSide,
    Settler,
    SettleTimeout,
)
from localdiscord.state import (
    SEND_MESSAGES,
    SEND_MESSAGES_IN_THREADS,
    Channel,
    Guild,
    Message,
    Overwrite,
)

log = logging.getLogger(__name__)

# The harness's rate limits: Discord's buckets and headers, with windows 100 times shorter so
# a suite meets them without waiting seconds (the process runs them at full length).
HARNESS_RATE_LIMIT_SCALE = 0.01

__all__ = [
    "DEFAULT_SETTLE_PREFIXES",
    "BotErrors",
    "Sandbox",
    "SettleTimeout",
    "SpecViolations",
]


class SpecViolations(AssertionError):
    """REST traffic that Discord's OpenAPI spec rejects was seen during the test."""


class BotErrors(AssertionError):
    """discord.py logged errors (exceptions in event handlers, commands, views)."""


class _ErrorCollector(logging.Handler):
    """Keeps the ERROR records of the `discord` logger: "Ignoring exception in ..." is how
    discord.py reports a handler that raised; a test can assert there were none."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class Sandbox:
    def __init__(
        self,
        client_factory: Callable[[], discord.Client] | None = None,
        *,
        token: str | None = None,
        validate: bool = True,
        spec_path: Path | None = None,
        interaction_timeout: float = 3.0,
        settle_prefixes: Sequence[str] = DEFAULT_SETTLE_PREFIXES,
        settle_timeout: float = 10.0,
        ready_timeout: float = 10.0,
        clock: Clock | None = None,
        bot_name: str = "CohortBot",
        fail_on_bot_errors: bool = False,
        rate_limits: RateLimits | None = None,
        worker: int | None = None,
    ) -> None:
        """`clock`: the world's time (pass the bot's manual clock, so that moving it moves
        both); `rate_limits`: Discord's buckets with shortened windows by default; `worker`:
        the world's snowflake worker (localdiscord/snowflakes.py), to build one again."""
        self.local = LocalDiscord(
            clock=clock, bot_name=bot_name, token=token, validate=validate,
            spec_path=spec_path, interaction_timeout=interaction_timeout,
            rate_limits=rate_limits or RateLimits(scale=HARNESS_RATE_LIMIT_SCALE),
            worker=worker,
        )
        self.world = self.local.world
        self.server = self.local.server
        self.acting: Acting = self.local.acting
        self._factory = client_factory
        self.client: discord.Client | None = None
        self._client_task: asyncio.Task[None] | None = None
        self._settler = Settler(self._side, lambda: self.client, prefixes=settle_prefixes,
                                timeout=settle_timeout)
        self.ready_timeout = ready_timeout
        self._announcements: set[asyncio.Task[None]] = set()
        self._running = False
        self._errors = _ErrorCollector()
        self.fail_on_bot_errors = fail_on_bot_errors

    # -- lifecycle -------------------------------------------------------------------------
    async def __aenter__(self) -> Sandbox:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()
        if exc_type is None:
            self.check_after_run()

    def check_after_run(self) -> None:
        """Fail on OpenAPI violations, and on errors discord.py logged if asked to."""
        self.check_violations()
        if self.fail_on_bot_errors and self.bot_errors:
            text = "\n".join(self._errors.format(r) for r in self.bot_errors)
            raise BotErrors(f"{len(self.bot_errors)} error(s) logged by discord.py:\n{text}")

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        logging.getLogger("discord").addHandler(self._errors)
        await self.local.start(host, port)
        self._running = True
        point_client_at(self.server.api_url, self.server.gateway.url)
        if self._factory is not None:
            await self.start_client(self._factory())

    async def start_client(self, client: discord.Client) -> None:
        """Log `client` in and wait for on_ready (pass it a small `guild_ready_timeout`)."""
        self.client = client
        self._client_task = asyncio.create_task(
            client.start(self.world.token), name="sandbox-client"
        )
        ready = asyncio.create_task(client.wait_until_ready(), name="sandbox-wait-ready")
        done, _ = await asyncio.wait(
            {ready, self._client_task}, timeout=self.ready_timeout,
            return_when=asyncio.FIRST_COMPLETED,
        )
        if ready not in done:
            ready.cancel()
            if self._client_task in done:
                self._client_task.result()  # raises the login/connection error
                raise RuntimeError("the client stopped before it was ready")
            raise TimeoutError(
                f"the bot was not ready after {self.ready_timeout} s "
                "(pass guild_ready_timeout=0.05 to the client?)"
            )
        await self.settle()

    async def stop_client(self) -> None:
        """Close the bot (as on shutdown) and wait for its `start()` task to end. The server
        stays up, so `start_client` can log a new client in (a restart)."""
        if self.client is not None and not self.client.is_closed():
            await self.client.close()
        task, self._client_task = self._client_task, None
        if task is not None:
            try:
                await asyncio.wait_for(task, timeout=5)
            except (TimeoutError, asyncio.CancelledError):
                log.warning("the bot's client task did not end within 5 s")
            except Exception:
                log.exception("the bot's client task ended with an error")

    async def stop(self) -> None:
        await self.stop_client()
        for task in self._announcements:
            task.cancel()
        await self.local.stop()
        restore_discord()
        logging.getLogger("discord").removeHandler(self._errors)
        self._running = False

    @property
    def bot_errors(self) -> list[logging.LogRecord]:
        """ERROR records discord.py logged (e.g. "Ignoring exception in command 'x'")."""
        return self._errors.records

    # -- OpenAPI violations ------------------------------------------------------------------
    @property
    def violations(self) -> list[Violation]:
        return self.server.violations

    def take_violations(self) -> list[Violation]:
        """Return and forget the violations so far (for tests that provoke one on purpose)."""
        out = list(self.server.violations)
        self.server.violations.clear()
        return out

    def check_violations(self) -> None:
        if self.server.violations:
            lines = "\n".join(str(v) for v in self.server.violations)
            raise SpecViolations(f"{len(self.server.violations)} OpenAPI violation(s):\n{lines}")

    # -- building the world ------------------------------------------------------------------
    def create_guild(self, name: str, *, bot_joined: bool = True) -> GuildHandle:
        guild = self.world.add_guild(name, bot_joined=False)
        handle = GuildHandle(self, guild)
        if bot_joined:
            self.add_bot_to(handle)
        return handle

    def add_bot_to(self, guild: GuildHandle | Guild) -> None:
        """The bot joins the guild (GUILD_CREATE if it is connected)."""
        g = guild.guild if isinstance(guild, GuildHandle) else guild
        g.bot_joined = True
        self._announce(lambda: self.server.actions.join_guild(g))

    def member(self, name: str) -> MemberHandle:
        for guild in self.world.guilds.values():
            for uid in guild.members:
                if self.world.users[uid].username == name:
                    return MemberHandle(self, self.world.users[uid], guild)
        raise KeyError(f"no member named {name!r}")

    def deny_send(self, channel: Channel | str | int, denied: bool = True) -> None:
        """Per-channel switch: a member overwrite that takes Send Messages from the bot, so
        `permissions_for(me)` shows it and a send gets 403 50013 Missing Permissions."""
        ch = self.channel(channel)
        bits = SEND_MESSAGES | SEND_MESSAGES_IN_THREADS
        bot_id = self.world.bot.id
        ch.overwrites = [o for o in ch.overwrites if o.id != bot_id]
        if denied:
            ch.overwrites.append(Overwrite(bot_id, 1, deny=bits))
        self._announce(lambda: self.server.actions.channel_changed(ch))

    def _announce(self, make: Callable[[], Awaitable[None]]) -> None:
        """Tell the connected bot about a change (skipped before login: READY carries it)."""
        if not self._running:
            return
        coro: Any = make()
        task: asyncio.Task[None] = asyncio.get_running_loop().create_task(
            coro, name=ANNOUNCE_PREFIX
        )
        self._announcements.add(task)
        task.add_done_callback(self._announcements.discard)

    async def _flush_announcements(self) -> None:
        """Deliver pending world changes first, so a member's action never reaches the bot
        before the channel or guild it happens in."""
        while self._announcements:
            await asyncio.gather(*self._announcements, return_exceptions=True)

    def _command_definition(self, name: str, guild_id: int | None) -> dict[str, Any]:
        """The synced command (guild first, then global), else the client's tree, else {}."""
        synced = self.acting.synced_command(name, guild_id)
        if synced:
            return synced
        tree = getattr(self.client, "tree", None)
        if tree is not None:
            for scope_obj in ([discord.Object(guild_id)] if guild_id else []) + [None]:
                command = tree.get_command(name, guild=scope_obj)
                if command is not None:
                    data = command.to_dict(tree)
                    data["guild_id"] = scope_obj.id if scope_obj else None
                    return data
        return {}

    # -- reading what the bot did --------------------------------------------------------------
    def channel(self, ref: Channel | str | int, *, guild: Guild | None = None) -> Channel:
        if isinstance(ref, Channel):
            return ref
        if isinstance(ref, int):
            return self.world.channels[ref]
        guilds = [guild] if guild is not None else list(self.world.guilds.values())
        for g in guilds:
            for cid in g.channel_ids:
                if self.world.channels[cid].name == ref:
                    return self.world.channels[cid]
        raise KeyError(f"no channel named {ref!r}")

    def messages(self, channel: Channel | str | int, *, ephemeral: bool = True) -> list[Message]:
        """Every message in a channel/thread/DM, oldest first (ephemeral ones too by default)."""
        ch = self.channel(channel)
        out = [self.world.messages[m] for m in ch.message_ids]
        return [m for m in out if not m.deleted and (ephemeral or not m.ephemeral)]

    def bot_messages(self, channel: Channel | str | int) -> list[Message]:
        return [m for m in self.messages(channel) if m.author_id == self.world.bot.id]

    def dm_messages(self, member: MemberHandle) -> list[Message]:
        return self.messages(self.world.dm_channel(member.id))

    def reactions(self, message: Message) -> dict[str, list[int]]:
        """Emoji -> ids of the users who reacted (the bot included), in reaction order."""
        return {r.emoji: list(r.user_ids) for r in message.reactions}

    def threads(self, channel: Channel | str | int) -> list[Channel]:
        return self.world.threads_of(self.channel(channel))

    def message_payload(self, message: Message) -> dict[str, Any]:
        return payloads.message(self.world, message, self.server.base_url)

    @property
    def requests(self) -> list[LoggedRequest]:
        """Every REST request the bot made (method, path, query, json, files, status)."""
        return self.server.requests

    @property
    def faults(self) -> Faults:
        """REST faults: rate_limit, server_error, error (see faults.py)."""
        return self.server.faults

    @property
    def gateway(self) -> Gateway:
        """Gateway faults and counters: drop/release, reconnect, invalidate, resumes..."""
        return self.server.gateway

    @property
    def interaction_timeout(self) -> float:
        return self.server.interactions.timeout

    @interaction_timeout.setter
    def interaction_timeout(self, value: float) -> None:
        self.server.interactions.timeout = value

    # -- waiting without sleeping ----------------------------------------------------------------
    async def _side(self) -> DiscordSide:
        return DiscordSide.from_status(self.local.status())

    @property
    def settle_timeout(self) -> float:
        return self._settler.timeout

    @settle_timeout.setter
    def settle_timeout(self, value: float) -> None:
        self._settler.timeout = value

    async def settle(self, within: float | None = None) -> None:
        """Return once the bot has finished reacting: no watched task running, no request in
        flight, every sent event read; checked until it stays so for a few loop turns."""
        await self._settler.settle(within)
