"""Point an unmodified discord.py client at the local Discord.

`Route.BASE` is read each time a Route is built (REST, interaction callbacks and followup
webhooks alike) and `DiscordWebSocket.DEFAULT_GATEWAY` is where a plain Client/Bot connects
(it never asks GET /gateway). discord.py's `_set_api_version` overwrites BASE, so it runs
first. These are class attributes: this redirects every client in the process.
"""

from __future__ import annotations

import discord.gateway
import discord.http
import yarl


def point_client_at(base_http_url: str, gateway_url: str) -> None:
    """`base_http_url` like "http://127.0.0.1:PORT/api/v10"; `gateway_url` like "ws://.../gateway"."""
    discord.http._set_api_version(10)
    discord.http.Route.BASE = base_http_url.rstrip("/")
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


def restore_discord() -> None:
    """Undo `point_client_at` (back to real Discord's addresses)."""
    discord.http._set_api_version(10)
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL("wss://gateway.discord.gg/")
