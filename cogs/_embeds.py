"""The bot's one kind of embed: whatever text it is built from, it fits Discord's limits when
sent (`bot/limits.py: fit_embed`). discord.py turns an embed into JSON with `to_dict()` at
every send and edit, so fitting there covers every embed the bot sends; every embed in
`cogs/` is this one (tests/core/test_limits.py holds the tree to it)."""

from __future__ import annotations

from typing import Any, cast

import discord
from discord.types.embed import Embed as EmbedData

from bot.limits import fit_embed


class Embed(discord.Embed):
    def to_dict(self) -> EmbedData:
        return cast(EmbedData, fit_embed(cast(dict[str, Any], super().to_dict())))
