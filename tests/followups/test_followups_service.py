"""FollowupsService on a real SQLite file, the real APScheduler and a ManualClock, with a fake
Discord behind its port: delivery exactly once at every crash point, restarts, DMs closed,
Discord failing, two connections on one database, memory holding only the next slice.

The world (tests/followups/fakes.py) crashes with `Crash`, a BaseException nothing in the
bot catches, and restarts with a new service, scheduler and connection on the same file.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import to_ms
from bot.errors import UserError
from bot.followups import OutreachStatus, ReminderStatus
from bot.services.followups import SLICE, Logged
from storage import Database
from storage import followups as followups_store
from storage.db import MIGRATIONS
from tests.followups.fakes import (
    START,
    WEEK,
    World,
    crash,
    discord_error,
    log,
    reminder_of,
    running,
    settle,
)

# The schema just before this feature's migration: outreach logged without reminders.
BEFORE_FOLLOWUPS = next(n for n, name, _ in MIGRATIONS if name.endswith("_followups.sql")) - 1


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    async with running(tmp_path / "cohort.db") as w:
        yield w


# --- on time ----------------------------------------------------------------------------------


async def test_the_reminder_fires_once_at_its_time(world: World) -> None:
    bot = await world.start()
    await log(bot)
    due = START + WEEK  # Monday 09:00: friendly in UTC
    await world.clock.set(due - timedelta(minutes=1))
    assert world.discord.sent(1) == []
    await world.clock.set(due + timedelta(minutes=1))
    (message,) = world.discord.sent(1)
    assert message.late_since is None and message.recipient == "Dana Lee"
    assert "snooze3" in message.actions and message.window_end == START + timedelta(days=14)
    row = await reminder_of(bot)
    assert row.status is ReminderStatus.SENT and row.sent_at == to_ms(due)
    assert row.outreach_status is OutreachStatus.REMINDED
    await world.clock.advance(timedelta(days=10))
    assert len(world.discord.sent(1)) == 1  # never a drip


async def test_memory_holds_only_the_next_slice(world: World) -> None:
    bot = await world.start()
    # 600 outreaches sent over the last 13 days: their reminders are spread over two weeks.
    for i in range(600):
        sent = START - timedelta(minutes=i * 31)
        await log(bot, f"Person {i}", user=i % 40,
                  sent_on=None if i == 0 else f"{sent.date().isoformat()}")
    await settle()
    pending = await bot.db.fetchval("SELECT COUNT(*) FROM followups WHERE status = 'pending'")
    in_memory = len(bot.scheduler.job_ids("fu:")) - 1  # minus the sweep
    due_soon = await bot.db.fetchval(
        "SELECT COUNT(*) FROM followups WHERE status = 'pending' AND due_at <= ?",
        (to_ms(START + SLICE),))
    assert in_memory == due_soon < pending
    # A day later every one that came due was delivered; memory still holds one slice.
    await world.clock.advance(timedelta(days=1))
    assert len(bot.scheduler.job_ids("fu:")) - 1 <= await bot.db.fetchval(
        "SELECT COUNT(*) FROM followups WHERE status = 'pending' AND due_at <= ?",
        (to_ms(world.clock.now() + SLICE),))
    delivered = await bot.db.fetchval("SELECT COUNT(*) FROM followups WHERE status = 'sent'")
    assert delivered == world.discord.total() > 0
    assert all(m.late_since is None for v in world.discord.inbox.values() for _, m in v)


async def test_a_night_reminder_waits_for_the_morning(world: World) -> None:
    bot = await world.start()
    await bot.service._settings.set_zone(1, "America/New_York")
    await log(bot, sent_on="2026-01-04")  # noon in New York on Sunday
    await world.clock.set(datetime(2026, 1, 11, 16, 59, tzinfo=UTC))  # 11:59 in New York
    assert world.discord.sent(1) == []
    await world.clock.advance(timedelta(minutes=2))
    assert len(world.discord.sent(1)) == 1


# --- restarts -----------------------------------------------------------------------------------


async def test_restart_before_the_due_time_delivers_on_time(world: World) -> None:
    bot = await world.start()
    await log(bot)
    await world.clock.advance(timedelta(days=3))
    bot = await world.restart(bot)
    await world.clock.advance(timedelta(days=4, minutes=1))
    (message,) = world.discord.sent(1)
    assert message.late_since is None


async def test_restart_after_the_due_time_delivers_at_once_saying_it_is_late(
    world: World,
) -> None:
    bot = await world.start()
    await log(bot)
    await bot.stop()
    world.bots.remove(bot)
    await world.clock.advance(timedelta(days=8))  # the bot was down across the due time
    bot = await world.start()
    (message,) = world.discord.sent(1)
    assert message.late_since == START + WEEK
    assert message.late_reason is not None and "offline" in message.late_reason
    await world.clock.advance(timedelta(days=2))
    assert len(world.discord.sent(1)) == 1


async def test_restart_after_the_window_closes_it_with_a_note(world: World) -> None:
    bot = await world.start()
    await log(bot)
    await bot.stop()
    world.bots.remove(bot)
    await world.clock.advance(timedelta(days=15))
    bot = await world.start()
    assert world.discord.sent(1) == []
    row = await reminder_of(bot)
    assert row.status is ReminderStatus.EXPIRED
    assert row.outreach_status is OutreachStatus.EXPIRED
    (notice,) = await bot.service.notices_for(1)
    assert notice.undelivered is ReminderStatus.EXPIRED and notice.actions == ("replied",)
    await bot.service.notice_told(notice.followup_id)
    assert await bot.service.notices_for(1) == []


@pytest.mark.parametrize("hours_down", [0, 6])
@pytest.mark.parametrize(("point", "already_sent"), [
    ("on_floor", False),  # claimed, the floor not read yet: the send never started
    ("before_send", False),  # the floor stored, Discord never got the message
    ("after_send", True),  # Discord took it, the row never said so
])
async def test_a_crash_at_each_point_of_a_delivery_delivers_it_once(
    world: World, point: str, already_sent: bool, hours_down: int,
) -> None:
    bot = await world.start()
    await log(bot)
    setattr(bot.port, point, crash)
    await world.clock.set(START + WEEK)
    assert (await reminder_of(bot)).status is ReminderStatus.SENDING  # the process "died"
    assert len(world.discord.sent(1)) == (1 if already_sent else 0)
    await world.clock.advance(timedelta(hours=hours_down))
    bot = await world.restart(bot)
    assert len(world.discord.sent(1)) == 1
    row = await reminder_of(bot)
    assert row.status is ReminderStatus.SENT and row.message_id == 1000
    await world.clock.advance(timedelta(days=3))
    assert len(world.discord.sent(1)) == 1


async def test_a_snoozed_delivery_is_not_mistaken_for_the_first_one(world: World) -> None:
    bot = await world.start()
    await log(bot)
    await world.clock.set(START + WEEK)
    (first,) = world.discord.sent(1)
    await bot.service.act(1, first.followup_id, "snooze1")
    bot.port.after_send = crash
    await world.clock.advance(timedelta(days=1))
    bot = await world.restart(bot)  # history holds delivery 1 only, then delivery 2
    assert [m.delivery for m in world.discord.sent(1)] == [1, 2]
    assert (await reminder_of(bot)).status is ReminderStatus.SENT


async def test_an_error_after_discord_took_it_is_checked_in_the_history(world: World) -> None:
    bot = await world.start()
    await log(bot)
    bot.port.after_send = discord_error
    await world.clock.set(START + WEEK)
    assert len(world.discord.sent(1)) == 1
    assert (await reminder_of(bot)).status is ReminderStatus.SENT


async def test_discord_failing_is_retried_within_minutes_then_given_up(world: World) -> None:
    bot = await world.start()
    await log(bot)
    bot.port.before_send = discord_error
    await world.clock.set(START + WEEK)
    assert bot.port.sends == 1
    await world.clock.advance(timedelta(seconds=59))
    assert bot.port.sends == 1
    await world.clock.advance(timedelta(seconds=1))
    assert bot.port.sends == 2  # a minute later, not at the next hourly sweep
    await world.clock.advance(timedelta(minutes=2))
    assert bot.port.sends == 3  # then two minutes later
    bot.port.before_send = None
    await world.clock.advance(timedelta(minutes=4))
    (message,) = world.discord.sent(1)
    assert message.late_since is None  # 7 minutes after its time: not worth an excuse
    assert bot.port.sends == 4

    await log(bot, "Sam", user=2)
    bot.port.before_send = discord_error
    await world.clock.advance(WEEK)
    for _ in range(4):  # after 1, 2, 4 and 8 minutes
        await world.clock.advance(timedelta(minutes=8))
    row = await reminder_of(bot, user=2)
    assert row.status is ReminderStatus.FAILED and bot.port.sends == 4 + 5
    await world.clock.advance(timedelta(hours=10))
    assert bot.port.sends == 4 + 5  # given up: no sweep tries it again
    (notice,) = await bot.service.notices_for(2)
    assert notice.undelivered is ReminderStatus.FAILED


async def test_history_unreadable_at_recovery_is_looked_at_again_later(world: World) -> None:
    bot = await world.start()
    await log(bot)
    bot.port.after_send = crash
    await world.clock.set(START + WEEK)
    await bot.stop()
    world.bots.remove(bot)
    bot = await world.start(begin=False)
    bot.port.on_find = discord_error
    await bot.service.start()
    assert (await reminder_of(bot)).status is ReminderStatus.SENDING  # never sent blind
    bot.port.on_find = None
    await world.clock.advance(timedelta(minutes=70))  # a sweep after STUCK_AFTER
    assert (await reminder_of(bot)).status is ReminderStatus.SENT
    assert len(world.discord.sent(1)) == 1


# --- DMs closed -------------------------------------------------------------------------------


async def test_dms_closed_marks_it_undeliverable_and_never_retries(world: World) -> None:
    bot = await world.start()
    world.discord.closed.add(1)
    await log(bot)
    await world.clock.set(START + WEEK)
    await world.clock.advance(timedelta(days=2))
    bot = await world.restart(bot)
    await world.clock.advance(timedelta(days=2))
    assert bot.port.sends == 0 and world.discord.sent(1) == []
    row = await reminder_of(bot)
    assert row.status is ReminderStatus.UNDELIVERABLE
    (notice,) = await bot.service.notices_for(1)
    assert notice.undelivered is ReminderStatus.UNDELIVERABLE and "sent" in notice.actions
    await bot.service.notice_told(notice.followup_id)
    assert await bot.service.notices_for(1) == []
    assert (await reminder_of(bot)).outreach_status is OutreachStatus.REMINDED


# --- two processes on one database --------------------------------------------------------------


async def test_two_connections_claim_each_reminder_once(world: World) -> None:
    first = await world.start(begin=False)
    second = await world.start(begin=False)  # a second process, without the lock
    for i in range(60):
        await log(first, f"Person {i}", user=i)
    await world.clock.set(START + WEEK + timedelta(minutes=1))  # both schedulers fire
    await asyncio.gather(first.service.sweep(), second.service.sweep())
    assert world.discord.total() == 60
    assert sorted(m.followup_id for v in world.discord.inbox.values() for _, m in v) == sorted(
        set(m.followup_id for v in world.discord.inbox.values() for _, m in v))
    assert first.port.sends + second.port.sends == 60


# --- logging ----------------------------------------------------------------------------------


async def test_the_second_log_is_the_follow_up_and_a_third_is_refused(world: World) -> None:
    bot = await world.start()
    first = await bot.service.log_attempt(user_id=1, recipient="Dana Lee <dana@acme.com>",
                                          channel="email")
    assert first.kind == "first" and first.due == START + WEEK
    await world.clock.advance(timedelta(days=8))
    second = await bot.service.log_attempt(user_id=1, recipient="DANA@ACME.COM",
                                           channel="email")
    assert second.kind == "followup" and second.outreach.id == first.outreach.id
    assert second.outreach.attempts == 2 and not second.early
    await world.clock.advance(timedelta(hours=2))  # sooner, it would be the follow-up again
    with pytest.raises(UserError, match="third attempt"):
        await bot.service.log_attempt(user_id=1, recipient="dana lee", channel="email")
    # Another member's Dana is theirs.
    assert (await bot.service.log_attempt(user_id=2, recipient="Dana Lee",
                                          channel="email")).kind == "first"


async def test_a_reply_ends_the_cold_outreach(world: World) -> None:
    bot = await world.start()
    await log(bot)
    assert await bot.service.mark_replied(1, "dana lee") == "Dana Lee"
    assert bot.scheduler.job_ids("fu:") == ["fu:sweep"] or (
        await reminder_of(bot)).status is ReminderStatus.CANCELLED
    # The same log again at once repeats the one answered (review 6, finding 15) ...
    assert (await bot.service.log_attempt(user_id=1, recipient="Dana Lee",
                                          channel="email")).kind == "already"
    # ... and a later message to someone who answered starts a new outreach, not a third
    # attempt.
    await world.clock.advance(timedelta(hours=2))
    assert (await bot.service.log_attempt(user_id=1, recipient="Dana Lee",
                                          channel="email")).kind == "first"


async def test_one_outreach_per_review_however_often_it_is_pressed(world: World) -> None:
    bot = await world.start()
    results = await asyncio.gather(*(
        bot.service.log_attempt(user_id=1, recipient="Dana", channel="email",
                                source_message_id=555) for _ in range(3)))
    assert sorted(r.kind for r in results) == ["already", "already", "first"]
    assert await bot.db.fetchval("SELECT COUNT(*) FROM outreaches") == 1


async def test_a_logged_date_after_the_window_gets_no_reminder(world: World) -> None:
    bot = await world.start()
    done = await bot.service.log_attempt(user_id=1, recipient="Dana", channel="email",
                                         sent_on="2025-12-01")
    assert done.due is None and done.outreach.status is OutreachStatus.EXPIRED
    assert await bot.db.fetchval("SELECT COUNT(*) FROM followups") == 0


async def test_a_follow_up_after_the_window_is_refused(world: World) -> None:
    bot = await world.start()
    await log(bot)
    await world.clock.advance(timedelta(days=15))
    # The window's end as a Discord timestamp, as the log's answer and the reminder gave it.
    closed = f"closed <t:{int((START + timedelta(days=14)).timestamp())}:F>"
    with pytest.raises(UserError, match=closed):
        await log(bot)
    row = await reminder_of(bot)
    # The button: refused the same way, and the reminder shown as closed, with nothing logged.
    acted = await bot.service.act(1, row.id, "sent")
    assert acted.outcome == "expired" and closed in (acted.already or "")
    assert (await reminder_of(bot)).attempts == 1


# --- snooze and timezone ----------------------------------------------------------------------


async def test_snooze_moves_the_one_reminder_and_stays_inside_the_window(world: World) -> None:
    bot = await world.start()
    await log(bot)
    await world.clock.set(START + WEEK)
    row = await reminder_of(bot)
    acted = await bot.service.act(1, row.id, "snooze3")
    assert acted.until == START + timedelta(days=10)
    await world.clock.set(START + timedelta(days=10))
    await bot.service.act(1, row.id, "snooze3")
    await world.clock.set(START + timedelta(days=13))
    # Day 13 is the last day for a reminder (a day before the window's end): no snooze fits.
    for days in (3, 1):
        with pytest.raises(UserError, match=f"no room to snooze {days}"):
            await bot.service.act(1, row.id, f"snooze{days}")
    await world.clock.set(START + timedelta(days=14))
    assert [m.delivery for m in world.discord.sent(1)] == [1, 2, 3]
    assert await bot.db.fetchval("SELECT COUNT(*) FROM followups") == 1


async def test_a_new_timezone_moves_pending_reminders(world: World) -> None:
    bot = await world.start()
    await log(bot)  # due Monday 09:00 UTC
    await bot.service._settings.set_zone(1, "Asia/Tokyo")
    (moved,) = await bot.service.timezone_changed(1)
    # Monday 09:00 in Tokyo is 6 days 15 hours on: a week on instead, 18:00 in Tokyo.
    assert moved == datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
    await world.clock.set(moved - timedelta(minutes=1))
    assert world.discord.sent(1) == []
    await world.clock.set(moved)
    assert len(world.discord.sent(1)) == 1


async def test_a_timezone_move_cut_short_is_finished_at_start_up(world: World) -> None:
    bot = await world.start()
    await log(bot)
    await bot.service._settings.set_zone(1, "America/Los_Angeles")  # crash before the move
    bot = await world.restart(bot)
    row = await reminder_of(bot)
    assert row.timezone == "America/Los_Angeles"
    assert row.due_at == to_ms(datetime(2026, 1, 12, 17, 0, tzinfo=UTC))  # 09:00 there


async def test_forgetting_a_member_drops_their_jobs(world: World) -> None:
    bot = await world.start()
    await log(bot, sent_on="2025-12-29")  # due at noon today: within the slice
    await log(bot, "Sam", user=2, sent_on="2025-12-29")
    assert len(bot.scheduler.job_ids("fu:")) == 3  # the sweep and the two reminders
    await bot.service.forget_member(1)
    assert len(bot.scheduler.job_ids("fu:")) == 2


# --- a database from before reminders -----------------------------------------------------------


async def test_outreach_logged_before_reminders_gets_one(world: World) -> None:
    db = await Database.open(world.path, migrate=False)
    await db.migrate(BEFORE_FOLLOWUPS)
    await db.execute("INSERT INTO outreaches (user_id, recipient, channel, sent_at, created_at)"
                     " VALUES (1, 'José Núñez', 'email', ?, ?)", (to_ms(START), to_ms(START)))
    await db.close()
    bot = await world.start()
    row = await reminder_of(bot)
    assert row.due_at == to_ms(START + WEEK) and row.timezone == "UTC"
    with pytest.raises(UserError, match="third attempt"):
        await log(bot, "jose nunez", attempt=3)
    await world.clock.advance(timedelta(days=1))  # sooner, it would be attempt 1 again
    assert (await bot.service.log_attempt(user_id=1, recipient="JOSE NUNEZ",
                                          channel="email")).kind == "followup"


async def test_concurrent_logs_of_one_message_record_it_once(world: World) -> None:
    bot = await world.start()
    results = await asyncio.gather(*(
        bot.service.log_attempt(user_id=1, recipient="Race Person", channel="email")
        for _ in range(5)), return_exceptions=True)
    kinds = sorted(r.kind if isinstance(r, Logged) else type(r).__name__ for r in results)
    assert kinds == ["already", "already", "already", "already", "first"]
    assert await bot.db.fetchval("SELECT COUNT(*) FROM outreaches") == 1
    assert await bot.db.fetchval("SELECT attempts FROM outreaches") == 1
    assert await bot.db.fetchval("SELECT COUNT(*) FROM followups WHERE status = 'pending'") == 1


async def test_a_log_repeated_soon_after_records_nothing_and_a_real_follow_up_still_counts(
    world: World,
) -> None:
    bot = await world.start()
    first = await bot.service.log_attempt(user_id=1, recipient="Dana Lee", channel="email")
    await world.clock.advance(timedelta(minutes=2))  # typed again: "today" is 2 minutes on
    again = await bot.service.log_attempt(user_id=1, recipient="dana lee", channel="email")
    assert again.kind == "already" and again.outreach.id == first.outreach.id
    assert again.outreach.attempts == 1
    # The same past day typed twice, hours apart, is that one message too.
    past = await bot.service.log_attempt(user_id=1, recipient="Cy", channel="email",
                                         sent_on="2026-01-02")
    await world.clock.advance(timedelta(hours=3))
    assert (await bot.service.log_attempt(user_id=1, recipient="Cy", channel="email",
                                          sent_on="2026-01-02")).kind == "already"
    await world.clock.advance(WEEK)
    followup = await bot.service.log_attempt(user_id=1, recipient="Dana Lee", channel="email")
    assert followup.kind == "followup" and followup.outreach.attempts == 2
    assert not followup.early
    # The follow-up submitted twice is logged once: it says so, and is no third attempt.
    with pytest.raises(UserError, match="already logged your follow-up to Dana Lee"):
        await bot.service.log_attempt(user_id=1, recipient="Dana Lee", channel="email")
    assert (await bot.service.log_attempt(user_id=1, recipient="Cy", channel="email")).kind == (
        "followup")
    rows = await followups_store.member_log(bot.db, 1)
    assert sorted((o.recipient, o.attempts) for o, _ in rows) == [("Cy", 2), ("Dana Lee", 2)]
    assert past.outreach.id in {o.id for o, _ in rows}


async def test_a_follow_up_sooner_than_the_window_is_logged_with_a_warning(world: World) -> None:
    bot = await world.start()
    await bot.service.log_attempt(user_id=1, recipient="Dana Lee", channel="email")
    # Another channel at once, or the same one a few hours on: a real second message, early.
    other = await bot.service.log_attempt(user_id=1, recipient="Dana Lee",
                                          channel="linkedin_message")
    assert other.kind == "followup" and other.early
    await bot.service.log_attempt(user_id=1, recipient="Ben Ode", channel="email")
    await world.clock.advance(timedelta(hours=2))
    later = await bot.service.log_attempt(user_id=1, recipient="Ben Ode", channel="email")
    assert later.kind == "followup" and later.early


@pytest.mark.parametrize(("decide", "decided"), [
    ("button", OutreachStatus.FOLLOWED_UP), ("log", OutreachStatus.FOLLOWED_UP),
    ("replied", OutreachStatus.REPLIED), ("window", OutreachStatus.EXPIRED),
])
async def test_a_decision_shows_in_the_reminder_dm_whatever_made_it(
    world: World, decide: str, decided: OutreachStatus,
) -> None:
    bot = await world.start()
    await log(bot)
    await world.clock.set(START + WEEK)
    row = await reminder_of(bot)
    if decide == "button":
        await bot.service.act(1, row.id, "sent")
    elif decide == "log":
        await bot.service.log_attempt(user_id=1, recipient="Dana Lee", channel="email")
    elif decide == "replied":
        await bot.service.mark_replied(1, "dana lee")
    else:
        await world.clock.set(START + timedelta(days=15))  # the sweep closes the window
    shown = world.discord.edited[(await reminder_of(bot)).message_id or 0]
    assert shown.decided is decided and "snooze1" not in shown.actions
    assert shown.actions == (() if decided is OutreachStatus.REPLIED else ("replied",))
