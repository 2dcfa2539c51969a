"""Lesson runs: posting a lesson's prompt and examples, the summary, closing, the cron schedule,
and taking down postings that Discord refused or a crash cut short.

A posting writes down each message and thread as soon as Discord has created it (a thread
started from a message before it is asked for: it takes the message's id); if Discord refuses
half-way, or the bot dies mid-posting, what was created is deleted (at once, or at the next
start) before the run row is dropped, so no orphan example with a dead "Critique this example"
button stays behind. The port also looks for what Discord made but never confirmed (the bot
died while the answer was on its way). The moderator's deferred `/lesson post` is kept with
the run until it is answered, so a restart still answers it: "posted", or "cut short, removed".
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from enum import Enum
from functools import partial
from typing import Protocol

from bot.clock import Clock, from_ms, to_ms
from bot.config import Config
from bot.critiques import CritiqueRecord, RunSummary, summarize
from bot.display import clip, fit_list, plural
from bot.errors import UserError
from bot.export.verdicts import summary_comparisons
from bot.lessons import Lesson
from bot.runs import (
    PendingAnswer,
    PostedLesson,
    Posting,
    PostingPart,
    Run,
    RunExample,
    RunStatus,
    SummaryPost,
    as_posted,
    new_run_token,
    occurrence_key,
)
from bot.scheduler import Scheduler, next_cron_time
from bot.services.discussion import DiscussionService
from bot.services.lessons import LessonsService
from bot.services.ports import Gone, Refused, TooLarge
from storage import Database
from storage import critiques as critiques_store
from storage import runs as runs_store

log = logging.getLogger(__name__)

# A scheduled post missed while the bot was down is still made if the bot is back within this.
MISSED_POST_GRACE = timedelta(hours=1)
# A `/lesson close` without `run:` this soon after a close (a double submit, two moderators
# doing the same) closes nothing: "the open run" is no longer the one the moderator saw.
JUST_CLOSED = timedelta(minutes=1)
CLOSE_LIST = 1500  # characters of the open runs listed when a close must name one


class AlreadyOpen(UserError):
    """A posting of a lesson that a run of the guild still holds open (or is posting): a
    second run beside it would split the cohort's critiques between two sets of threads, so
    it is made only when asked for (`another`)."""

    def __init__(self, run: Run, title: str) -> None:
        if run.status is RunStatus.POSTING:  # (a double submit: it cannot be closed yet)
            state, then = "is being posted right now", "To have two runs open"
        else:
            state = (f"is still open in <#{run.channel_id}> "
                     f"(posted <t:{run.created_at // 1000}:R>)")
            then = f"Close it first (`/lesson close run:{run.id}`), or, to have two runs open"
        super().__init__(
            f"Run #{run.id} of **{title}** {state}: a second run beside it would split the "
            "cohort's critiques between two sets of threads, so I haven't posted another. "
            f"{then}, post again with `/lesson post another:true`.")
        self.run = run


@dataclass(frozen=True)
class PostTarget:
    """A text or forum channel a run can be posted in."""

    guild_id: int
    channel_id: int
    missing: tuple[str, ...]  # permissions the bot lacks there, in Discord's words


@dataclass(frozen=True)
class Cohort:
    """Who takes part in a guild's runs."""

    members: tuple[int, ...]  # expected to critique: neither bots nor moderators
    names: Mapping[int, str]  # display names of everyone in the guild


