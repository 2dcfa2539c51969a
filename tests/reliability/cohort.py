"""The reliability suite's cohort: the demo's local Discord in its own process with 200 more
members, the real `cohortbot run` (killed, restarted, doubled), members who keep acting
through the control API whatever state the bot is in, and the ledger of what they were told.

The checks hold the database (read through the bot's own storage once the bot has stopped)
and Discord's record (read through the control API) to that ledger: a member who was told
"Posted your critique" must find it stored; a message they posted in a lesson thread must be
in the database as they left it (edited, deleted); every reminder seeded must have arrived
once; every posting must be whole or gone, and its moderator answered.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import re
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from bot.clock import to_ms
from bot.config import FollowupSettings
from bot.demo.processes import BotProcess, DemoDiscord, bot_connected, bot_ready
from bot.followups import OutreachStatus, first_due, window_end
from localdiscord.control.base import ControlError
from localdiscord.control.client import Control
from localdiscord.errors import DiscordError
from localdiscord.script.render import buttons
from storage import Database
from storage import critiques as critiques_store
from storage import discussion as discussion_store
from storage import followups as followups_store
from storage import runs as runs_store

REMINDER_ID = re.compile(r"cohort:fu:\w+:(\d+):(\d+)")
LOG_LINE = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) (?:.*(delivered \d+ reminder))?",
                      re.MULTILINE)
LOADING = 128  # a deferred answer still "thinking"
CRITIQUE_BUTTON = "cohort:critique:"


class Scale:
    """A scenario's sizes: `scaled(short, full)` is `short` in the version `make test` runs
    (a few iterations) and `full` in the one `make reliability` runs (tests/reliability/
    conftest.py makes both)."""

    def __init__(self, full: bool) -> None:
        self.full = full

    def __call__(self, short: int, full: int) -> int:
        return full if self.full else short

    def seeded(self) -> tuple[int, random.Random]:
        """A scenario's random choices, and their seed: $COHORTBOT_RELIABILITY_SEED to replay
        a run (its summary line says its seed), else 1 in the short version (the same each
        run) and a new one in the full version."""
        seed = int(os.environ.get("COHORTBOT_RELIABILITY_SEED")
                   or (random.randrange(10**6) if self.full else 1))
        return seed, random.Random(seed)


def summary(scenario: str, **counts: object) -> str:
    """The one line a scenario prints: its name, then its counts."""
    line = f"reliability {scenario}: " + ", ".join(
        f"{name.replace('_', ' ')} {value}" for name, value in counts.items())
    print(line, flush=True)
    return line


def delivering_took(log: str) -> float | None:
    """Seconds from a bot process's first log line to its last "delivered N reminder(s)":
    how long the reminders due at its start took to go out (None if none went)."""
    # asctime: the machine's local time, the same for every line of one log
    lines = [(datetime.strptime(m[1], "%Y-%m-%d %H:%M:%S,%f").replace(tzinfo=UTC),
              m[2] is not None)
             for m in LOG_LINE.finditer(log)]
    delivered = [at for at, says in lines if says]
    return (delivered[-1] - lines[0][0]).total_seconds() if delivered else None


def _first_attempt(plan: followups_store.NewOutreach, earlier: object
                   ) -> followups_store.NewOutreach:
    """Each seeded outreach is a first attempt, whatever was logged before."""
    return plan


class Cohort:
    """The local Discord process, its members, and the bot processes on one database."""

    def __init__(self, workdir: Path, discord: DemoDiscord) -> None:
        self.workdir = workdir
        self.discord = discord
        self.control: Control = discord.control
        self.database = workdir / "cohort.db"
        self.processes: list[BotProcess] = []
        self.bot = self.process()
        self.members: list[str] = []
        ids = discord.ids()
        self.guild_id = int(ids["id"])
        self.now = datetime.fromisoformat(discord.info["now"])

    @classmethod
    @contextlib.asynccontextmanager
    async def running(cls, workdir: Path) -> AsyncIterator[Cohort]:
        """The cohort on a local Discord started now; after, every bot process still running
        is killed and the local Discord stopped."""
        discord = DemoDiscord(workdir)
        cohort = cls(workdir, discord)
        try:
            yield cohort
        finally:
            for bot in cohort.processes:
                if bot.proc is not None and bot.proc.poll() is None:
                    bot.kill()
            await discord.stop()

    def process(self, name: str = "bot", program: tuple[str, ...] = ("-m", "bot")
                ) -> BotProcess:
        """Another `cohortbot run` on this database (`BotProcess` says what the names mean)."""
        made = BotProcess(self.workdir, self.discord, name=name, program=program)
        self.processes.append(made)
        return made

    async def add_members(self, count: int) -> list[str]:
        """Members m000, m001...: names the control API takes wherever a member goes."""
        for i in range(len(self.members), len(self.members) + count):
            await self.control.add_member(guild=self.guild_id, name=f"m{i:03d}")
            self.members.append(f"m{i:03d}")
        return self.members

    async def member_ids(self) -> dict[str, int]:
        (guild,) = [g for g in await self.control.guilds() if int(g["id"]) == self.guild_id]
        return {m["user"]["username"]: int(m["user"]["id"]) for m in guild["members"]}

    async def seed_reminders(self, count: int, rng: random.Random) -> list[int]:
        """`count` outreaches logged as sent 8 to 12 days ago, round-robin over the members,
        each with the reminder the bot planned when it was logged: all overdue now, their
        windows still open. Written through the bot's storage, before the bot first starts
        (the file is created and migrated here)."""
        ids = await self.member_ids()
        hours = FollowupSettings().friendly_hours
        db = await Database.open(self.database)
        made = []
        try:
            for i in range(count):
                member = self.members[i % len(self.members)]
                sent = self.now - timedelta(days=7, minutes=rng.randrange(24 * 60, 5 * 24 * 60))
                end = window_end(sent, UTC)
                due = first_due(sent, end, 7, sent, UTC, hours)
                assert due is not None and due < self.now
                first = followups_store.NewOutreach(
                    channel="email", draft=None, note=None, sent_at=to_ms(sent),
                    window_end_at=to_ms(end), attempts=1,
                    status=OutreachStatus.AWAITING, reminder=(to_ms(due), "UTC"))
                done = await followups_store.record_attempt(
                    db, user_id=ids[member], recipient=f"Person {i}",
                    source_message_id=None, now=to_ms(sent),
                    decide=partial(_first_attempt, first))
                assert done is not None and done.reminder_id is not None
                made.append(done.reminder_id)
        finally:
            await db.close()
        return made

    async def start(self, bot: BotProcess | None = None, *, busy: bool = False) -> None:
        """Start the bot and wait until it is connected and quiet (`busy`: members keep the
        world from going quiet, so until it is connected)."""
        process = bot or self.bot
        process.start()
        ready = bot_connected if busy else bot_ready
        assert await ready(self.discord, process), process.logged()[-3000:]

    async def idle(self, period: float = 2.0, within: float = 600.0) -> bool:
        """Nothing changed for `period` seconds and no request is in flight."""
        return await self.control.quiet(period=period, within=within)

    async def open_db(self) -> Database:
        """The database, once the bot has stopped (opening it runs the start-up checks)."""
        return await Database.open(self.database)

    # --- Discord's record ---------------------------------------------------------------------

    async def settled(self, seeded: list[int], within: float = 900.0) -> None:
        """Quiet, and every seeded reminder arrived (or `within` seconds passed: the checks
        after this then say what is missing). Quiet alone is not enough: a backlog delivered
        a page at a time reads each DM's history first, and reads change nothing, so a
        pause between two of them under added latency looks quiet."""
        deadline = asyncio.get_running_loop().time() + within
        while True:
            assert await self.idle(period=3), "the bot never went quiet"
            arrived = await self.reminders_received()
            if all(arrived[i] for i in seeded) or asyncio.get_running_loop().time() > deadline:
                return

    async def reminders_received(self) -> Counter[int]:
        """How many reminder DMs each reminder id arrived in, over every member's DMs."""
        seen: Counter[int] = Counter()
        for name in self.members:
            for message in await self.control.dms(member=name):
                ids = {int(m[1]) for b in buttons(message)
                       if (m := REMINDER_ID.fullmatch(b.get("custom_id", "")))}
                seen.update(ids)
        return seen

    async def lesson_posts(self) -> list[dict[str, Any]]:
        """The bot's own posts in #lessons (not interaction answers)."""
        bot_id = self.discord.info["bot"]["id"]
        return [m for m in await self.control.messages(channel="lessons", ephemeral=False)
                if m["author"]["id"] == bot_id and not m.get("webhook_id")]


