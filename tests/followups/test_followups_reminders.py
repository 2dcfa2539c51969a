"""The reminder end to end: the real bot in the local Discord, the clock moved, never slept.

It fires once at a friendly hour in the member's timezone, each button does what it says
(also after a restart), a snooze stays inside the window, a new timezone moves it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage import followups as followups_store
from tests.followups.helpers import a_week_later, labels, log_dana, reminders, stamp, text_of
from tests.world import CohortWorld, component

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # the world's clock: Monday 09:00 UTC
FOLLOW_UP = ("Hi Dana, following up on my note about your survival analysis post. I tried "
             "the censoring window you described and it helped; could I ask one question "
             "about how you validated it? Totally fine if now is busy.")


async def test_the_reminder_fires_once_at_a_friendly_hour_in_the_members_timezone(
    world: CohortWorld,
) -> None:
    await world.ada.slash("settings timezone", {"zone": "America/New_York"})
    logged = await log_dana(world)
    # Sent at 04:00 in New York: a week later at 04:00 is night there, so 09:00 instead.
    due = datetime(2026, 1, 12, 14, 0, tzinfo=UTC)
    assert f"remind you {stamp(due)} ({stamp(due, 'R')})" in logged
    await world.clock.set(due - timedelta(minutes=1))
    assert reminders(world, world.ada) == []
    await world.clock.advance(timedelta(minutes=2))
    (reminder,) = reminders(world, world.ada)
    text = str(reminder.embeds[0])
    assert "Dana Lee" in text and "**one** follow-up" in text
    assert stamp(START + timedelta(days=14)) in text  # when the window ends
    assert "late" not in text
    assert labels(reminder) == ["They replied", "Review my follow-up", "I sent my follow-up",
                                "Not following up", "Snooze 1 day", "Snooze 3 days"]
    await world.clock.advance(timedelta(days=9))
    assert len(reminders(world, world.ada)) == 1  # one reminder, never a drip
    listed = text_of(await world.ada.slash("outreach list"))
    assert "closed quietly: the window ended" in listed


async def test_they_replied(world: CohortWorld) -> None:
    reminder = await a_week_later(world)
    done = await world.ada.click(reminder, component(reminder, "They replied"))
    assert done.callback_type == 7  # the reminder itself is updated
    assert "replied" in done.updated_message.content and done.updated_message.components == []
    assert "they replied" in text_of(await world.ada.slash("outreach list"))
    stats = text_of(await world.mod.slash("outreach stats"))
    assert "Replies after the first message: **1 of 1 (100%)**" in stats


async def test_not_following_up(world: CohortWorld) -> None:
    reminder = await a_week_later(world)
    done = await world.ada.click(reminder, component(reminder, "Not following up"))
    assert "no follow-up to Dana Lee" in done.updated_message.content
    assert "Snooze 1 day" not in labels(done.updated_message)
    assert "not following up" in text_of(await world.ada.slash("outreach list"))
    await world.clock.advance(timedelta(days=7))
    assert len(reminders(world, world.ada)) == 1


async def test_i_sent_my_follow_up(world: CohortWorld) -> None:
    reminder = await a_week_later(world)
    done = await world.ada.click(reminder, component(reminder, "I sent my follow-up"))
    assert "second and last attempt" in done.updated_message.content
    assert labels(done.updated_message) == ["They replied"]
    listed = text_of(await world.ada.slash("outreach list"))
    assert "attempt 2 of 2" in listed and "followed up" in listed
    # A reply after the follow-up still counts, for the cohort's reply rate.
    await world.ada.click(reminder, component(reminder, "They replied"))
    stats = text_of(await world.mod.slash("outreach stats"))
    assert "Replies after the follow-up: **1 of 1 (100%)**" in stats


async def test_a_third_attempt_is_refused_everywhere(world: CohortWorld) -> None:
    reminder = await a_week_later(world)
    second = await world.ada.slash("outreach log", {"who": "dana lee", "channel": "email"})
    assert "follow-up to **Dana Lee** (attempt 2 of 2)" in second.response.content
    await world.clock.advance(timedelta(hours=2))  # sooner, it would be the follow-up again
    third = await world.ada.slash("outreach log", {"who": "DANA LEE", "channel": "email"})
    assert "third attempt" in third.response.content and "two at most" in third.response.content
    # The reminder shows the follow-up: no button left that would log another.
    assert labels(reminder) == ["They replied"]
    assert "Follow-up to Dana Lee sent" in reminder.embeds[0]["title"]
    await world.clock.advance(timedelta(days=8))
    rows = await followups_store.member_log(world.bot.db, world.ada.id)
    assert [(o.attempts, o.status.value) for o, _ in rows] == [(2, "followed_up")]


async def test_review_my_follow_up_then_log_it(world: CohortWorld) -> None:
    reminder = await a_week_later(world)
    opened = await world.ada.click(reminder, component(reminder, "Review my follow-up"))
    assert opened.modal is not None and "Review my follow-up" in opened.modal["title"]
    reviewed = await world.ada.submit_modal(opened, {"draft": FOLLOW_UP})
    review = reviewed.response
    assert review.embeds and "follow-up (attempt 2)" in review.embeds[0]["description"]
    # The channel is the logged one: the member said nothing in this form.
    assert "Reviewed as an **email** (from your outreach log)" in review.embeds[0]["description"]
    assert "/100" in review.embeds[0]["title"]
    assert labels(review) == ["I sent my follow-up"]
    done = await world.ada.click(review, component(review, "I sent my follow-up"))
    assert "second and last attempt" in done.updated_message.content
    (row, _), = await followups_store.member_log(world.bot.db, world.ada.id)
    assert row.attempts == 2
    assert labels(reminder) == ["They replied"]  # the reminder shows it, too
    assert labels(done.updated_message) == ["They replied"]


async def test_snooze_moves_the_one_reminder_and_stays_inside_the_window(
    world: CohortWorld,
) -> None:
    first = await a_week_later(world)
    snoozed = await world.ada.click(first, component(first, "Snooze 3 days"))
    again_at = START + timedelta(days=10)
    assert stamp(again_at) in snoozed.updated_message.content
    assert "Snooze 1 day" not in labels(snoozed.updated_message)
    assert f"snoozed until {stamp(again_at)}" in text_of(await world.ada.slash("outreach list"))
    await world.clock.set(again_at - timedelta(minutes=1))
    assert len(reminders(world, world.ada)) == 1
    await world.clock.advance(timedelta(minutes=1))
    second = reminders(world, world.ada)[-1]
    assert len(reminders(world, world.ada)) == 2
    await world.ada.click(second, component(second, "Snooze 3 days"))
    await world.clock.advance(timedelta(days=3))
    third = reminders(world, world.ada)[-1]
    # Day 13, the last day for a reminder (a day before the window's end): no snooze fits.
    assert not [label for label in labels(third) if label.startswith("Snooze")]
    rows = await world.bot.db.fetchval("SELECT COUNT(*) FROM followups")
    assert rows == 1  # one reminder row, moved, never added


async def test_buttons_survive_a_restart(world: CohortWorld) -> None:
    reminder = await a_week_later(world)
    await world.restart()
    snoozed = await world.ada.click(reminder, component(reminder, "Snooze 1 day"))
    assert "Snoozed" in snoozed.updated_message.content
    await world.restart()
    await world.clock.advance(timedelta(days=1))
    second = reminders(world, world.ada)[-1]
    assert len(reminders(world, world.ada)) == 2
    await world.restart()
    done = await world.ada.click(second, component(second, "They replied"))
    assert "replied" in done.updated_message.content


async def test_a_new_timezone_after_logging_moves_the_reminder(world: CohortWorld) -> None:
    logged = await log_dana(world)  # the cohort's zone (UTC): due Monday 09:00 UTC
    assert stamp(START + timedelta(days=7)) in logged
    changed = await world.ada.slash("settings timezone", {"zone": "America/New_York"})
    due = datetime(2026, 1, 12, 14, 0, tzinfo=UTC)  # Monday 09:00 in New York
    assert "moved 1 pending reminder" in changed.response.content
    assert stamp(due) in changed.response.content
    await world.clock.set(due - timedelta(minutes=1))
    assert reminders(world, world.ada) == []
    await world.clock.advance(timedelta(minutes=1))
    assert len(reminders(world, world.ada)) == 1


async def test_a_new_timezone_never_brings_the_reminder_before_a_week(
    world: CohortWorld,
) -> None:
    await log_dana(world)  # Mon 05 Jan 09:00 UTC
    await world.ada.slash("settings timezone", {"zone": "America/Los_Angeles"})
    changed = await world.ada.slash("settings timezone", {"zone": "Pacific/Kiritimati"})
    # As if Kiritimati had been set before logging: a week on is 23:00 there, so 09:00 next.
    due = datetime(2026, 1, 12, 19, 0, tzinfo=UTC)
    assert stamp(due) in changed.response.content
    await world.clock.set(START + timedelta(days=7) - timedelta(minutes=1))
    assert reminders(world, world.ada) == []
    await world.clock.set(due)
    assert len(reminders(world, world.ada)) == 1


async def test_a_decided_reminder_drops_its_question_and_window(world: CohortWorld) -> None:
    for label, title in [("They replied", "Dana Lee replied"),
                         ("Not following up", "No follow-up to Dana Lee"),
                         ("I sent my follow-up", "Follow-up to Dana Lee sent")]:
        await world.ada.slash("outreach log", {"who": "Dana Lee", "channel": "email"})
        await world.clock.advance(timedelta(days=7))
        reminder = reminders(world, world.ada)[-1]
        snoozed = await world.ada.click(reminder, component(reminder, "Snooze 1 day"))
        assert "No reply yet" in str(snoozed.updated_message.embeds[0])  # still the question
        await world.clock.advance(timedelta(days=1))
        reminder = reminders(world, world.ada)[-1]
        done = await world.ada.click(reminder, component(reminder, label))
        (embed,) = done.updated_message.embeds
        assert title in embed["title"], label
        assert "No reply yet" not in str(embed) and "window for it ends" not in str(embed)
        await world.ada.slash("outreach replied", {"who": "Dana Lee"})  # the next starts afresh


async def test_across_a_dst_change_the_reminder_keeps_the_local_time_of_day(
    world: CohortWorld,
) -> None:
    """New York springs forward on Sunday 8 March 2026. Sent Sunday 1 March at 18:30 EST, the
    reminder comes a week later at 18:30 EDT (inside 09:00-19:00), not at 19:30 EDT (7 x 24
    hours, outside them) pushed to Monday morning; the window ends two weeks on at 18:30."""
    await world.cy.slash("settings timezone", {"zone": "America/New_York"})
    await world.clock.set(datetime(2026, 3, 1, 23, 30, tzinfo=UTC))
    logged = text_of(await world.cy.slash("outreach log", {"who": "Mar", "channel": "email"}))
    due = datetime(2026, 3, 8, 22, 30, tzinfo=UTC)
    end = datetime(2026, 3, 15, 22, 30, tzinfo=UTC)  # 18:30 EDT
    assert f"remind you {stamp(due)}" in logged and stamp(end, "D") in logged
    await world.clock.set(due - timedelta(minutes=1))
    assert reminders(world, world.cy) == []
    await world.clock.advance(timedelta(minutes=2))
    (reminder,) = reminders(world, world.cy)
    assert f"Your window for it ends {stamp(end)}" in str(reminder.embeds[0])
    # Snoozed a day at 18:31 EDT Sunday: Monday 18:31, the same time of day.
    snoozed = await world.cy.click(reminder, component(reminder, "Snooze 1 day"))
    assert stamp(due + timedelta(days=1, minutes=1)) in snoozed.updated_message.content