@dataclass(frozen=True)
class RunReport:
    """A run's summary and the names to show with it (stored names for members who left)."""

    run: Run
    summary: RunSummary
    names: Mapping[int, str]
    # The reviewer's line beside each example's tally (by example number), as /lesson summary
    # shows it.
    comparisons: Mapping[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Refreshed:
    """Posted summaries redone, and those Discord would not let the bot edit."""

    done: int
    refused: int


class ThreadLock(Enum):
    LOCKED = "locked"
    GONE = "gone"  # deleted: nothing to lock
    HIDDEN = "hidden"  # the bot cannot see the channel (View Channel)
    FORBIDDEN = "forbidden"  # the bot lacks Manage Threads
    FAILED = "failed"  # Discord failed (5xx, the connection): trying again may work


# Why a thread stays open, as the moderator is told; `/lesson close run:N` tries again.
_NOT_LOCKED = {
    ThreadLock.HIDDEN: "I can't see it (View Channel is missing in the run's channel)",
    ThreadLock.FORBIDDEN: "Manage Threads is missing",
    ThreadLock.FAILED: "Discord failed",
}


@dataclass(frozen=True, slots=True)
class Closed:
    """What `/lesson close` did: the run, where its final summary went (None: not posted),
    its threads, notes on what could not be done; `already`: it was closed before."""

    run: Run
    final: SummaryPost | None
    locked: Locked
    notes: list[str]
    already: bool = False


@dataclass(frozen=True, slots=True)
class Locked:
    """What locking a run's threads did: how many of the threads still there it locked, and
    a note for each it could not."""

    locked: int
    threads: int
    notes: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return self.locked == self.threads

    def describe(self, run_id: int) -> str:
        """"3 threads locked and archived", or how many were not, and how to try again."""
        if self.threads == 0:
            return "it has no thread left to lock"
        if self.complete:
            return f"{plural(self.threads, 'thread')} locked and archived"
        return (f"but I could lock only {self.locked} of its {plural(self.threads, 'thread')}: "
                f"the others stay open for posts until `/lesson close run:{run_id}` locks them")


PartCreated = Callable[[PostingPart], Awaitable[None]]


class RunsPort(Protocol):
    """What Discord does for lesson runs (cogs/runs/_port.py)."""

    def target(self, channel_id: int) -> PostTarget | None:
        """The channel, if it is a text or forum channel the bot can see."""
        ...

    async def post(self, lesson: Lesson, channel_id: int, run_id: int, token: str,
                   created: PartCreated) -> Posting:
        """The prompt and one message + thread per example (one forum post per example in a
        forum), their buttons carrying the run's number and `token`. `created` hears of every
        part as soon as it exists. `Refused` if Discord refuses a part."""
        ...

    async def remove(self, run: Run, parts: Sequence[PostingPart]) -> None:
        """Delete what a posting created: `parts` in the order given, then whatever of the run
        Discord made without the bot hearing of it (best effort)."""
        ...

    async def edit_answer(self, answer: PendingAnswer, text: str) -> None:
        """Show `text` as the answer to a deferred interaction. `Gone` when its token no
        longer answers; `Refused` if Discord will not."""
        ...

    async def tell(self, user_id: int, text: str, nonce: str) -> bool:
        """DM a member; False if Discord would not (DMs closed). `nonce` keeps a DM sent
        twice in a few minutes (a crash between the DM and its record) one message."""
        ...

    async def post_summary(self, report: RunReport, post: SummaryPost) -> SummaryPost | None:
        """The final summary `post` (written down already), in the run's channel (a post of
        its own in a forum), marked with its id; where it went, or None when the channel is
        gone or Discord refuses."""
        ...

    async def edit_summary(self, post: SummaryPost, report: RunReport) -> None:
        """Show `report` in a summary posted earlier (in a thread archived since, too).
        `Gone` when the message or its channel is; `Refused` if Discord will not."""
        ...

    async def delete_summary(self, post: SummaryPost) -> None:
        """Take a posted summary down (a forum post with its thread); best effort."""
        ...

    async def find_summary(self, post: SummaryPost) -> SummaryPost | None:
        """A summary written down but never noted as posted: its post, found by its mark
        among the bot's recent messages where it was to go; None if there is none."""
        ...

    async def lock_thread(self, thread_id: int) -> ThreadLock:
        """Lock and archive an example's thread (an archived one is opened first)."""
        ...

    async def tell_moderators(self, guild_id: int, text: str, nonce: str) -> bool:
        """Tell the guild's moderators (their channel, else the owner by DM) of something
        the bot did unasked; False if nobody could be told."""
        ...

    def cohort(self, guild_id: int) -> Cohort: ...


@dataclass(frozen=True)
class RunSchedule:
    """When and where runs are posted without a moderator: the config's cron."""

    cron: str | None
    tz: tzinfo
    lesson_key: str
    channel_id: int | None

    @classmethod
    def of(cls, config: Config) -> RunSchedule:
        return cls(config.lesson.post_schedule, config.cohort.tz, config.lesson.default,
                   config.discord.lesson_channel_id)


class RunsService:
    def __init__(self, db: Database, clock: Clock, scheduler: Scheduler, schedule: RunSchedule,
                 lessons: LessonsService, discussion: DiscussionService, port: RunsPort) -> None:
        self.db, self.clock, self.scheduler, self.schedule = db, clock, scheduler, schedule
        self.lessons, self.discussion, self.port = lessons, discussion, port
        self._close_lock = asyncio.Lock()
        # Summaries written down and on their way to Discord; those a /forget-me met on the
        # way (their report was made before it), to redo once placed.
        self._placing: set[int] = set()
        self._stale: set[int] = set()
        # Runs this process is posting right now: not the stale ones `resume` removes (a
        # /lesson post can arrive as soon as the bot is connected, before resume has run).
        self._posting: set[int] = set()
        # Held while a run is created and entered in `_posting`, and while `resume` reads the
        # stale ones: else a run committed but not yet entered looked stale (a crash scenario
        # caught `resume` removing a posting this process had just begun).
        self._posting_lock = asyncio.Lock()

    # --- posting ------------------------------------------------------------------------------

    async def post(self, lesson: Lesson, channel_id: int, *, posted_by: int | None,
                   occurrence: str | None = None, answer: PendingAnswer | None = None,
                   recorded: Callable[[], Awaitable[None]] | None = None,
                   another: bool = False) -> int:
        """Post a run of `lesson`; returns its number. `UserError` when it cannot be made;
        `AlreadyOpen` while a run of the lesson is open or being posted in the guild, unless
        `another` (checked and created under one lock: posts sent at once end as they would
        one after the other). `answer`: the moderator's interaction, kept until
        `answered(run)` says its answer went out (a restart before that answers it);
        `recorded`: called once the run and `answer` are written down, before anything is
        posted (the cog defers there: a bot killed between its deferral and that write would
        leave the moderator "thinking")."""
        target = self.port.target(channel_id)
        if target is None:
            raise UserError(f"<#{channel_id}> is gone or is not a text or forum channel.")
        if target.missing:
            raise UserError(f"I can't post in <#{channel_id}>: I'm missing "
                            f"{', '.join(target.missing)}. Add them to my role or to that "
                            "channel's permissions, then post again.")
        token = new_run_token()
        async with self._posting_lock:
            if not another:
                await self._refuse_beside(lesson, target.guild_id)
            run_id = await runs_store.create_run(
                self.db, guild_id=target.guild_id, channel_id=channel_id,
                lesson_key=lesson.key, lesson_title=lesson.title, prompt=lesson.prompt,
                posted_by=posted_by, now_ms=to_ms(self.clock.now()), occurrence=occurrence,
                answer=answer, token=token,
            )
            if run_id is None:
                raise UserError("That scheduled posting was already made.")
            self._posting.add(run_id)
        try:
            return await self._post(lesson, target.guild_id, channel_id, run_id, token,
                                    recorded)
        finally:
            self._posting.discard(run_id)

    async def _post(self, lesson: Lesson, guild_id: int, channel_id: int, run_id: int,
                    token: str, recorded: Callable[[], Awaitable[None]] | None) -> int:
        if recorded is not None:
            try:
                await recorded()
            except Exception:  # (the interaction expired meanwhile, say): nothing was posted
                await self._discard(run_id)
                raise

        async def created(part: PostingPart) -> None:
            # Written down at once: if the bot dies mid-posting, start-up removes it.
            await runs_store.record_part(self.db, run_id, part)

        try:
            posting = await self.port.post(lesson, channel_id, run_id, token, created)
        except TooLarge as exc:
            await self._discard(run_id)
            raise UserError(f"Discord refused {exc.reason}: it is more than this server takes "
                            "in one upload. I removed what I had posted. Give the example a "
                            f"smaller image (`/lesson example number:{exc.example} image:`, or "
                            "an https link in the lesson file), then post again.") from exc
        except Refused as exc:
            await self._discard(run_id)
            raise UserError(f"Discord refused part of the posting ({clip(exc.reason, 300)}); "
                            "I removed what I had posted. Check my permissions and retry.") from exc
        except Exception:
            await self._discard(run_id)
            raise
        # Who it was posted to, for the export's participation table (0012_run_members).
        cohort = self.port.cohort(guild_id)
        await runs_store.record_posting(
            self.db, run_id, posting.prompt_message_id, posting.examples,
            [(m, cohort.names.get(m, f"member {m}")) for m in cohort.members])
        await self.discussion.refresh_threads()
        return run_id

    async def _refuse_beside(self, lesson: Lesson, guild_id: int) -> None:
        for run in await runs_store.unclosed_runs(self.db, guild_id):
            # (A posting a crash cut short is no run beside it: `resume` removes it.)
            stale = run.status is RunStatus.POSTING and run.id not in self._posting
            if run.lesson_key == lesson.key and not stale:
                raise AlreadyOpen(run, self._title(run))

    async def setup_notice_due(self, guild_id: int, problems: Sequence[str]) -> bool:
        """Whether to tell the moderators of these set-up problems at start-up: not when the
        same were told at an earlier start (a restart is no news), nor when there are none."""
        told = "\n".join(problems) or None
        if told is not None and told == await runs_store.setup_notice(self.db, guild_id):
            return False
        await runs_store.record_setup_notice(self.db, guild_id, told, to_ms(self.clock.now()))
        return told is not None

    async def also_open(self, guild_id: int, run_id: int) -> list[Run]:
        """The guild's other runs still open (or being posted: another lesson's, or one asked
        for with `another`) beside `run_id`: each one's buttons still take critiques until it
        is closed."""
        return [r for r in await runs_store.unclosed_runs(self.db, guild_id) if r.id != run_id]

    async def answered(self, run_id: int) -> None:
        """The moderator has read that the run is posted: forget the interaction's token."""
        await runs_store.drop_answer(self.db, run_id)

    def posted_text(self, run: Run, examples: int) -> str:
        """What the moderator is told once the run is posted."""
        return (f"Posted run #{run.id} of **{self._title(run)}** in <#{run.channel_id}>: "
                f"{plural(examples, 'example')}, each with its critique thread.")

    async def edited_text(self, guild_id: int, lesson: Lesson, number: int) -> str:
        """What the moderator is told once example `number` of `lesson` is replaced: the next
        posting uses it, and the runs of it still open keep what they posted."""
        text = f"Updated example {number} of **{lesson.title}**; the next `/lesson post` uses it."
        for run in await runs_store.unclosed_runs(self.db, guild_id):
            if run.lesson_key == lesson.key:
                text += (f"\nRun #{run.id}, still open in <#{run.channel_id}>, keeps the text "
                         "it posted: its members critique that, so its summaries and its "
                         "export judge that text, not the new one.")
        return text

    def _title(self, run: Run) -> str:
        return self.as_posted(run).title or run.lesson_key

    def as_posted(self, run: Run, examples: Sequence[RunExample] = ()) -> PostedLesson:
        """The run's lesson as the run posted it (these examples' texts among it)."""
        return as_posted(run.lesson_title, run.prompt, {e.number: e.text for e in examples},
                         self.lessons.catalog.get(run.lesson_key))

    async def _discard(self, run_id: int, *, restarted: bool = False) -> None:
        """Take an unfinished posting off Discord, then out of the database. After a restart,
        the moderator left waiting is told in between: once nothing of it is left to see,
        and before the row (and their interaction's token with it) goes."""
        run = await runs_store.get_run(self.db, run_id)
        if run is None:
            return
        await self.port.remove(run, await runs_store.posting_parts(self.db, run_id))
        answer = await runs_store.answer_of(self.db, run_id) if restarted else None
        if answer is not None:
            await self._tell(run, answer, (
                f"I restarted in the middle of posting run #{run.id} of "
                f"**{self._title(run)}** in <#{run.channel_id}>, so I removed what I had "
                "posted of it: run `/lesson post` again."))
        await runs_store.discard_run(self.db, run_id)

    async def resume(self) -> None:
        """At start-up, once connected: remove postings cut short by a crash or a shutdown
        (their messages go, then their rows, so their scheduled occurrence can be posted
        properly), answer the moderators who were left waiting, then schedule the next
        posting. Runs posted before runs kept what they posted get it written down from their
        lesson file, the one record of it, so that a later edit of the file does not move
        them."""
        for run in await runs_store.unkept_runs(self.db):
            posted = self.as_posted(run, await runs_store.run_examples(self.db, run.id))
            if posted.title is not None:  # else its lesson is not loaded: nothing to keep
                await runs_store.keep_posted(self.db, run.id, posted)
        async with self._posting_lock:
            stale = [run for run in await runs_store.stale_postings(self.db)
                     if run.id not in self._posting]
        for run in stale:
            log.warning("removing run #%d, whose posting did not finish", run.id)
            await self._discard(run.id, restarted=True)
        for run in await runs_store.unanswered_runs(self.db):
            answer = await runs_store.answer_of(self.db, run.id)
            if answer is not None:
                examples = len(await runs_store.run_examples(self.db, run.id))
                await self._tell(run, answer, self.posted_text(run, examples))
                await runs_store.drop_answer(self.db, run.id)
        if self.schedule.cron:
            await self._schedule_next(startup=True)

    async def _tell(self, run: Run, answer: PendingAnswer, text: str) -> None:
        """Answer a deferred `/lesson post` after a restart: in place while its token lives
        (the moderator sees it where they asked), else by DM, dated, since a DM has no
        context; if their DMs are closed too, the log says so (it names no one's text)."""
        if answer.token_valid(to_ms(self.clock.now())):
            try:
                await self.port.edit_answer(answer, text)
                return
            except (Gone, Refused) as exc:
                log.info("run #%d: the /lesson post answer could not be edited (%s); "
                         "telling the moderator by DM", run.id, exc)
        asked = answer.asked_at // 1000
        if not await self.port.tell(answer.user_id,
                                    f"About your `/lesson post` of <t:{asked}:f>: {text}",
                                    nonce=f"run{run.id}.answer"):
            log.warning("run #%d: moderator %d could not be told how their /lesson post "
                        "ended (DMs closed)", run.id, answer.user_id)

    # --- scheduled posting --------------------------------------------------------------------

    async def _schedule_next(self, *, startup: bool = False) -> None:
        cron = self.schedule.cron
        if cron is None:
            return
        now = self.clock.now()
        if startup:
            # Back within the grace after a scheduled minute we missed? Post it now (the
            # occurrence key makes a second post of it impossible).
            missed = next_cron_time(cron, self.schedule.tz, now - MISSED_POST_GRACE)
            if missed <= now:
                await self.post_scheduled(missed)
        due = next_cron_time(cron, self.schedule.tz, now)
        self.scheduler.at(f"lesson-post:{due.isoformat()}", due, self.post_scheduled, due)

    async def post_scheduled(self, occurrence: datetime) -> None:
        lesson = self.lessons.catalog.get(self.schedule.lesson_key)
        channel_id = self.schedule.channel_id
        key = occurrence_key(self.schedule.lesson_key, occurrence)
        try:
            if lesson is None:
                log.error("scheduled posting: lesson %s is not loaded (%s)",
                          self.schedule.lesson_key,
                          self.lessons.not_loaded(self.schedule.lesson_key))
            elif channel_id is None or self.port.target(channel_id) is None:
                log.error("scheduled posting: lesson channel %s not found", channel_id)
            else:
                run_id = await self.post(lesson, channel_id, posted_by=None, occurrence=key)
                log.info("scheduled posting %s made run #%d", key, run_id)
        except AlreadyOpen as exc:
            await self._skip_scheduled(occurrence, exc.run)
        except UserError as exc:
            log.info("scheduled posting %s skipped: %s", key, exc.message)
        finally:
            if self.clock.now() >= occurrence:
                await self._schedule_next()

    async def _skip_scheduled(self, occurrence: datetime, still_open: Run) -> None:
        """A scheduled posting while a run of its lesson is still open is skipped: a second
        run beside it would split the cohort's critiques between two sets of threads, and
        its buttons still take critiques. No moderator asked for it, so they are told."""
        log.warning("scheduled posting of %s at %s skipped: run #%d is still open",
                    still_open.lesson_key, occurrence.isoformat(), still_open.id)
        cron = self.schedule.cron
        upcoming = (f" (<t:{int(next_cron_time(cron, self.schedule.tz, occurrence).timestamp())}"
                    ":F>)" if cron else "")
        await self.port.tell_moderators(still_open.guild_id, (
            f"⏰ I skipped the scheduled posting of **{self._title(still_open)}** "
            f"(<t:{int(occurrence.timestamp())}:f>): run #{still_open.id} of it is still open "
            f"in <#{still_open.channel_id}>, and a second run beside it would split the "
            f"cohort's critiques. Close it with `/lesson close run:{still_open.id}` so the "
            f"next one is posted{upcoming}, or post one beside it now with "
            "`/lesson post another:true`."),
            nonce=f"skip{still_open.id}.{int(occurrence.timestamp())}")

    # --- summary and closing ------------------------------------------------------------------

    async def resolve(self, guild_id: int, run_id: int | None) -> Run:
        """Run `run_id` of this guild, or its latest run when None; else `UserError`."""
        if run_id is None:
            run = await runs_store.latest_run(self.db, guild_id)
            if run is None:
                raise UserError("No lesson has been posted here yet: a moderator can start one "
                                "with `/lesson post`.")
            return run
        run = await runs_store.get_run(self.db, run_id)
        if run is None or run.guild_id != guild_id or run.status is RunStatus.POSTING:
            raise UserError(f"There is no run #{run_id} in this server.")
        return run

    async def _the_open_run(self, guild_id: int) -> Run:
        """The run a close that names none closes: the one open run, if the moderator can
        only mean that one. With several open, or right after a close (a double submit, a
        second moderator: the run they saw is the one just closed), it is named instead."""
        open_runs = [run for run in await runs_store.unclosed_runs(self.db, guild_id)
                     if run.status is RunStatus.OPEN]
        last = await runs_store.last_closed(self.db, guild_id)
        if (last is not None and last.closed_at is not None
                and self.clock.now() - from_ms(last.closed_at) < JUST_CLOSED):
            raise UserError(f"Run #{last.id} was just closed (<t:{last.closed_at // 1000}:R>), "
                            "so I closed nothing more. " + self._still_open(open_runs))
        if len(open_runs) == 1:
            return open_runs[0]
        if not open_runs:
            raise UserError("There is no open lesson run here to close.")
        raise UserError(self._still_open(open_runs))

    def _still_open(self, runs: Sequence[Run]) -> str:
        if not runs:
            return "No run is open now."
        if len(runs) == 1:
            return (f"Run #{runs[0].id} is still open in <#{runs[0].channel_id}>: to close it "
                    f"too, say `/lesson close run:{runs[0].id}`.")
        listed = [f"• Run #{run.id} of **{self._title(run)}** in <#{run.channel_id}>, posted "
                  f"<t:{run.created_at // 1000}:R>" for run in runs]
        return (f"{len(runs)} runs are open here; say which one to close, "
                f"`/lesson close run:N`:\n" + fit_list(listed, CLOSE_LIST))

    async def report(self, run: Run) -> RunReport:
        """Critiques per example, the tally, the most-voted critiques, who has not taken part."""
        examples = await runs_store.run_examples(self.db, run.id)
        rows = await critiques_store.critiques_for_run(self.db, run.id)
        records = [
            CritiqueRecord(r.id, r.example_no, r.author_id, r.works, r.doesnt, r.likely,
                           r.votes, r.created_at)
            for r in rows
        ]
        cohort = self.port.cohort(run.guild_id)
        summary = summarize(examples, records, members=cohort.members,
                            thread_authors=await runs_store.thread_authors(self.db, run.id),
                            taken_down=await critiques_store.takedowns_for_run(self.db, run.id))
        names = dict(cohort.names)
        names.update({r.author_id: r.author_name for r in rows if r.author_id not in names})
        # Judged on what the run posted: members critiqued that, whatever the file says now.
        comparisons = summary_comparisons(self.as_posted(run, examples).texts, summary)
        return RunReport(run, summary, names, comparisons)

    async def reserve_shared(self, run_id: int, channel_id: int) -> SummaryPost:
        """A moderator is about to post the summary for everyone in `channel_id`: written
        down first, so /forget-me always finds it. If this write fails nothing is posted."""
        post = await runs_store.reserve_summary(self.db, run_id, channel_id, final=False,
                                                now_ms=to_ms(self.clock.now()))
        self._placing.add(post.id)
        return post

    async def shared(self, post: SummaryPost, take_down: Callable[[], Awaitable[None]]) -> None:
        """Where the shared summary `post` went. If that cannot be written down, it is taken
        down again (`take_down`) and the moderator told: no public post /forget-me cannot
        find. Redone at once if a /forget-me ran while it was being posted."""
        await self._place(post, take_down, "I took the summary down again")

    async def unshared(self, post: SummaryPost, *, posted: bool) -> None:
        """The shared summary `post` did not go out as asked: Discord refused it, or the
        answer was lost (`posted`: it may be there, so its row stays for /forget-me to look
        for by its mark)."""
        self._placing.discard(post.id)
        if not posted:
            await self._unreserve(post)

    async def _place(self, post: SummaryPost, take_down: Callable[[], Awaitable[None]],
                     undone: str) -> None:
        try:
            try:
                await runs_store.place_summary(self.db, post)
            except Exception as exc:  # whatever broke the write, the post must not stay
                log.error("summary %d of run #%d could not be noted as posted (%s: %s); "
                          "taking it down", post.id, post.run_id, type(exc).__name__, exc)
                await take_down()
                await self._unreserve(post)
                raise UserError(f"{undone}: I could not write down where it is (my database "
                                "refused the write: is its disk full?), and I must always be "
                                "able to find a summary that quotes members, to take out "
                                "anyone who uses /forget-me. Try again once that is fixed."
                                ) from exc
        finally:
            self._placing.discard(post.id)
        if post.id in self._stale:  # a /forget-me ran while it was on its way
            self._stale.discard(post.id)
            await self.refresh_summaries([post.run_id])

    async def _unreserve(self, post: SummaryPost) -> None:
        try:
            await runs_store.drop_summary_post(self.db, post.id)
        except Exception as exc:  # kept: the next /forget-me looks for it, finds none, drops it
            log.warning("summary %d: its row stays (%s)", post.id, type(exc).__name__)

    async def refresh_summaries(self, run_ids: Sequence[int]) -> Refreshed:
        """Show these runs' posted summaries as they are now: after /forget-me deleted a
        member's critiques and votes, after a member edited a critique they quote. One written
        down but never noted as posted is looked for by its mark; one still on its way is
        redone once it is placed."""
        done = refused = 0
        for post in await runs_store.summary_posts(self.db, run_ids):
            if post.id in self._placing:
                self._stale.add(post.id)
                continue
            run = await runs_store.get_run(self.db, post.run_id)
            try:
                if post.message_id is None:
                    found = await self.port.find_summary(post)
                    if found is None:  # never posted
                        raise Gone
                    await runs_store.place_summary(self.db, found)
                    post = found
                if run is None:
                    raise Gone
                await self.port.edit_summary(post, await self.report(run))
                done += 1
            except Gone:  # deleted on Discord, or never posted: nothing left that quotes anyone
                await runs_store.drop_summary_post(self.db, post.id)
            except Refused as exc:
                log.warning("summary %d of run #%d not redone: %s", post.id,
                            post.run_id, exc.reason)
                refused += 1
        return Refreshed(done, refused)

    async def close(self, guild_id: int, run_id: int | None) -> Closed:
        """Post the final summary, lock the threads; what was done and what could not be.
        `run_id` None: the one open run (`_the_open_run`). A run already closed gets its
        threads locked again (those a missing permission left open), and nothing else."""
        # One close at a time, and the status read again inside: two moderators closing at
        # once must not post two final summaries, and the second finds the first's close
        # (`_the_open_run`), as it would one after the other.
        async with self._close_lock:
            run = (await self._the_open_run(guild_id) if run_id is None
                   else await self.resolve(guild_id, run_id))
            if run.status is not RunStatus.OPEN:
                return Closed(run, None, await self.lock_threads(run), [], already=True)
            return Closed(run, *(await self._close(run)))

    async def _close(self, run: Run) -> tuple[SummaryPost | None, Locked, list[str]]:
        notes: list[str] = []
        # Written down before it is posted: if that write fails, nothing is posted and the
        # run stays open (the moderator sees the error and closes again).
        report = await self.report(run)
        reserved = await runs_store.reserve_summary(self.db, run.id, run.channel_id,
                                                    final=True, now_ms=to_ms(self.clock.now()))
        self._placing.add(reserved.id)
        try:
            final = await self.port.post_summary(report, reserved)
        except BaseException:  # it may be posted: its row stays, to be found by its mark
            self._placing.discard(reserved.id)
            raise
        if final is None:
            self._placing.discard(reserved.id)
            await self._unreserve(reserved)
            notes.append(f"I could not post the final summary in <#{run.channel_id}> (it is "
                         "gone, or I may not post there); `/lesson summary share:true` posts "
                         "it where you are.")
        else:
            await self._place(final, partial(self.port.delete_summary, final),
                              "I took the final summary down again and did not close "
                              f"run #{run.id}")
        locked = await self.lock_threads(run)
        await runs_store.close_run(self.db, run.id, to_ms(self.clock.now()))
        await self.discussion.refresh_threads()
        return final, locked, notes

    async def lock_threads(self, run: Run) -> Locked:
        """Lock and archive the run's threads (again, for a closed run some were left open
        in: locking a locked thread changes nothing)."""
        locked = threads = 0
        notes = []
        for example in await runs_store.run_examples(self.db, run.id):
            if example.thread_id is None:
                continue
            lock = await self.port.lock_thread(example.thread_id)
            if lock is ThreadLock.GONE:
                notes.append(f"The thread of {example.title} was deleted; nothing to lock.")
                continue
            threads += 1
            if lock is ThreadLock.LOCKED:
                locked += 1
            else:
                notes.append(f"I could not lock the thread of {example.title} "
                             f"({_NOT_LOCKED[lock]}); it stays open for posts.")
        return Locked(locked, threads, tuple(notes))
