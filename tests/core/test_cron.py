"""Crontab expressions (bot/cron.py): read as cron reads them, whatever APScheduler would make
of them, and anything else refused with the field named."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.cron import parse_crontab
from bot.scheduler import next_cron_time

MONDAY = datetime(2026, 11, 23, 12, tzinfo=UTC)  # a Monday, after 09:00


@pytest.mark.parametrize(("cron", "weekday"), [
    ("0 9 * * 1", "Monday"),  # APScheduler alone: Tuesday
    ("0 9 * * 2", "Tuesday"),
    ("0 9 * * 0", "Sunday"),
    ("0 9 * * 7", "Sunday"),
    ("0 9 * * SUN", "Sunday"),
    ("0 9 * * sat-sun", "Saturday"),
    ("0 9 * * 1-5", "Tuesday"),
    ("0 9 * * */3", "Wednesday"),  # 0, 3, 6: Sunday, Wednesday, Saturday
])
def test_weekdays_count_from_sunday_as_in_cron(cron: str, weekday: str) -> None:
    assert f"{next_cron_time(cron, UTC, MONDAY):%A}" == weekday


def test_numbers_mean_what_cron_means() -> None:
    assert next_cron_time("0 9 * * 1", UTC, MONDAY) == datetime(2026, 11, 30, 9, tzinfo=UTC)
    assert next_cron_time("30 8 1,15 * *", UTC, MONDAY) == datetime(2026, 12, 1, 8, 30,
                                                                     tzinfo=UTC)
    assert next_cron_time("*/20 13 * * *", UTC, MONDAY) == datetime(2026, 11, 23, 13,
                                                                    tzinfo=UTC)
    assert next_cron_time("0 9 29 2 *", UTC, MONDAY) == datetime(2028, 2, 29, 9, tzinfo=UTC)


@pytest.mark.parametrize(("cron", "words"), [
    ("0 9 * * MON#1", "weekday 'mon#1'"),
    ("0 9 * * MON-", "weekday 'mon-'"),
    ("0 9 L * *", "day of the month 'l'"),
    ("0 9 * * 8", "weekday 8 is outside 0-7"),
    ("0 9 1 * MON", "not both"),
    ("0 9 31 4,6 *", "never does"),
    ("0 9 * *", "4 fields"),
    ("0 9-5 * * *", "empty range"),
])
def test_what_cron_does_not_mean_is_refused_by_field(cron: str, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        parse_crontab(cron)


CRON_ALPHABET = st.sampled_from([*"0123456789*/,-#?LW ", "MON", "sun", "jan", "  "])


@given(st.lists(CRON_ALPHABET, max_size=30).map("".join) | st.text(max_size=40))
def test_any_text_is_a_schedule_that_fires_or_a_value_error(text: str) -> None:
    try:
        parse_crontab(text)
    except ValueError:
        return
    assert next_cron_time(text, UTC, MONDAY) > MONDAY
