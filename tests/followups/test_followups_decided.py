"""Once an outreach is decided (followed up, not following up, replied, the window closed),
every reminder message the bot can still edit shows that decision and nothing that
contradicts it, and a press on a button left on an older message says what already happened
without changing the decision (bot/followups.py: `DECIDABLE_FROM`, `may_become`)."""

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


async def test_not_following_up_is_final_and_a_stale_press_says_so(world: CohortWorld) -> None:
    reminder = await a_week_later(world)
    opened = await world.ada.click(reminder, component(reminder, "Review my follow-up"))
    review = (await world.ada.submit_modal(opened, {"draft": FOLLOW_UP})).response
    dropped = await world.ada.click(reminder, component(reminder, "Not following up"))
    assert title(dropped.updated_message) == "🛑 No follow-up to Dana Lee"
    assert labels(dropped.updated_message) == ["They replied"]
    # The review's "I sent my follow-up", pressed afterwards: the decision stands.
    stale = await world.ada.click(review, component(review, "I sent my follow-up"))
    said = text_of(stale)
    assert "chose not to follow up" in said and "logged" not in said.split("\n")[0]
    (row, _), = await followups_store.member_log(world.bot.db, world.ada.id)
    assert row.status == "dropped" and row.attempts == 1
    (reminder,) = reminders(world, world.ada)
    assert title(reminder) == "🛑 No follow-up to Dana Lee"
    # The command says the same, and logs nothing.
    logged = text_of(await world.ada.slash("outreach log", {"who": "Dana Lee",
                                                             "channel": "email"}))
    assert "chose not to follow up" in logged


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
    again = text_of(await world.ada.slash("outreach log", {"who": "Dana Lee",
                                                            "channel": "linkedin_message"}))
    assert "third attempt" in again or "already logged your follow-up" in again


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
