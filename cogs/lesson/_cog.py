"""/lesson: post a lesson's evaluation prompt and examples, summarize, close, edit examples.

Flow of a posting: check the moderator and the channel, create the run ('posting'), post the
prompt and one message + thread per example (one forum post per example in a forum channel),
then record it all at once ('open'). If Discord refuses half-way, what was posted is removed
and the run is discarded, so nothing half-done stays in the database.
"""

from __future__ import annotations

import asyncio
import io
import logging
import mimetypes
from datetime import datetime, timedelta
from pathlib import Path

import discord
from discord import app_commands
from discord.ext import commands

from bot.charts import tally_chart_png
from bot.client import CohortBot
from bot.clock import to_ms
from bot.errors import UserError
from bot.export.verdicts import summary_comparisons
from bot.lesson import Lesson, LessonCatalog, load_lessons, replace_example, save_lesson
from bot.scheduler import next_cron_time
from cogs._checks import is_moderator, missing_permissions, require_moderator
from cogs._ui import NO_PINGS, send_ephemeral
from cogs.lesson._posting import POSTABLE, post_messages, undo
from cogs.lesson._render import summary_embed
from cogs.lesson._summary import run_summary
from storage import lesson_runs as runs
from storage.lesson_runs import RunRow

log = logging.getLogger(__name__)

# A scheduled post missed while the bot was down is still made if the bot is back within this.
MISSED_POST_GRACE = timedelta(hours=1)
MAX_IMAGE_BYTES = 8 * 1024 * 1024
IMAGE_TYPES = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif",
               "image/webp": ".webp"}


