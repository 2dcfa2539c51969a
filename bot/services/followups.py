"""The follow-ups feature: the outreach log and the one reminder each outreach gets.

The database is the source of truth. APScheduler holds only the reminders due within the next
`SLICE` hours; a sweep every `SWEEP_EVERY` loads the next slice, so memory stays flat however
many reminders are pending. Delivering a reminder:

1. claim the row (pending -> sending; exactly one process or coroutine wins);
2. note the newest message id in the member's DM (the "floor");
3. send the DM, with a nonce fixed per delivery;
4. mark the row sent.

A crash between any two steps is recovered at the next start, from Discord's own record: a
row left in `sending` with no floor never reached step 3 (send it); with a floor, the DM's
history after the floor is read for a bot message whose buttons carry this reminder's id and
delivery number (found: mark it sent; not found: send it). Discord's nonce de-duplication only
lasts minutes, the history does not expire.

A backlog (thousands due at once after a downtime) goes out concurrently: CONCURRENT_REQUESTS
requests to Discord at a time, IN_FLIGHT deliveries between floor and mark, their floors and
marks committed in groups (docs/followups.md, "A backlog").

Discord is reached through `FollowupsPort` (implemented in cogs/followups/_port.py), so
nothing here imports discord. Refusals a member should read are `UserError`s. "I sent it"
under a review logs its outreach here like `/outreach log`; the review of a follow-up draft
goes through the review service, so it counts against the same hourly limit as any review.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Literal, Protocol
from zoneinfo import ZoneInfo

from bot.clock import Clock, at_and_in, from_ms, timestamp_markup, to_ms
from bot.config import FollowupSettings
from bot.display import markdown_text, plural
from bot.errors import NotSaved, UserError
from bot.followups import (
    DECIDABLE_FROM,
    MAX_ATTEMPTS,
    OPEN,
    THIRD_ATTEMPT,
    Outreach,
    OutreachStatus,
    Recipient,
    Reminder,
    ReminderStatus,
    Totals,
    actions_for,
    days_later,
    first_due,
    fit,
    follow_up_refusal,
    is_late,
    listed,
    may_become,
    maybe_same,
    moved_to_zone,
    name_key,
    nonce,
    parse_recipient,
    parse_sent_on,
    recipient_keys,
    repeats,
    same_person,
    snoozed_until,
    window_end,
)
from bot.group_commit import GroupCommit
from bot.review import Review
from bot.scheduler import Scheduler
from bot.services.gate import MemberGate
from bot.services.ports import Gone, Refused
from bot.services.review import ReviewService
from bot.services.settings import SettingsService
from storage import Database
from storage import followups as followups_store

log = logging.getLogger(__name__)

SLICE = timedelta(hours=6)  # how far ahead reminders are held in memory
SWEEP_EVERY = timedelta(hours=1)  # shorter than SLICE: every reminder is loaded in time
STUCK_AFTER = timedelta(minutes=10)  # a claim older than this, not in flight here, was cut short
MAX_TRIES = 5  # failed sends of one delivery before giving up
# A failed send is tried again after 1, 2, 4 then 8 minutes, not at the next hourly sweep:
# five failures in a row are rare (a tenth of requests failing: about 1 in 100,000), but a
# reminder an hour late for one 5xx is not.
RETRY_AFTER = timedelta(minutes=1)
PAGE = 500  # rows read per query while sweeping
PAGES_UNDER_WAY = 2  # due pages being delivered at once
# Discord requests made for reminders at once (floor reads, sends, history checks): enough
# to hide Discord's round trips and retries, few enough for its rate limits (discord.py keeps
# each route's bucket and waits out 429s).
CONCURRENT_REQUESTS = 8
# Deliveries between their floor read and their mark at once: their floors and marks share
# commits (a backlog costs a few transactions per this many reminders, not a few each), and
# a process killed mid-backlog leaves at most this many to look up in the DMs' history. (64
# made the start-up with 3,000 overdue 1.6 times slower, in fsyncs: bench/README.md.)
IN_FLIGHT = 256


def _ms(span: timedelta) -> int:
    return int(span.total_seconds() * 1000)


class DmClosed(Refused):
    """The member does not accept DMs from the bot (Discord error 50007): never retried."""

    def __init__(self) -> None:
        super().__init__("the member's DMs are closed to the bot")


@dataclass(frozen=True)
class ReminderMessage:
    """What the reminder DM (or the notice shown in its place) says and offers."""

    followup_id: int
    delivery: int
    nonce: str
    recipient: str
    channel: str
    first_message: str | None
    sent_at: datetime
    window_end: datetime
    actions: tuple[str, ...]
    late_since: datetime | None = None  # when it was due, if it comes late
    late_reason: str | None = None
    undelivered: ReminderStatus | None = None  # for a notice: why the DM never came
    # Once decided (or its window ended): the decision, and when the follow-up went or the
    # window ended; the message shows that instead of the question.
    decided: OutreachStatus | None = None
    decided_at: datetime | None = None


class FollowupsPort(Protocol):
    """What the service needs Discord to do."""

    async def history_floor(self, user_id: int) -> int:
        """The id of the newest message in the member's DM with the bot, 0 if there is none."""
        ...

    async def send(self, user_id: int, message: ReminderMessage) -> int:
        """DM the reminder; returns the message id. Raises DmClosed when Discord says 50007,
        Gone when the member's user or DM is gone (so do the other methods)."""
        ...

    async def find(self, user_id: int, followup_id: int, delivery: int,
                   after: int) -> int | None:
        """The id of the bot's message newer than `after` in the member's DM that carries this
        delivery of this reminder, None if there is none."""
        ...

    async def edit(self, user_id: int, message_id: int, message: ReminderMessage) -> None:
        """Show `message` (a decided reminder) in place of the DM `message_id`."""
        ...


