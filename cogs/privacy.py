"""/forget-me: a member deletes everything the bot stores about them, after confirming."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import CohortBot
from cogs._ui import CohortView, send_ephemeral
from storage import privacy as privacy_store

log = logging.getLogger(__name__)

ARCHIVED_THREAD = 50083  # Discord: "Thread is archived"

LABELS = {
    "outreaches": "logged outreaches",
    "followups": "follow-up reminders",
    "reviews": "review counts (for the hourly limit)",
    "critiques": "critiques",
    "votes": "votes",
    "discussion_messages": "captured thread messages",
}


class ForgetView(CohortView):
    def __init__(self, cog: PrivacyCog, user_id: int) -> None:
        super().__init__(timeout=300)
        self.cog, self.user_id = cog, user_id

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return interaction.user.id == self.user_id

    @discord.ui.button(label="Delete everything", style=discord.ButtonStyle.danger, emoji="🗑️")
    async def confirm(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        await interaction.response.edit_message(content="Deleting…", view=None)
        summary = await self.cog.forget(self.user_id)
        await interaction.edit_original_response(content=summary)
        self.stop()

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        await interaction.response.edit_message(content="Cancelled: nothing was deleted.",
                                                view=None)
        self.stop()


class PrivacyCog(commands.Cog):
    def __init__(self, bot: CohortBot) -> None:
        self.bot = bot

    @app_commands.command(name="forget-me",
                          description="Delete everything this bot stores about you")
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
    async def forget_me(self, interaction: discord.Interaction) -> None:
        counts = await privacy_store.stored_counts(self.bot.db, interaction.user.id)
        held = [f"• {n} {LABELS[k]}" for k, n in counts.items() if n]
        if not held:
            await send_ephemeral(interaction, "I store nothing about you. Drafts you DM me are "
                                 "never written to disk unless you log them as sent.")
            return
        text = ("This deletes, for good:\n" + "\n".join(held) + "\nYour critiques' posts in "
                "the lesson threads are removed too. Drafts in memory are forgotten.")
        await send_ephemeral(interaction, text, view=ForgetView(self, interaction.user.id))

    async def forget(self, user_id: int) -> str:
        capture = self.bot.get_cog("DiscussionCog")
        if capture is not None:
            await capture.writer.flush()  # type: ignore[attr-defined]  # queued rows go first
        gone = await privacy_store.forget_member(self.bot.db, user_id)
        review = self.bot.get_cog("ReviewCog")
        if review is not None:
            review.drafts.forget_user(user_id)  # type: ignore[attr-defined]
        removed_posts, kept_posts = 0, 0
        by_thread: dict[int, list[int]] = {}
        for thread_id, message_id in gone.critique_posts:
            by_thread.setdefault(thread_id, []).append(message_id)
        for thread_id, message_ids in by_thread.items():
            removed = await self._delete_posts(thread_id, message_ids)
            removed_posts += removed
            kept_posts += len(message_ids) - removed
        log.info("forgot member %s: %d rows", user_id, gone.total)
        text = (f"Done: deleted {gone.total} record(s) about you"
                + (f" and {removed_posts} critique post(s)" if removed_posts else "")
                + ". I keep nothing else.")
        if kept_posts:
            text += (f" {kept_posts} critique post(s) in the lesson threads could not be "
                     "removed; a moderator can delete them.")
        return text


    async def _delete_posts(self, thread_id: int, message_ids: list[int]) -> int:
        """Delete the bot's posts of a member's critiques in one thread; returns how many.

        A closed run's threads are archived (and locked), and Discord refuses any change to an
        archived thread's messages (50083): open it, delete, then close it again as it was.
        """
        # A partial messageable needs no cache: archived threads are not cached after a
        # restart.
        channel = self.bot.get_partial_messageable(thread_id)
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
        thread = await self.bot.fetch_channel(thread_id)
        if not isinstance(thread, discord.Thread):
            return None
        return await thread.edit(archived=False)


async def setup(bot: CohortBot) -> None:
    await bot.add_cog(PrivacyCog(bot))
