"""The gateway events capture listens to: new messages, edits, deletes and reactions in open
runs' threads, and READY (after every (re)connect, the backfill)."""

from __future__ import annotations

import discord
from discord.ext import commands

from bot.client import CohortBot
from cogs.discussion._port import ReactionEvent, discussion_row, reaction_change


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

    # Reactions: every member's, on any message of the thread; those on messages that are not
    # stored (the bot's own posts, whose 👍 are the critiques' votes) are dropped by storage.
    @commands.Cog.listener()
    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        self._react(payload)

    @commands.Cog.listener()
    async def on_raw_reaction_remove(self, payload: discord.RawReactionActionEvent) -> None:
        self._react(payload)

    @commands.Cog.listener()
    async def on_raw_reaction_clear_emoji(
        self, payload: discord.RawReactionClearEmojiEvent
    ) -> None:
        self._react(payload)

    @commands.Cog.listener()
    async def on_raw_reaction_clear(self, payload: discord.RawReactionClearEvent) -> None:
        self._react(payload)

    def _react(self, payload: ReactionEvent) -> None:
        if self.discussion.captures(payload.channel_id):
            self.discussion.react(reaction_change(payload))

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        await self.discussion.backfill()
