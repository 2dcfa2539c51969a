"""A backlog of reminders due at once (the bot was down): delivered several at a time, never
more than `CONCURRENT_REQUESTS`, none held up by another's slow delivery, each exactly once
however the process dies with deliveries in flight, and none to a member who asked to be
forgotten or who decided meanwhile.

The fake Discord holds sends (or floor reads) where a test wants them, until it lets them
go: nothing is timed, each step waits for the one before it (`until`, its timeout only a
guard against a hang).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, timedelta
from pathlib import Path

import pytest

from bot.clock import to_ms
from bot.followups import ReminderStatus, window_end
from bot.services import followups as followups_service
from bot.services.followups import CONCURRENT_REQUESTS, ReminderMessage
from storage import Database
from storage import followups as followups_store
from storage import privacy as privacy_store
from tests.followups.fakes import START, Bot, FakePort, World, running

HANG_GUARD = 60  # seconds: only ever reached if the code under test hangs


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    async with running(tmp_path / "cohort.db") as w:
        yield w


@dataclass
class HeldPort(FakePort):
    """Discord holding requests: a send waits at `before_send` (Discord has not taken it)
    for `held` members, until `gate` lets one through; `hold_after` members' sends are taken
    and then never answered; `hold_floor` members' DMs never answer the floor read.
    `in_flight` counts the sends under way, `most` the most there ever were at once."""

    held: set[int] = field(default_factory=set)
    hold_after: set[int] = field(default_factory=set)
    hold_floor: set[int] = field(default_factory=set)
    gate: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(0))
    in_flight: int = 0
    most: int = 0
    waiting: int = 0  # requests held forever right now
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def _moved(self, by: int) -> None:
        self.in_flight += by
        self.most = max(self.most, self.in_flight)
        self.changed.set()

    async def _forever(self) -> None:
        self.waiting += 1
        self.changed.set()
        await asyncio.Event().wait()

    async def history_floor(self, user_id: int) -> int:
        if user_id in self.hold_floor:
            await self._forever()
        return await super().history_floor(user_id)

    async def send(self, user_id: int, message: ReminderMessage) -> int:
        self._moved(+1)
        try:
            if user_id in self.held:
                await self.gate.acquire()
            message_id = await super().send(user_id, message)
            if user_id in self.hold_after:
                await self._forever()
            return message_id
        finally:
            self._moved(-1)


async def until(port: HeldPort, done: Callable[[], bool]) -> None:
    """Wait until `done()` holds, looking again whenever the port moves."""
    async with asyncio.timeout(HANG_GUARD):
        while not done():
            port.changed.clear()
            await port.changed.wait()


async def finished(start: asyncio.Task[None]) -> None:
    async with asyncio.timeout(HANG_GUARD):
        await start


async def backlog(world: World, members: list[int]) -> list[int]:
    """One overdue reminder per entry of `members` (the same member may come twice), due in
    that order, their windows open; written before the bot starts, as a downtime leaves
    them. Returns their ids, in due order."""
    sent = START - timedelta(days=8)
    items = [followups_store.Planned(
        user_id=user, recipient=f"Person {i}",
        channel="email", sent_at=to_ms(sent), window_end_at=to_ms(window_end(sent, UTC)),
        due_at=to_ms(sent + timedelta(days=7, minutes=i)), zone="UTC",
    ) for i, user in enumerate(members)]
    db = await Database.open(world.path)
    try:
        await followups_store.insert_planned(db, items, to_ms(sent))
        rows = await db.fetchall("SELECT id FROM followups ORDER BY due_at, id")
    finally:
        await db.close()
    return [r[0] for r in rows]


async def starting(world: World, port: HeldPort) -> tuple[Bot, asyncio.Task[None]]:
    """A bot on the world's file behind `port`, its start-up (which delivers the backlog)
    under way in a task."""
    bot = await world.start(begin=False)
    bot.service.port = bot.port = port
    return bot, asyncio.create_task(bot.service.start())


async def statuses(bot: Bot, ids: list[int]) -> list[ReminderStatus | None]:
    rows = [await followups_store.reminder(bot.db, i) for i in ids]
    return [r.status if r else None for r in rows]


async def test_a_backlog_goes_out_several_at_a_time_never_more_than_the_bound(
    world: World,
) -> None:
    closed = 99  # a member whose DMs are closed: handled as ever, in the same batch
    members = [*(1 + i % 10 for i in range(3 * CONCURRENT_REQUESTS)), closed]
    ids = await backlog(world, members)
    world.discord.closed.add(closed)
    port = HeldPort(world.discord, held=set(members))
    bot, start = await starting(world, port)
    for left in range(len(ids), 0, -1):  # let one send through at a time
        await until(port, lambda left=left: port.in_flight == min(CONCURRENT_REQUESTS, left))
        port.gate.release()
    await finished(start)
    assert port.most == CONCURRENT_REQUESTS
    assert world.discord.total() == len(ids) - 1 and world.discord.sent(closed) == []
    assert await statuses(bot, ids) == [ReminderStatus.SENT] * (len(ids) - 1) + [
        ReminderStatus.UNDELIVERABLE]
    assert port.sends == len(ids)  # none sent twice, the closed DM never tried again
    await bot.service.sweep()
    assert port.sends == len(ids)


async def test_a_delivery_discord_never_answers_holds_up_no_other(
    world: World, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Small pages and few slots, so the backlog spans pages and the stuck one holds a slot.
    monkeypatch.setattr(followups_service, "PAGE", 3)
    monkeypatch.setattr(followups_service, "CONCURRENT_REQUESTS", 2)
    stuck = 1  # the first one due
    ids = await backlog(world, list(range(1, 13)))
    port = HeldPort(world.discord, held={stuck})
    bot, start = await starting(world, port)
    # Every other one, in the following pages too, goes out meanwhile.
    await until(port, lambda: world.discord.total() == len(ids) - 1)
    assert world.discord.sent(stuck) == []
    port.gate.release()
    await finished(start)
    assert await statuses(bot, ids) == [ReminderStatus.SENT] * len(ids)
    assert [len(world.discord.sent(user)) for user in range(1, 13)] == [1] * 12


async def test_killed_with_deliveries_in_flight_each_arrives_exactly_once(
    world: World, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(followups_service, "CONCURRENT_REQUESTS", 4)
    ids = await backlog(world, list(range(1, 13)))
    # The four in flight when the process dies: one reading the DM (no floor yet), one
    # whose message Discord has not taken, two whose messages Discord took unanswered. The
    # other eight are claimed, waiting for a slot.
    port = HeldPort(world.discord, hold_floor={1}, held={2}, hold_after={3, 4})
    bot, start = await starting(world, port)
    await until(port, lambda: port.waiting == 3 and port.in_flight == 3)
    taken = {user: world.discord.inbox[user][0][0] for user in (3, 4)}
    start.cancel()  # kill -9: whatever was in flight stops where it is
    with pytest.raises(asyncio.CancelledError):
        await finished(start)
    assert set(await statuses(bot, ids)) == {ReminderStatus.SENDING}
    bot = await world.restart(bot)
    assert [len(world.discord.sent(user)) for user in range(1, 13)] == [1] * 12
    assert await statuses(bot, ids) == [ReminderStatus.SENT] * len(ids)
    for user in (3, 4):  # found in the DM, not sent again
        row = await followups_store.reminder(bot.db, ids[user - 1])
        assert row is not None and row.message_id == taken[user]


async def test_forget_me_while_a_reminder_is_on_its_way(
    world: World, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(followups_service, "CONCURRENT_REQUESTS", 1)
    # Member 1's first reminder is being sent when they ask to be forgotten; their second,
    # its floor read already, waits for its turn to send behind member 2's.
    ids = await backlog(world, [1, 2, 1])
    port = HeldPort(world.discord, held={1})
    bot, start = await starting(world, port)
    await until(port, lambda: port.in_flight == 1)
    await privacy_store.forget_member(bot.db, 1)
    forgetting = asyncio.create_task(bot.service.forget_member(1))
    for _ in range(20):
        await asyncio.sleep(0)
    # /forget-me deletes the bot's DMs to the member after this returns: not before the
    # reminder on its way has arrived (or failed).
    assert not forgetting.done()
    port.gate.release()
    async with asyncio.timeout(HANG_GUARD):
        await forgetting
    assert len(world.discord.sent(1)) == 1
    await finished(start)
    assert len(world.discord.sent(1)) == 1  # the second one never went: its row was gone
    assert len(world.discord.sent(2)) == 1
    assert await statuses(bot, ids) == [None, ReminderStatus.SENT, None]


async def test_an_outreach_decided_while_its_reminder_waited_gets_none(
    world: World, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # One at a time, so the others have not read their DM yet when the members decide.
    monkeypatch.setattr(followups_service, "CONCURRENT_REQUESTS", 1)
    monkeypatch.setattr(followups_service, "IN_FLIGHT", 1)
    ids = await backlog(world, [1, 2, 3])
    port = HeldPort(world.discord, held={1})
    bot, start = await starting(world, port)
    await until(port, lambda: port.in_flight == 1)
    # While member 1's reminder holds the slot: member 2 heard back, member 3 sent the
    # follow-up already (the second and last attempt).
    await bot.service.mark_replied(2, "Person 1")
    await bot.service.log_attempt(user_id=3, recipient="Person 2", channel="email")
    port.gate.release()
    await finished(start)
    assert world.discord.sent(2) == [] and world.discord.sent(3) == []
    assert await statuses(bot, ids) == [ReminderStatus.SENT, ReminderStatus.CANCELLED,
                                        ReminderStatus.CANCELLED]