class LessonCog(commands.Cog):
    lesson = app_commands.Group(
        name="lesson", description="The lesson's evaluation prompt and critique threads",
        guild_only=True,
    )

    def __init__(self, bot: CohortBot) -> None:
        self.bot = bot
        self.catalog = LessonCatalog(())
        self._edit_lock = asyncio.Lock()
        self._close_lock = asyncio.Lock()
        self._schedule_start: asyncio.Task[None] | None = None

    async def cog_load(self) -> None:
        self.reload_lessons()
        # After READY, not here: setup_hook runs before the gateway connects, and a missed
        # scheduled occurrence can only be posted once the channel cache is filled.
        self._schedule_start = asyncio.create_task(
            self._clean_up_unfinished(), name="cohortbot:start-up"
        )

    async def cog_unload(self) -> None:
        if self._schedule_start is not None:
            self._schedule_start.cancel()

    def reload_lessons(self) -> LessonCatalog:
        self.catalog = load_lessons(self.bot.config.lesson.directory)
        for problem in self.catalog.problems:
            log.warning("lesson file skipped: %s", problem)
        return self.catalog

    def get_lesson(self, key: str | None) -> Lesson:
        key = key or self.bot.config.lesson.default
        lesson = self.catalog.get(key)
        if lesson is None:
            known = ", ".join(self.catalog.keys()) or "none loaded"
            raise UserError(f"There is no lesson `{key}`. Lessons: {known}.")
        return lesson

    async def lesson_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [
            app_commands.Choice(name=lesson.title[:100], value=lesson.key)
            for lesson in self.catalog.lessons
            if current.lower() in lesson.key or current.lower() in lesson.title.lower()
        ][:25]

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
        chosen = self.get_lesson(lesson)
        assert interaction.guild is not None  # guild_only group
        target = channel or self._configured_channel(interaction.guild)
        await interaction.response.defer(ephemeral=True, thinking=True)
        run_id = await self.post_run(chosen, target, posted_by=member.id)
        await interaction.followup.send(
            f"Posted run #{run_id} of **{chosen.title}** in {target.mention}: "
            f"{len(chosen.examples)} examples, each with its critique thread.",
            ephemeral=True,
        )

    def _configured_channel(self, guild: discord.Guild) -> POSTABLE:
        channel_id = self.bot.config.discord.lesson_channel_id
        if not channel_id:
            raise UserError("No channel given and no `lesson_channel_id` in the config: "
                            "pick a channel in the command.")
        channel = guild.get_channel(channel_id)
        if not isinstance(channel, discord.TextChannel | discord.ForumChannel):
            raise UserError(f"The configured lesson channel (id {channel_id}) is gone or is "
                            "not a text or forum channel; pick a channel in the command.")
        return channel

    async def post_run(
        self, lesson: Lesson, channel: POSTABLE, *, posted_by: int | None,
        occurrence: str | None = None,
    ) -> int:
        missing = missing_permissions(channel, channel.guild.me)
        if missing:
            raise UserError(f"I can't post in {channel.mention}: I'm missing "
                            f"{', '.join(missing)}.")
        run_id = await runs.create_run(
            self.bot.db, guild_id=channel.guild.id, channel_id=channel.id,
            lesson_key=lesson.key, posted_by=posted_by, now_ms=to_ms(self.bot.clock.now()),
            occurrence=occurrence,
        )
        if run_id is None:
            raise UserError("That scheduled posting was already made.")
        async def created(part: discord.Message | discord.Thread) -> None:
            # Written down at once: if the bot dies mid-posting, start-up removes it.
            is_thread = isinstance(part, discord.Thread)
            channel_id = (part.parent_id if isinstance(part, discord.Thread)
                          else part.channel.id) or channel.id
            await runs.record_part(self.bot.db, run_id, channel_id, part.id,
                                   is_thread=is_thread)

        try:
            prompt_id, examples = await post_messages(lesson, channel, run_id, created)
        except discord.HTTPException as exc:
            await self._discard(run_id)
            raise UserError(f"Discord refused part of the posting ({exc.text or exc.status}); "
                            "I removed what I had posted. Check my permissions and retry.") from exc
        except Exception:
            await self._discard(run_id)
            raise
        await runs.record_posting(self.bot.db, run_id, prompt_id, examples)
        await self._discussion_changed()
        return run_id

    async def _discard(self, run_id: int) -> None:
        """Take an unfinished posting off Discord, then out of the database."""
        await undo(self.bot, await runs.posting_parts(self.bot.db, run_id))
        await runs.discard_run(self.bot.db, run_id)

    async def _clean_up_unfinished(self) -> None:
        """Postings cut short by a crash or a shutdown: their messages go, then their rows,
        so their scheduled occurrence can be posted properly. Runs after READY (it needs the
        HTTP session, not the cache)."""
        await self.bot.wait_until_ready()
        for run in await runs.stale_postings(self.bot.db):
            log.warning("removing run #%d, whose posting did not finish", run.id)
            await self._discard(run.id)
        if self.bot.config.lesson.post_schedule:
            await self._schedule_next_post(startup=True)

    async def _discussion_changed(self) -> None:
        """Tell capture which threads belong to open runs now."""
        cog = self.bot.get_cog("DiscussionCog")
        if cog is not None:
            await cog.refresh_threads()  # type: ignore[attr-defined]

    # --- scheduled posting ------------------------------------------------------------------

    async def _schedule_next_post(self, *, startup: bool = False) -> None:
        cron = self.bot.config.lesson.post_schedule
        assert cron is not None
        tz = self.bot.config.cohort.tz
        now = self.bot.clock.now()
        if startup:
            # Back within the grace after a scheduled minute we missed? Post it now (the
            # occurrence key makes a second post of it impossible).
            missed = next_cron_time(cron, tz, now - MISSED_POST_GRACE)
            if missed <= now:
                await self.post_scheduled(missed)
        due = next_cron_time(cron, tz, now)
        self.bot.scheduler.at(f"lesson-post:{due.isoformat()}", due, self.post_scheduled, due)

    async def post_scheduled(self, occurrence: datetime) -> None:
        lesson = self.catalog.get(self.bot.config.lesson.default)
        channel = self.bot.get_channel(self.bot.config.discord.lesson_channel_id or 0)
        key = f"{self.bot.config.lesson.default}@{occurrence.isoformat(timespec='minutes')}"
        try:
            if lesson is None:
                log.error("scheduled posting: lesson %s is not loaded",
                          self.bot.config.lesson.default)
            elif not isinstance(channel, discord.TextChannel | discord.ForumChannel):
                log.error("scheduled posting: lesson channel %s not found",
                          self.bot.config.discord.lesson_channel_id)
            else:
                run_id = await self.post_run(lesson, channel, posted_by=None, occurrence=key)
                log.info("scheduled posting %s made run #%d", key, run_id)
        except UserError as exc:
            log.info("scheduled posting %s skipped: %s", key, exc.message)
        finally:
            if self.bot.clock.now() >= occurrence:
                await self._schedule_next_post()

    # --- summary and closing ----------------------------------------------------------------

    async def resolve_run(
        self, guild_id: int, run_id: int | None, *, open_only: bool = False
    ) -> RunRow:
        if run_id is None:
            run = await runs.latest_run(self.bot.db, guild_id, open_only=open_only)
            if run is None and open_only:
                raise UserError("There is no open lesson run here to close.")
            if run is None:
                raise UserError("No lesson has been posted here yet: a moderator can start one "
                                "with `/lesson post`.")
            return run
        run = await runs.get_run(self.bot.db, run_id)
        if run is None or run.guild_id != guild_id or run.status == "posting":
            raise UserError(f"There is no run #{run_id} in this server.")
        return run

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
        chosen = await self.resolve_run(interaction.guild.id, run)
        summary, names = await run_summary(self.bot, interaction.guild, chosen)
        embed = summary_embed(f"Run #{chosen.id} — summary", summary, names,
                              show_missing=moderator and not share, comparisons=(
                                  summary_comparisons(self.catalog.get(chosen.lesson_key),
                                                      summary)))
        chart = discord.File(io.BytesIO(tally_chart_png(summary)), filename="tally.png")
        await interaction.followup.send(embed=embed, file=chart, ephemeral=not share,
                                        allowed_mentions=NO_PINGS)

    @lesson.command(name="close", description="Lock the run's threads and post the final summary",
                    extras={"moderator": True})
    @app_commands.describe(run="Run number (default: the latest open run)")
    async def close(
        self, interaction: discord.Interaction, run: app_commands.Range[int, 1] | None = None
    ) -> None:
        require_moderator(interaction, self.bot.config)
        assert interaction.guild is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        # One close at a time, and the status read again inside: two moderators closing at
        # once must not post two final summaries.
        async with self._close_lock:
            chosen = await self.resolve_run(interaction.guild.id, run, open_only=True)
            if chosen.status != "open":
                raise UserError(f"Run #{chosen.id} is already closed.")
            notes = await self.close_run(interaction.guild, chosen)
        await interaction.followup.send(
            f"Closed run #{chosen.id}: threads locked and archived, final summary posted."
            + ("".join(f"\n• {n}" for n in notes)), ephemeral=True,
        )

    async def close_run(self, guild: discord.Guild, run: RunRow) -> list[str]:
        notes: list[str] = []
        summary, names = await run_summary(self.bot, guild, run)
        channel = guild.get_channel(run.channel_id)
        if isinstance(channel, discord.TextChannel):
            embed = summary_embed(f"Run #{run.id} — final summary", summary, names,
                                  show_missing=False)
            chart = discord.File(io.BytesIO(tally_chart_png(summary)), filename="tally.png")
            await channel.send(embed=embed, file=chart, allowed_mentions=NO_PINGS)
        else:
            notes.append("The run's channel is gone or is a forum; the summary was not posted "
                         "there (use `/lesson summary share:true`).")
        for example in await runs.run_examples(self.bot.db, run.id):
            if example.thread_id is None:
                continue
            thread = guild.get_thread(example.thread_id)
            try:
                if thread is None:
                    fetched = await self.bot.fetch_channel(example.thread_id)
                    thread = fetched if isinstance(fetched, discord.Thread) else None
                if thread is not None:
                    if thread.archived:  # an archived thread takes only "unarchive"
                        thread = await thread.edit(archived=False)
                    await thread.edit(locked=True, archived=True)
            except discord.NotFound:
                thread = None
            except discord.Forbidden:
                notes.append(f"I may not lock the thread of {example.title} (Manage Threads "
                             "is missing); it stays open for posts.")
                continue
            if thread is None:
                notes.append(f"The thread of {example.title} was deleted; nothing to lock.")
        await runs.close_run(self.bot.db, run.id, to_ms(self.bot.clock.now()))
        await self._discussion_changed()
        return notes

    # --- lesson content -----------------------------------------------------------------------

    @lesson.command(name="recap", description="The lesson's rules, in short")
    @app_commands.autocomplete(lesson=lesson_autocomplete)
    async def recap(self, interaction: discord.Interaction, lesson: str | None = None) -> None:
        chosen = self.get_lesson(lesson)
        embed = discord.Embed(title=f"{chosen.title} — the rules", description=chosen.recap)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @lesson.command(name="list", description="The lessons I know, and files I could not load")
    async def list_lessons(self, interaction: discord.Interaction) -> None:
        lines = [f"• `{les.key}` — {les.title} ({len(les.examples)} examples)"
                 for les in self.catalog.lessons] or ["No lessons loaded."]
        if is_moderator(interaction.user, self.bot.config) and self.catalog.problems:
            lines.append("\n**Files I skipped:**")
            lines.extend(f"• {problem}" for problem in self.catalog.problems)
        await send_ephemeral(interaction, "\n".join(lines)[:2000])

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
        chosen = self.get_lesson(lesson)
        chosen.example(number)  # a clear error for a number the lesson does not have
        if text is None and image is None:
            raise UserError("Give the new `text`, an `image`, or both.")
        if chosen.source is None:
            raise UserError("This lesson has no file to save the change to.")
        await interaction.response.defer(ephemeral=True, thinking=True)
        image_path = None
        if image is not None:
            image_path = await self._save_image(chosen, number, image)
        async with self._edit_lock:  # two moderators editing at once must not lose a change
            current = self.get_lesson(chosen.key)
            updated = replace_example(current, number, text=text, image=image_path)
            assert current.source is not None
            save_lesson(updated, current.source)
            self.reload_lessons()
        await interaction.followup.send(
            f"Updated example {number} of **{chosen.title}**; the next `/lesson post` uses it.",
            ephemeral=True,
        )

    async def _save_image(self, lesson: Lesson, number: int, image: discord.Attachment) -> str:
        content_type = (image.content_type or "").split(";")[0]
        if not content_type:  # Discord normally says; fall back on the file name
            content_type = mimetypes.guess_type(image.filename)[0] or ""
        suffix = IMAGE_TYPES.get(content_type)
        if suffix is None:
            raise UserError("The image must be a PNG, JPEG, GIF or WebP file.")
        if image.size > MAX_IMAGE_BYTES:
            raise UserError(f"The image is {image.size // 1024} KiB; the limit is "
                            f"{MAX_IMAGE_BYTES // (1024 * 1024)} MiB.")
        assert lesson.source is not None
        relative = f"images/{lesson.key}-example-{number}{suffix}"
        target = Path(lesson.source).parent / relative
        data = await image.read()
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        return relative
