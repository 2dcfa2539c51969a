"""The Discord side of delivering reminders (`bot.services.followups.FollowupsPort`)."""

from __future__ import annotations

import discord
from discord.ext import commands

from bot.services.followups import DmClosed, ReminderMessage
from cogs._ui import NO_PINGS
from cogs.followups._render import reminder_embed
from cogs.followups._views import carries, followup_view

CANNOT_DM = 50007  # Discord: "Cannot send messages to this user"
RECOVERY_SCAN = 1000  # messages read after the floor, at most, to find a delivered reminder


class DiscordReminders:
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    async def _dm(self, user_id: int) -> discord.DMChannel:
        try:
            return await self.bot.create_dm(discord.Object(id=user_id))
        except discord.Forbidden as exc:
            if exc.code == CANNOT_DM:
                raise DmClosed from exc
            raise

    async def history_floor(self, user_id: int) -> int:
        dm = await self._dm(user_id)
        async for message in dm.history(limit=1):
            return message.id
        return 0

    async def send(self, user_id: int, message: ReminderMessage) -> int:
        dm = await self._dm(user_id)
        try:
            sent = await dm.send(
                embed=reminder_embed(message), nonce=message.nonce, allowed_mentions=NO_PINGS,
                view=followup_view(message.followup_id, message.delivery, message.actions))
        except discord.Forbidden as exc:
            if exc.code == CANNOT_DM:
                raise DmClosed from exc
            raise
        return sent.id

    async def edit(self, user_id: int, message_id: int, message: ReminderMessage) -> None:
        dm = await self._dm(user_id)
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
