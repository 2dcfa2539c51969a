"""Once an outreach is decided (followed up, not following up, replied, the window closed),
every reminder message the bot can still edit shows that decision and nothing that
contradicts it, and a press on a button left on an older message says what already happened
without changing the decision (bot/followups.py: `DECIDABLE_FROM`, `may_become`). Two
decisions give way: a reply is noted whatever was decided, and "Not following up" to a
follow-up sent while the window is open (one tap is never final)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from storage import followups as followups_store
from tests.followups.helpers import a_week_later, labels, log_dana, reminders, stamp, text_of
from tests.world import CohortWorld, component

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # the world's clock: Monday 09:00 UTC
FOLLOW_UP = ("Hi Dana, following up on my note about your survival analysis post. Could I "
             "ask one question about how you validated it? Totally fine if now is busy.")


def title(message: object) -> str:
    return str(message.embeds[0]["title"])  # type: ignore[attr-defined]


async def test_a_follow_up_logged_by_command_settles_the_reminder(world: CohortWorld) -> None:
    await a_week_later(world)
    await world.ada.slash("outreach log", {"who": "Dana Lee", "channel": "email"})
    (reminder,) = reminders(world, world.ada)
    assert title(reminder) == "📨 Follow-up to Dana Lee sent"
    assert labels(reminder) == ["They replied"]  # a reply after the follow-up still counts
    assert "No reply yet" not in str(reminder.embeds[0])
    assert stamp(START + timedelta(days=7), "D") in str(reminder.embeds[0])  # when


async def test_a_reply_noted_by_command_settles_the_reminder(world: CohortWorld) -> None:
    await a_week_later(world)
    await world.ada.slash("outreach replied", {"who": "Dana Lee"})
    (reminder,) = reminders(world, world.ada)
    assert title(reminder) == "🎉 Dana Lee replied" and labels(reminder) == []


async def test_the_window_closing_settles_the_reminder(world: CohortWorld) -> None:
    await a_week_later(world)
    await world.clock.advance(timedelta(days=8))  # past day 14: the hourly sweep closes it
    (reminder,) = reminders(world, world.ada)
    text = str(reminder.embeds[0])
    assert "Snooze 1 day" not in labels(reminder) and labels(reminder) == ["They replied"]
    assert "window for it ends" not in text and "ago" not in text
    assert "window" in title(reminder).lower()
    assert stamp(START + timedelta(days=14), "D") in text


async def a_third_is_refused(world: CohortWorld) -> None:
    """After ada's follow-up to Dana, another message to her is refused."""
    again = text_of(await world.ada.slash("outreach log", {"who": "Dana Lee",
                                                            "channel": "linkedin_message"}))
    assert "third attempt" in again or "already logged your follow-up" in again


async def stats(world: CohortWorld) -> str:
    return text_of(await world.mod.slash("outreach stats", channel=world.lessons))


async def test_not_following_up_is_not_final_while_the_window_is_open(
    world: CohortWorld,
) -> None:
    """Review 6, finding 9: one tap on "Not following up" closed the outreach for good, so a
    member who tapped it by mistake (or changed their mind) could never log the follow-up
    the lesson still allowed. It stays a decision (no more reminders, counted as dropped),
    and the follow-up can be logged until the window ends: here, with the same message's
    "I sent my follow-up"."""
    reminder = await a_week_later(world)
    dropped = await world.ada.click(reminder, component(reminder, "Not following up"))
    shown = dropped.updated_message
    assert title(shown) == "🛑 No follow-up to Dana Lee"
    assert "I won't remind you again" in shown.content
    end = START + timedelta(days=14)
    assert "isn't final" in str(shown.embeds[0]) and stamp(end) in str(shown.embeds[0])
    assert labels(shown) == ["They replied", "Review my follow-up", "I sent my follow-up"]
    listed = text_of(await world.ada.slash("outreach list"))
    assert f"not following up (a follow-up can still be logged until {stamp(end)}" in listed
    assert "Not followed up (dropped): **1**" in await stats(world)
    await world.clock.advance(timedelta(days=2))
    sent = await world.ada.click(shown, component(shown, "I sent my follow-up"))
    assert "Follow-up to Dana Lee logged" in sent.updated_message.content
    assert labels(sent.updated_message) == ["They replied"]
    (row, _), = await followups_store.member_log(world.bot.db, world.ada.id)
    assert row.status == "followed_up" and row.attempts == 2
    assert row.followed_up_at == int((START + timedelta(days=9)).timestamp() * 1000)
    totals = await stats(world)
    assert "Not followed up (dropped): **0**" in totals and "Follow-ups sent: **1**" in totals
    await a_third_is_refused(world)  # still two attempts at most


async def test_a_follow_up_logged_by_command_after_not_following_up_counts(
    world: CohortWorld,
) -> None:
    """The finding's own steps: "Not following up", then `/outreach log` of the follow-up."""
    reminder = await a_week_later(world)
    opened = await world.ada.click(reminder, component(reminder, "Review my follow-up"))
    review = (await world.ada.submit_modal(opened, {"draft": FOLLOW_UP})).response
    await world.ada.click(reminder, component(reminder, "Not following up"))
    logged = text_of(await world.ada.slash("outreach log", {"who": "Dana Lee",
                                                             "channel": "email"}))
    assert "Logged as your follow-up to **Dana Lee** (attempt 2 of 2)" in logged
    (reminder,) = reminders(world, world.ada)
    assert title(reminder) == "📨 Follow-up to Dana Lee sent"  # its DM shows it
    # The review's "I sent my follow-up", pressed afterwards, is that follow-up again.
    again = text_of(await world.ada.click(review, component(review, "I sent my follow-up")))
    assert "already logged your follow-up" in again


