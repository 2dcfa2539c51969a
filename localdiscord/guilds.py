"""Building the world a test needs: guilds, channels, roles, members.

Builders are synchronous so a test can set up before the bot logs in. Once the bot is connected,
each change is also announced on the gateway (GUILD_CREATE for a guild the bot joins later,
CHANNEL_CREATE, GUILD_MEMBER_ADD...); `Sandbox.settle()` waits for those announcements.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING

from bot.sandbox.state import GUILD_FORUM, GUILD_TEXT, Channel, Guild, Overwrite, Role, next_id

if TYPE_CHECKING:
    from bot.sandbox.harness import Sandbox
    from bot.sandbox.members import MemberHandle

# Moderation-ish permissions: manage messages, manage threads, kick, moderate members.
MODERATOR_PERMISSIONS = (1 << 13) | (1 << 34) | (1 << 1) | (1 << 40)
# The permissions the bot's invite link asks for (README.md, "Invite the bot"): View Channel,
# Send Messages, Send Messages in Threads, Create Public Threads, Manage Threads, Embed Links,
# Attach Files, Read Message History, Add Reactions. Discord gives them to the bot's own role.
BOT_INVITE_PERMISSIONS = 326417632320


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
        role = Role(next_id(), name, permissions, position=len(self.guild.roles))
        self.guild.roles[role.id] = role
        self._announce(lambda: self._sb.server.actions.role_created(self.guild, role.id))
        return role

    def add_member(
        self, name: str, *, roles: Iterable[Role] = (), bot: bool = False, dms_closed: bool = False
    ) -> MemberHandle:
        from bot.sandbox.members import MemberHandle

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
        from bot.sandbox.members import MemberHandle

        for uid in self.guild.members:
            user = self._sb.world.users[uid]
            if user.username == name:
                return MemberHandle(self._sb, user, self.guild)
        raise KeyError(f"no member {name!r} in guild {self.guild.name!r}")


class CohortGuild:
    """The demo cohort: #lessons, a #critiques forum, a Moderator role, mod, ada, ben and cy."""

    def __init__(self, sandbox: Sandbox, name: str = "Cohort") -> None:
        self.handle = sandbox.create_guild(name)
        self.lessons = self.handle.add_text_channel("lessons")
        self.critiques = self.handle.add_forum_channel("critiques")
        self.moderator_role = self.handle.add_role("Moderator", MODERATOR_PERMISSIONS)
        # The role Discord creates for a bot invited with BOT_INVITE_PERMISSIONS.
        self.bot_role = self.handle.add_role(sandbox.world.bot.username, BOT_INVITE_PERMISSIONS)
        self.bot_role.bot_id = sandbox.world.bot.id  # managed by Discord, like a real bot role
        self.handle.guild.members[sandbox.world.bot.id] = [self.bot_role.id]
        self.mod = self.handle.add_member("mod", roles=[self.moderator_role])
        self.ada = self.handle.add_member("ada")
        self.ben = self.handle.add_member("ben")
        self.cy = self.handle.add_member("cy")
