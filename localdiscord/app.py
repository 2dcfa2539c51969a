"""A local Discord: the world, its clock, the REST + gateway server, and the control API.

    local = LocalDiscord()                 # an empty world; build it, or let clients do so
    guild = local.world.add_guild("Guild")
    await local.start(port=0)
    local.info()                           # api_url, gateway_url, control_url, token, ids...

The in-process harness (`Sandbox`) runs one next to a discord.py client; `python -m
localdiscord` (the `localdiscord` command) runs one as its own process.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from localdiscord.acting import Acting
from localdiscord.clock import Clock, WorldClock
from localdiscord.control.api import ControlAPI
from localdiscord.openapi import SpecValidator, require_spec
from localdiscord.ratelimits import RateLimits
from localdiscord.server import SandboxServer
from localdiscord.state import World

CONTROL_PREFIX = "/control"


class LocalDiscord:
    def __init__(
        self, *, clock: Clock | None = None, bot_name: str = "CohortBot",
        token: str | None = None, validate: bool = True, spec_path: Path | None = None,
        rate_limits: RateLimits | None = None, request_log: Path | None = None,
        interaction_timeout: float = 3.0, worker: int | None = None,
    ) -> None:
        self.clock: Clock = clock or WorldClock()
        self.world = World(bot_name, now=self.clock.now, worker=worker)
        if token:
            self.world.token = token
        # validate=True without the spec file is an error (SpecNotFound), not a silent skip,
        # unless $COHORTBOT_SANDBOX_NO_SPEC=1.
        api = require_spec(spec_path) if validate else None
        self.server = SandboxServer(self.world, SpecValidator(api), rate_limits=rate_limits,
                                    request_log=request_log)
        self.server.interactions.timeout = interaction_timeout
        self._settings = self._current_settings()
        self.acting = Acting(self.server)
        self.control = ControlAPI(self)
        self.server.extra_routes.extend(self.control.routes(CONTROL_PREFIX))

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        await self.server.start(host, port)

    async def stop(self) -> None:
        await self.control.close()
        await self.server.stop()

    def _current_settings(self) -> tuple[float, bool, float, int]:
        server = self.server
        return (server.interactions.timeout, server.rate_limits.enabled,
                server.rate_limits.scale, server.gateway.heartbeat_interval_ms)

    async def reset(self) -> None:
        """Start over: an empty world (the same bot and token), no sessions, requests,
        violations, faults or interactions, the settings and the world clock as at start."""
        await self.server.reset()
        self.world.reset()
        server = self.server
        (server.interactions.timeout, server.rate_limits.enabled, server.rate_limits.scale,
         server.gateway.heartbeat_interval_ms) = self._settings
        if isinstance(self.clock, WorldClock):
            self.clock.reset()

    @property
    def api_url(self) -> str:
        return self.server.api_url

    @property
    def gateway_url(self) -> str:
        return self.server.gateway.url

    @property
    def control_url(self) -> str:
        return self.server.base_url + CONTROL_PREFIX

    def status(self) -> dict[str, Any]:
        return {"in_flight": self.server.in_flight, "gateway": self.server.gateway.status()}

    def info(self) -> dict[str, Any]:
        """What a client needs to connect: the URLs, the bot's token and ids, the guilds with
        their channels, roles and members by name (ids as strings, as Discord writes them)."""
        world = self.world
        return {
            "api_url": self.api_url,
            "gateway_url": self.gateway_url,
            "control_url": self.control_url,
            "cdn_url": self.server.base_url,
            "token": world.token,
            "application_id": str(world.application_id),
            "bot": {"id": str(world.bot.id), "username": world.bot.username},
            "now": self.clock.now().isoformat(),
            "openapi_validation": self.server.validator.enabled,
            "pid": os.getpid(),
            "guilds": [_guild_info(world, g.id) for g in world.guilds.values()],
        }


def _guild_info(world: World, guild_id: int) -> dict[str, Any]:
    guild = world.guilds[guild_id]
    channels = [world.channels[c] for c in guild.channel_ids if c in world.channels]
    return {
        "id": str(guild.id),
        "name": guild.name,
        "channels": {c.name: str(c.id) for c in channels if not c.is_thread},
        "roles": {r.name: str(r.id) for r in guild.roles.values()},
        "members": {world.users[u].username: str(u) for u in guild.members},
    }
