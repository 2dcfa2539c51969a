"""REST: login, the application, guilds and members, application commands."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from localdiscord import errors, payloads
from localdiscord.context import JSON_KEY, Context, reply
from localdiscord.state import Command


def routes(ctx: Context) -> list[web.RouteDef]:
    world = ctx.world

    async def me(request: web.Request) -> web.Response:
        # The bot's own user carries the private fields of Discord's UserPIIResponse.
        return reply({**payloads.user(world.bot), "mfa_enabled": False, "locale": "en-US"})

    async def application(request: web.Request) -> web.Response:
        return reply(payloads.application(world))

    async def gateway_bot(request: web.Request) -> web.Response:
        url = ctx.actions.gateway.url
        data: dict[str, Any] = {"url": url}
        if request.path.endswith("/bot"):
            data.update(
                shards=1,
                session_start_limit={
                    "total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1
                },
            )
        return reply(data)

    def guild_of(request: web.Request) -> Any:
        guild = world.guilds.get(int(request.match_info["guild_id"]))
        if guild is None or not guild.bot_joined:
            raise errors.DiscordError(404, 10004, "Unknown Guild")
        return guild

    async def get_guild(request: web.Request) -> web.Response:
        guild = guild_of(request)
        data = payloads.guild(world, guild)
        if request.query.get("with_counts") in ("true", "1", "True"):
            data.update(approximate_member_count=len(guild.members), approximate_presence_count=0)
        return reply(data)

    async def roles(request: web.Request) -> web.Response:
        return reply([payloads.role(r) for r in guild_of(request).roles.values()])

    async def channels(request: web.Request) -> web.Response:
        guild = guild_of(request)
        chans = [world.channels[c] for c in guild.channel_ids]
        return reply([payloads.channel(world, c) for c in chans if not c.is_thread])

    async def member(request: web.Request) -> web.Response:
        guild = guild_of(request)
        uid = int(request.match_info["user_id"])
        if uid not in guild.members:
            raise errors.DiscordError(404, 10007, "Unknown Member")
        return reply(payloads.member(world, guild, uid))

    async def members(request: web.Request) -> web.Response:
        guild = guild_of(request)
        limit = int(request.query.get("limit", "1"))
        after = int(request.query.get("after", "0"))
        ids = sorted(u for u in guild.members if u > after)[:limit]
        return reply([payloads.member(world, guild, u) for u in ids])

    def commands_scope(request: web.Request) -> int | None:
        if int(request.match_info["application_id"]) != world.application_id:
            raise errors.DiscordError(404, 10002, "Unknown Application")
        return guild_of(request).id if "guild_id" in request.match_info else None

    def command_payload(cmd: Command) -> dict[str, Any]:
        data = dict(cmd.payload)
        data.update(
            id=str(cmd.id),
            application_id=str(world.application_id),
            version=str(cmd.id),
            type=int(data.get("type") or 1),
            description=data.get("description") or "",
            default_member_permissions=data.get("default_member_permissions"),
        )
        data.setdefault("nsfw", False)
        if data.get("integration_types") is None:
            data["integration_types"] = [0]  # Discord fills in "guild install"
        if cmd.guild_id is not None:
            data["guild_id"] = str(cmd.guild_id)
        return data

    async def put_commands(request: web.Request) -> web.Response:
        """Bulk overwrite: the list replaces the scope's commands; same names keep their ids."""
        scope = commands_scope(request)
        raw = request.get(JSON_KEY)
        new = raw if isinstance(raw, list) else []
        old = {c.name: c for c in world.commands.values() if c.guild_id == scope}
        for cmd in old.values():
            del world.commands[cmd.id]
        out = []
        for item in new:
            prev = old.get(item.get("name"))
            cmd = Command(prev.id if prev else world.new_id(), scope, dict(item))
            world.commands[cmd.id] = cmd
            out.append(command_payload(cmd))
        return reply(out)

    async def get_commands(request: web.Request) -> web.Response:
        scope = commands_scope(request)
        return reply(
            [command_payload(c) for c in world.commands.values() if c.guild_id == scope]
        )

    app = "/applications/{application_id:[0-9]+}"
    return [
        web.get("/users/@me", me),
        web.get("/oauth2/applications/@me", application),
        web.get("/applications/@me", application),
        web.get("/gateway", gateway_bot),
        web.get("/gateway/bot", gateway_bot),
        web.get("/guilds/{guild_id:[0-9]+}", get_guild),
        web.get("/guilds/{guild_id:[0-9]+}/roles", roles),
        web.get("/guilds/{guild_id:[0-9]+}/channels", channels),
        web.get("/guilds/{guild_id:[0-9]+}/members", members),
        web.get("/guilds/{guild_id:[0-9]+}/members/{user_id:[0-9]+}", member),
        web.put(app + "/commands", put_commands),
        web.get(app + "/commands", get_commands),
        web.put(app + "/guilds/{guild_id:[0-9]+}/commands", put_commands),
        web.get(app + "/guilds/{guild_id:[0-9]+}/commands", get_commands),
    ]
