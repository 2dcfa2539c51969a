"""The Discord side of lesson runs (`RunsPort`): putting a run on Discord (the prompt and one
message + thread per example, or one forum post per example in a forum), taking it down
again, the final summary, locking the threads, and who the cohort is."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

import discord

from bot.config import Config
from bot.lessons import Lesson
from bot.runs import Posting, PostingPart, RunExample, SummaryPost
from bot.services.ports import Gone, Refused
from bot.services.runs import Cohort, PartCreated, PostTarget, RunReport, ThreadLock
from cogs._checks import is_moderator, missing_permissions
from cogs._threads import ArchivedThreads
from cogs._ui import NO_PINGS
from cogs.runs._render import example_embed, prompt_embed, summary_message, thread_name

log = logging.getLogger(__name__)

POSTABLE = discord.TextChannel | discord.ForumChannel
# The view under each example message (the critique button): run id, example number -> view.
ExampleView = Callable[[int, int], discord.ui.View]


class DiscordRuns:
    def __init__(self, client: discord.Client, config: Config, *,
                 example_view: ExampleView) -> None:
        self.client, self.config, self.example_view = client, config, example_view

    def target(self, channel_id: int) -> PostTarget | None:
        channel = self.client.get_channel(channel_id)
        if not isinstance(channel, POSTABLE):
            return None
        return PostTarget(channel.guild.id, channel.id,
                          tuple(missing_permissions(channel, channel.guild.me)))

    async def post(self, lesson: Lesson, channel_id: int, run_id: int,
                   created: PartCreated) -> Posting:
        channel = self.client.get_channel(channel_id)
        if not isinstance(channel, POSTABLE):
            raise Refused("the channel is gone")
        try:
            if isinstance(channel, discord.ForumChannel):
                return await self._post_in_forum(lesson, channel, run_id, created)
            return await self._post_in_channel(lesson, channel, run_id, created)
        except discord.HTTPException as exc:
            raise Refused(exc.text or str(exc.status)) from exc

    async def _post_in_forum(self, lesson: Lesson, forum: discord.ForumChannel, run_id: int,
                             created: PartCreated) -> Posting:
        examples = []
        for example in lesson.examples:
            embed, file = example_embed(lesson, example, run_id, with_prompt=True)
            posted = await forum.create_thread(
                name=thread_name(example), embed=embed,
                view=self.example_view(run_id, example.number),
                file=file or discord.utils.MISSING,
            )
            await created(PostingPart(forum.id, posted.thread.id, is_thread=True))
            examples.append(RunExample(run_id, example.number, example.title,
                                       posted.message.id, posted.thread.id))
        return Posting(None, tuple(examples))

    async def _post_in_channel(self, lesson: Lesson, channel: discord.TextChannel, run_id: int,
                               created: PartCreated) -> Posting:
        prompt = await channel.send(embed=prompt_embed(lesson, run_id))
        await created(PostingPart(channel.id, prompt.id, is_thread=False))
        examples = []
        for example in lesson.examples:
            embed, file = example_embed(lesson, example, run_id)
            message = await channel.send(
                embed=embed, view=self.example_view(run_id, example.number),
                file=file or discord.utils.MISSING,
            )
            await created(PostingPart(channel.id, message.id, is_thread=False))
            thread = await message.create_thread(name=thread_name(example),
                                                 auto_archive_duration=10080)
            await created(PostingPart(channel.id, thread.id, is_thread=True))
            examples.append(RunExample(run_id, example.number, example.title, message.id,
                                       thread.id))
        return Posting(prompt.id, tuple(examples))

    async def remove(self, parts: Sequence[PostingPart]) -> None:
        for part in parts:
            try:
                if part.is_thread:
                    await self.client.http.delete_channel(part.object_id)
                else:
                    await self.client.get_partial_messageable(part.channel_id).get_partial_message(
                        part.object_id).delete()
            except discord.NotFound:
                pass
            except discord.HTTPException:
                log.warning("could not remove %s after a failed posting", part.object_id)

    async def post_summary(self, report: RunReport) -> SummaryPost | None:
        run = report.run
        channel = self.client.get_channel(run.channel_id)
        embed, chart = summary_message(report, final=True, show_missing=False)
        try:
            if isinstance(channel, discord.TextChannel):
                message = await channel.send(embed=embed, file=chart, allowed_mentions=NO_PINGS)
                return SummaryPost(run.id, channel.id, message.id, final=True)
            if isinstance(channel, discord.ForumChannel):
                # A forum takes posts, not messages: the summary is a post of its own.
                posted = await channel.create_thread(
                    name=f"Run #{run.id} — final summary", embed=embed, file=chart,
                    allowed_mentions=NO_PINGS)
                return SummaryPost(run.id, posted.thread.id, posted.message.id, final=True)
        except discord.HTTPException as exc:
            log.warning("the final summary of run #%d was not posted: %s", run.id, exc)
        return None

    async def edit_summary(self, post: SummaryPost, report: RunReport) -> None:
        message = self.client.get_partial_messageable(post.channel_id).get_partial_message(
            post.message_id)

        async def redo() -> None:  # a new chart file for each attempt: a file is read once
            embed, chart = summary_message(report, final=post.final, show_missing=False)
            await message.edit(embed=embed, attachments=[chart], allowed_mentions=NO_PINGS)

        try:
            async with ArchivedThreads(self.client) as threads:
                await threads.change(post.channel_id, redo)
        except discord.NotFound:
            raise Gone from None
        except discord.HTTPException as exc:
            raise Refused(exc.text or str(exc.status)) from exc

    async def lock_thread(self, thread_id: int) -> ThreadLock:
        thread = self.client.get_channel(thread_id)
        try:
            if thread is None:
                thread = await self.client.fetch_channel(thread_id)
            if not isinstance(thread, discord.Thread):
                return ThreadLock.GONE
            if thread.archived:  # an archived thread takes only "unarchive"
                thread = await thread.edit(archived=False)
            await thread.edit(locked=True, archived=True)
        except discord.NotFound:
            return ThreadLock.GONE
        except discord.Forbidden:
            return ThreadLock.FORBIDDEN
        return ThreadLock.LOCKED

    def cohort(self, guild_id: int) -> Cohort:
        guild = self.client.get_guild(guild_id)
        if guild is None:
            return Cohort((), {})
        members = tuple(m.id for m in guild.members
                        if not m.bot and not is_moderator(m, self.config))
        return Cohort(members, {m.id: m.display_name for m in guild.members})
