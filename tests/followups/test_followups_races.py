"""Concurrent and repeated presses end to end: the two-attempt cap holds however the
presses interleave, and a press that repeats one already done says what happened."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from tests.followups.helpers import a_week_later, labels, reminders, text_of
from tests.world import CohortWorld, component

FOLLOW_UP = ("Hi Dana, following up on my note about your survival analysis post. Could I "
             "ask one question about how you validated it? Totally fine if now is busy.")


@pytest.mark.parametrize("submits", [2, 4])
async def test_concurrent_logs_of_one_message_record_it_once(
    world: CohortWorld, submits: int,
) -> None:
    options = {"who": "Race Person", "channel": "email"}
    pressed = [await world.ada.slash("outreach log", options, settle=False)
               for _ in range(submits)]
    await world.sandbox.settle()
    answers = [text_of(p) for p in pressed]
    assert sum("Logged: your email" in a for a in answers) == 1, answers
    assert sum("You already logged this one" in a for a in answers) == submits - 1, answers
    await _the_real_follow_up_is_still_logged(world, "Race Person")


async def test_a_log_typed_twice_records_it_once(world: CohortWorld) -> None:
    options = {"who": "Race Person", "channel": "email"}
    assert "Logged: your email" in text_of(await world.ada.slash("outreach log", options))
    await world.clock.advance(timedelta(minutes=1))
    again = text_of(await world.ada.slash("outreach log", options))
    assert "You already logged this one" in again and "follow-up" not in again
    await _the_real_follow_up_is_still_logged(world, "Race Person")


async def _the_real_follow_up_is_still_logged(world: CohortWorld, who: str) -> None:
    listed = text_of(await world.ada.slash("outreach list"))
    assert listed.count(who) == 1 and "attempt 1 of 2" in listed, listed
    await world.clock.advance(timedelta(days=7))
    followup = text_of(await world.ada.slash("outreach log", {"who": who, "channel": "email"}))
    assert "Logged as your follow-up" in followup and "came quickly" not in followup
    listed = text_of(await world.ada.slash("outreach list"))
    assert listed.count(who) == 1 and "attempt 2 of 2" in listed, listed
    assert await world.bot.db.fetchval("SELECT COUNT(*) FROM outreaches") == 1


async def test_a_repeated_follow_up_press_says_it_was_logged_not_third_attempt(
    world: CohortWorld,
) -> None:
    first = await a_week_later(world)
    await world.ada.click(first, component(first, "Snooze 1 day"))
    await world.clock.advance(timedelta(days=1))
    first, second = reminders(world, world.ada)
    opened = await world.ada.click(second, component(second, "Review my follow-up"))
    review = (await world.ada.submit_modal(opened, {"draft": FOLLOW_UP})).response
    await world.ada.click(second, component(second, "I sent my follow-up"))
    # The review's own "I sent my follow-up", pressed afterwards.
    again = text_of(await world.ada.click(review, component(review, "I sent my follow-up")))
    assert "third attempt" not in again
    assert "already logged your follow-up to Dana Lee" in again
    # Neither delivery has a button left that could log it again.
    assert [labels(m) for m in (first, second)] == [[], ["They replied"]]


async def test_a_double_click_on_i_sent_my_follow_up_logs_it_once(world: CohortWorld) -> None:
    reminder = await a_week_later(world)
    button = component(reminder, "I sent my follow-up")
    clicks = [await world.ada.click(reminder, button, settle=False) for _ in range(2)]
    await world.sandbox.settle()
    answers = [text_of(c) for c in clicks]
    assert not any("third attempt" in a for a in answers), answers
    assert await world.bot.db.fetchval(
        "SELECT attempts FROM outreaches") == 2


async def test_outreach_log_and_i_sent_my_follow_up_racing_log_one_follow_up(
    world: CohortWorld,
) -> None:
    reminder = await a_week_later(world)
    tasks = [world.ada.click(reminder, component(reminder, "I sent my follow-up"),
                             settle=False),
             world.ada.slash("outreach log", {"who": "Dana Lee", "channel": "email"},
                             settle=False)]
    results = await asyncio.gather(*tasks)
    await world.sandbox.settle()
    assert await world.bot.db.fetchval("SELECT COUNT(*) FROM outreaches") == 1
    assert await world.bot.db.fetchval("SELECT attempts FROM outreaches") == 2
    # One of the two records the follow-up; the other hears it is logged (the press) or that
    # a message now would be a third attempt (the log: a new message, as far as it knows).
    answers = sorted(text_of(r) for r in results)
    assert sum("Follow-up to Dana Lee logged" in a or "Logged as your follow-up" in a
               for a in answers) == 1, answers
    assert sum("already logged your follow-up" in a or "third attempt" in a
               for a in answers) == 1, answers


async def test_a_button_on_another_members_reminder_says_it_is_theirs(
    world: CohortWorld,
) -> None:
    reminder = await a_week_later(world)
    for label in ("They replied", "Review my follow-up"):
        pressed = await world.ben.click(reminder, component(reminder, label))
        answer = text_of(pressed)
        assert "another member's reminder" in answer and "forget-me" not in answer, label
    assert labels(reminder)[0] == "They replied"  # untouched
