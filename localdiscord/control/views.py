"""The control API's JSON: Discord's own shapes, plus what only the local Discord knows.

A message is Discord's message object (`payloads.message`) with `deleted: true` once it is
gone, and `pings`: whom it would notify (`localdiscord/mentions.py`); a channel or thread is
Discord's channel object; an interaction is the local Discord's record of it (how the bot
answered, and when, `ack_ms` after it left for the bot).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from localdiscord import payloads
from localdiscord.mentions import pings
from localdiscord.state import Channel, Guild, Message, World

if TYPE_CHECKING:
    from localdiscord.interactions import InteractionRecord


def message(world: World, msg: Message, base_url: str) -> dict[str, Any]:
    data = payloads.message(world, msg, base_url)
    if msg.deleted:
        data["deleted"] = True
    replied = world.messages.get(msg.reference_id) if msg.reference_id else None
    data["pings"] = pings(msg.content, msg.allowed_mentions,
                          replied.author_id if replied is not None else None)
    return data


def channel(world: World, ch: Channel) -> dict[str, Any]:
    return payloads.channel(world, ch)


def guild(world: World, g: Guild) -> dict[str, Any]:
    channels = [world.channels[c] for c in g.channel_ids if c in world.channels]
    return {
        "id": str(g.id),
        "name": g.name,
        "bot_joined": g.bot_joined,
        "channels": [channel(world, c) for c in channels],
        "roles": [payloads.role(r) for r in g.roles.values()],
        "members": [{**payloads.member(world, g, uid),
                     "dms_closed": world.users[uid].dms_closed} for uid in g.members],
        "owner_id": str(g.owner_id),
    }


def interaction(world: World, rec: InteractionRecord, base_url: str) -> dict[str, Any]:
    def msg(mid: int | None) -> dict[str, Any] | None:
        found = world.messages.get(mid) if mid else None
        return message(world, found, base_url) if found is not None else None

    return {
        "id": str(rec.id),
        "type": rec.type,
        "token": rec.token,
        "channel_id": str(rec.channel_id),
        "guild_id": str(rec.guild_id) if rec.guild_id else None,
        "user_id": str(rec.user_id),
        "data": rec.data,
        "acknowledged": rec.acknowledged,
        "callback_type": rec.callback_type,
        "failed": rec.failed,
        "late_callbacks": rec.late_callbacks,
        "ack_ms": None if rec.ack_seconds is None else round(rec.ack_seconds * 1000, 3),
        "modal": rec.modal,
        "choices": rec.choices,
        "response": msg(rec.response_message_id),
        "followups": [m for m in (msg(f) for f in rec.followup_ids) if m is not None],
        "message": msg(rec.message_id),
    }
