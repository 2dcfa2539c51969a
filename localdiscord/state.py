"""The in-memory world of the local Discord: users, guilds, channels, threads, messages.

Plain dataclasses keyed by snowflake. The JSON shapes Discord sends are built in
`payloads.py`; the REST handlers and the gateway only read and mutate this state.
"""

from __future__ import annotations

import asyncio
import base64
import bisect
import contextlib
import itertools
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from localdiscord.snowflakes import Snowflakes

# Channel types (Discord's numbers).
GUILD_TEXT = 0
DM = 1
GUILD_CATEGORY = 4
PUBLIC_THREAD = 11
PRIVATE_THREAD = 12
GUILD_FORUM = 15
THREAD_TYPES = (PUBLIC_THREAD, PRIVATE_THREAD)

# Permission bits the local Discord checks itself (Discord's numbers).
ADD_REACTIONS = 1 << 6
ADMINISTRATOR = 1 << 3
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
MENTION_EVERYONE = 1 << 17
MANAGE_THREADS = 1 << 34
CREATE_PUBLIC_THREADS = 1 << 35
SEND_MESSAGES_IN_THREADS = 1 << 38
# What @everyone gets on a new Discord guild: Discord's default 1071698660929 (create invite,
# add reactions, stream, view channel, send, embed links, attach files, read history, external
# emojis, connect, speak, voice activity, change nickname, application commands, request to
# speak, create public/private threads, external stickers, send in threads, activities) minus
# Mention @everyone, which cohort guilds take away. No Manage * permission at all.
DEFAULT_EVERYONE = 1071698660929 & ~MENTION_EVERYONE
EPHEMERAL = 1 << 6
PRIVILEGED_INTENTS = ("members", "message_content", "presences")

def bot_token(bot_id: int) -> str:
    """A token shaped like Discord's: the bot's id in base64, a timestamp part and an HMAC
    part (libraries such as hikari read the bot's id out of the first part)."""
    first = base64.b64encode(str(bot_id).encode()).decode().rstrip("=")
    return f"{first}.localD.{secrets.token_urlsafe(29)[:38]}"


def iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat()


@dataclass
class User:
    id: int
    username: str
    bot: bool = False
    dms_closed: bool = False  # a member who refuses DMs: the bot's DM gets 403 50007


@dataclass
class Role:
    id: int
    name: str
    permissions: int
    position: int = 0
    bot_id: int | None = None  # the role Discord manages for a bot (tags.bot_id)


@dataclass
class Overwrite:
    id: int  # role or member id
    type: int  # 0 role, 1 member
    allow: int = 0
    deny: int = 0


@dataclass
class Channel:
    id: int
    type: int
    name: str
    guild_id: int | None = None
    position: int = 0
    parent_id: int | None = None  # category for channels, parent channel for threads
    overwrites: list[Overwrite] = field(default_factory=list)
    recipients: list[int] = field(default_factory=list)  # DM only
    # thread only
    owner_id: int | None = None
    archived: bool = False
    locked: bool = False
    auto_archive_duration: int = 1440
    thread_members: set[int] = field(default_factory=set)
    applied_tags: list[int] = field(default_factory=list)
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    message_ids: list[int] = field(default_factory=list)  # in creation order

    @property
    def is_thread(self) -> bool:
        return self.type in THREAD_TYPES


@dataclass
class Attachment:
    id: int
    filename: str
    data: bytes
    content_type: str | None = None
    description: str | None = None


@dataclass
class Reaction:
    emoji: str  # unicode emoji or "name:id"
    user_ids: list[int] = field(default_factory=list)


@dataclass
class Message:
    id: int
    channel_id: int
    author_id: int
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    flags: int = 0
    nonce: str | int | None = None
    reference_id: int | None = None  # the message replied to
    allowed_mentions: dict[str, Any] | None = None
    reactions: list[Reaction] = field(default_factory=list)
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    edited_at: datetime | None = None
    webhook_id: int | None = None  # set for interaction responses and followups
    interaction: dict[str, Any] | None = None  # interaction_metadata of a response/followup
    thread_id: int | None = None  # a thread started from this message
    deleted: bool = False

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)


@dataclass
class Guild:
    id: int
    name: str
    owner_id: int
    roles: dict[int, Role] = field(default_factory=dict)
    channel_ids: list[int] = field(default_factory=list)
    members: dict[int, list[int]] = field(default_factory=dict)  # user id -> role ids
    joined_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    bot_joined: bool = True


@dataclass
class Command:
    id: int
    guild_id: int | None
    payload: dict[str, Any]  # as sent by the bot (name, type, options, ...)

    @property
    def name(self) -> str:
        return str(self.payload["name"])


