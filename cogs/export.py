"""/export: moderators get a run's whole discussion as files, privately.

Parse, check the moderator, defer at once, call the export service, upload what it wrote:
the file, or its zip, or numbered parts of the zip that each fit the upload limit Discord
sent with the interaction.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import CohortBot
from bot.display import file_size, plural
from bot.errors import UserError
from bot.export.model import Format, Table
from bot.export.times import parse_bound
from bot.lessons import LessonCatalog
from bot.services.export import ExportFiles, ExportRequest, ExportService
from cogs._checks import is_moderator, require_moderator
from cogs._ui import NO_PINGS, choice_name

FORMATS = [
    app_commands.Choice(name="HTML page (readable offline, prints to PDF)", value="html"),
    app_commands.Choice(name="JSON (documented schema)", value="json"),
    app_commands.Choice(name="Markdown", value="markdown"),
    app_commands.Choice(name="CSV tables (spreadsheets)", value="csv"),
]
TABLES = [app_commands.Choice(name=f"{t.value} only", value=t.value) for t in Table]
FILES_PER_MESSAGE = 10  # Discord's limit on attachments in one message


class ExportCog(commands.Cog):
    def __init__(self, bot: CohortBot) -> None:
        self.bot = bot

    @property
    def service(self) -> ExportService:
        return self.bot.services.export

    async def run_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        if interaction.guild is None or not is_moderator(interaction.user, self.bot.config):
            return []
        typed = str(current).strip().lstrip("#").lower()
        zone = ZoneInfo(await self.bot.services.settings.zone_of(interaction.user.id))

        def wanted(run_id: int, label: str) -> bool:  # a number is a run's, not a date's
            return str(run_id).startswith(typed) if typed.isdigit() else typed in label.lower()

        return [
            app_commands.Choice(name=choice_name(label), value=run_id)
            for run_id, label in await self.service.run_choices(interaction.guild.id, zone)
            if wanted(run_id, label)
        ][:25]

    @app_commands.command(
        name="export", description="A lesson run's whole discussion as a file (moderators)",
        extras={"moderator": True})
    @app_commands.guild_only()
    @app_commands.describe(
        format="File format (default: HTML)", run="Which run (default: the latest)",
        example="Only this example", since="From this date, YYYY-MM-DD (cohort timezone)",
        until="Up to and including this date, YYYY-MM-DD",
        bot_messages="Put my posts of the critiques in the conversations too",
        table="CSV: only this table (default: every table, in a zip)")
    @app_commands.choices(format=FORMATS, table=TABLES)
    @app_commands.autocomplete(run=run_autocomplete)
    async def export(
        self, interaction: discord.Interaction,
        format: app_commands.Choice[str] | None = None,
        run: app_commands.Range[int, 1] | None = None,
        example: app_commands.Range[int, 1, 10] | None = None,
        since: app_commands.Range[str, 1, 40] | None = None,
        until: app_commands.Range[str, 1, 40] | None = None,
        bot_messages: bool = False,
        table: app_commands.Choice[str] | None = None,
    ) -> None:
        require_moderator(interaction, self.bot.config)
        await interaction.response.defer(ephemeral=True, thinking=True)
        guild = interaction.guild
        assert guild is not None  # guild_only, and require_moderator checked it
        fmt = Format(format.value) if format else Format.HTML
        if table is not None and fmt is not Format.CSV:
            raise UserError("`table` is for the CSV format; leave it out for the others.")
        tz = self.bot.config.cohort.tz
        since_ms = parse_bound(since, tz, end=False, name="since") if since else None
        until_ms = parse_bound(until, tz, end=True, name="until") if until else None
        me = guild.me
        request = ExportRequest(
            fmt, runs=(run,) if run else (), guild_id=guild.id, example=example,
            since_ms=since_ms, until_ms=until_ms, include_bot_messages=bot_messages,
            table=Table(table.value) if table else None,
            names={m.id: m.display_name for m in guild.members},
            roles={r.id: r.name for r in guild.roles},
            channels={c.id: c.name for c in (*guild.channels, *guild.threads)},
            bot_author=(me.id, me.display_name),
        )
        limit = interaction.filesize_limit
        with tempfile.TemporaryDirectory(prefix="cohortbot-export-") as folder:
            files = await self.service.export_files(request, limit=limit,
                                                       workdir=Path(folder))
            await self._send(interaction, files, limit)

    async def _send(self, interaction: discord.Interaction, files: ExportFiles,
                    limit: int) -> None:
        # A split export: one part per message, each being as big as the limit allows.
        paths = list(files.paths)
        first = paths[:1] if files.split else paths[:FILES_PER_MESSAGE]
        await interaction.followup.send(
            describe(files, limit, self.bot.services.lessons.catalog),
            files=[discord.File(p, filename=p.name) for p in first],
            ephemeral=True, allowed_mentions=NO_PINGS)
        for number, part in enumerate(paths[len(first):], start=len(first) + 1):
            await interaction.followup.send(
                f"Part {number} of {len(paths)}: `{part.name}`",
                file=discord.File(part, filename=part.name), ephemeral=True)


# Characters of a skipped lesson file's problem in the answer, which has a file list to fit in
# Discord's 2,000 too.
WHY_CHARS = 500


def describe(files: ExportFiles, limit: int, catalog: LessonCatalog) -> str:
    """What the moderator reads above the file(s)."""
    result = files.result
    runs = ", ".join(f"#{r}" for r in result.run_ids)
    if result.table is None:
        held = (f"{plural(result.messages, 'thread message')}, "
                f"{plural(result.critiques, 'critique')}, "
                f"{plural(result.participants, 'member')} taking part")
    else:  # a lone CSV table is not counted (counting would read every message again)
        held = f"the {result.table} table alone; `format:csv` gives all four with their counts"
    text = f"Export of run {runs}: {held}."
    if result.missing_lessons:
        keys = ", ".join(f"`{key}`" for key in result.missing_lessons)
        text += (f" The lesson {keys} is not loaded any more, so the prompt and the examples' "
                 "text are missing from it.")
        for key in result.missing_lessons:
            if (skipped := catalog.skipped(key)) is not None:  # its file is there, broken
                text += (f" Its file `{skipped.file.name}` was found but not loaded: "
                         f"{str(skipped)[:WHY_CHARS]} (`/lesson list` shows every file I "
                         "skipped).")
    if files.split:
        joined = files.paths[0].name.rsplit(".", 1)[0]
        return (
            f"{text} It is {file_size(files.size)}; zipped it is still more than the "
            f"{file_size(limit)} I may upload here, so it comes in {len(files.paths)} parts. "
            f"Download them all into one folder and join them, then unzip `{joined}`: "
            f"`cat {joined}.0* > {joined}` on macOS or Linux, `copy /b "
            + "+".join(p.name for p in files.paths) + f" {joined}` on Windows, or open "
            "the first part with 7-Zip."
        )
    if files.zipped_to_fit:
        return (f"{text} It is {file_size(files.size)}, more than the {file_size(limit)} I "
                "may upload here, so it comes zipped.")
    return text


async def setup(bot: CohortBot) -> None:
    await bot.add_cog(ExportCog(bot))
