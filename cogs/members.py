"""/forget-me: a member deletes everything the bot stores about them, after confirming."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import CohortBot
from cogs._ui import CohortView, send_ephemeral
from storage import members

log = logging.getLogger(__name__)

LABELS = {
    "outreaches": "logged outreaches",
    "followups": "follow-up reminders",
    "reviews": "review counts (for the hourly limit)",
    "critiques": "critiques",
    "votes": "votes",
    "discussion_messages": "captured thread messages",
}


class ForgetView(CohortView):
    def __init__(self, cog: MembersCog, user_id: int) -> None:
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


class MembersCog(commands.Cog):
    def __init__(self, bot: CohortBot) -> None:
        self.bot = bot

    @app_commands.command(name="forget-me",
                          description="Delete everything this bot stores about you")
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
    async def forget_me(self, interaction: discord.Interaction) -> None:
        counts = await members.stored_counts(self.bot.db, interaction.user.id)
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
        gone = await members.forget_member(self.bot.db, user_id)
        review = self.bot.get_cog("ReviewCog")
        if review is not None:
            review.drafts.forget_user(user_id)  # type: ignore[attr-defined]
        removed_posts, kept_posts = 0, 0
        for thread_id, message_id in gone.critique_posts:
            # A partial messageable needs no cache: threads of closed runs are archived and
            # not cached after a restart.
            post = self.bot.get_partial_messageable(thread_id).get_partial_message(message_id)
            try:
                await post.delete()
                removed_posts += 1
            except discord.NotFound:
                pass  # already gone
            except discord.HTTPException as exc:
                kept_posts += 1
                log.warning("could not delete critique post %s: %s", message_id, exc)
        log.info("forgot member %s: %d rows", user_id, gone.total)
        text = (f"Done: deleted {gone.total} record(s) about you"
                + (f" and {removed_posts} critique post(s)" if removed_posts else "")
                + ". I keep nothing else.")
        if kept_posts:
            text += (f" {kept_posts} critique post(s) in the lesson threads could not be "
                     "removed; a moderator can delete them.")
        return text


async def setup(bot: CohortBot) -> None:
    await bot.add_cog(MembersCog(bot))
