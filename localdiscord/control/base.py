"""What every group of control operations shares: naming things in the world (members,
channels, roles, guilds by id or name; messages and interactions by id), the JSON views, and
the two errors a control call can end with."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

from localdiscord.control import views
from localdiscord.interactions import InteractionRecord
from localdiscord.state import Channel, Guild, Message, User

if TYPE_CHECKING:
    from localdiscord.app import LocalDiscord

_TRUE = ("1", "true", "yes", "on")


class ControlError(Exception):
    """A control call that names nothing that exists (404) or is malformed (400)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def flag(value: Any) -> bool:
    """A boolean argument, from JSON or from a query string."""
    return value is True or str(value).lower() in _TRUE


class Operations:
    """The base of each group of operations: the world, and names in it."""

    def __init__(self, local: LocalDiscord) -> None:
        self.local = local
        self.world = local.world
        self.server = local.server
        self.acting = local.acting

    def _guild(self, ref: Any) -> Guild:
        for guild in self.world.guilds.values():
            if str(ref) in (str(guild.id), guild.name):
                return guild
        names = ", ".join(g.name for g in self.world.guilds.values()) or "none"
        raise LookupError(f"no guild {ref!r}; guilds: {names}")

    def _member(self, ref: Any) -> tuple[User, Guild | None]:
        try:
            uid = self.acting.user_id(ref)
        except LookupError:
            names = ", ".join(sorted({self.world.users[u].username for g in
                                      self.world.guilds.values() for u in g.members}))
            raise LookupError(f"no member {ref!r}; members: {names or 'none'}") from None
        guild = next((g for g in self.world.guilds.values() if uid in g.members), None)
        return self.world.users[uid], guild

    def _channel(self, ref: Any, guild: Guild | None = None) -> Channel:
        if isinstance(ref, str) and ref.startswith("dm:"):
            user, _ = self._member(ref[3:])
            return self.world.dm_channel(user.id)
        return self.acting.channel(ref, guild)

    def _message(self, ref: Any) -> Message:
        msg = self.world.messages.get(int(ref))
        if msg is None:
            raise LookupError(f"no message {ref}")
        return msg

    def _live_message(self, ref: Any) -> Message:
        msg = self._message(ref)
        if msg.deleted:
            raise LookupError(f"message {ref} was deleted")
        return msg

    def _record(self, ref: Any) -> InteractionRecord:
        rec = self.server.interactions.by_id(int(ref))
        if rec is None:
            raise LookupError(f"no interaction {ref}")
        return rec

    def _msg(self, msg: Message) -> dict[str, Any]:
        return views.message(self.world, msg, self.server.base_url)

    def _interaction(self, rec: InteractionRecord) -> dict[str, Any]:
        return views.interaction(self.world, rec, self.server.base_url)


def file(value: dict[str, Any]) -> tuple[str, bytes]:
    """{filename, content} (text) or {filename, base64} -> (filename, bytes)."""
    name = str(value.get("filename") or "")
    if not name:
        raise ValueError("a file needs a filename")
    if "base64" in value:
        return name, base64.b64decode(value["base64"])
    return name, str(value.get("content", "")).encode()


def files(values: Any) -> list[tuple[str, bytes]]:
    return [file(v) for v in values or []]
