"""Structured critiques: the "Critique this example" button and /critique open a modal; the
critique is posted in the example's thread as an embed and stored; 👍 reactions count as votes.

The button is a DynamicItem whose custom_id carries the run and example
(`cohort:critique:<run>:<example>`), so it keeps working after a restart without the bot
remembering every message it posted.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import CohortBot
from bot.clock import to_ms
from bot.critiques import MAX_DOESNT, MAX_WORKS, validate_critique
from bot.errors import UserError
from bot.runs import Run, RunExample, RunStatus
from cogs._ui import NO_PINGS, CohortModal, CohortView, guarded
from storage import critiques as critiques_store
from storage import runs as runs_store
from storage.critiques import CritiqueRow

log = logging.getLogger(__name__)

VOTE_EMOJI = "👍"
LIKELY_WORDS = {"yes": "✅ yes", "no": "❌ no", "unsure": "🤔 unsure"}


class CritiqueButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"cohort:critique:(?P<run>\d+):(?P<example>\d+)",
):
    def __init__(self, run_id: int, example_no: int) -> None:
        super().__init__(discord.ui.Button(
            label="Critique this example", emoji="📝", style=discord.ButtonStyle.primary,
            custom_id=f"cohort:critique:{run_id}:{example_no}",
        ))
        self.run_id = run_id
        self.example_no = example_no

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> CritiqueButton:
        return cls(int(match["run"]), int(match["example"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, self._open(interaction))

    async def _open(self, interaction: discord.Interaction) -> None:
        cog = _cog(interaction)
        run, example = await cog.open_example(self.run_id, self.example_no)
        await interaction.response.send_modal(
            await cog.modal_for(interaction.user, run, example)
        )


def critique_view(run_id: int, example_no: int) -> discord.ui.View:
    view = CohortView(timeout=None)
    view.add_item(CritiqueButton(run_id, example_no))
    return view


class CritiqueModal(CohortModal):
    works: discord.ui.TextInput[CritiqueModal] = discord.ui.TextInput(
        custom_id="works",
        label="What works in this outreach?", style=discord.TextStyle.paragraph,
        max_length=MAX_WORKS, required=False,
    )
    doesnt: discord.ui.TextInput[CritiqueModal] = discord.ui.TextInput(
        custom_id="doesnt",
        label="What doesn't work?", style=discord.TextStyle.paragraph,
        max_length=MAX_DOESNT, required=False,
    )
    likely: discord.ui.TextInput[CritiqueModal] = discord.ui.TextInput(
        custom_id="likely",
        label="Likely to get a response? yes / no / unsure", max_length=6, min_length=2,
        placeholder="yes, no or unsure",
    )

    def __init__(self, cog: CritiquesCog, run: Run, example: RunExample,
                 existing: CritiqueRow | None) -> None:
        super().__init__(title=f"Critique: {example.title}"[:45],
                         custom_id=f"cohort:critique-modal:{run.id}:{example.example_no}")
        self.cog, self.run, self.example = cog, run, example
        if existing is not None:  # resubmitting edits: start from what they wrote
            self.works.default = existing.works
            self.doesnt.default = existing.doesnt
            self.likely.default = existing.likely.value

    async def on_submit(self, interaction: discord.Interaction) -> None:
        critique = validate_critique(self.works.value, self.doesnt.value, self.likely.value)
        await interaction.response.defer(ephemeral=True, thinking=True)
        created = await self.cog.publish(interaction.user, self.run, self.example, critique)
        verb = "Posted" if created else "Updated"
        await interaction.followup.send(
            f"{verb} your critique of **{self.example.title}** in <#{self.example.thread_id}>. "
            "Submitting again edits it.", ephemeral=True,
        )


def critique_embed(author: discord.abc.User, example_title: str, works: str, doesnt: str,
                   likely: str) -> discord.Embed:
    embed = discord.Embed(title=f"Critique of {example_title}"[:256], colour=0x57F287)
    embed.set_author(name=author.display_name, icon_url=author.display_avatar.url)
    embed.add_field(name="What works", value=works or "—", inline=False)
    embed.add_field(name="What doesn't", value=doesnt or "—", inline=False)
    embed.add_field(name="Likely to get a response?", value=LIKELY_WORDS[likely], inline=False)
    embed.set_footer(text=f"{VOTE_EMOJI} this critique if you agree")
    return embed


class CritiquesCog(commands.Cog):
    def __init__(self, bot: CohortBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(CritiqueButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(CritiqueButton)

    async def open_example(self, run_id: int, example_no: int) -> tuple[Run, RunExample]:
        run = await runs_store.get_run(self.bot.db, run_id)
        if run is None or run.status is RunStatus.POSTING:
            raise UserError("This lesson run no longer exists.")
        if run.status is RunStatus.CLOSED:
            raise UserError(f"Run #{run.id} is closed: critiques are no longer collected.")
        example = next((e for e in await runs_store.run_examples(self.bot.db, run.id)
                        if e.example_no == example_no), None)
        if example is None:
            raise UserError(f"Run #{run.id} has no example {example_no}.")
        return run, example

    async def modal_for(self, user: discord.abc.User, run: Run,
                        example: RunExample) -> CritiqueModal:
        existing = next((c for c in await critiques_store.critiques_for_run(self.bot.db, run.id)
                         if c.example_no == example.example_no and c.author_id == user.id), None)
        return CritiqueModal(self, run, example, existing)

    async def publish(self, user: discord.abc.User, run: Run, example: RunExample,
                      critique: Any) -> bool:
        """Store the critique, then post (or edit) its embed in the example's thread."""
        thread = await self._thread(example)
        saved = await critiques_store.save_critique(
            self.bot.db, run_id=run.id, example_no=example.example_no, author_id=user.id,
            author_name=user.display_name, works=critique.works, doesnt=critique.doesnt,
            likely=critique.likely, now_ms=to_ms(self.bot.clock.now()),
        )
        # No post yet means this is the critique's first appearance in the thread.
        created = saved.message_id is None
        embed = critique_embed(user, example.title, critique.works, critique.doesnt,
                               str(critique.likely))
        try:
            if thread.archived:
                # Discord refuses changes in an archived thread (a quiet one archives itself
                # after a week); `_thread` has already refused locked ones.
                await thread.edit(archived=False)
            if saved.message_id is not None:
                try:
                    await thread.get_partial_message(saved.message_id).edit(
                        embed=embed, allowed_mentions=NO_PINGS)
                    return created
                except discord.NotFound:
                    pass  # the old post was deleted: post it again
            message = await thread.send(embed=embed, allowed_mentions=NO_PINGS)
        except discord.NotFound:
            raise UserError(self._thread_gone(example, saved=True)) from None
        await critiques_store.set_critique_message(self.bot.db, saved.id, message.id)
        return created

    async def _thread(self, example: RunExample) -> discord.Thread:
        thread = self.bot.get_channel(example.thread_id or 0)
        if thread is None and example.thread_id:
            try:
                thread = await self.bot.fetch_channel(example.thread_id)
            except (discord.NotFound, discord.Forbidden):
                thread = None
        if not isinstance(thread, discord.Thread):
            raise UserError(self._thread_gone(example))
        if thread.locked:
            raise UserError(f"The thread of {example.title} is locked: this run is closed, so "
                            "critiques are no longer collected.")
        return thread

    @staticmethod
    def _thread_gone(example: RunExample, *, saved: bool = False) -> str:
        if saved:
            return (f"The thread of {example.title} was deleted, so I couldn't post your "
                    "critique there; it is saved and counts in the run's summary.")
        return (f"The thread of {example.title} was deleted, so your critique was not saved. "
                "Copy your text if you want to keep it, and ask a moderator to post the "
                "lesson again.")

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
        found = await runs_store.example_for_thread(self.bot.db, interaction.channel_id or 0)
        if found is not None and example is None and run is None:
            chosen_run, chosen = await self.open_example(found[0].id, found[1].example_no)
        else:
            if example is None:
                raise UserError("Which example? Give `example`, or run /critique inside an "
                                "example's thread.")
            latest = (await runs_store.get_run(self.bot.db, run) if run
                      else await runs_store.latest_run(self.bot.db, interaction.guild.id,
                                                 open_only=True))
            if latest is None or latest.guild_id != interaction.guild.id:
                raise UserError("There is no open lesson run here to critique.")
            chosen_run, chosen = await self.open_example(latest.id, example)
        await interaction.response.send_modal(
            await self.modal_for(interaction.user, chosen_run, chosen))

    # --- votes --------------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        await self._vote(payload, add=True)

    @commands.Cog.listener()
    async def on_raw_reaction_remove(self, payload: discord.RawReactionActionEvent) -> None:
        await self._vote(payload, add=False)

    async def _vote(self, payload: discord.RawReactionActionEvent, *, add: bool) -> None:
        if str(payload.emoji) != VOTE_EMOJI or payload.user_id == self.bot.user.id:  # type: ignore[union-attr]
            return
        critique = await critiques_store.critique_for_message(self.bot.db, payload.message_id)
        if critique is None or critique.author_id == payload.user_id:
            return  # not a critique, or its author liking their own
        if add:
            await critiques_store.add_vote(self.bot.db, critique.id, payload.user_id)
        else:
            await critiques_store.remove_vote(self.bot.db, critique.id, payload.user_id)


def _cog(interaction: discord.Interaction) -> CritiquesCog:
    cog = interaction.client.get_cog("CritiquesCog")  # type: ignore[attr-defined]
    if not isinstance(cog, CritiquesCog):
        raise UserError("Critiques are switched off right now.")
    return cog


async def setup(bot: CohortBot) -> None:
    await bot.add_cog(CritiquesCog(bot))


__all__ = ["CritiqueButton", "CritiquesCog", "critique_view"]