@dataclass(frozen=True)
class Logged:
    """What logging an attempt did."""

    # "ask": nothing recorded yet; is it the same person as `outreach`'s? (`answers`)
    kind: Literal["first", "followup", "already", "ask"]
    outreach: Outreach
    due: datetime | None = None  # when the reminder comes (first attempts)
    due_now: bool = False  # its time has passed already: it is sent at once
    early: bool = False  # a follow-up sent before the window_days the lesson suggests


Outcome = Literal["replied", "followed_up", "dropped", "expired", "snoozed"]


@dataclass(frozen=True)
class Acted:
    """What a button under a reminder did, and which buttons still make sense."""

    outcome: Outcome
    recipient: str
    actions: tuple[str, ...]
    until: datetime | None = None  # a snooze: when the reminder comes again
    already: str | None = None  # a press on a decided outreach: what had already happened
    reminder: ReminderMessage | None = None  # the reminder as it now stands (once decided)


@dataclass(frozen=True)
class KeptDraft:
    """The outreach a review's draft was logged as: to whom, and whether a copy of the draft
    kept with it was deleted just now."""

    recipient: str
    deleted: bool


# The decision each button asks for, and how a decided outreach reads as an outcome.
_DECISIONS = {"replied": OutreachStatus.REPLIED, "sent": OutreachStatus.FOLLOWED_UP,
              "drop": OutreachStatus.DROPPED}
_OUTCOMES: dict[OutreachStatus, Outcome] = {
    OutreachStatus.REPLIED: "replied", OutreachStatus.FOLLOWED_UP: "followed_up",
    OutreachStatus.DROPPED: "dropped", OutreachStatus.EXPIRED: "expired"}


def _keyed(related: list[Outreach]) -> list[tuple[Outreach, Recipient]]:
    return [(o, recipient_keys(o.recipient)) for o in related]


def _same_person(related: list[tuple[Outreach, Recipient]], who: Recipient,
                 answers: Mapping[int, bool]) -> list[Outreach]:
    """The earlier outreaches that went to `who`: surely the same person, or said to be by
    the member (`answers`: outreach id -> "the same person?")."""
    return [o for o, keys in related if answers.get(o.id, False) or same_person(keys, who)]


def _unsure(related: list[tuple[Outreach, Recipient]], who: Recipient,
            answers: Mapping[int, bool]) -> Outreach | None:
    """The newest earlier outreach that may have gone to `who` and that the member has not
    been asked about."""
    return next((o for o, keys in related if o.id not in answers and maybe_same(keys, who)),
                None)


def _counting(related: list[Outreach]) -> list[Outreach]:
    """The outreaches that count towards the two attempts: not those answered (a reply made
    them a conversation)."""
    return [o for o in related if o.status is not OutreachStatus.REPLIED]


def _answered_repeat(related: list[Outreach], who: Recipient, when: datetime,
                     channel: str) -> Outreach | None:
    """An answered outreach to `who` that a log sent at `when` by `channel` repeats (the same
    command again after "They replied"): nothing new to record, as before the reply."""
    return next((o for o in related if o.status is OutreachStatus.REPLIED
                 and same_person(recipient_keys(o.recipient), who)
                 and any(repeats(from_ms(at), o.channel, when, channel)
                         for at in (o.sent_at, o.followed_up_at) if at is not None)), None)


def _named_from(related: list[Outreach], typed: str) -> list[Outreach]:
    """The outreaches to the one person whose name starts with what was typed: the start of
    a long name, or a label cut with "…" copied. None if that start fits several people."""
    start = name_key(typed.removesuffix("…"))
    found = [o for o in related if start and name_key(o.recipient).startswith(start)]
    return found if len({name_key(o.recipient) for o in found}) == 1 else []


class _Unsure(Exception):
    """Whether the attempt goes to the person of `outreach` is the member's to say."""

    def __init__(self, outreach: Outreach) -> None:
        super().__init__(outreach.id)
        self.outreach = outreach


def dropped_text(name: str, end: datetime, now: datetime) -> str:
    """What a member who chose not to follow up hears when they press a button that no
    longer applies: the decision, and while the window is open, that it is not final."""
    text = f"You chose not to follow up with {name}, so I won't remind you again."
    if now <= end:
        text += (f" Changed your mind? Until {at_and_in(end)} the follow-up can still be "
                 "logged: “I sent my follow-up” on the reminder, or `/outreach log`.")
    return text


@dataclass(frozen=True)
class LogEntry:
    """One line of `/outreach list`."""

    outreach: Outreach
    reminder: Reminder | None
    comes_at: datetime | None  # a pending reminder: when it goes out; None once the window ends
    window_open: bool  # a follow-up may still be logged (now within the window)


