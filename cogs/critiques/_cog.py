"""/critique and the votes: a 👍 on a critique's post counts, its author's own does not."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import CohortBot
from bot.critiques import is_vote
from cogs._ui import forms_of
from cogs.critiques._views import CritiqueButton, CritiqueModal, open_form


class CritiquesCog(commands.Cog):
    def __init__(self, bot: CohortBot) -> None:
        self.bot = bot
        self.critiques = bot.services.critiques

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(CritiqueButton)
        forms_of(self.bot).add_kinds(CritiqueModal)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(CritiqueButton)
        forms_of(self.bot).remove_kinds(CritiqueModal)

    @app_commands.command(name="critique", description="Critique one of the lesson's examples")
    @app_commands.describe(example="Example number (inside an example's thread: that one)",
                           run="Run number (default: the latest open run)")
    @app_commands.guild_only()
    async def critique(
        self, interaction: discord.Interaction,
        example: app_commands.Range[int, 1, 10] | None = None,
        run: app_commands.Range[int, 1] | None = None,
    ) -> None:
        assert interaction.guild is not None
        chosen_run, chosen = await self.critiques.choose(
            interaction.guild.id, interaction.channel_id or 0, example, run)
        await open_form(interaction, chosen_run, chosen)

    @commands.Cog.listener()
    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        await self._vote(payload, add=True)

    @commands.Cog.listener()
    async def on_raw_reaction_remove(self, payload: discord.RawReactionActionEvent) -> None:
        await self._vote(payload, add=False)

    # A moderator's "remove all reactions" (or all 👍) on a critique's post takes its votes.
    @commands.Cog.listener()
    async def on_raw_reaction_clear(self, payload: discord.RawReactionClearEvent) -> None:
        await self.critiques.clear_votes(payload.message_id)

    @commands.Cog.listener()
    async def on_raw_reaction_clear_emoji(
        self, payload: discord.RawReactionClearEmojiEvent
    ) -> None:
        if is_vote(str(payload.emoji)):
            await self.critiques.clear_votes(payload.message_id, variant=True)

    # A moderator deleting the bot's post of a critique takes the critique down (an abusive
    # or spam one): the natural act, with Manage Messages they already have, and the one
    # the bot honours for thread messages too. Posted summaries are redone without it.
    @commands.Cog.listener()
    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        await self._taken_down([payload.message_id])

    @commands.Cog.listener()
    async def on_raw_bulk_message_delete(
        self, payload: discord.RawBulkMessageDeleteEvent
    ) -> None:
        await self._taken_down(sorted(payload.message_ids))

    async def _taken_down(self, message_ids: list[int]) -> None:
        runs = {run for m in message_ids
                if (run := await self.critiques.take_down(m)) is not None}
        if runs:
            await self.bot.services.runs.refresh_summaries(sorted(runs))

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        # After every (re)connect: the votes cast and taken back while the bot was away.
        await self.critiques.catch_up_votes()

    async def _vote(self, payload: discord.RawReactionActionEvent, *, add: bool) -> None:
        self.bot.services.gate.arrived(payload.user_id)  # before any await (gate.py)
        me = self.bot.user
        if not is_vote(str(payload.emoji)) or me is None or payload.user_id == me.id:
            return
        await self.critiques.vote(payload.message_id, payload.user_id, add=add)
