"""Exactly once, whatever happens: restarts of the real bot against the same database and
the same local Discord, a delivery cut at each point, two bots on one database, DMs closed.

The local Discord keeps a nonce for 5 minutes only, as Discord does; restarting hours later
shows that the DM's history, not the nonce, is what stops a second send.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import to_ms
from localdiscord import errors
from localdiscord.errors import DiscordError
from storage import Database
from storage import followups as followups_store
from storage.lock import DatabaseInUse
from tests.followups.helpers import CrashingPort, log_dana, reminders, stamp, text_of
from tests.world import CohortWorld, component

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
DUE = START + timedelta(days=7)


async def status(world: CohortWorld) -> str:
    ((_, reminder),) = await followups_store.member_log(world.bot.db, world.ada.id)
    assert reminder is not None
    return reminder.status.value


async def test_restart_before_the_due_time(world: CohortWorld) -> None:
    await log_dana(world)
    await world.clock.advance(timedelta(days=3))
    await world.restart()
    await world.clock.set(DUE)
    (reminder,) = reminders(world, world.ada)
    assert "late" not in str(reminder.embeds[0])


async def test_down_across_the_due_time_it_comes_at_start_saying_it_is_late(
    world: CohortWorld,
) -> None:
    await log_dana(world)
    await world.stop_bot()
    await world.clock.advance(timedelta(days=7, hours=5))
    await world.start_bot()
    (reminder,) = reminders(world, world.ada)
    text = str(reminder.embeds[0])
    assert f"This reminder is late: it was due {stamp(DUE)}" in text and "offline" in text
    await world.restart()
    await world.clock.advance(timedelta(days=2))
    assert len(reminders(world, world.ada)) == 1


async def test_down_past_the_window_it_is_closed_with_a_note(world: CohortWorld) -> None:
    await log_dana(world)
    await world.stop_bot()
    await world.clock.advance(timedelta(days=15))
    await world.start_bot()
    assert reminders(world, world.ada) == []
    listed = await world.ada.slash("outreach list")
    assert "I was offline when its reminder was due" in text_of(listed)
    notice = listed.followups[-1]  # told once, privately, on the next command
    assert notice.ephemeral and "never reached you" in str(notice.embeds[0])
    assert "offline" in str(notice.embeds[0])
    again = await world.ada.slash("outreach list")
    assert again.followups == []


@pytest.mark.parametrize(("when", "hours_down"), [("before", 0), ("before", 6),
                                                  ("after", 0), ("after", 6)])
async def test_a_delivery_cut_short_is_delivered_exactly_once(
    world: CohortWorld, when: str, hours_down: int,
) -> None:
    """The bot dies after claiming and noting the history floor, before Discord takes the
    message ("before") or after Discord took it but before the row says so ("after")."""
    await log_dana(world)
    world.bot.services.followups.port = CrashingPort(world.bot.services.followups.port, when=when)
    await world.clock.set(DUE)
    assert await status(world) == "sending"
    assert len(reminders(world, world.ada)) == (1 if when == "after" else 0)
    await world.stop_bot()
    await world.clock.advance(timedelta(hours=hours_down))
    await world.start_bot()
    assert len(reminders(world, world.ada)) == 1
    assert await status(world) == "sent"
    await world.restart()
    await world.clock.advance(timedelta(days=3))
    assert len(reminders(world, world.ada)) == 1


@pytest.mark.parametrize("floor", [None, 0])
async def test_a_database_left_in_sending(world: CohortWorld, floor: int | None) -> None:
    """As a crash leaves it: claimed, with no floor (the send never started) or with one (the
    history after it holds no reminder, so it never went out)."""
    await log_dana(world)
    await world.stop_bot()
    db = await Database.open(world.config.storage.database)
    await db.execute("UPDATE followups SET status = 'sending', history_floor = ?,"
                     " claimed_at = ?", (floor, to_ms(DUE)))
    await db.close()
    await world.clock.set(DUE + timedelta(hours=3))
    await world.start_bot()
    assert len(reminders(world, world.ada)) == 1
    assert await status(world) == "sent"


async def test_a_second_bot_on_the_same_database_is_refused(world: CohortWorld) -> None:
    await log_dana(world)
    second = world.new_bot()
    with pytest.raises(DatabaseInUse, match=r"another cohortbot process \(pid \d+\)"):
        await second.start(world.sandbox.world.token)
    await second.close()
    await world.clock.set(DUE)
    assert len(reminders(world, world.ada)) == 1  # the first bot carries on alone
    await world.restart()  # and its lock is free again once it stops


async def test_dms_closed_the_reminder_is_undeliverable_and_told_privately(
    world: CohortWorld,
) -> None:
    dee = world.guild.handle.add_member("dee", dms_closed=True)
    await world.sandbox.settle()
    await dee.slash("outreach log", {"who": "Dana Lee", "channel": "email"},
                    channel=world.lessons)
    await world.clock.set(DUE)
    await world.clock.advance(timedelta(days=2))
    await world.restart()
    await world.clock.advance(timedelta(days=1))
    refused = [r for r in world.sandbox.requests
               if r.method == "POST" and r.path.endswith("/messages") and r.status == 403]
    assert len(refused) == 1  # tried once, never again
    assert world.posts(world.lessons) == []  # never posted in public
    listed = await dee.slash("outreach list", channel=world.lessons)
    assert "reminder undeliverable (your DMs are closed to me)" in listed.response.embeds[0][
        "description"]
    (notice,) = listed.followups
    assert notice.ephemeral and "your DMs are closed to me" in str(notice.embeds[0])
    done = await dee.click(notice, component(notice, "I sent my follow-up"))
    assert "second and last attempt" in done.updated_message.content
    later = await dee.slash("help", channel=world.lessons)
    assert later.followups == []  # told once


async def test_a_send_that_discord_refuses_is_retried_and_sent_once(
    world: CohortWorld,
) -> None:
    await log_dana(world)
    world.sandbox.faults.error("POST /channels/*/messages",
                               DiscordError(503, 0, "Service Unavailable"), times=2)
    await world.clock.set(DUE)
    assert reminders(world, world.ada) == []
    assert await status(world) == "pending"
    await world.clock.advance(timedelta(minutes=1))  # retried a minute later: refused again
    assert reminders(world, world.ada) == []
    await world.clock.advance(timedelta(minutes=2))  # then two minutes after that
    (reminder,) = reminders(world, world.ada)
    assert "retry" not in str(reminder.embeds[0])  # three minutes late: no excuse owed


async def test_a_dm_channel_gone_makes_the_reminder_undeliverable_without_a_traceback(
    world: CohortWorld, caplog: pytest.LogCaptureFixture,
) -> None:
    """Discord's 404 on the DM (the member's user or DM gone) is as final as closed DMs:
    never retried, and logged in one line (the world fails on any error logged)."""
    await log_dana(world)
    world.sandbox.faults.error("POST /channels/*/messages", errors.unknown_channel())
    with caplog.at_level(logging.INFO):
        await world.clock.set(DUE)
        await world.clock.advance(timedelta(days=1))
    assert await status(world) == "undeliverable"
    assert reminders(world, world.ada) == []
    assert not any(r.exc_info for r in caplog.records)


async def test_a_jump_of_years_stops_only_where_there_is_work(world: CohortWorld) -> None:
    """The hourly sweep is skipped while it has nothing to do (ManualClock only): ten years
    cost the stops of the reminder, its window's end and a few sweeps, not 87,600 sweeps;
    work logged between two moves is seen by the next move."""
    stops: list[datetime] = []

    async def count(now: datetime) -> None:
        stops.append(now)

    world.clock.on_move(count)
    await world.clock.advance(timedelta(weeks=520))  # nothing to do at all
    assert len(stops) <= 3, stops
    stops.clear()
    await log_dana(world)
    await world.clock.advance(timedelta(weeks=520))
    (reminder,) = reminders(world, world.ada)
    assert "window for a follow-up" in str(reminder.embeds[0]) and reminder.edited_at
    assert len(stops) <= 12, stops
    assert await status(world) == "sent"
