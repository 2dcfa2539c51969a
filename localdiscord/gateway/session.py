"""A gateway session: what IDENTIFY started and RESUME continues.

A session outlives its connection: events dispatched while it is disconnected are kept in
its log (with their sequence numbers) and replayed by a RESUME. It ends when the client
closes normally (1000/1001, which is how Discord tells a shutdown from a lost connection),
when its heartbeats stop (4009), or when it is invalidated (op 9). Several sessions may be
open for one token at once, as on Discord: each gets every event it asked for.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from localdiscord.gateway import intents as intents_

if TYPE_CHECKING:
    from localdiscord.gateway.connection import Connection

_GUILD_ITSELF = ("GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE")  # their `id` is the guild's


@dataclass
class Session:
    id: str
    intents: int
    shard: tuple[int, int] = (0, 1)
    seq: int = 0
    sent_seq: int = 0  # the last sequence number sent down a socket
    log: list[dict[str, Any]] = field(default_factory=list)
    connection: Connection | None = None
    ended: bool = False
    expiry: asyncio.TimerHandle | None = None  # ends the session unless it resumes first

    def keep(self) -> None:
        """Resumed: no longer about to expire."""
        if self.expiry is not None:
            self.expiry.cancel()
            self.expiry = None

    @property
    def connected(self) -> bool:
        return self.connection is not None and not self.connection.closed

    def wants(self, event: str, data: dict[str, Any]) -> bool:
        """Whether this session gets the event: its intent, and its shard of the guild."""
        need = intents_.needed(event, data)
        if need and not self.intents & need:
            return False
        shard_id, count = self.shard
        if count == 1:
            return True
        guild_id = data.get("id") if event in _GUILD_ITSELF else data.get("guild_id")
        if guild_id is None:
            return shard_id == 0  # DMs go to shard 0
        return (int(guild_id) >> 22) % count == shard_id

    def next_frame(self, event: str, data: dict[str, Any]) -> dict[str, Any]:
        self.seq += 1
        frame = {"op": 0, "t": event, "s": self.seq, "d": data}
        self.log.append(frame)
        return frame

    def missed(self, after: int) -> list[dict[str, Any]]:
        return [frame for frame in self.log if frame["s"] > after]

    def status(self) -> dict[str, Any]:
        return {"id": self.id, "intents": self.intents, "shard": list(self.shard),
                "seq": self.seq, "sent_seq": self.sent_seq, "connected": self.connected}
