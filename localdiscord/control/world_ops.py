"""Control operations on the world itself: its clock, guilds, channels, roles, members,
permission overwrites, thread states, closed DMs, privileged intents, settings, a reset."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from localdiscord.clock import MovableClock, move_target
from localdiscord.control import views
from localdiscord.control.base import ControlError, Operations, flag
from localdiscord.state import (
    GUILD_CATEGORY,
    GUILD_FORUM,
    GUILD_TEXT,
    Guild,
    Overwrite,
)

CHANNEL_TYPES = {"text": GUILD_TEXT, "forum": GUILD_FORUM, "category": GUILD_CATEGORY}


class WorldOperations(Operations):
    async def info(self) -> dict[str, Any]:
        return self.local.info()

    async def status(self) -> dict[str, Any]:
        return {**self.local.status(), "requests": len(self.server.requests),
                "journal": self.world.journal.cursor}

    async def clock(self) -> dict[str, Any]:
        return {"now": self.local.clock.now().isoformat()}

    async def move_clock(self, advance: Any = None, to: Any = None,
                         step: Any = False) -> dict[str, Any]:
        """Move the world clock forward by `advance` seconds or `to` an ISO time (UTC unless
        it has an offset); returns once every clock follower has taken the move. With
        `step`, only to the first time on the way at which a follower has work (a terminal
        shows what the bot did there, then moves on)."""
        clock = self.local.clock
        if not isinstance(clock, MovableClock):
            raise ControlError(409, "this local Discord's clock cannot be moved")
        target = None
        if to is not None:
            target = datetime.fromisoformat(str(to).replace("Z", "+00:00"))
            target = target if target.tzinfo else target.replace(tzinfo=UTC)
        when = move_target(clock.now(), advance=None if advance is None else float(advance),
                           to=target)
        await (clock.step(when) if flag(step) else clock.set(when))
        return await self.clock()

    async def guilds(self) -> list[dict[str, Any]]:
        return [views.guild(self.world, g) for g in self.world.guilds.values()]

    async def add_guild(self, name: str, bot_joined: Any = True) -> dict[str, Any]:
        guild = self.world.add_guild(str(name), bot_joined=False)
        if flag(bot_joined):
            await self.server.actions.join_guild(guild)
        return views.guild(self.world, guild)

    async def add_channel(self, guild: Any, name: str, type: str = "text",
                          parent: Any = None, overwrites: Any = None) -> dict[str, Any]:
        g = self._guild(guild)
        if type not in CHANNEL_TYPES:
            raise ValueError(f"type is one of {', '.join(CHANNEL_TYPES)}, not {type!r}")
        channel = self.world.add_channel(
            g, str(name), CHANNEL_TYPES[type],
            parent_id=self._channel(parent, g).id if parent is not None else None,
            overwrites=[self._overwrite(g, o["target"], o.get("allow", 0), o.get("deny", 0))
                        for o in overwrites or []],
        )
        await self.server.actions.channel_created(channel)
        return views.channel(self.world, channel)

    async def add_role(self, guild: Any, name: str, permissions: Any = 0,
                       bot: Any = False) -> dict[str, Any]:
        """A role; with `bot`, the one Discord creates for the bot when it is invited with
        these permissions (managed, tagged with the bot's id, given to the bot)."""
        g = self._guild(guild)
        role = self.world.add_role(g, str(name), int(permissions))
        if flag(bot):
            role.bot_id = self.world.bot.id
            g.members.setdefault(self.world.bot.id, []).append(role.id)
        await self.server.actions.role_created(g, role.id)
        return {"id": str(role.id), "name": role.name, "permissions": str(role.permissions)}

    async def add_member(self, guild: Any, name: str, roles: Any = (), bot: Any = False,
                         dms_closed: Any = False) -> dict[str, Any]:
        g = self._guild(guild)
        user = self.world.add_user(str(name), bot=flag(bot), dms_closed=flag(dms_closed))
        g.members[user.id] = [self.acting.role(r, g).id for r in roles]
        await self.server.actions.member_added(g, user.id)
        return {"id": str(user.id), "username": user.username, "guild_id": str(g.id)}

    def _overwrite(self, guild: Guild, target: Any, allow: Any, deny: Any) -> Overwrite:
        """A permission overwrite for `@everyone`, a role, or a member (by name or id)."""
        if target == "@everyone":
            return Overwrite(guild.id, 0, int(allow), int(deny))
        try:
            return Overwrite(self.acting.role(target, guild).id, 0, int(allow), int(deny))
        except LookupError:
            user, _ = self._member(target)
            return Overwrite(user.id, 1, int(allow), int(deny))

    async def set_permissions(self, channel: Any, target: Any, allow: Any = 0,
                              deny: Any = 0) -> dict[str, Any]:
        """Set (or, with allow = deny = 0, remove) a channel's overwrite for a target."""
        ch = self._channel(channel)
        guild = self.world.guild_of(ch)
        if guild is None or ch.is_thread:
            raise ValueError("permission overwrites belong to guild channels (threads "
                             "take their parent's)")
        overwrite = self._overwrite(guild, target, allow, deny)
        ch.overwrites = [o for o in ch.overwrites if o.id != overwrite.id]
        if overwrite.allow or overwrite.deny:
            ch.overwrites.append(overwrite)
        await self.server.actions.channel_changed(ch)
        return views.channel(self.world, ch)

    async def set_thread(self, thread: Any, archived: Any = None, locked: Any = None,
                         name: Any = None) -> dict[str, Any]:
        """Change a thread as Discord itself does (auto-archiving after inactivity)."""
        ch = self._channel(thread)
        if not ch.is_thread:
            raise ValueError(f"{ch.name} is not a thread")
        changes: dict[str, Any] = {}
        if archived is not None:
            changes["archived"] = flag(archived)
        if locked is not None:
            changes["locked"] = flag(locked)
        if name is not None:
            changes["name"] = str(name)
        await self.server.actions.update_thread(ch, changes)
        return views.channel(self.world, ch)

    async def close_dms(self, member: Any, closed: Any = True) -> dict[str, Any]:
        """The member allows or refuses DMs from the bot (refused: 403 50007)."""
        user, _ = self._member(member)
        user.dms_closed = flag(closed)
        return {"id": str(user.id), "dms_closed": user.dms_closed}

    async def privileged_intents(self, members: Any = None, message_content: Any = None,
                                 presences: Any = None) -> dict[str, Any]:
        """The Developer Portal's switches: an IDENTIFY asking for one that is off gets 4014."""
        for name, value in (("members", members), ("message_content", message_content),
                            ("presences", presences)):
            if value is not None:
                (self.world.privileged_intents.add if flag(value)
                 else self.world.privileged_intents.discard)(name)
        return {"enabled": sorted(self.world.privileged_intents)}

    async def settings(self, interaction_timeout: Any = None, rate_limits: Any = None,
                       rate_limit_scale: Any = None, rate_limits_paused: Any = None,
                       heartbeat_interval_ms: Any = None,
                       upload_limit: Any = None) -> dict[str, Any]:
        """The local Discord's own knobs: the 3 s interaction deadline, the rate limits (on,
        the scale of their windows, their clock paused), the heartbeat interval HELLO
        announces, the upload limit per request (bytes)."""
        server = self.server
        if rate_limits_paused is not None:
            (server.rate_limits.pause if flag(rate_limits_paused)
             else server.rate_limits.resume)()
        if upload_limit is not None:
            server.actions.upload_limit = int(upload_limit)
        if interaction_timeout is not None:
            server.interactions.timeout = float(interaction_timeout)
        if rate_limits is not None:
            server.rate_limits.enabled = flag(rate_limits)
        if rate_limit_scale is not None:
            server.rate_limits.scale = float(rate_limit_scale)
        if heartbeat_interval_ms is not None:
            server.gateway.heartbeat_interval_ms = int(heartbeat_interval_ms)
        return {"interaction_timeout": server.interactions.timeout,
                "rate_limits": server.rate_limits.enabled,
                "rate_limit_scale": server.rate_limits.scale,
                "rate_limits_paused": server.rate_limits.paused,
                "heartbeat_interval_ms": server.gateway.heartbeat_interval_ms,
                "upload_limit": server.actions.upload_limit}

    async def reset(self) -> dict[str, Any]:
        """Start over with an empty world (the same bot, token and application)."""
        await self.local.reset()
        return self.local.info()
