"""The gateway events capture listens to: new messages, edits and deletes in open runs'
threads, and READY (after every (re)connect, the backfill)."""

from __future__ import annotations

import discord
from discord.ext import commands

from bot.client import CohortBot
from cogs.discussion._port import discussion_row


class DiscussionCog(commands.Cog):
    def __init__(self, bot: CohortBot) -> None:
        self.bot = bot
        self.discussion = bot.services.discussion

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or not self.discussion.captures(message.channel.id):
            return
        if message.type not in (discord.MessageType.default, discord.MessageType.reply):
            return
        self.discussion.capture(discussion_row(message))

    @commands.Cog.listener()
    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        if not self.discussion.captures(payload.channel_id):
            return
        content = payload.data.get("content")
        if content is None:
            return  # an embed unfurl, not an edit by the member
        edited = payload.data.get("edited_timestamp")
        await self.discussion.edit(payload.message_id, content,
                                   discord.utils.parse_time(edited) if edited else None)

    @commands.Cog.listener()
    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        if self.discussion.captures(payload.channel_id):
            await self.discussion.delete(payload.message_id)

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        await self.discussion.backfill()