async def test_after_the_window_not_following_up_stays_so(world: CohortWorld) -> None:
    reminder = await a_week_later(world)
    dropped = (await world.ada.click(reminder, component(reminder, "Not following up"))
               ).updated_message
    await world.clock.set(START + timedelta(days=15))
    refused = text_of(await world.ada.slash("outreach log", {"who": "Dana Lee",
                                                              "channel": "email"}))
    assert "window for a follow-up to Dana Lee closed" in refused
    pressed = await world.ada.click(dropped, component(dropped, "I sent my follow-up"))
    assert "closed" in pressed.updated_message.content
    assert labels(pressed.updated_message) == ["They replied"]
    assert "isn't final" not in str(pressed.updated_message.embeds[0])
    (row, _), = await followups_store.member_log(world.bot.db, world.ada.id)
    assert row.status == "dropped" and row.attempts == 1
    assert "closed: not following up" in text_of(await world.ada.slash("outreach list"))
    # A follow-up it went with inside the window still counts (logged late, as after a
    # window that closed unanswered).
    late = text_of(await world.ada.slash("outreach log", {
        "who": "Dana Lee", "channel": "email", "sent_on": "2026-01-13"}))
    assert "Logged as your follow-up" in late


async def test_a_snoozed_message_hands_its_buttons_to_the_next_delivery(
    world: CohortWorld,
) -> None:
    first = await a_week_later(world)
    snoozed = await world.ada.click(first, component(first, "Snooze 1 day"))
    assert labels(snoozed.updated_message) == []
    assert "/outreach log" in snoozed.updated_message.content
    await world.clock.advance(timedelta(days=1))
    second = reminders(world, world.ada)[-1]
    await world.ada.click(second, component(second, "I sent my follow-up"))
    assert [labels(m) for m in reminders(world, world.ada)] == [[], ["They replied"]]


async def test_the_list_shows_when_the_follow_up_went(world: CohortWorld) -> None:
    reminder = await a_week_later(world)
    await world.clock.advance(timedelta(days=1))
    await world.ada.click(reminder, component(reminder, "I sent my follow-up"))
    listed = text_of(await world.ada.slash("outreach list"))
    assert "attempt 2 of 2" in listed
    assert f"followed up {stamp(START + timedelta(days=8), 'D')}" in listed


async def test_a_decision_after_the_first_log_keeps_the_first(world: CohortWorld) -> None:
    await log_dana(world)
    await world.clock.advance(timedelta(days=7))
    (reminder,) = reminders(world, world.ada)
    await world.ada.click(reminder, component(reminder, "I sent my follow-up"))
    await a_third_is_refused(world)


async def test_a_press_after_the_window_closed_says_so_and_settles_the_message(
    world: CohortWorld,
) -> None:
    reminder = await a_week_later(world)
    # Half an hour past the window's end: before the hourly sweep has closed it.
    await world.clock.set(START + timedelta(days=14, minutes=30))
    assert "I sent my follow-up" in labels(reminder)
    done = await world.ada.click(reminder, component(reminder, "I sent my follow-up"))
    assert "window for a follow-up to Dana Lee closed" in done.updated_message.content
    assert labels(done.updated_message) == ["They replied"]
    assert "window" in title(done.updated_message).lower()
    (row, _), = await followups_store.member_log(world.bot.db, world.ada.id)
    assert row.attempts == 1


@pytest.mark.parametrize(("command", "options", "decided", "left", "after"), [
    ("outreach replied", {"who": "Dana Lee"}, "🎉 Dana Lee replied", [], False),
    ("outreach log", {"who": "Dana Lee", "channel": "email"}, "📨 Follow-up to Dana Lee sent",
     ["They replied"], True),
])
async def test_a_decision_while_the_reminder_is_on_its_way_settles_it_once_sent(
    world: CohortWorld, command: str, options: dict[str, str], decided: str, left: list[str],
    after: bool,
) -> None:
    """The decision comes while Discord holds the reminder's send (before it made the
    message, or after it made it and before the bot heard back): the decision has no DM to
    edit yet, so the delivery edits its own DM to the decision once it knows its id, and no
    button that asks the question again is left live."""
    await log_dana(world)
    world.sandbox.faults.hold("POST /channels/*/messages", after=after)
    week = asyncio.create_task(world.clock.advance(timedelta(days=7)))
    assert await world.sandbox.faults.wait_for_held(within=10)
    said = await world.ada.slash(command, options, settle=False)
    assert not await said.expired()
    world.sandbox.faults.release()
    await week
    await world.sandbox.settle()
    (reminder,) = reminders(world, world.ada)
    assert title(reminder) == decided and labels(reminder) == left
    (row, _), = await followups_store.member_log(world.bot.db, world.ada.id)
    assert row.status != "reminded"
