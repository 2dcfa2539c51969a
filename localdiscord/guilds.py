"""Building the world a test needs: guilds, channels, roles, members.

Builders are synchronous so a test can set up before the bot logs in. Once the bot is connected,
each change is also announced on the gateway (GUILD_CREATE for a guild the bot joins later,
CHANNEL_CREATE, GUILD_MEMBER_ADD...); `Sandbox.settle()` waits for those announcements.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING

from localdiscord.state import GUILD_FORUM, GUILD_TEXT, Channel, Guild, Overwrite, Role

if TYPE_CHECKING:
    from localdiscord.harness import Sandbox
    from localdiscord.members import MemberHandle

class GuildHandle:
    def __init__(self, sandbox: Sandbox, guild: Guild) -> None:
        self._sb = sandbox
        self.guild = guild

    @property
    def id(self) -> int:
        return self.guild.id

    @property
    def name(self) -> str:
        return self.guild.name

    def _announce(self, make: Callable[[], Awaitable[None]]) -> None:
        self._sb._announce(make)

    def add_text_channel(
        self, name: str, *, overwrites: Iterable[Overwrite] = (), parent: Channel | None = None
    ) -> Channel:
        return self._add_channel(name, GUILD_TEXT, overwrites, parent)

    def add_forum_channel(self, name: str, *, overwrites: Iterable[Overwrite] = ()) -> Channel:
        return self._add_channel(name, GUILD_FORUM, overwrites, None)

    def _add_channel(
        self, name: str, type_: int, overwrites: Iterable[Overwrite], parent: Channel | None
    ) -> Channel:
        world = self._sb.world
        channel = world.add_channel(
            self.guild, name, type_, overwrites=list(overwrites),
            parent_id=parent.id if parent else None,
        )
        self._announce(lambda: self._sb.server.actions.channel_created(channel))
        return channel

    def add_role(self, name: str, permissions: int = 0) -> Role:
        role = self._sb.world.add_role(self.guild, name, permissions)
        self._announce(lambda: self._sb.server.actions.role_created(self.guild, role.id))
        return role

    def add_member(
        self, name: str, *, roles: Iterable[Role] = (), bot: bool = False, dms_closed: bool = False
    ) -> MemberHandle:
        from localdiscord.members import MemberHandle

        world = self._sb.world
        user = world.add_user(name, bot=bot, dms_closed=dms_closed)
        self.guild.members[user.id] = [r.id for r in roles]
        self._announce(lambda: self._sb.server.actions.member_added(self.guild, user.id))
        return MemberHandle(self._sb, user, self.guild)

    def channel(self, name: str) -> Channel:
        for cid in self.guild.channel_ids:
            ch = self._sb.world.channels[cid]
            if ch.name == name:
                return ch
        raise KeyError(f"no channel {name!r} in guild {self.guild.name!r}")

    def role(self, name: str) -> Role:
        for role in self.guild.roles.values():
            if role.name == name:
                return role
        raise KeyError(f"no role {name!r} in guild {self.guild.name!r}")

    def member(self, name: str) -> MemberHandle:
        from localdiscord.members import MemberHandle

        for uid in self.guild.members:
            user = self._sb.world.users[uid]
            if user.username == name:
                return MemberHandle(self._sb, user, self.guild)
        raise KeyError(f"no member {name!r} in guild {self.guild.name!r}")
