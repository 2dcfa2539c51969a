"""Naming things in the command language: members, channels, threads, DMs and messages.

Everything is looked up through the control API (`refresh` reads the guild once per
command): `#lessons`, `thread "Outreach 1"` (the exact name, else a unique start of it; of two
threads with one name, the newest), `dm` / `dm ada`, and messages by position
(`#lessons:2`, `#lessons:ben:1`, `#lessons:bot:1`, `dm:-1`), `last` or `msg:<id>`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from localdiscord.control.base import ControlError
from localdiscord.control.client import Control
from localdiscord.script.language import ChannelRef, MessageRef, _Scanner, parse_channel
from localdiscord.script.render import ephemeral
from localdiscord.state import DM, GUILD_FORUM, THREAD_TYPES

BOT = "bot"  # as a message's author in a reference: the bot's messages


class CommandFailed(Exception):
    """The command could not run, the bot failed at it, or an expectation does not hold."""


@dataclass(frozen=True)
class Place:
    """A channel, thread or DM: `ref` is how the control API takes it."""

    ref: str
    id: int
    type: int
    label: str  # `#lessons`, `thread "Outreach 1"`, `dm ada`
    name: str
    parent_id: int | None = None

    @property
    def is_thread(self) -> bool:
        return self.type in THREAD_TYPES

    @property
    def is_forum(self) -> bool:
        return self.type == GUILD_FORUM


class Lookup:
    def __init__(self, control: Control) -> None:
        self.control = control
        self.guild: dict[str, Any] = {}
        self.users: dict[int, dict[str, Any]] = {}
        self.channels: list[dict[str, Any]] = []
        self.bot_id = 0

    async def refresh(self) -> None:
        """Read the (first) guild, its channels, threads, roles and members."""
        guilds = await self.control.guilds()
        self.guild = guilds[0] if guilds else {"channels": [], "roles": [], "members": [],
                                               "owner_id": "0"}
        self.channels = self.guild["channels"]
        self.users = {int(m["user"]["id"]): m for m in self.guild["members"]}
        self.bot_id = int((await self.control.info())["bot"]["id"])

    # -- members ---------------------------------------------------------------------------
    def member_names(self) -> list[str]:
        return [m["user"]["username"] for uid, m in self.users.items()
                if not m["user"]["bot"] and str(uid) != self.guild["owner_id"]]

    def member(self, name: str | None) -> str:
        if name is None:
            raise CommandFailed("who acts? Start with `as ada ...` (members: "
                                f"{', '.join(self.member_names())})")
        if name not in self.member_names():
            raise CommandFailed(f"no member {name!r}; members: "
                                f"{', '.join(self.member_names())}")
        return name

    def member_id(self, name: str) -> int:
        return next(uid for uid, m in self.users.items() if m["user"]["username"] == name)

    def user_name(self, user_id: int) -> str:
        member = self.users.get(user_id)
        return member["user"]["username"] if member else f"user {user_id}"

    def role_name(self, role_id: int) -> str:
        role = next((r for r in self.guild["roles"] if int(r["id"]) == role_id), None)
        return role["name"] if role else f"role {role_id}"

    def role(self, name: str) -> str:
        name = name.lstrip("@")
        if any(r["name"] == name for r in self.guild["roles"]):
            return name
        raise CommandFailed(f"no role {name!r}")

    # -- channels --------------------------------------------------------------------------
    def _place(self, data: dict[str, Any]) -> Place:
        kind = int(data["type"])
        label = f'thread "{data["name"]}"' if kind in THREAD_TYPES else f"#{data['name']}"
        parent = data.get("parent_id")
        return Place(data["id"], int(data["id"]), kind, label, data["name"],
                     int(parent) if parent else None)

    def label(self, channel_id: int) -> str:
        found = next((c for c in self.channels if int(c["id"]) == channel_id), None)
        if found is not None:
            return self._place(found).label
        return f"#unknown-{channel_id}"

    def channels_of(self, parent: Place | None = None) -> list[Place]:
        """The guild's channels (not threads), or the threads of `parent`."""
        places = [self._place(c) for c in self.channels]
        if parent is None:
            return [p for p in places if not p.is_thread]
        return [p for p in places if p.is_thread and p.parent_id == parent.id]

    async def place(self, ref: ChannelRef, member: str | None) -> Place:
        if ref.kind == "dm":
            who = self.member(ref.name) if ref.name else member
            if who is None:
                raise CommandFailed("whose DM? Say `dm ada`")
            data = await self.control.channel(channel=f"dm:{who}")
            return Place(f"dm:{who}", int(data["id"]), DM, f"dm {who}", who)
        places = [self._place(c) for c in self.channels]
        if ref.kind == "channel":
            found = [p for p in places if p.name == ref.name and not p.is_thread]
            if not found:
                names = ", ".join(p.label for p in places if not p.is_thread)
                raise CommandFailed(f"no channel #{ref.name}; channels: {names}")
            return found[0]
        threads = [p for p in places if p.is_thread]
        exact = [p for p in threads if p.name == ref.name]
        if exact:
            return exact[-1]
        prefix = [p for p in threads if ref.name and p.name.startswith(ref.name)]
        if len(prefix) == 1:
            return prefix[0]
        names = ", ".join(f'"{p.name}"' for p in threads) or "none yet"
        what = "is ambiguous" if prefix else "does not exist"
        raise CommandFailed(f'thread "{ref.name}" {what}; threads: {names}')

    async def place_of(self, message: dict[str, Any]) -> Place:
        """Where a message is."""
        channel_id = int(message["channel_id"])
        found = next((c for c in self.channels if int(c["id"]) == channel_id), None)
        if found is not None:
            return self._place(found)
        data = await self.control.channel(channel=channel_id)
        who = self.user_name(int(data["recipients"][0]["id"])) if data.get("recipients") else ""
        return Place(f"dm:{who}" if who else str(channel_id), channel_id, DM,
                     f"dm {who}" if who else "dm", who)

    # -- messages --------------------------------------------------------------------------
    async def messages(self, place: Place) -> list[dict[str, Any]]:
        """The messages everyone there sees (no ephemeral ones), oldest first."""
        return await self.control.messages(channel=place.ref,
                                                                   ephemeral=False)

    async def bot_messages(self, place: Place) -> list[dict[str, Any]]:
        return [m for m in await self.messages(place) if int(m["author"]["id"]) == self.bot_id]

    async def message(self, ref: MessageRef, member: str, *, own: bool,
                      shown: list[int], sent: list[int]) -> dict[str, Any]:
        """The message a reference names; `shown`: ids shown so far, `sent`: the member's.
        `own`: a position with no author counts the member's messages (edit, delete), else
        the bot's; whether the member may act on the message is Discord's to say."""
        if ref.message_id is not None:
            msg = await self._live(ref.message_id)
            if msg is None:
                raise CommandFailed(f"no message {ref.message_id}")
            return msg
        if ref.channel is None:
            for mid in reversed(sent if own else shown):
                msg = await self._live(mid)
                if msg is not None:
                    return msg
            raise CommandFailed(f"{member} has sent no message yet" if own
                                else "no message shown yet")
        place = await self.place(ref.channel, member)
        # `bot` names the bot's messages, where `own` (edit, delete) counts the member's.
        author = (None if ref.author == BOT else self.member(ref.author) if ref.author
                  else member if own else None)
        if author is not None:
            pool = [m for m in await self.messages(place) if m["author"]["username"] == author]
            whose = f"{author}'s messages"
        else:
            pool = await self.bot_messages(place)
            whose = "the bot's messages"
        position = ref.index - 1 if ref.index > 0 else len(pool) + ref.index
        if not 0 <= position < len(pool):
            raise CommandFailed(f"{ref}: {place.label} has {len(pool)} of {whose}")
        return pool[position]

    async def _live(self, message_id: int) -> dict[str, Any] | None:
        try:
            msg: dict[str, Any] = await self.control.message(message=message_id)
        except ControlError:
            return None
        return None if msg.get("deleted") else msg

    async def ref_of(self, msg: dict[str, Any]) -> str | None:
        """How to name a message in a command: #lessons:2, thread "X":1, dm:1."""
        if ephemeral(msg):
            return None
        place = await self.place_of(msg)
        if int(msg["author"]["id"]) == self.bot_id:
            mine, author = await self.bot_messages(place), ""
        else:
            mine = [m for m in await self.messages(place)
                    if m["author"]["id"] == msg["author"]["id"]]
            author = f"{msg['author']['username']}:"
        ids = [m["id"] for m in mine]
        if msg["id"] not in ids:
            return None
        position = ids.index(msg["id"]) + 1
        if place.type == DM:
            return f"dm:{author}{position}"
        return f"{place.label}:{author}{position}"


def viewer(msg: dict[str, Any]) -> int | None:
    """Who sees an ephemeral message: the member whose interaction it answers."""
    user = (msg.get("interaction_metadata") or {}).get("user") or {}
    return int(user["id"]) if user.get("id") else None


def channel_ref(raw: str) -> ChannelRef:
    """An option value naming a channel: `#lessons`, `lessons`, `thread:"Name"`."""
    text = raw if not re.fullmatch(r"[\w-]+", raw) else f"#{raw}"
    ref, _ = parse_channel(_Scanner(text))
    return ref
