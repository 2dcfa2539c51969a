"""The Discord side of delivering reminders (`bot.services.followups.FollowupsPort`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import discord
from discord.ext import commands

from bot.services.followups import DmClosed, ReminderMessage
from bot.services.ports import Gone
from cogs._ui import CANNOT_DM, NO_PINGS
from cogs.followups._render import reminder_embed
from cogs.followups._views import carries, followup_view

RECOVERY_SCAN = 1000  # messages read after the floor, at most, to find a delivered reminder


@contextmanager
def unreachable_as_port_errors() -> Iterator[None]:
    """Discord's two answers for a member the bot cannot reach by DM, in the service's words:
    their DMs are closed to the bot (403 50007), or the user, DM or message is gone (404)."""
    try:
        yield
    except discord.Forbidden as exc:
        if exc.code == CANNOT_DM:
            raise DmClosed from exc
        raise
    except discord.NotFound:
        raise Gone from None


class DiscordReminders:
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    async def _dm(self, user_id: int) -> discord.DMChannel:
        with unreachable_as_port_errors():
            return await self.bot.create_dm(discord.Object(id=user_id))

    async def history_floor(self, user_id: int) -> int:
        dm = await self._dm(user_id)
        async for message in dm.history(limit=1):
            return message.id
        return 0

    async def send(self, user_id: int, message: ReminderMessage) -> int:
        dm = await self._dm(user_id)
        with unreachable_as_port_errors():
            sent = await dm.send(
                embed=reminder_embed(message), nonce=message.nonce, allowed_mentions=NO_PINGS,
                view=followup_view(message.followup_id, message.delivery, message.actions))
        return sent.id

    async def edit(self, user_id: int, message_id: int, message: ReminderMessage) -> None:
        dm = await self._dm(user_id)
        with unreachable_as_port_errors():
            await dm.get_partial_message(message_id).edit(
                content=None, embed=reminder_embed(message), allowed_mentions=NO_PINGS,
                view=followup_view(message.followup_id, message.delivery, message.actions))

    async def find(self, user_id: int, followup_id: int, delivery: int,
                   after: int) -> int | None:
        if self.bot.user is None:
            raise RuntimeError("not logged in")
        me = self.bot.user.id
        dm = await self._dm(user_id)
        async for message in dm.history(limit=RECOVERY_SCAN, after=discord.Object(id=after),
                                        oldest_first=True):
            if message.author.id == me and carries(message, followup_id, delivery):
                return message.id
        return None