@dataclass
class Post:
    thread_id: int
    member: str
    content: str
    deleted: bool = False


@dataclass
class Ledger:
    """What the members did and what the bot told them."""

    posts: dict[int, Post] = field(default_factory=dict)  # message id ->
    # (run, example, member) -> the "what works" text of the critique they were told is posted
    critiques: dict[tuple[int, int, str], str] = field(default_factory=dict)
    tried: set[tuple[int, int, str]] = field(default_factory=set)  # sent, never confirmed
    postings: list[str] = field(default_factory=list)  # /lesson post interaction ids
    failed_interactions: int = 0  # not acknowledged in time: the bot was down
    unconfirmed: int = 0  # critique forms sent whose answer never said "posted"
    summaries: list[str] = field(default_factory=list)  # /lesson summary interaction ids


class Members:
    """Members acting through the control API as people would, whatever the bot's state:
    they post, edit and delete in the lesson threads, critique examples (and send again a
    critique whose answer never came), and the moderator posts runs. Interactions that fail
    (the bot was down) are what a member sees as "did not respond"."""

    def __init__(self, cohort: Cohort, rng: random.Random, ledger: Ledger | None = None,
                 *, answer_within: float = 15.0) -> None:
        self.cohort = cohort
        self.control = cohort.control
        self.rng = rng
        self.ledger = ledger or Ledger()
        self.answer_within = answer_within
        self._count = 0

    def _next(self) -> int:
        self._count += 1
        return self._count

    async def _threads(self) -> list[dict[str, Any]]:
        return await self.control.threads(channel="lessons")

    async def _examples(self) -> list[dict[str, Any]]:
        return [m for m in await self.cohort.lesson_posts()
                if any(b.get("custom_id", "").startswith(CRITIQUE_BUTTON) for b in buttons(m))]

    async def post(self) -> None:
        threads = await self._threads()
        if not threads:
            return
        thread = self.rng.choice(threads)
        member = self.rng.choice(self.cohort.members)
        content = f"thread message {self._next()} from {member}"
        with contextlib.suppress(DiscordError, ControlError):  # the thread just went
            sent = await self.control.member(member).say(thread["id"], content)
            self.ledger.posts[int(sent["id"])] = Post(int(thread["id"]), member, content)

    async def edit_or_delete(self) -> None:
        live = [(mid, p) for mid, p in self.ledger.posts.items() if not p.deleted]
        if not live:
            return
        mid, post = self.rng.choice(live)
        with contextlib.suppress(DiscordError, ControlError):
            if self.rng.random() < 0.5:
                content = f"{post.content}, edited {self._next()}"
                await self.control.member(post.member).edit(mid, content)
                post.content = content
            else:
                await self.control.member(post.member).delete(mid)
                post.deleted = True

    async def critique(self, key: tuple[int, int, str] | None = None) -> bool:
        """Press "Critique this example" and send the form; True once the bot said it is
        posted. Without `key`, a random member and example; a critique tried before and never
        confirmed is sent again first."""
        if key is None and self.ledger.tried:
            key = self.rng.choice(sorted(self.ledger.tried))
        examples = await self._examples()
        marks = {self._mark(m): m for m in examples}
        if key is None:
            if not marks:
                return False
            run, example = self.rng.choice(sorted(marks))
            key = (run, example, self.rng.choice(self.cohort.members))
        message = marks.get(key[:2])
        if message is None:  # the run was removed (cut short) or closed
            self.ledger.tried.discard(key)
            return False
        member = self.control.member(key[2])
        works = f"works {self._next()}"
        self.ledger.tried.add(key)
        try:
            opened = await member.click(message, self._button(message))
            opened = await self.control.interaction(interaction=opened["id"], wait="answered",
                                                    within=self.answer_within)
            if opened["modal"] is None:
                self.ledger.failed_interactions += opened["failed"]
                return False
            sent = await member.submit_modal(opened, {"works": works, "doesnt": "vague",
                                                      "likely": "no"})
            final = await self.control.interaction(interaction=sent["id"], wait="final",
                                                   within=self.answer_within)
        except (DiscordError, ControlError):
            return False
        self.ledger.failed_interactions += final["failed"]
        told = (final["response"] or {}).get("content", "")
        if "your critique of" in told:
            self.ledger.critiques[key] = works
            self.ledger.tried.discard(key)
            return True
        self.ledger.unconfirmed += 1
        return False

    async def summary(self) -> None:
        """A member's own /lesson summary (the check reads how it was answered)."""
        with contextlib.suppress(DiscordError, ControlError):
            asked = await self.control.member(self.rng.choice(self.cohort.members)).slash(
                "lesson summary", channel="lessons")
            self.ledger.summaries.append(asked["id"])

    @staticmethod
    def _button(message: dict[str, Any]) -> str:
        """The custom_id of the example message's "Critique this example"."""
        (button,) = [b for b in buttons(message)
                     if b.get("custom_id", "").startswith(CRITIQUE_BUTTON)]
        return str(button["custom_id"])

    @classmethod
    def _mark(cls, message: dict[str, Any]) -> tuple[int, int]:
        # `<run>:<example>:<the run's token>`
        run, example = cls._button(message).removeprefix(CRITIQUE_BUTTON).split(":")[:2]
        return int(run), int(example)

    async def lesson_post(self) -> dict[str, Any]:
        """The moderator's /lesson post; the interaction as it stands once answered."""
        asked = await self.control.member("mod").slash("lesson post", channel="lessons")
        self.ledger.postings.append(asked["id"])
        return await self.control.interaction(interaction=asked["id"], wait="final",
                                              within=self.answer_within)

    async def keep_acting(self, stop: asyncio.Event, *, pace: float = 0.2,
                          interactions: bool = True) -> None:
        """Post, edit, delete and critique until `stop` is set, one act every `pace` s or so
        (critiques in a loop of their own, since each waits for its answers; now and then a
        /lesson summary among them). Without `interactions`, only the thread messages."""
        async def threads() -> None:
            while not stop.is_set():
                await (self.post() if self.rng.random() < 0.75 else self.edit_or_delete())
                await _pause(stop, self.rng.uniform(0.5, 1.5) * pace)

        async def critiques() -> None:
            while interactions and not stop.is_set():
                await (self.summary() if self.rng.random() < 0.2 else self.critique())
                await _pause(stop, self.rng.uniform(0.5, 1.5) * pace)

        await asyncio.gather(threads(), critiques())


