"""The Discord side of lesson runs (`RunsPort`): putting a run on Discord (the prompt and one
message + thread per example, or one forum post per example in a forum), taking it down
again (with what Discord made but never confirmed), answering a moderator's deferred
`/lesson post` after a restart, the final summary, locking the threads, and who the cohort
is."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import discord

from bot.clock import from_ms
from bot.config import Config
from bot.display import file_size
from bot.lessons import Example, Lesson, image_location
from bot.runs import (
    PendingAnswer,
    Posting,
    PostingPart,
    Run,
    RunExample,
    SummaryPost,
    summary_mark,
)
from bot.services.ports import Gone, Refused, TooLarge
from bot.services.runs import Cohort, PartCreated, PostTarget, RunReport, ThreadLock
from cogs._answer import TRANSIENT
from cogs._checks import is_moderator, missing_permissions, moderators_channel
from cogs._threads import ArchivedThreads
from cogs._ui import MISSING_ACCESS, NO_PINGS, why_refused
from cogs.runs._render import (
    example_embed,
    of_run,
    prompt_embed,
    summary_message,
    thread_name,
)

log = logging.getLogger(__name__)

# Messages read after a run's creation when looking for the ones Discord made for it without
# the bot hearing of it: a posting is a prompt and up to 10 examples, made within seconds.
UNCONFIRMED_SCAN = 100
# Messages read back (newest first) for a summary whose post was never noted.
SUMMARY_SCAN = 100

POSTABLE = discord.TextChannel | discord.ForumChannel
# The view under each example message (the critique button): run id, example number, the
# run's token -> view.
ExampleView = Callable[[int, int, str], discord.ui.View]


@contextmanager
def _uploading(lesson: Lesson, example: Example) -> Iterator[None]:
    """Discord's 413 on an example's message said as the image it was: the one upload."""
    try:
        yield
    except discord.HTTPException as exc:
        if exc.status != 413:
            raise
        where = image_location(lesson, example)
        size = f", {file_size(where.stat().st_size)}" if isinstance(where, Path) else ""
        source = lesson.source.name if lesson.source else lesson.key
        raise TooLarge(f"the image of example {example.number} ({example.image}{size}) in "
                       f"{source}", example.number) from exc


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

    async def post(self, lesson: Lesson, channel_id: int, run_id: int, token: str,
                   created: PartCreated) -> Posting:
        channel = self.client.get_channel(channel_id)
        if not isinstance(channel, POSTABLE):
            raise Refused("the channel is gone")
        try:
            if isinstance(channel, discord.ForumChannel):
                return await self._post_in_forum(lesson, channel, run_id, token, created)
            return await self._post_in_channel(lesson, channel, run_id, token, created)
        except discord.HTTPException as exc:  # in words, naming what the bot lacks there
            missing = ", ".join(missing_permissions(channel, channel.guild.me))
            raise Refused(why_refused(exc, missing or "a permission to post there")) from exc

    async def _post_in_forum(self, lesson: Lesson, forum: discord.ForumChannel, run_id: int,
                             token: str, created: PartCreated) -> Posting:
        examples = []
        for example in lesson.examples:
            embed, file = example_embed(lesson, example, run_id, with_prompt=True)
            with _uploading(lesson, example):
                posted = await forum.create_thread(
                    name=thread_name(example), embed=embed,
                    view=self.example_view(run_id, example.number, token),
                    file=file or discord.utils.MISSING,
                )
            await created(PostingPart(forum.id, posted.thread.id, is_thread=True))
            examples.append(RunExample.posted(run_id, example, posted.message.id,
                                              posted.thread.id))
        return Posting(None, tuple(examples))

    async def _post_in_channel(self, lesson: Lesson, channel: discord.TextChannel, run_id: int,
                               token: str, created: PartCreated) -> Posting:
        prompt = await channel.send(embed=prompt_embed(lesson, run_id))
        await created(PostingPart(channel.id, prompt.id, is_thread=False))
        examples = []
        for example in lesson.examples:
            embed, file = example_embed(lesson, example, run_id)
            with _uploading(lesson, example):
                message = await channel.send(
                    embed=embed, view=self.example_view(run_id, example.number, token),
                    file=file or discord.utils.MISSING,
                )
            await created(PostingPart(channel.id, message.id, is_thread=False))
            # A thread started from a message has the message's id: written down before it
            # is asked for, so a thread whose creation answer never came is removed too.
            await created(PostingPart(channel.id, message.id, is_thread=True))
            thread = await message.create_thread(name=thread_name(example),
                                                 auto_archive_duration=10080)
            examples.append(RunExample.posted(run_id, example, message.id, thread.id))
        return Posting(prompt.id, tuple(examples))

    async def remove(self, run: Run, parts: Sequence[PostingPart]) -> None:
        recorded = set(parts)
        unconfirmed = [p for p in await self._unconfirmed(run) if p not in recorded]
        for part in [*parts, *unconfirmed]:
            try:
                if part.is_thread:
                    await self.client.http.delete_channel(part.object_id)
                else:
                    await self.client.get_partial_messageable(part.channel_id).get_partial_message(
                        part.object_id).delete()
            except discord.NotFound:
                pass  # gone already, or a thread that was never made
            except discord.HTTPException:
                log.warning("could not remove %s after a failed posting", part.object_id)

    async def _unconfirmed(self, run: Run) -> list[PostingPart]:
        """The run's messages and posts on Discord, found by their footer: those whose
        creation answer was lost (Discord made them, the bot died before it heard) are in no
        record. Threads before their starter message."""
        channel = self.client.get_channel(run.channel_id)
        me = self.client.user
        since = max(0, discord.utils.time_snowflake(from_ms(run.created_at)) - 1)
        found: list[PostingPart] = []
        try:
            if isinstance(channel, discord.TextChannel) and me is not None:
                async for message in channel.history(limit=UNCONFIRMED_SCAN,
                                                     after=discord.Object(id=since),
                                                     oldest_first=True):
                    if message.author.id == me.id and of_run(message, run.id):
                        found += [PostingPart(channel.id, message.id, is_thread=True),
                                  PostingPart(channel.id, message.id, is_thread=False)]
            elif isinstance(channel, discord.ForumChannel) and me is not None:
                for thread in channel.threads:
                    if thread.owner_id != me.id or thread.id <= since:
                        continue
                    try:  # a forum post's first message has the thread's id
                        starter = await thread.fetch_message(thread.id)
                    except discord.NotFound:
                        continue
                    if of_run(starter, run.id):
                        found.append(PostingPart(channel.id, thread.id, is_thread=True))
        except discord.HTTPException as exc:
            log.warning("run #%d: could not look for its unconfirmed messages: %s", run.id, exc)
        return found

    async def edit_answer(self, answer: PendingAnswer, text: str) -> None:
        webhook = discord.Webhook.partial(answer.application_id, answer.token,
                                          client=self.client)
        try:
            # The deferred answer is the interaction's "@original" message; discord.py types
            # the id as an int but puts it in the path as given. An edit, not a followup: a
            # second restart before the token is forgotten edits it again, never doubles it.
            await webhook.edit_message("@original",  # type: ignore[call-overload]
                                       content=text, allowed_mentions=NO_PINGS)
        except discord.NotFound:
            raise Gone from None
        except discord.HTTPException as exc:
            raise Refused(exc.text or str(exc.status)) from exc

    async def tell(self, user_id: int, text: str, nonce: str) -> bool:
        try:
            user = self.client.get_user(user_id) or await self.client.fetch_user(user_id)
            await user.send(text, nonce=nonce, allowed_mentions=NO_PINGS)  # enforced
        except discord.HTTPException:
            return False
        return True

    async def post_summary(self, report: RunReport, post: SummaryPost) -> SummaryPost | None:
        run = report.run
        channel = self.client.get_channel(run.channel_id)
        embed, chart = summary_message(report, final=True, show_missing=False, post_id=post.id)
        try:
            if isinstance(channel, discord.TextChannel):
                message = await channel.send(embed=embed, file=chart, allowed_mentions=NO_PINGS)
                return replace(post, channel_id=channel.id, message_id=message.id)
            if isinstance(channel, discord.ForumChannel):
                # A forum takes posts, not messages: the summary is a post of its own.
                posted = await channel.create_thread(
                    name=f"Run #{run.id} — final summary", embed=embed, file=chart,
                    allowed_mentions=NO_PINGS)
                return replace(post, channel_id=posted.thread.id, message_id=posted.message.id)
        except discord.HTTPException as exc:
            log.warning("the final summary of run #%d was not posted: %s", run.id, exc)
        return None

    async def edit_summary(self, post: SummaryPost, report: RunReport) -> None:
        if post.message_id is None:
            raise Gone
        message = self.client.get_partial_messageable(post.channel_id).get_partial_message(
            post.message_id)

        async def redo() -> None:  # a new chart file for each attempt: a file is read once
            embed, chart = summary_message(report, final=post.final, show_missing=False,
                                           post_id=post.id)
            await message.edit(embed=embed, attachments=[chart], allowed_mentions=NO_PINGS)

        try:
            async with ArchivedThreads(self.client) as threads:
                await threads.change(post.channel_id, redo)
        except discord.NotFound:
            raise Gone from None
        except discord.HTTPException as exc:
            raise Refused(exc.text or str(exc.status)) from exc

    async def delete_summary(self, post: SummaryPost) -> None:
        try:
            channel = self.client.get_channel(post.channel_id)
            if isinstance(channel, discord.Thread) and channel.id == post.message_id:
                await channel.delete()  # a forum post: its thread goes with it
            elif post.message_id is not None:
                await self.client.http.delete_message(post.channel_id, post.message_id)
        except discord.HTTPException as exc:
            log.warning("summary %d of run #%d could not be taken down: %s", post.id,
                        post.run_id, exc)

    async def find_summary(self, post: SummaryPost) -> SummaryPost | None:
        channel = self.client.get_channel(post.channel_id)
        me = self.client.user
        if me is None:
            return None
        places: list[discord.abc.Messageable] = []
        if isinstance(channel, discord.ForumChannel):  # a final summary: a post of its own
            places.extend(t for t in channel.threads if t.owner_id == me.id)
        elif isinstance(channel, discord.abc.Messageable):
            places.append(channel)
        mark = summary_mark(post.id)
        try:
            for place in places:
                async for message in place.history(limit=SUMMARY_SCAN):
                    if message.author.id == me.id and any(
                            (e.footer.text or "").endswith(mark) for e in message.embeds):
                        return replace(post, channel_id=message.channel.id,
                                       message_id=message.id)
        except (discord.NotFound, discord.Forbidden):
            return None
        return None

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
        except discord.Forbidden as exc:  # which permission: the answer's code says
            return ThreadLock.HIDDEN if exc.code == MISSING_ACCESS else ThreadLock.FORBIDDEN
        except (discord.HTTPException, *TRANSIENT) as exc:
            log.warning("thread %d not locked: %s", thread_id, type(exc).__name__)
            return ThreadLock.FAILED
        return ThreadLock.LOCKED

    async def tell_moderators(self, guild_id: int, text: str, nonce: str) -> bool:
        guild = self.client.get_guild(guild_id)
        channel = moderators_channel(guild) if guild is not None else None
        if channel is None:  # no moderators-only channel: the server's owner, by DM
            return guild is not None and await self.tell(guild.owner_id or 0, text, nonce)
        try:
            await channel.send(text, nonce=nonce, allowed_mentions=NO_PINGS)
        except (discord.HTTPException, *TRANSIENT) as exc:
            log.warning("guild %d: could not tell the moderators (%s)", guild_id,
                        type(exc).__name__)
            return False
        return True

    def cohort(self, guild_id: int) -> Cohort:
        guild = self.client.get_guild(guild_id)
        if guild is None:
            return Cohort((), {})
        members = tuple(m.id for m in guild.members
                        if not m.bot and not is_moderator(m, self.config))
        return Cohort(members, {m.id: m.display_name for m in guild.members})