@dataclass(frozen=True)
class Change:
    seq: int
    # message_created, message_updated, message_deleted, thread_created, thread_updated,
    # thread_deleted, reaction, channel, interaction, session (the bot's gateway session
    # started, resumed, lost its connection or ended) or request (a REST request answered)
    kind: str
    id: int
    details: dict[str, Any] | None = None  # for thread_updated: the fields that changed


class Journal:
    """Every change to the world, numbered: what a transcript shows after a command, and
    what a client far away waits on (`wait`) instead of polling."""

    def __init__(self) -> None:
        self.changes: list[Change] = []
        self._event = asyncio.Event()

    @property
    def cursor(self) -> int:
        return len(self.changes)

    def record(self, kind: str, id: int, details: dict[str, Any] | None = None) -> None:
        self.changes.append(Change(len(self.changes) + 1, kind, id, details))
        self._event.set()
        self._event = asyncio.Event()

    def since(self, cursor: int) -> list[Change]:
        return self.changes[cursor:]

    async def wait(self, cursor: int, within: float) -> None:
        """Return once there is a change after `cursor`, or after `within` seconds."""
        if self.cursor > cursor:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._event.wait(), within)


class World:
    """Everything the local Discord knows. One instance per local Discord."""

    def __init__(
        self, bot_name: str = "CohortBot", now: Callable[[], datetime] | None = None,
        worker: int | None = None,
    ) -> None:
        # Timestamps and ids come from `now` so a test's ManualClock can drive them; `worker`
        # (localdiscord/snowflakes.py) builds a world again with the ids it had.
        self.now: Callable[[], datetime] = now or (lambda: datetime.now(UTC))
        self.new_id = Snowflakes(self.now, worker)
        self.users: dict[int, User] = {}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.messages: dict[int, Message] = {}
        self.commands: dict[int, Command] = {}
        # Files uploaded outside any message (attachment options of slash commands).
        self.loose_attachments: dict[int, Attachment] = {}
        self.journal = Journal()
        self.application_id = self.new_id()
        self.owner = self.add_user("owner")
        self.bot = self.add_user(bot_name, bot=True)
        self.token = bot_token(self.bot.id)
        # Privileged intents enabled for the application (the Developer Portal's switches);
        # an IDENTIFY asking for one that is off is closed with 4014.
        self.privileged_intents: set[str] = set(PRIVILEGED_INTENTS)

    def reset(self) -> None:
        """Back to an empty world: the same application, bot, owner and token, nothing else.
        Its ids start over from the world clock, under a worker of their own (the clock may
        be back at its start: the ids made before stay unique)."""
        self.new_id.start_over()
        self.users = {self.owner.id: self.owner, self.bot.id: self.bot}
        self.guilds, self.channels, self.messages, self.commands = {}, {}, {}, {}
        self.loose_attachments = {}
        self.journal.changes.clear()
        self.privileged_intents = set(PRIVILEGED_INTENTS)

    def add_user(self, name: str, *, bot: bool = False, dms_closed: bool = False) -> User:
        user = User(self.new_id(), name, bot=bot, dms_closed=dms_closed)
        self.users[user.id] = user
        return user

    # -- guilds ----------------------------------------------------------------------------
    def add_guild(self, name: str, *, bot_joined: bool = True) -> Guild:
        guild = Guild(self.new_id(), name, owner_id=self.owner.id, bot_joined=bot_joined)
        # The @everyone role's id equals the guild id.
        guild.roles[guild.id] = Role(guild.id, "@everyone", DEFAULT_EVERYONE)
        guild.members[self.owner.id] = []
        guild.members[self.bot.id] = []
        self.guilds[guild.id] = guild
        return guild

    def add_role(self, guild: Guild, name: str, permissions: int = 0) -> Role:
        role = Role(self.new_id(), name, permissions, position=len(guild.roles))
        guild.roles[role.id] = role
        return role

    def add_channel(self, guild: Guild, name: str, type_: int = GUILD_TEXT, **kw: Any) -> Channel:
        channel = Channel(self.new_id(), type_, name, guild_id=guild.id, **kw)
        channel.position = len(guild.channel_ids)
        self.channels[channel.id] = channel
        guild.channel_ids.append(channel.id)
        return channel

    def add_thread(
        self, parent: Channel, name: str, owner_id: int, *, id: int | None = None,
        type_: int = PUBLIC_THREAD, **kw: Any,
    ) -> Channel:
        """A thread; one started from a message takes the message's id, as on Discord."""
        assert parent.guild_id is not None
        thread = Channel(
            id or self.new_id(), type_, name, guild_id=parent.guild_id, parent_id=parent.id,
            owner_id=owner_id, created_at=self.now(), **kw,
        )
        thread.thread_members.add(owner_id)
        self.channels[thread.id] = thread
        self.guilds[parent.guild_id].channel_ids.append(thread.id)
        return thread

    def dm_channel(self, user_id: int) -> Channel:
        """The one DM channel between the bot and a user (created on first use)."""
        for channel in self.channels.values():
            if channel.type == DM and channel.recipients == [user_id]:
                return channel
        channel = Channel(self.new_id(), DM, "", recipients=[user_id])
        self.channels[channel.id] = channel
        return channel

    # -- look-ups --------------------------------------------------------------------------
    def guild_of(self, channel: Channel) -> Guild | None:
        return self.guilds.get(channel.guild_id) if channel.guild_id else None

    def threads_of(self, channel: Channel) -> list[Channel]:
        return [c for c in self.channels.values() if c.parent_id == channel.id and c.is_thread]

    def shares_guild(self, user_id: int) -> bool:
        """Whether the user is in a guild the bot is in (else the bot cannot DM them)."""
        return any(
            g.bot_joined and user_id in g.members and self.bot.id in g.members
            for g in self.guilds.values()
        )

    def can(self, channel: Channel, user_id: int, permission: int) -> bool:
        return bool(self.channel_permissions(channel, user_id) & permission)

    def visible_messages(self, channel: Channel) -> list[Message]:
        """Channel history as the bot sees it: no deleted, no ephemeral messages."""
        return [self.messages[mid] for mid in channel.message_ids if self._visible(mid)]

    def visible_after(self, channel: Channel, after: int, limit: int) -> list[Message]:
        """Up to `limit` visible messages with ids above `after`, oldest first. A page costs
        its own length, not the channel's: `message_ids` ascend (snowflakes are made in
        order), so the start is found by bisection. (A scan per page made reading a
        100,000-message history quadratic: bench/README.md, backfill_ratio.)"""
        ids, out = channel.message_ids, list[Message]()
        for mid in itertools.islice(ids, bisect.bisect_right(ids, after), None):
            if len(out) == limit:
                break
            if self._visible(mid):
                out.append(self.messages[mid])
        return out

    def visible_before(self, channel: Channel, before: int | None, limit: int) -> list[Message]:
        """Up to `limit` visible messages with ids below `before` (None: the newest), oldest
        first."""
        ids, out = channel.message_ids, list[Message]()
        i = len(ids) if before is None else bisect.bisect_left(ids, before)
        while i > 0 and len(out) < limit:
            i -= 1
            if self._visible(ids[i]):
                out.append(self.messages[ids[i]])
        out.reverse()
        return out

    def _visible(self, message_id: int) -> bool:
        msg = self.messages[message_id]
        return not msg.deleted and not msg.ephemeral

    def add_message(self, channel: Channel, author_id: int, **kw: Any) -> Message:
        kw.setdefault("created_at", self.now())
        msg = Message(self.new_id(), channel.id, author_id, **kw)
        self.messages[msg.id] = msg
        channel.message_ids.append(msg.id)
        return msg

    def find_attachment(self, attachment_id: int) -> Attachment | None:
        if attachment_id in self.loose_attachments:
            return self.loose_attachments[attachment_id]
        for msg in self.messages.values():
            for att in msg.attachments:
                if att.id == attachment_id:
                    return att
        return None

    # -- permissions -----------------------------------------------------------------------
    def base_permissions(self, guild: Guild, user_id: int) -> int:
        if user_id == guild.owner_id:
            return -1 & ((1 << 53) - 1)
        perms = guild.roles[guild.id].permissions
        for rid in guild.members.get(user_id, []):
            perms |= guild.roles[rid].permissions
        if perms & ADMINISTRATOR:
            return (1 << 53) - 1
        return perms

    def channel_permissions(self, channel: Channel, user_id: int) -> int:
        """Discord's order: base, @everyone overwrite, role overwrites, member overwrite."""
        if channel.is_thread and channel.parent_id is not None:
            channel = self.channels[channel.parent_id]
        guild = self.guild_of(channel)
        if guild is None:
            return VIEW_CHANNEL | SEND_MESSAGES
        perms = self.base_permissions(guild, user_id)
        if perms & ADMINISTRATOR or user_id == guild.owner_id:
            return perms
        by_id = {o.id: o for o in channel.overwrites}
        if (ev := by_id.get(guild.id)) is not None:
            perms = (perms & ~ev.deny) | ev.allow
        allow = deny = 0
        for rid in guild.members.get(user_id, []):
            if (o := by_id.get(rid)) is not None:
                allow |= o.allow
                deny |= o.deny
        perms = (perms & ~deny) | allow
        if (mo := by_id.get(user_id)) is not None and mo.type == 1:
            perms = (perms & ~mo.deny) | mo.allow
        return perms