async def _pause(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


async def acting(members: Members, body: Callable[[], Awaitable[None]],
                 pace: float = 0.2, *, interactions: bool = True) -> None:
    """Run `body` while the members keep acting; they stop (and finish their act) after."""
    stop = asyncio.Event()
    crowd = asyncio.create_task(members.keep_acting(stop, pace=pace,
                                                    interactions=interactions))
    try:
        await body()
    finally:
        stop.set()
        await crowd


# --- the checks ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reminders:
    delivered_once: int
    lost: int
    twice: int
    not_marked_sent: int  # delivered on Discord but the database does not know


async def check_reminders(cohort: Cohort, db: Database, seeded: list[int]) -> Reminders:
    seen = await cohort.reminders_received()
    rows = [await followups_store.reminder(db, i) for i in seeded]
    unmarked = sum(1 for r in rows if r is None or r.status != "sent")
    return Reminders(delivered_once=sum(1 for i in seeded if seen[i] == 1),
                     lost=sum(1 for i in seeded if seen[i] == 0),
                     twice=sum(1 for i in seeded if seen[i] > 1),
                     not_marked_sent=unmarked)


@dataclass(frozen=True)
class Postings:
    complete: int  # open runs whole on Discord: prompt, examples, threads
    removed: int  # cut short and taken down
    half_made: int  # anything else: a run missing parts, or parts of no open run
    left_thinking: int  # /lesson post answers still "thinking"
    how: Counter[str]  # what each half-made one is


async def check_postings(cohort: Cohort, db: Database, ledger: Ledger) -> Postings:
    runs = await runs_store.runs_in_guild(db, cohort.guild_id, limit=10_000)
    stale = await runs_store.stale_postings(db)
    on_discord = {int(m["id"]) for m in await cohort.lesson_posts()}
    threads = {int(t["id"]) for t in await cohort.control.threads(channel="lessons")}
    expected_posts: set[int] = set()
    expected_threads: set[int] = set()
    how: Counter[str] = Counter()
    whole = 0
    for run in runs:
        examples = await runs_store.run_examples(db, run.id)
        parts = {run.prompt_message_id, *(e.message_id for e in examples)}
        mine = {e.thread_id for e in examples}
        expected_posts |= {p for p in parts if p is not None}
        expected_threads |= {t for t in mine if t is not None}
        if len(examples) != 3:
            how[f"{run.status} run with {len(examples)} examples"] += 1
        elif not parts <= on_discord:
            how[f"{run.status} run missing posts"] += 1
        elif not mine <= threads:
            how[f"{run.status} run missing threads"] += 1
        else:
            whole += 1
    how["run still posting"] += len(stale)
    how["post of no run"] += len(on_discord - expected_posts)
    how["thread of no run"] += len(threads - expected_threads)
    how = +how  # (drops the zero counts)
    half = sum(how.values())
    thinking = 0
    removed = 0
    for asked in ledger.postings:
        answer = (await cohort.control.interaction(interaction=asked))["response"]
        thinking += answer is not None and bool(answer["flags"] & LOADING)
        removed += answer is not None and "I restarted in the middle of posting" in answer[
            "content"]
    return Postings(whole, removed, half, thinking, how)


@dataclass(frozen=True)
class Capture:
    messages: int  # member messages in open runs' threads, as the members left them
    lost: int  # not stored, or stored otherwise than they were left (edit, delete missed)
    how: Counter[str]  # why each was lost: "never stored", "edit missed", "delete missed"


async def check_capture(cohort: Cohort, db: Database, ledger: Ledger) -> Capture:
    live_threads = {int(t["id"]) for t in await cohort.control.threads(channel="lessons")}
    stored: dict[int, Any] = {}
    for thread in live_threads:
        stored.update({r.message_id: r for r in
                       await discussion_store.thread_messages(db, thread)})
    counted = 0
    how: Counter[str] = Counter()
    for mid, post in ledger.posts.items():
        if post.thread_id not in live_threads:
            continue  # its thread went with a posting cut short
        counted += 1
        row = stored.get(mid)
        if row is None and not post.deleted:
            how["never stored"] += 1
        elif row is not None and post.deleted and row.deleted_at is None:
            how["delete missed"] += 1
        elif row is not None and not post.deleted and row.content != post.content:
            how["edit missed"] += 1
    return Capture(counted, sum(how.values()), how)


@dataclass(frozen=True)
class Critiques:
    confirmed: int
    lost: int  # told "posted", not stored as sent
    stored_twice: int
    posts_doubled: int  # the bot's post of one critique more than once in its thread


async def check_critiques(cohort: Cohort, db: Database, ledger: Ledger) -> Critiques:
    ids = await cohort.member_ids()
    stored: Counter[tuple[int, int, int]] = Counter()
    text: dict[tuple[int, int, int], str] = {}
    posts_doubled = 0
    bot_id = cohort.discord.info["bot"]["id"]
    for run in await runs_store.runs_in_guild(db, cohort.guild_id, limit=10_000):
        for row in await critiques_store.critiques_for_run(db, run.id):
            key = (row.run_id, row.example_no, row.author_id)
            stored[key] += 1
            text[key] = row.works
        for example in await runs_store.run_examples(db, run.id):
            if example.thread_id is None:
                continue
            try:
                messages = await cohort.control.messages(channel=example.thread_id)
            except ControlError:
                # No such thread: a posting cut short whose id was written down before the
                # thread was asked for. `check_postings` counts it as half made; here it
                # holds no critique post to double.
                continue
            authors = Counter(m["embeds"][0].get("author", {}).get("name") for m in messages
                              if m["author"]["id"] == bot_id and m["embeds"])
            posts_doubled += sum(n - 1 for n in authors.values() if n > 1)
    lost = sum(1 for (run, example, member), works in ledger.critiques.items()
               if text.get((run, example, ids[member])) != works)
    return Critiques(len(ledger.critiques), lost, sum(n - 1 for n in stored.values() if n > 1),
                     posts_doubled)


@dataclass(frozen=True)
class Summaries:
    asked: int
    answered: int  # with the summary embed and its chart


async def check_summaries(cohort: Cohort, ledger: Ledger) -> Summaries:
    answered = 0
    for asked in ledger.summaries:
        final = await cohort.control.interaction(interaction=asked, wait="final", within=30)
        said = [final["response"] or {}, *final["followups"]]
        answered += any("summary" in e.get("title", "") for m in said
                        for e in m.get("embeds", []))
    return Summaries(len(ledger.summaries), answered)


@dataclass(frozen=True)
class Checked:
    """Every check on one scenario's end state (`reminders`, `postings`: where it had them)."""

    reminders: Reminders | None
    capture: Capture
    critiques: Critiques
    postings: Postings | None

    def counts(self) -> dict[str, object]:
        """The summary line's counts."""
        out: dict[str, object] = {}
        if (r := self.reminders) is not None:
            out.update(reminders=r.delivered_once + r.lost + r.twice,
                       delivered_once=r.delivered_once, reminders_lost=r.lost,
                       delivered_twice=r.twice, unmarked=r.not_marked_sent)
        c, k = self.capture, self.critiques
        out.update(thread_messages=c.messages, messages_lost=c.lost, critiques=k.confirmed,
                   critiques_lost=k.lost, critiques_stored_twice=k.stored_twice,
                   critique_posts_doubled=k.posts_doubled)
        if (p := self.postings) is not None:
            out.update(postings_whole=p.complete, postings_removed=p.removed,
                       postings_half_made=p.half_made, answers_left_thinking=p.left_thinking)
        return out

    def assert_nothing_lost(self) -> None:
        """No reminder lost or doubled, no message or critique lost, no critique doubled,
        no posting half-made, no moderator left waiting; else every one of them is said."""
        problems: list[object] = []
        if (r := self.reminders) is not None and (r.lost, r.twice, r.not_marked_sent) != (0, 0, 0):
            problems.append(r)
        if self.capture.lost:
            problems.append(self.capture.how)
        k = self.critiques
        if (k.lost, k.stored_twice, k.posts_doubled) != (0, 0, 0):
            problems.append(k)
        if (p := self.postings) is not None and (p.half_made, p.left_thinking) != (0, 0):
            problems.append(p)
        assert not problems, problems


async def check_all(cohort: Cohort, ledger: Ledger, seeded: list[int] | None = None, *,
                    postings: bool = False) -> Checked:
    """The checks, once every bot process has stopped (`seeded`: the reminders to count)."""
    db = await cohort.open_db()
    try:
        return Checked(
            await check_reminders(cohort, db, seeded) if seeded is not None else None,
            await check_capture(cohort, db, ledger), await check_critiques(cohort, db, ledger),
            await check_postings(cohort, db, ledger) if postings else None)
    finally:
        await db.close()
