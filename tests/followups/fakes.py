"""The follow-ups service's world for tests: a real SQLite file, the real APScheduler and a
ManualClock, with a fake Discord behind the service's port.

A crash is `Crash`, a BaseException nothing in the bot catches: it stops the delivery where
it is, as a killed process would; the "restart" is a new service, scheduler and connection on
the same file (the old ones are dropped, not closed cleanly first where that matters).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.clock import ManualClock
from bot.config import FollowupSettings, ReviewLimits
from bot.scheduler import Scheduler
from bot.services.followups import DmClosed, FollowupsService, ReminderMessage
from bot.services.gate import MemberGate
from bot.services.review import ReviewService
from bot.services.settings import SettingsService
from storage import Database
from storage import followups as followups_store

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # a Monday; the cohort's zone is UTC here
WEEK = timedelta(days=7)


class Crash(BaseException):
    """The process dies here."""


@dataclass
class FakeDiscord:
    """Each member's DM as Discord keeps it: message ids in order, with what they carry."""

    inbox: dict[int, list[tuple[int, ReminderMessage]]] = field(default_factory=dict)
    closed: set[int] = field(default_factory=set)
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))
    edited: dict[int, ReminderMessage] = field(default_factory=dict)  # message id -> now shows

    def sent(self, user_id: int) -> list[ReminderMessage]:
        return [m for _, m in self.inbox.get(user_id, [])]

    def total(self) -> int:
        return sum(len(v) for v in self.inbox.values())


@dataclass
class FakePort:
    discord: FakeDiscord
    before_send: Callable[[], None] | None = None  # runs before Discord takes the message
    after_send: Callable[[], None] | None = None  # runs after Discord took it
    on_floor: Callable[[], None] | None = None
    on_find: Callable[[], None] | None = None
    sends: int = 0

    async def history_floor(self, user_id: int) -> int:
        if self.on_floor:
            self.on_floor()
        messages = self.discord.inbox.get(user_id, [])
        return messages[-1][0] if messages else 0

    async def send(self, user_id: int, message: ReminderMessage) -> int:
        self.sends += 1
        if self.before_send:
            self.before_send()
        if user_id in self.discord.closed:
            raise DmClosed
        message_id = next(self.discord.ids)
        self.discord.inbox.setdefault(user_id, []).append((message_id, message))
        if self.after_send:
            self.after_send()
        return message_id

    async def edit(self, user_id: int, message_id: int, message: ReminderMessage) -> None:
        if message_id not in dict(self.discord.inbox.get(user_id, [])):
            raise LookupError(f"no message {message_id} in the DM of {user_id}")
        self.discord.edited[message_id] = message

    async def find(self, user_id: int, followup_id: int, delivery: int,
                   after: int) -> int | None:
        if self.on_find:
            self.on_find()
        for message_id, m in self.discord.inbox.get(user_id, []):
            if message_id > after and (m.followup_id, m.delivery) == (followup_id, delivery):
                return message_id
        return None


async def settle() -> None:
    """Wait for the deliveries started in tasks of their own (a reminder already due when it
    is logged goes out at once)."""
    while tasks := [t for t in asyncio.all_tasks() if t.get_name().startswith("cohortbot:")]:
        await asyncio.gather(*tasks)


def crash() -> None:
    raise Crash


def discord_error() -> None:
    raise ConnectionResetError("Discord went away mid-request")


@dataclass
class Bot:
    """One bot process's follow-ups: connection, scheduler, service."""

    db: Database
    scheduler: Scheduler
    service: FollowupsService
    port: FakePort

    async def stop(self) -> None:
        await self.service.stop()
        await self.scheduler.shutdown()
        await self.db.close()


class World:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.clock = ManualClock(START)
        self.discord = FakeDiscord()
        self.bots: list[Bot] = []

    async def start(self, *, window_days: int = 7, begin: bool = True) -> Bot:
        db = await Database.open(self.path)
        scheduler = Scheduler(self.clock)
        scheduler.start()
        port = FakePort(self.discord)
        gate = MemberGate()
        settings = SettingsService(db, self.clock, "UTC", gate=gate)
        service = FollowupsService(db, self.clock, scheduler,
                                   FollowupSettings(window_days=window_days),
                                   ReviewService(db, self.clock, ReviewLimits(), gate=gate),
                                   settings, port, gate=gate)
        bot = Bot(db, scheduler, service, port)
        self.bots.append(bot)
        if begin:
            await service.start()
        return bot

    async def restart(self, old: Bot) -> Bot:
        await old.stop()
        self.bots.remove(old)
        return await self.start()


@contextlib.asynccontextmanager
async def running(path: Path) -> AsyncIterator[World]:
    """A world on the database file `path`; every bot in it stopped after."""
    w = World(path)
    try:
        yield w
    finally:
        for bot in w.bots:
            await bot.stop()


async def log(bot: Bot, who: str = "Dana Lee", user: int = 1, **kw: object) -> int:
    done = await bot.service.log_attempt(user_id=user, recipient=who, channel="email",
                                         **kw)  # type: ignore[arg-type]
    return done.outreach.id


async def reminder_of(bot: Bot, user: int = 1) -> followups_store.Reminder:
    ((_, row),) = [e for e in await followups_store.member_log(bot.db, user)][:1]
    assert row is not None
    return row
