"""/lesson: post a lesson's evaluation prompt and examples, summarize, close, edit examples.

Each command parses, checks the moderator, defers, calls the runs (or lessons) service and
renders what it returns; what a posting, a summary or a close does is in
bot/services/runs.py.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace

import discord
from discord import app_commands
from discord.ext import commands

from bot import limits
from bot.client import CohortBot
from bot.clock import to_ms
from bot.display import clip, fit_list, plural
from bot.errors import UserError
from bot.lessons import RECAP_TITLE, check_declared
from bot.runs import PendingAnswer
from bot.services.lessons import ExampleImage
from cogs._answer import answer
from cogs._checks import is_moderator, require_moderator
from cogs._embeds import Embed
from cogs._ui import choice_name, download, send_ephemeral
from cogs.runs._port import POSTABLE
from cogs.runs._render import summary_message

PROBLEM_CHARS = 400  # of one skipped file's problem in /lesson list
SKIPPED = "\n\n**Files I skipped:**\n"


def more_lessons(count: int) -> str:
    return f"… and {count:,} more: type in a command's `lesson` option to find one."


def more_skipped(count: int) -> str:
    return (f"… and {count:,} more skipped: `cohortbot check-config` and my log at start-up "
            "name every one.")


def more_runs(count: int) -> str:
    return f"⚠️ … and {count:,} more open runs: `/lesson close run:N` closes each."


class RunsCog(commands.Cog):
    lesson = app_commands.Group(
        name="lesson", description="The lesson's evaluation prompt and critique threads",
        guild_only=True,
    )

    def __init__(self, bot: CohortBot) -> None:
        self.bot = bot
        self.runs = bot.services.runs
        self.lessons = bot.services.lessons
        self._resume: asyncio.Task[None] | None = None

    async def cog_load(self) -> None:
        # After READY, not here: setup_hook runs before the gateway connects, and a missed
        # scheduled occurrence can only be posted once the channel cache is filled.
        self._resume = asyncio.create_task(self._resume_after_ready(), name="cohortbot:start-up")

    async def cog_unload(self) -> None:
        if self._resume is not None:
            self._resume.cancel()

    async def _resume_after_ready(self) -> None:
        await self.bot.wait_until_ready()
        await self.runs.resume()

    async def lesson_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        typed = current.lower()
        catalog = self.lessons.catalog
        loaded = [app_commands.Choice(name=choice_name(lesson.title), value=lesson.key)
                  for lesson in catalog.lessons
                  if typed in lesson.key or typed in lesson.title.lower()]
        # A file that failed to load is offered too, marked: picking it says why.
        skipped = [app_commands.Choice(
                       name=choice_name(f"⚠ {key} — its file {problem.file.name} did not load"),
                       value=key)
                   for key, problem in catalog.unloaded() if typed in key]
        return (loaded + skipped)[:25]

    # --- posting ----------------------------------------------------------------------------

    @lesson.command(name="post", description="Post the evaluation prompt and its examples",
                    extras={"moderator": True})
    @app_commands.describe(lesson="Which lesson (default: the config's)",
                           channel="Where to post (default: the config's lesson channel)")
    @app_commands.autocomplete(lesson=lesson_autocomplete)
    async def post(
        self,
        interaction: discord.Interaction,
        lesson: str | None = None,
        channel: discord.TextChannel | discord.ForumChannel | None = None,
    ) -> None:
        member = require_moderator(interaction, self.bot.config)
        chosen = self.lessons.get(lesson)
        assert interaction.guild is not None  # guild_only group
        target = channel or self._configured_channel(interaction.guild)
        # Kept with the run until answered: a restart mid-posting still answers it (in
        # place once deferred; by DM if the bot died before it deferred).
        waiting = PendingAnswer(interaction.application_id, interaction.token, member.id,
                                to_ms(interaction.created_at))

        async def defer() -> None:
            await interaction.response.defer(ephemeral=True, thinking=True)

        run_id = await self.runs.post(chosen, target.id, posted_by=member.id, answer=waiting,
                                      recorded=defer)
        run = await self.runs.resolve(interaction.guild.id, run_id)
        others = await self.runs.also_open(interaction.guild.id, run_id)
        posted = self.runs.posted_text(run, len(chosen.examples))
        warnings = [f"⚠️ Run #{r.id} is still open in <#{r.channel_id}> and its buttons "
                    f"still take critiques: `/lesson close run:{r.id}` closes it "
                    "(`/lesson close` alone closes the newest open run)." for r in others]
        await answer(interaction, "\n".join(
            [posted, fit_list(warnings, limits.CONTENT - len(posted) - 1, more=more_runs)]
            if warnings else [posted]))
        await self.runs.answered(run_id)

    def _configured_channel(self, guild: discord.Guild) -> POSTABLE:
        channel_id = self.bot.config.discord.lesson_channel_id
        if not channel_id:
            raise UserError("No channel given and no `lesson_channel_id` in the config: "
                            "pick a channel in the command.")
        channel = guild.get_channel(channel_id)
        if not isinstance(channel, POSTABLE):
            raise UserError(f"The configured lesson channel (id {channel_id}) is gone or is "
                            "not a text or forum channel; pick a channel in the command.")
        return channel

    # --- summary and closing ----------------------------------------------------------------

    @lesson.command(name="summary", description="Critiques per example, the tally and top votes")
    @app_commands.describe(run="Run number (default: the latest)",
                           share="Moderators: post it in this channel for everyone")
    async def summary(
        self, interaction: discord.Interaction, run: app_commands.Range[int, 1] | None = None,
        share: bool = False,
    ) -> None:
        assert interaction.guild is not None
        moderator = is_moderator(interaction.user, self.bot.config)
        if share and not moderator:
            raise UserError("Only moderators can post the summary for everyone; "
                            "leave `share` off to see it yourself.")
        await interaction.response.defer(ephemeral=not share, thinking=True)
        report = await self.runs.report(await self.runs.resolve(interaction.guild.id, run))
        if not share:
            embed, chart = summary_message(report, final=False, show_missing=moderator)
            await answer(interaction, embed=embed, files=[chart])
            return
        # It quotes critiques for everyone to read: written down before it is posted, so
        # /forget-me always finds it to redo it (a failed write posts nothing).
        post = await self.runs.reserve_shared(report.run.id, interaction.channel_id or 0)
        embed, chart = summary_message(report, final=False, show_missing=False,
                                       post_id=post.id)
        try:
            sent = await answer(interaction, embed=embed, files=[chart], ephemeral=False)
        except BaseException as exc:
            # Refused (a 4xx): nothing was posted. Anything else may have posted it: its row
            # stays, and /forget-me looks for its mark.
            refused = (isinstance(exc, discord.HTTPException)
                       and not isinstance(exc, discord.DiscordServerError))
            await self.runs.unshared(post, posted=not refused)
            raise
        await self.runs.shared(replace(post, channel_id=sent.channel.id, message_id=sent.id),
                               sent.delete)

    @lesson.command(name="close", description="Lock the run's threads and post the final summary",
                    extras={"moderator": True})
    @app_commands.describe(run="Run number (default: the latest open run; a closed one: lock "
                               "the threads it left open)")
    async def close(
        self, interaction: discord.Interaction, run: app_commands.Range[int, 1] | None = None
    ) -> None:
        require_moderator(interaction, self.bot.config)
        assert interaction.guild is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        closed = await self.runs.close(interaction.guild.id, run)
        done = closed.locked.describe(closed.run.id)
        if closed.already:
            head = f"Run #{closed.run.id} was already closed; now {done}."
        else:
            head = (f"Closed run #{closed.run.id}{': ' if closed.locked.complete else ', '}"
                    f"{done}.")
            if closed.final:
                head += f" Final summary posted in <#{closed.final.channel_id}>."
        await answer(interaction, head + "".join(
            f"\n• {n}" for n in (*closed.notes, *closed.locked.notes)))

    # --- lesson content -----------------------------------------------------------------------

    @lesson.command(name="recap", description="The lesson's rules, in short")
    @app_commands.autocomplete(lesson=lesson_autocomplete)
    async def recap(self, interaction: discord.Interaction, lesson: str | None = None) -> None:
        chosen = self.lessons.get(lesson, moderator=is_moderator(interaction.user,
                                                                self.bot.config))
        embed = Embed(title=RECAP_TITLE.format(title=chosen.title), description=chosen.recap)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @lesson.command(name="list", description="The lessons I know, and files I could not load")
    async def list_lessons(self, interaction: discord.Interaction) -> None:
        catalog = self.lessons.catalog
        skipped = [f"• {clip(str(problem), PROBLEM_CHARS)}" for problem in catalog.problems
                   if is_moderator(interaction.user, self.bot.config)]
        # The skipped files keep room for a few of theirs below however many lessons load.
        room = limits.CONTENT - (min(len(SKIPPED) + len("\n".join(skipped)), limits.CONTENT // 2)
                                if skipped else 0)
        text = fit_list([f"• `{les.key}` — {les.title} "
                         f"({plural(len(les.examples), 'example')})"
                         for les in catalog.lessons], room, more=more_lessons
                        ) or "No lessons loaded."
        if skipped:
            text += SKIPPED + fit_list(skipped, limits.CONTENT - len(text) - len(SKIPPED),
                                       more=more_skipped)
        await send_ephemeral(interaction, text)

    @lesson.command(name="example", description="Replace an example's text or image",
                    extras={"moderator": True})
    @app_commands.describe(number="Example number", text="New text of the outreach note",
                           image="A screenshot of the outreach (PNG, JPEG, GIF, WebP)",
                           lesson="Which lesson (default: the config's)")
    @app_commands.autocomplete(lesson=lesson_autocomplete)
    async def example(
        self, interaction: discord.Interaction, number: app_commands.Range[int, 1, 10],
        text: app_commands.Range[str, 1, 4000] | None = None,
        image: discord.Attachment | None = None, lesson: str | None = None,
    ) -> None:
        require_moderator(interaction, self.bot.config)
        assert interaction.guild is not None  # guild_only group
        chosen = self.lessons.get(lesson)
        self.lessons.check_edit(chosen, number, text=text, has_image=image is not None)
        await interaction.response.defer(ephemeral=True, thinking=True)
        upload = None
        if image is not None:
            check_declared(image.content_type, image.filename, image.size)
            upload = ExampleImage(image.filename, await download(image))
        edited = await self.lessons.replace_example(chosen.key, number, text=text, image=upload)
        text_of = await self.runs.edited_text(interaction.guild.id, self.lessons.get(chosen.key),
                                              number)
        if edited:
            text_of += ("\nIts file had been edited since I loaded it: I made the change in "
                        "the file as it is now, kept those edits and loaded them too.")
        await answer(interaction, text_of)
