"""Every configuration check-config accepts leaves the member real time to act on a reminder:
it comes at least `ROOM` (a day) before the follow-up window closes, whatever `window_days`,
the member's timezone and friendly hours, or a "sent on" in the past (bot/followups.py,
`last_reminder`)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from bot.config import FOLLOWUP_WINDOW_DAYS, FollowupSettings, parse_config
from bot.errors import ConfigError
from bot.followups import ROOM, window_end
from tests.followups.helpers import labels, reminders, stamp, text_of
from tests.world import CohortWorld, component

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # the world's clock: Monday 09:00 UTC
LONGEST = FOLLOWUP_WINDOW_DAYS[1]


async def _with_longest_delay(world: CohortWorld) -> None:
    await world.restart(dataclasses.replace(
        world.config, followups=FollowupSettings(window_days=LONGEST)))


@pytest.mark.parametrize("sent_on", [None, "yesterday"])
async def test_the_longest_delay_still_leaves_a_day_to_follow_up(
    world: CohortWorld, sent_on: str | None,
) -> None:
    await _with_longest_delay(world)
    options = {"who": "Kim", "channel": "email"} | ({"sent_on": sent_on} if sent_on else {})
    logged = text_of(await world.ben.slash("outreach log", options))
    sent = START if sent_on is None else datetime(2026, 1, 4, 12, tzinfo=UTC)  # noon, UTC
    end = window_end(sent, UTC)
    await world.clock.set(end - ROOM)
    (reminder,) = reminders(world, world.ben)
    text = str(reminder.embeds[0])
    assert f"Your window for it ends {stamp(end)}" in text
    assert "remind you" in logged and stamp(end - ROOM) in logged
    done = await world.ben.click(reminder, component(reminder, "I sent my follow-up"))
    assert "second and last attempt" in done.updated_message.content


async def test_a_sent_on_too_close_to_the_window_s_end_gets_no_reminder_but_the_deadline(
    world: CohortWorld,
) -> None:
    await world.clock.set(START + timedelta(days=13, hours=6))  # 13½ days after START
    logged = text_of(await world.ben.slash(
        "outreach log", {"who": "Kim", "channel": "email", "sent_on": "2026-01-05"}))
    end = window_end(datetime(2026, 1, 5, 12, tzinfo=UTC), UTC)
    assert f"ends {stamp(end)} ({stamp(end, 'R')})" in logged
    assert "remind you" not in logged
    await world.clock.advance(timedelta(hours=2))
    assert reminders(world, world.ben) == []
    # Still inside the window: the follow-up can be logged.
    second = text_of(await world.ben.slash("outreach log", {"who": "Kim", "channel": "email"}))
    assert "attempt 2 of 2" in second


def test_check_config_refuses_a_delay_that_leaves_no_time_and_says_why() -> None:
    with pytest.raises(ConfigError) as info:
        parse_config({"followups": {"window_days": 14}})
    message = str(info.value)
    assert "followups.window_days" in message and f"7 to {LONGEST}" in message
    assert "a day before" in message and "14 days" in message


async def test_no_snooze_offered_that_would_come_after_the_last_day(world: CohortWorld) -> None:
    await _with_longest_delay(world)
    await world.ben.slash("outreach log", {"who": "Kim", "channel": "email"})
    await world.clock.advance(timedelta(days=LONGEST))
    (reminder,) = reminders(world, world.ben)
    assert not [label for label in labels(reminder) if label.startswith("Snooze")]
