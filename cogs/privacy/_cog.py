"""/forget-me: what the bot holds about the member, a confirmation, then everything deleted."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import CohortBot
from bot.display import plural
from bot.services.privacy import Forgetting, PrivacyService
from cogs._ui import CohortView, send_ephemeral

# What each kind of record is called: one of them, several of them.
LABELS = {
    "outreaches": ("logged outreach", "logged outreaches"),
    "followups": ("follow-up reminder", "follow-up reminders"),
    "reviews": ("recent review (counted for the hourly limit)",
                "recent reviews (counted for the hourly limit)"),
    "critiques": ("critique", "critiques"),
    "votes": ("vote", "votes"),
    "discussion_messages": ("captured thread message", "captured thread messages"),
}


def held(kind: str, count: int) -> str:
    one, many = LABELS[kind]
    return plural(count, one, many)


def forgetting_text(done: Forgetting) -> str:
    text = (f"Done: deleted {plural(done.records, 'record')} about you"
            + (f" and {plural(done.removed_posts, 'critique post')}" if done.removed_posts
               else "")
            + ". I keep nothing else.")
    if done.kept_posts:
        text += (f" {plural(done.kept_posts, 'critique post')} in the lesson threads could not "
                 "be removed; a moderator can delete them.")
    return text


class ForgetView(CohortView):
    def __init__(self, privacy: PrivacyService, user_id: int) -> None:
        super().__init__(timeout=300)
        self.privacy, self.user_id = privacy, user_id

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return interaction.user.id == self.user_id

    @discord.ui.button(label="Delete everything", style=discord.ButtonStyle.danger, emoji="🗑️")
    async def confirm(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        await interaction.response.edit_message(content="Deleting…", view=None)
        done = await self.privacy.forget(self.user_id)
        await interaction.edit_original_response(content=forgetting_text(done))
        self.stop()

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        await interaction.response.edit_message(content="Cancelled: nothing was deleted.",
                                                view=None)
        self.stop()


class PrivacyCog(commands.Cog):
    def __init__(self, bot: CohortBot) -> None:
        self.bot = bot
        self.privacy = bot.services.privacy

    @app_commands.command(name="forget-me",
                          description="Delete everything this bot stores about you")
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
    async def forget_me(self, interaction: discord.Interaction) -> None:
        records = await self.privacy.stored(interaction.user.id)
        lines = [f"• {held(kind, n)}" for kind, n in records.counts() if n]
        if not lines:
            await send_ephemeral(interaction, "I store nothing about you. Drafts you DM me are "
                                 "never written to disk unless you log them as sent.")
            return
        text = ("This deletes, for good:\n" + "\n".join(lines) + "\nYour critiques' posts in "
                "the lesson threads are removed too. Drafts in memory are forgotten.")
        await send_ephemeral(interaction, text, view=ForgetView(self.privacy, interaction.user.id))
