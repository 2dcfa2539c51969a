"""The Discord side of /forget-me (`PrivacyPort`): deleting the bot's posts of a member's
critiques, in threads that a closed run has archived too."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import discord

log = logging.getLogger(__name__)

ARCHIVED_THREAD = 50083  # Discord: "Thread is archived"


class DiscordPosts:
    def __init__(self, client: discord.Client) -> None:
        self.client = client

    async def delete_posts(self, thread_id: int, message_ids: Sequence[int]) -> int:
        """A closed run's threads are archived (and locked), and Discord refuses any change to
        an archived thread's messages (50083): open it, delete, then close it again as it
        was."""
        # A partial messageable needs no cache: archived threads are not cached after a
        # restart.
        channel = self.client.get_partial_messageable(thread_id)
        reopened: discord.Thread | None = None
        removed = 0
        try:
            for message_id in message_ids:
                try:
                    await channel.get_partial_message(message_id).delete()
                except discord.NotFound:
                    pass  # already gone
                except discord.HTTPException as exc:
                    if exc.code != ARCHIVED_THREAD or reopened is not None:
                        raise
                    reopened = await self._reopen(thread_id)
                    if reopened is None:
                        raise
                    await channel.get_partial_message(message_id).delete()
                removed += 1
        except discord.HTTPException as exc:
            log.warning("could not delete critique posts in %s: %s", thread_id, exc)
        finally:
            if reopened is not None:
                await reopened.edit(archived=True, locked=reopened.locked)
        return removed

    async def _reopen(self, thread_id: int) -> discord.Thread | None:
        thread = await self.client.fetch_channel(thread_id)
        if not isinstance(thread, discord.Thread):
            return None
        return await thread.edit(archived=False)
