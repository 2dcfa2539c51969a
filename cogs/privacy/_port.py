"""The Discord side of /forget-me (`PrivacyPort`): deleting the bot's posts of a member's
critiques, in threads that a closed run has archived too, and its replies in their DMs."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence

import discord

from cogs._threads import ArchivedThreads

log = logging.getLogger(__name__)

# How far back the bot looks in a member's DMs for its own replies (reviews quote drafts).
MAX_DM_HISTORY = 1000


class DiscordPosts:
    def __init__(self, client: discord.Client) -> None:
        self.client = client

    async def delete_posts(self, thread_id: int, message_ids: Sequence[int]) -> int:
        """A closed run's threads are archived (and locked), and Discord refuses any change to
        an archived thread's messages: `ArchivedThreads` opens it, and closes it again."""
        # A partial messageable needs no cache: archived threads are not cached after a
        # restart.
        channel = self.client.get_partial_messageable(thread_id)
        removed = 0
        try:
            async with ArchivedThreads(self.client) as threads:
                for message_id in message_ids:
                    with contextlib.suppress(discord.NotFound):  # already gone
                        await threads.change(thread_id,
                                             channel.get_partial_message(message_id).delete)
                    removed += 1
        except discord.HTTPException as exc:
            log.warning("could not delete critique posts in %s: %s", thread_id, exc)
        return removed

    async def delete_dm_replies(self, user_id: int) -> int:
        me = self.client.user
        removed = 0
        try:
            dm = await self.client.create_dm(discord.Object(id=user_id))
            async for message in dm.history(limit=MAX_DM_HISTORY):
                if me is not None and message.author.id == me.id:
                    with contextlib.suppress(discord.NotFound):
                        await message.delete()
                    removed += 1
        except discord.HTTPException as exc:
            log.warning("could not delete the bot's DM replies: %s", exc)
        return removed
