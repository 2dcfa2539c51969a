"""What the REST handlers share: the world, its operations, and the interaction store."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from localdiscord import errors
from localdiscord.actions import Actions, UploadedFile
from localdiscord.interactions import InteractionStore
from localdiscord.state import Channel, Message, World

# Per-request values the middleware parses for the handlers.
JSON_KEY = web.RequestKey("sandbox_json", object)
FILES_KEY: web.RequestKey[list[UploadedFile]] = web.RequestKey("sandbox_files", list)


@dataclass
class Context:
    world: World
    actions: Actions
    interactions: InteractionStore

    def channel(self, request: web.Request, key: str = "channel_id") -> Channel:
        """The channel of a channel route, as the bot may reach it: 10003 if it does not exist
        (or is in a guild the bot is not in), 50001 Missing Access without View Channel."""
        channel = self.world.channels.get(_snowflake(request, key))
        if channel is None:
            raise errors.unknown_channel()
        guild = self.world.guild_of(channel)
        if channel.guild_id is not None and (guild is None or not guild.bot_joined):
            raise errors.unknown_channel()
        self.actions.check_view(channel, self.world.bot.id)
        return channel

    def message(self, channel: Channel, request: web.Request) -> Message:
        """A message of a channel route. Ephemeral messages are not in any channel: only the
        interaction's webhook routes (@original, followups) reach them."""
        msg = self.world.messages.get(_snowflake(request, "message_id"))
        if msg is None or msg.deleted or msg.channel_id != channel.id or msg.ephemeral:
            raise errors.unknown_message()
        return msg


def _snowflake(request: web.Request, key: str) -> int:
    try:
        return int(request.match_info[key])
    except ValueError:
        error = {key: ("NUMBER_TYPE_COERCE", "Value is not snowflake.")}
        raise errors.invalid_form(error) from None


def body(request: web.Request) -> dict[str, Any]:
    """The JSON body, or the `payload_json` of a multipart body (parsed by the middleware)."""
    value = request.get(JSON_KEY)
    return value if isinstance(value, dict) else {}


def files(request: web.Request) -> list[UploadedFile]:
    return list(request.get(FILES_KEY) or [])


def reply(data: Any = None, status: int = 200) -> web.Response:
    """JSON with exactly `Content-Type: application/json`: discord.py only parses that value
    (aiohttp's json_response adds `; charset=utf-8`, and the body would be read as text)."""
    if data is None:
        return web.Response(status=204)
    return web.Response(
        status=status, body=json.dumps(data).encode(), headers={"Content-Type": "application/json"}
    )
