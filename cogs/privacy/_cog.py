"""/forget-me: what the bot holds about the member, a confirmation, then everything deleted."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import CohortBot
from bot.services.privacy import Forgetting, PrivacyService
from cogs._ui import CohortView, send_ephemeral

LABELS = {
    "outreaches": "logged outreaches",
    "followups": "follow-up reminders",
    "settings": "settings (your timezone)",
    "reviews": "review counts (for the hourly limit)",
    "critiques": "critiques",
    "votes": "votes",
    "discussion_messages": "captured thread messages",
}


def forgetting_text(done: Forgetting) -> str:
    text = (f"Done: deleted {done.records} record(s) about you"
            + (f" and {done.removed_posts} critique post(s)" if done.removed_posts else "")
            + ". I keep nothing else.")
    if done.kept_posts:
        text += (f" {done.kept_posts} critique post(s) in the lesson threads could not be "
                 "removed; a moderator can delete them.")
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
        held = [f"• {n} {LABELS[kind]}" for kind, n in records.counts() if n]
        if not held:
            await send_ephemeral(interaction, "I store nothing about you. Drafts you DM me are "
                                 "never written to disk unless you log them as sent.")
            return
        text = ("This deletes, for good:\n" + "\n".join(held) + "\nYour critiques' posts in "
                "the lesson threads are removed too. Drafts in memory are forgotten.")
        await send_ephemeral(interaction, text, view=ForgetView(self.privacy, interaction.user.id))
