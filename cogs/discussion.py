"""Capture: every member message in an open run's threads is stored, edits update it, deletes
remove its content. On (re)connect, each open thread is backfilled from the history API since
the last stored message, so nothing said while the bot was offline is lost.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import discord
from discord.ext import commands

from bot.client import CohortBot
from bot.clock import to_ms
from bot.discussion import GroupWriter
from storage import discussion as discussion_store
from storage import runs as runs_store
from storage.discussion import AttachmentRow, DiscussionRow

log = logging.getLogger(__name__)

DISCORD_EPOCH_MS = discord.utils.DISCORD_EPOCH


def discussion_row(message: discord.Message) -> DiscussionRow:
    reply_to = message.reference.message_id if message.reference else None
    return DiscussionRow(
        message_id=message.id,
        thread_id=message.channel.id,
        author_id=message.author.id,
        author_name=message.author.display_name,
        content=message.content,
        reply_to_id=reply_to,
        # The snowflake holds the creation time in ms; skipping the datetime round-trip matters
        # at burst rates.
        created_at=(message.id >> 22) + DISCORD_EPOCH_MS,
        edited_at=to_ms(message.edited_at) if message.edited_at else None,
        attachments=tuple(
            AttachmentRow(a.id, a.filename, a.url, a.size) for a in message.attachments
        ) if message.attachments else (),
    )


class DiscussionCog(commands.Cog):
    def __init__(self, bot: CohortBot, *, enabled: bool = True) -> None:
        self.bot = bot
        self.enabled = enabled  # the ingest benchmark compares with capture off
        self.threads: set[int] = set()
        self.writer: GroupWriter[DiscussionRow] = GroupWriter(self._save)

    async def _save(self, rows: Sequence[DiscussionRow]) -> None:
        await discussion_store.save_messages(self.bot.db, rows)

    async def cog_load(self) -> None:
        await self.refresh_threads()

    async def cog_unload(self) -> None:
        await self.writer.close()

    async def refresh_threads(self) -> None:
        self.threads = await runs_store.open_thread_ids(self.bot.db)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if not self.enabled or message.author.bot or message.channel.id not in self.threads:
            return
        if message.type not in (discord.MessageType.default, discord.MessageType.reply):
            return
        self.writer.add(discussion_row(message))

    @commands.Cog.listener()
    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        if not self.enabled or payload.channel_id not in self.threads:
            return
        content = payload.data.get("content")
        if content is None:
            return  # an embed unfurl, not an edit by the member
        await self.writer.flush()  # the message itself may still be waiting in the queue
        edited = payload.data.get("edited_timestamp")
        when = discord.utils.parse_time(edited) if edited else self.bot.clock.now()
        await discussion_store.edit_message(self.bot.db, payload.message_id, content, to_ms(when))

    @commands.Cog.listener()
    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        if not self.enabled or payload.channel_id not in self.threads:
            return
        await self.writer.flush()
        await discussion_store.delete_message(self.bot.db, payload.message_id,
                                   to_ms(self.bot.clock.now()))

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        await self.backfill()

    async def backfill(self) -> int:
        """Read every open thread from the last stored message on. Returns messages stored."""
        await self.refresh_threads()
        total = 0
        for thread_id in sorted(self.threads):
            try:
                total += await self._backfill_thread(thread_id)
            except discord.NotFound:
                log.warning("thread %s is gone; nothing to backfill", thread_id)
            except discord.Forbidden:
                log.warning("no access to thread %s; cannot backfill it", thread_id)
        if total:
            log.info("backfilled %d messages", total)
        return total

    async def _backfill_thread(self, thread_id: int) -> int:
        channel = self.bot.get_channel(thread_id) or await self.bot.fetch_channel(thread_id)
        if not isinstance(channel, discord.Thread):
            return 0
        cursor = await discussion_store.backfill_cursor(self.bot.db, thread_id)
        after = discord.Object(id=cursor) if cursor else None
        stored, last_seen = 0, None
        failures = self.writer.failed_groups
        # Through the same group writer as live capture: the next history page is fetched
        # while the previous group commits. Messages captured live since the last backfill
        # are read again (the message id is the key, so that is harmless).
        async for message in channel.history(limit=None, after=after, oldest_first=True):
            last_seen = message.id
            if not message.author.bot:
                self.writer.add(discussion_row(message))
                stored += 1
        await self.writer.flush()
        if last_seen is not None and self.writer.failed_groups == failures:
            await discussion_store.advance_cursor(self.bot.db, thread_id, last_seen)
        return stored


async def setup(bot: CohortBot) -> None:
    await bot.add_cog(DiscussionCog(bot))