class FollowupsService:
    def __init__(
        self, db: Database, clock: Clock, scheduler: Scheduler, config: FollowupSettings,
        review: ReviewService, settings: SettingsService, port: FollowupsPort, *,
        gate: MemberGate,
    ) -> None:
        self._db, self._clock, self._scheduler, self._gate = db, clock, scheduler, gate
        self._config = config
        self._review, self._settings = review, settings
        self.port = port
        self._jobs: dict[int, tuple[int, int]] = {}  # reminder id -> (member, outreach)
        self._inflight: set[int] = set()  # reminders this process has claimed right now
        self._requests = asyncio.Semaphore(CONCURRENT_REQUESTS)
        self._delivery_slots = asyncio.Semaphore(IN_FLIGHT)
        # Deliveries in flight: reminder id -> (member, done when it ends), for /forget-me.
        self._delivering: dict[int, tuple[int, asyncio.Future[None]]] = {}
        self._forgetting: set[int] = set()  # members whose /forget-me waits on deliveries
        self._floors = GroupCommit(partial(followups_store.set_floors, db),
                                   name="followup-floors")
        self._marks = GroupCommit(self._mark_sent, name="followup-marks")
        self._claims = 0  # numbers each claim, so it reads back exactly the rows it won
        self._tasks: set[asyncio.Task[None]] = set()
        self._started_at: datetime | None = None
        # Written on each claim, to tell which process claimed a row when reading the file.
        self._process = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"

    def _now(self) -> datetime:
        return self._clock.now()

    # --- start-up and the sweep -------------------------------------------------------------

    async def start(self) -> None:
        """Reconcile with the database: finish deliveries cut short, plan what was never
        planned, close windows that ended while the bot was down, deliver what is overdue
        (saying it is late and why), load the next slice, and sweep every SWEEP_EVERY."""
        self._started_at = self._now()
        # We hold the database's lock: no other process delivers, every claim is stale.
        await self._recover(claimed_before=self._started_at + timedelta(milliseconds=1))
        for row, zone in await followups_store.unplanned(self._db, self._settings.cohort_zone):
            await self._replan(row, zone)
        await self.sweep()
        self._scheduler.every("fu:sweep", SWEEP_EVERY, self.sweep, idle_until=self._next_work)

    async def stop(self) -> None:
        """Forget the jobs in memory and cancel deliveries in flight. One cut short here is
        finished at the next start, like one cut short by a crash."""
        self._scheduler.cancel("fu:sweep")
        for followup_id in list(self._jobs):
            self._unschedule(followup_id)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _next_work(self) -> datetime | None:
        """When a sweep next has something to do (a clock that jumps skips the idle ones)."""
        at = await followups_store.next_work(self._db, ahead_ms=_ms(SLICE),
                                             stuck_ms=_ms(STUCK_AFTER))
        return None if at is None else from_ms(at)

    async def sweep(self) -> None:
        """Close ended windows, recover stuck claims, deliver what is due, load the slice."""
        now = self._now()
        ending = await followups_store.shown_and_ending(self._db, to_ms(now))
        for followup_id in await followups_store.expire_windows(self._db, to_ms(now)):
            self._unschedule(followup_id)
        await asyncio.gather(*(self._settle_message(row.outreach_id) for row in ending))
        await self._recover(claimed_before=now - STUCK_AFTER)
        horizon = now + SLICE
        cursor = (-(2**62), 0)
        # A page at a time, two at most under way: a backlog of thousands never sits in
        # memory at once, and one slow delivery (Discord retrying it) never holds up the
        # page after its own.
        pages: set[asyncio.Task[None]] = set()
        try:
            while page := await followups_store.due_page(self._db, to_ms(horizon), cursor,
                                                         PAGE):
                cursor = (page[-1].due_at, page[-1].id)
                due_now = []
                for row in page:
                    at = self._deliver_at(row, now)
                    if at is not None and at <= now:
                        due_now.append(row.id)
                    elif at is not None and at <= horizon and row.id not in self._jobs:
                        self._schedule(row.id, row.user_id, row.outreach_id, at)
                if due_now:
                    pages.add(asyncio.create_task(self._deliver(due_now),
                                                  name="cohortbot:followup-page"))
                while len(pages) >= PAGES_UNDER_WAY:
                    done, pages = await asyncio.wait(pages, return_when=asyncio.FIRST_COMPLETED)
                    for task in done:
                        task.result()  # a claim that failed fails the sweep, as before
            await asyncio.gather(*pages)
        finally:
            for task in pages:  # the sweep cancelled (the bot stopping): its pages with it
                task.cancel()

    def _deliver_at(self, row: Reminder, now: datetime) -> datetime | None:
        """When a pending reminder goes out: at its time, or, if that has passed (the bot was
        down, or Discord failed), at once; at night for the member, at their next friendly
        hour if that is still inside the window."""
        zone = ZoneInfo(row.timezone or self._settings.cohort_zone)
        end = from_ms(row.window_end_at)
        return fit(from_ms(row.due_at), now, end, zone, self._config.friendly_hours)

    def _schedule(self, followup_id: int, user_id: int, outreach_id: int,
                  at: datetime) -> None:
        self._jobs[followup_id] = (user_id, outreach_id)
        self._scheduler.at(f"fu:{followup_id}", at, self.deliver, followup_id)

    def _unschedule(self, followup_id: int) -> None:
        self._jobs.pop(followup_id, None)
        self._scheduler.cancel(f"fu:{followup_id}")

    def _unschedule_outreach(self, outreach_id: int) -> None:
        for followup_id, (_, owner) in list(self._jobs.items()):
            if owner == outreach_id:
                self._unschedule(followup_id)

    def _plan(self, followup_id: int, user_id: int, outreach_id: int, at: datetime) -> None:
        """Hold a (re)planned reminder in memory if it falls within the slice; one already
        due is delivered at once, in a task of its own (the caller is answering a member)."""
        self._unschedule(followup_id)
        now = self._now()
        if at <= now:
            task = asyncio.create_task(self.deliver(followup_id),
                                       name=f"cohortbot:followup:{followup_id}")
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        elif at <= now + SLICE:
            self._schedule(followup_id, user_id, outreach_id, at)

    # --- delivering -----------------------------------------------------------------------

    async def deliver(self, followup_id: int) -> None:
        """Deliver one reminder (a job at its time), if this call wins its claim."""
        self._jobs.pop(followup_id, None)
        await self._deliver([followup_id])

    async def _deliver(self, followup_ids: list[int]) -> None:
        """Deliver the reminders among these that this call wins (see the module docstring),
        IN_FLIGHT at a time across every call. The claim is one transaction for them all;
        each floor and each mark shares a commit with those written at the same moment, and
        no reminder waits for another's Discord round trips."""
        now = self._now()
        self._claims += 1
        rows = await followups_store.claim(self._db, followup_ids, to_ms(now),
                                           f"{self._process}:{self._claims}")
        # The rest were delivered, decided, moved later (their new job delivers them), or
        # claimed by another process.
        self._inflight.update(r.id for r in rows)
        try:
            ready = []
            for row in rows:
                end = from_ms(row.window_end_at)
                if now > end or row.outreach_status not in OPEN:
                    await followups_store.close_sending(
                        self._db, row.id,
                        ReminderStatus.EXPIRED if now > end else ReminderStatus.CANCELLED)
                else:
                    ready.append(row)
            done = await asyncio.gather(*(self._deliver_one(r, now) for r in ready),
                                        return_exceptions=True)
            for row, result in zip(ready, done, strict=True):
                if isinstance(result, BaseException):
                    # Left `sending`: a later sweep recovers it as it would after a crash.
                    log.error("reminder %d: its delivery failed%s", row.id,
                              f": {result}" if isinstance(result, NotSaved) else "",
                              exc_info=None if isinstance(result, NotSaved) else result)
            if delivered := sum(result is True for result in done):
                log.info("delivered %d reminder(s)", delivered)
        finally:
            self._inflight.difference_update(r.id for r in rows)

    async def _deliver_one(self, row: Reminder, now: datetime) -> bool:
        """Floor, send, mark, once IN_FLIGHT has room (each waits its turn: asyncio's
        semaphores are first come, first served), each request to Discord in one of the
        CONCURRENT_REQUESTS. True when it went out."""
        async with self._delivery_slots:
            finished = asyncio.get_running_loop().create_future()
            self._delivering[row.id] = (row.user_id, finished)
            try:
                async with self._requests:
                    floor = await self._floor(row)
                # The floor is committed before the send starts: a crash after this point
                # is recovered from the DM's history, one before it by sending again.
                if floor is None or not await self._floors.put(row.id, floor):
                    return False  # unreadable, closed meanwhile, or forgotten: not sent
                async with self._requests:
                    if row.user_id in self._forgetting:
                        return False  # /forget-me began while it waited for its turn
                    message_id = await self._send(row, floor, now)
                if message_id is None:
                    return False
                await self._marks.put(row.id, message_id)
                return True
            finally:
                del self._delivering[row.id]
                finished.set_result(None)

    async def _mark_sent(self, sent: dict[int, int]) -> set[int]:
        """Note the DMs that delivered these reminders. One whose outreach was decided while
        its DM was on its way (a reply noted, a follow-up logged, the window closed: each of
        those edits the reminder's DM, but it had none yet) went out asking the question
        with live buttons: it is edited to the decision now, as the decision would have."""
        decided = await followups_store.mark_sent(self._db, sent, to_ms(self._now()))
        await asyncio.gather(*(self._settle_message(outreach_id) for outreach_id in decided))
        return set(sent)  # all of them, as far as anyone asks: the message went out either way

    async def _floor(self, row: Reminder) -> int | None:
        """The DM's newest message id before the send; None if the DM cannot be read."""
        try:
            return await self.port.history_floor(row.user_id)
        except (DmClosed, Gone):
            await self._undeliverable(row)
        except Exception:
            log.warning("reminder %d: could not read the DM; will retry", row.id, exc_info=True)
            await self._failed_try(row)
        return None

    async def _send(self, row: Reminder, floor: int, now: datetime) -> int | None:
        """The delivered message's id, or None when it did not (surely) go out."""
        try:
            return await self.port.send(row.user_id, self._message(row, now))
        except (DmClosed, Gone):
            await self._undeliverable(row)
        except Exception:
            # Discord may have taken the message before the error (a timeout, a 5xx after
            # the write): its history says whether it went out.
            log.warning("reminder %d: the send failed; checking the DM", row.id,
                        exc_info=True)
            await self._settle(row, floor, failed=True)
        return None

    async def _settle(self, row: Reminder, floor: int, *, failed: bool) -> None:
        """A claimed reminder whose send may or may not have gone out: the DM's history after
        `floor` decides. When the history cannot be read either, the row stays `sending` and
        a later sweep looks again; it is never sent blind."""
        try:
            found = await self.port.find(row.user_id, row.id, row.delivery, floor)
        except Exception:
            log.warning("reminder %d: the DM history could not be read; will check again",
                        row.id, exc_info=True)
            return
        if found is not None:
            await self._mark_sent({row.id: found})
            log.info("reminder %d had gone out; marked sent", row.id)
        elif failed:
            await self._failed_try(row)
        else:
            await followups_store.release(self._db, row.id, failed=False)
            log.info("reminder %d had not gone out; it will be sent", row.id)

    async def _undeliverable(self, row: Reminder) -> None:
        # Never retried, never posted anywhere public: the member hears of it privately
        # under the answer to their next command, button or form.
        await followups_store.close_sending(self._db, row.id, ReminderStatus.UNDELIVERABLE)
        log.info("reminder %d: the member cannot be DMed (DMs closed, or the user gone); "
                 "marked undeliverable", row.id)

    async def _failed_try(self, row: Reminder) -> None:
        if row.tries + 1 >= MAX_TRIES:
            await followups_store.close_sending(self._db, row.id, ReminderStatus.FAILED)
            log.warning("reminder %d: gave up after %d failed sends", row.id, MAX_TRIES)
        else:
            tries = await followups_store.release(self._db, row.id, failed=True)
            retry = self._now() + RETRY_AFTER * 2 ** max(0, tries - 1)
            if retry < from_ms(row.window_end_at):  # else the sweep closes it
                self._schedule(row.id, row.user_id, row.outreach_id, retry)

    async def _recover(self, claimed_before: datetime) -> None:
        """Claims older than `claimed_before` that no delivery here is working on: a
        process killed mid-batch leaves every row it had claimed."""
        stale = [row for row in await followups_store.sending(self._db, to_ms(claimed_before))
                 if row.id not in self._inflight]
        # Cut short before the send started: nothing went out.
        if unsent := [row.id for row in stale if row.history_floor is None]:
            await followups_store.unclaim(self._db, unsent)
        # In flight when it was cut short (at most IN_FLIGHT of them): the DM's history says
        # whether it went out.
        floors = {row.id: row.history_floor for row in stale if row.history_floor is not None}
        self._inflight.update(floors)
        try:
            await asyncio.gather(*(self._recover_one(row, floors[row.id]) for row in stale
                                   if row.id in floors))
        finally:
            self._inflight.difference_update(floors)

    async def _recover_one(self, row: Reminder, floor: int) -> None:
        async with self._requests:
            await self._settle(row, floor, failed=False)

    def _message(self, row: Reminder, now: datetime,
                 undelivered: ReminderStatus | None = None) -> ReminderMessage:
        sent, end = from_ms(row.outreach_sent_at), from_ms(row.window_end_at)
        due = from_ms(row.due_at)
        late = undelivered is None and is_late(due, now)
        reason = None
        if late:
            offline = self._started_at is not None and due < self._started_at
            reason = ("I was offline when it was due." if offline else
                      "Discord did not take it on time, so this is a retry.")
        decided, decided_at = None, None
        if undelivered is None and (row.outreach_status not in OPEN or now > end):
            decided = (OutreachStatus.EXPIRED if row.outreach_status in OPEN
                       else row.outreach_status)
            decided_at = (from_ms(row.followed_up_at) if row.followed_up_at is not None
                          else end if decided is OutreachStatus.EXPIRED else None)
        return ReminderMessage(
            followup_id=row.id, delivery=row.delivery, nonce=nonce(row.id, row.delivery),
            recipient=row.recipient, channel=row.channel, first_message=row.draft,
            sent_at=sent, window_end=end,
            actions=actions_for(row.outreach_status, row.attempts, now, end,
                                ZoneInfo(row.timezone or self._settings.cohort_zone))
            # the draft kept with the outreach, quoted there, can go on its own
            + (("forget",) if row.draft else ()),
            late_since=due if late else None, late_reason=reason, undelivered=undelivered,
            decided=decided, decided_at=decided_at,
        )

    async def _settle_message(self, outreach_id: int, shown_in: int | None = None) -> None:
        """The outreach's reminder DM, if it has one, edited to show its decision (a button
        left live there could only say what already happened). `shown_in` is a message the
        press itself updates. A failed edit is logged, not raised: the decision stands."""
        row = await followups_store.reminder_for(self._db, outreach_id)
        if row is None or row.message_id is None or row.message_id == shown_in:
            return
        try:
            async with self._requests:
                await self.port.edit(row.user_id, row.message_id, self._message(row, self._now()))
        except (DmClosed, Gone):
            log.warning("reminder %d: its DM can no longer be reached to show its decision",
                        row.id)
        except Exception:
            log.warning("reminder %d: could not show its decision in its DM", row.id,
                        exc_info=True)

    # --- logging attempts -------------------------------------------------------------------

    async def log_attempt(
        self, *, user_id: int, recipient: str, channel: str, sent_on: str | None = None,
        note: str | None = None, draft: str | None = None,
        source_message_id: int | None = None, attempt: int = 1,
        answers: Mapping[int, bool] | None = None,
    ) -> Logged:
        """Record an attempt to someone: their first (a reminder is planned), or the one
        follow-up to an earlier outreach to the same person; a third is refused. A log that
        repeats an attempt already logged (same person, same channel, sent within
        `REPEAT_WITHIN` of it: a double submit) records nothing and says so.

        `attempt` is what the member said of a reviewed draft (2 = a follow-up); the log
        itself decides from the earlier attempts it knows. `source_message_id` (the review
        "I sent it" was pressed under) logs one outreach however often it is pressed.

        The same person is decided by `same_person`; when an earlier outreach only may have
        gone to them (`maybe_same`: "Dana J. Lee" after "Dana Lee"), nothing is recorded and
        the answer is `Logged("ask", that outreach)`: the member says, and the log is made
        again with `answers` (outreach id -> the same person?).
        """
        answers = answers or {}
        now = self._now()
        zone = await self._settings.zone_of(user_id)
        when = parse_sent_on(sent_on, now, ZoneInfo(zone))
        end = window_end(when, ZoneInfo(zone))
        who = parse_recipient(recipient)
        if attempt > MAX_ATTEMPTS:
            raise UserError(THIRD_ATTEMPT.format(who=who.text))
        due = None
        if attempt == 1:
            due = first_due(when, end, self._config.window_days, now, ZoneInfo(zone),
                            self._config.friendly_hours)

        def decide(related: list[Outreach]) -> (
                followups_store.NewOutreach | followups_store.SecondAttempt
                | followups_store.Repeat):
            # Inside the storage transaction: no other attempt is recorded meanwhile.
            if answered := _answered_repeat(related, who, when, channel):
                return followups_store.Repeat(answered.id)
            keyed = _keyed(_counting(related))
            earlier = _same_person(keyed, who, answers)
            if not earlier and (unsure := _unsure(keyed, who, answers)) is not None:
                raise _Unsure(unsure)
            for o in earlier:
                if (o.followed_up_at is not None
                        and repeats(from_ms(o.followed_up_at), o.channel, when, channel)):
                    raise UserError(self._followed_up(o))
                # A reviewed follow-up is not attempt 1 again, however soon it went.
                if attempt == 1 and repeats(from_ms(o.sent_at), o.channel, when, channel):
                    return followups_store.Repeat(o.id)
            done = next((o for o in earlier if o.attempts >= MAX_ATTEMPTS), None)
            if done is not None:
                # A reviewed follow-up ("I sent it" under attempt 2) is that follow-up again.
                raise UserError(self._followed_up(done) if attempt == MAX_ATTEMPTS
                                else THIRD_ATTEMPT.format(who=markdown_text(done.recipient)))
            first = next((o for o in earlier if o.attempts == 1), None)
            if first is not None:
                at = self._followup_time(first, when, ZoneInfo(zone))
                return followups_store.SecondAttempt(first.id, to_ms(at))
            # No reminder with less than a day of the window left, but it is open until then.
            status = (OutreachStatus.FOLLOWED_UP if attempt > 1 else
                      OutreachStatus.AWAITING if now <= end else OutreachStatus.EXPIRED)
            return followups_store.NewOutreach(
                channel=channel, draft=draft, note=note, sent_at=to_ms(when),
                window_end_at=to_ms(end), attempts=attempt,
                status=status, reminder=(to_ms(due), zone) if due is not None else None)

        # A /forget-me waits until it is recorded and planned (then deletes both), or refuses
        # it if the member sent it before the forget.
        async with self._gate.writing(user_id):
            try:
                done = await followups_store.record_attempt(
                    self._db, user_id=user_id, recipient=who.text,
                    source_message_id=source_message_id, now=to_ms(now), decide=decide)
            except _Unsure as unsure:
                return Logged("ask", unsure.outreach)
            if done is None:  # the same review, logged already (by this press or another)
                logged = await followups_store.logged_from(self._db, source_message_id or 0)
                if logged is None:
                    raise RuntimeError("an outreach vanished while it was being logged")
                return Logged("already", logged)
            outreach = await self._outreach(done.outreach_id)
            if done.repeat:
                return Logged("already", outreach)
            if done.second:
                self._unschedule_outreach(done.outreach_id)
                await self._settle_message(done.outreach_id)
                early = when < days_later(from_ms(outreach.sent_at), self._config.window_days,
                                          ZoneInfo(zone))
                return Logged("followup", outreach, early=early)
            if done.reminder_id is not None and due is not None:
                self._plan(done.reminder_id, user_id, done.outreach_id, due)
            return Logged("first", outreach, due=due, due_now=due is not None and due <= now)

    @staticmethod
    def _followup_time(first: Outreach, when: datetime, zone: ZoneInfo) -> datetime:
        """When a follow-up said to be sent at `when` went, as a follow-up to the outreach
        `first`; refused if it may not be. Days are the member's: a follow-up typed as sent
        the day of the first message (its noon, `parse_sent_on`, may be before the first's
        time of day) went after it that day, and only an earlier day comes before it."""
        sent, who = from_ms(first.sent_at), markdown_text(first.recipient)
        if when.astimezone(zone).date() < sent.astimezone(zone).date():
            raise UserError(f"That day is before your first message to {who}, sent "
                            f"{timestamp_markup(sent, 'D')}; a follow-up comes after it.")
        at = max(when, sent)
        refusal = follow_up_refusal(first.attempts, first.status, from_ms(first.window_end_at),
                                    at, who)
        if refusal:
            raise UserError(refusal)
        return at

    @staticmethod
    def _followed_up(o: Outreach | Reminder) -> str:
        """What a repeated "I sent my follow-up" (or its review) hears: it is logged."""
        name = markdown_text(o.recipient)
        on = f" on {timestamp_markup(from_ms(o.followed_up_at), 'D')}" if o.followed_up_at else ""
        return (f"You already logged your follow-up to {name}{on}: that was the second and "
                "last attempt the lesson allows. If they reply, press “They replied” or use "
                "`/outreach replied`.")

    async def _outreach(self, outreach_id: int) -> Outreach:
        row = await followups_store.outreach(self._db, outreach_id)
        if row is None:
            raise UserError("That outreach is gone (deleted with /forget-me?).")
        return row

    async def logged_from(self, source_message_id: int) -> Outreach | None:
        """The outreach already logged from this review, if any."""
        return await followups_store.logged_from(self._db, source_message_id)

    # --- the buttons under a reminder ------------------------------------------------------

    async def _own(self, user_id: int, followup_id: int) -> Reminder:
        row = await followups_store.reminder(self._db, followup_id)
        if row is None:
            raise UserError("I no longer have that outreach (it may have been deleted with "
                            "/forget-me). `/outreach list` shows what I have.", final=True)
        if row.user_id != user_id:
            raise UserError("That's another member's reminder: its buttons work only for "
                            "them. `/outreach list` shows your own outreach.", final=True)
        return row

    async def act(self, user_id: int, followup_id: int, action: str,
                  shown_in: int | None = None) -> Acted:
        """"replied", "sent" (my follow-up), "drop" or "snooze<days>" on a reminder, pressed
        on the message `shown_in` (which the press updates itself). A press on an outreach
        already decided changes nothing and says what happened (`may_become`)."""
        row = await self._own(user_id, followup_id)
        now = self._now()
        if action.startswith("snooze") and action[6:].isdigit():
            return await self._snooze(row, int(action[6:]), now)
        decision = _DECISIONS.get(action)
        if decision is None:
            raise UserError("That button is from an older version of me; `/outreach list` "
                            "shows where your outreach stands.")
        if not may_become(row.outreach_status, decision):
            return self._as_decided(row, now, self._already(row))
        if decision is OutreachStatus.FOLLOWED_UP:
            refusal = follow_up_refusal(row.attempts, row.outreach_status,
                                        from_ms(row.window_end_at), now,
                                        markdown_text(row.recipient))
            if refusal:  # only the window's end is left to refuse it, once it may become so
                return self._as_decided(row, now, refusal)
            done = await followups_store.record_second_attempt(
                self._db, row.outreach_id, to_ms(now), to_ms(now))
        else:
            done = await followups_store.set_status(
                self._db, row.outreach_id, decision, DECIDABLE_FROM[decision], to_ms(now))
        row = await self._own(user_id, followup_id)  # as it now stands
        if not done:  # another press or device decided first
            return self._as_decided(row, now, self._already(row))
        self._unschedule_outreach(row.outreach_id)
        await self._settle_message(row.outreach_id, shown_in)
        return self._as_decided(row, now)

    # --- a draft kept with an outreach --------------------------------------------------

    async def forget_draft(self, user_id: int, followup_id: int) -> ReminderMessage:
        """"Forget my draft" under a reminder: the draft kept with its outreach deleted, the
        outreach and its reminder kept. Returns the reminder as it now stands."""
        row = await self._own(user_id, followup_id)
        async with self._gate.writing(user_id):
            await followups_store.drop_draft(self._db, user_id, row.outreach_id)
        return self._message(await self._own(user_id, followup_id), self._now())

    async def forget_review_draft(self, user_id: int, review_id: int) -> KeptDraft | None:
        """"Forget this draft" under a review: the outreach the member logged from it with
        "I sent it", if any, and whether a draft kept with that outreach was deleted now (the
        outreach stays; its reminder DM, if sent, is edited not to quote it)."""
        outreach = await followups_store.logged_from(self._db, review_id)
        if outreach is None or outreach.user_id != user_id:
            return None
        async with self._gate.writing(user_id):
            dropped = await followups_store.drop_draft(self._db, user_id, outreach.id)
        if dropped:
            await self._settle_message(outreach.id)
        return KeptDraft(outreach.recipient, dropped)

    def _as_decided(self, row: Reminder, now: datetime, already: str | None = None) -> Acted:
        message = self._message(row, now)
        # `decided` is never an open state; None only while the outreach is open and in its
        # window, which no decision leaves it in.
        outcome = _OUTCOMES[message.decided or OutreachStatus.EXPIRED]
        return Acted(outcome, row.recipient, message.actions, already=already,
                     reminder=message)

    async def _replied(self, outreach_id: int, who: str, now: datetime) -> None:
        if not await followups_store.set_status(
            self._db, outreach_id, OutreachStatus.REPLIED,
            DECIDABLE_FROM[OutreachStatus.REPLIED], to_ms(now),
        ):
            raise UserError(f"Already noted: {markdown_text(who)} replied.")
        self._unschedule_outreach(outreach_id)
        await self._settle_message(outreach_id)

    async def awaiting_reply(self, user_id: int) -> list[Outreach]:
        """The member's outreaches that have not been answered yet, newest first."""
        return [o for o, _ in await followups_store.member_log(self._db, user_id)
                if o.status is not OutreachStatus.REPLIED]

    async def mark_replied(self, user_id: int, recipient: str,
                           outreach_id: int | None = None) -> str:
        """`/outreach replied`: the outreach `outreach_id` (picked from the autocomplete,
        whatever the length of its name) or, typed, the newest unanswered outreach to that
        person got a reply. Returns their name as logged."""
        picked = await followups_store.outreach(self._db, outreach_id) if outreach_id else None
        if picked is not None and picked.user_id == user_id:
            await self._replied(picked.id, picked.recipient, self._now())
            return picked.recipient
        who = parse_recipient(recipient)
        logged = await followups_store.related(self._db, user_id)
        unanswered = _counting(logged)
        earlier = _same_person(_keyed(unanswered), who, {}) or _named_from(unanswered, who.text)
        if not earlier:
            raise UserError(self._not_found(logged, who))
        await self._replied(earlier[0].id, earlier[0].recipient, self._now())
        return earlier[0].recipient

    @staticmethod
    def _not_found(logged: list[Outreach], who: Recipient) -> str:
        """Why `/outreach replied` found no unanswered outreach to `who`: their reply is
        noted already, or the name only may be someone's in the log, or there is none."""
        keyed = _keyed(logged)
        name = markdown_text(who.text)
        if noted := next((o for o, keys in keyed if o.status is OutreachStatus.REPLIED
                          and same_person(keys, who)), None):
            when = f" ({timestamp_markup(from_ms(noted.closed_at), 'D')})" if (
                noted.closed_at is not None) else ""
            return (f"Already noted: {markdown_text(noted.recipient)} replied{when}. "
                    "`/outreach list` shows your log.")
        if maybe := next((o for o, keys in keyed if o.status is not OutreachStatus.REPLIED
                          and maybe_same(keys, who)), None):
            return (f"I have no unanswered outreach to {name} in your log. Did you mean "
                    f"**{markdown_text(maybe.recipient)}**? Pick them from the list as you "
                    "type.")
        return (f"I have no unanswered outreach to {name} in your log: pick it from the list "
                "as you type, or see `/outreach list`.")

    def _already(self, row: Reminder) -> str:
        name = markdown_text(row.recipient)
        return {
            OutreachStatus.FOLLOWED_UP: self._followed_up(row),
            OutreachStatus.REPLIED: f"Already noted: {name} replied.",
            OutreachStatus.DROPPED: dropped_text(name, from_ms(row.window_end_at),
                                                 self._now()),
            OutreachStatus.EXPIRED: f"The follow-up window for {name} has closed.",
        }.get(row.outreach_status, "That's already done.")

    async def _snooze(self, row: Reminder, days: int, now: datetime) -> Acted:
        if row.outreach_status not in OPEN:
            return self._as_decided(row, now, self._already(row))
        zone = ZoneInfo(row.timezone or await self._settings.zone_of(row.user_id))
        end = from_ms(row.window_end_at)
        until = snoozed_until(days, now, end, zone, self._config.friendly_hours)
        if until is None:
            raise UserError(f"Your window for a follow-up to {markdown_text(row.recipient)} "
                            f"ends {at_and_in(end)}: no room to snooze "
                            f"{plural(days, 'day')}. Send it now, or let it go.")
        if not await followups_store.snooze(self._db, row.id, to_ms(until)):
            raise UserError("That reminder is being sent right now; try again in a moment.")
        self._plan(row.id, row.user_id, row.outreach_id, until)
        # The buttons go with the reminder: the next delivery carries them, so this message
        # never outlives a decision with live ones.
        return Acted("snoozed", row.recipient, (), until=until)

    async def follow_up_target(self, user_id: int, followup_id: int) -> Reminder:
        """The outreach a follow-up would go to, if one may still be sent."""
        row = await self._own(user_id, followup_id)
        if row.attempts >= MAX_ATTEMPTS:
            raise UserError(self._followed_up(row), final=True)
        refusal = follow_up_refusal(row.attempts, row.outreach_status,
                                    from_ms(row.window_end_at), self._now(),
                                    markdown_text(row.recipient))
        if refusal:  # (whatever the follow-up's draft says)
            raise UserError(refusal, final=True)
        return row

    async def review_followup(self, user_id: int, followup_id: int, text: str) -> Review:
        """The reviewer in follow-up mode (attempt 2) on a draft of the one follow-up; it
        counts against the member's hourly review limit like any review."""
        row = await self.follow_up_target(user_id, followup_id)
        draft = await self._review.review(user_id, text, channel=row.channel, attempt=2)
        return draft.result

    # --- the member's log, notices, stats ---------------------------------------------------

    async def log_of(self, user_id: int, state: str | None = None,
                     name: str | None = None) -> list[LogEntry]:
        """The member's outreaches (those `listed` by `state` and `name`, if given), the open
        ones first, each part newest first, each with its reminder and when that will really
        come (a late one waits for the member's morning, not its `due_at`)."""
        now = self._now()
        entries = [
            LogEntry(o, r, self._deliver_at(r, now)
                     if r is not None and r.status is ReminderStatus.PENDING else None,
                     window_open=now <= from_ms(o.window_end_at))
            for o, r in await followups_store.member_log(self._db, user_id)
            if listed(o, state, name)]
        return sorted(entries, key=lambda e: e.outreach.status not in OPEN)

    async def notices_for(self, user_id: int) -> list[ReminderMessage]:
        """Reminders that never reached the member (DMs closed, Discord failing, the window
        ended while the bot was down) and that they have not been told about."""
        now = self._now()
        return [self._message(r, now, undelivered=r.status)
                for r in await followups_store.notices(self._db, user_id)]

    async def notice_told(self, followup_id: int) -> None:
        await followups_store.mark_notified(self._db, [followup_id], to_ms(self._now()))

    async def totals(self) -> Totals:
        return await followups_store.totals(self._db)

    # --- timezone, forget-me ----------------------------------------------------------------

    async def timezone_changed(self, user_id: int) -> list[datetime]:
        """Move the member's pending reminders to the same local time in their new zone (in
        its friendly hours). Returns the new times."""
        zone = await self._settings.zone_of(user_id)
        moved = []
        for row in await followups_store.pending_of(self._db, user_id):
            at = await self._replan(row, zone)
            if at is not None:
                moved.append(at)
        return moved

    async def _replan(self, row: Reminder, zone: str) -> datetime | None:
        now = self._now()
        sent, end = from_ms(row.outreach_sent_at), from_ms(row.window_end_at)
        hours = self._config.friendly_hours
        if row.timezone is None:  # logged before reminders existed: plan it from scratch
            due = first_due(sent, end, self._config.window_days, now, ZoneInfo(zone), hours)
        else:
            due = moved_to_zone(from_ms(row.due_at), ZoneInfo(row.timezone), ZoneInfo(zone),
                                now, sent, end, self._config.window_days, hours)
        if not await followups_store.move(self._db, row.id, to_ms(due) if due else None, zone):
            return None
        if due is None:
            self._unschedule(row.id)
        else:
            self._plan(row.id, row.user_id, row.outreach_id, due)
        return due

    async def forget_member(self, user_id: int) -> None:
        """Their rows were deleted by /forget-me: drop their jobs from memory, and return
        once no reminder to them is on its way. A delivery that has not written its floor
        finds its row gone then; one past its floor sends nothing from now on; one already
        sending is waited for, so the bot's messages in their DM can be deleted after it."""
        for followup_id, (owner, _) in list(self._jobs.items()):
            if owner == user_id:
                self._unschedule(followup_id)
        if sending := [done for owner, done in self._delivering.values() if owner == user_id]:
            self._forgetting.add(user_id)
            try:
                await asyncio.wait(sending)
            finally:
                self._forgetting.discard(user_id)
