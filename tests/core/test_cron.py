"""Cron expressions read as crontab(5) reads them, not as APScheduler's from_crontab."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.config import ConfigError, parse_config
from bot.cron import CronError, parse_cron
from bot.scheduler import cron_trigger, next_cron_time

BERLIN = ZoneInfo("Europe/Berlin")
TUESDAY_NOON = datetime(2026, 12, 1, 12, tzinfo=UTC)  # 13:00 in Berlin


@pytest.mark.parametrize(
    ("cron", "expected"),
    [
        ("0 10 * * 1", "Mon 2026-12-07 10:00"),  # 1 is Monday (from_crontab said Tuesday)
        ("0 10 * * 0", "Sun 2026-12-06 10:00"),
        ("0 10 * * 7", "Sun 2026-12-06 10:00"),  # 7 is Sunday too
        ("0 10 * * MON", "Mon 2026-12-07 10:00"),
        ("0 10 * * mon-fri", "Wed 2026-12-02 10:00"),
        ("0 10 * * 1-5", "Wed 2026-12-02 10:00"),
        ("0 10 * * */2", "Thu 2026-12-03 10:00"),  # Sunday, Tuesday, Thursday, Saturday
        ("0 10 * * 2,4", "Thu 2026-12-03 10:00"),
        ("*/15 9-17 * * 1-5", "Tue 2026-12-01 13:15"),
        ("30 8 15 * *", "Tue 2026-12-15 08:30"),
        ("0 9 * JAN *", "Fri 2027-01-01 09:00"),
        # Both days restricted: the 1st of the month OR any Monday, as crontab has it.
        ("0 10 1 * 1", "Mon 2026-12-07 10:00"),
        ("0 10 2 * 5", "Wed 2026-12-02 10:00"),
    ],
)
def test_next_time_is_crontabs(cron: str, expected: str) -> None:
    fire = next_cron_time(cron, BERLIN, TUESDAY_NOON).astimezone(BERLIN)
    assert fire.strftime("%a %Y-%m-%d %H:%M") == expected


@pytest.mark.parametrize(
    ("cron", "says"),
    [
        ("0 9 * * MON#1", "day of week field has 'mon#1'"),
        ("0 9 * * MON-", "day of week field has 'mon-'"),
        ("0 9 * * 8", "allows 0-7, not 8"),
        ("0 9 * * L", "day of week field has 'l'"),
        ("60 9 * * *", "minute field allows 0-59, not 60"),
        ("0 24 * * *", "hour field allows 0-23"),
        ("0 9 0 * *", "day of month field allows 1-31, not 0"),
        ("0 9 * 13 *", "month field allows 1-12"),
        ("0 9 * * fri-mon", "runs backwards"),
        ("0 9 * * */0", "at least 1"),
        ("0 9 * * FOO", "use numbers or names such as sun"),
        ("0 9 * *", "has 4"),
        ("0 9 * * * *", "has 6"),
        ("@daily", "has 1"),
    ],
)
def test_outside_crontabs_grammar_is_refused_naming_the_field(cron: str, says: str) -> None:
    with pytest.raises(CronError, match=says.replace("(", r"\(")):
        parse_cron(cron)


def test_a_config_with_such_a_schedule_names_the_key_and_the_field() -> None:
    with pytest.raises(ConfigError) as refused:
        parse_config({"lesson": {"post_schedule": "0 9 * * MON#1"}})
    assert "lesson.post_schedule" in str(refused.value)
    assert "day of week field has 'mon#1'" in str(refused.value)


_CRONLIKE = st.from_regex(r"\A([0-9*,/a-zA-Z#-]{1,8} ){4}[0-9*,/a-zA-Z#-]{1,8}\Z")


@given(st.text(max_size=40) | _CRONLIKE)
def test_any_text_parses_into_a_trigger_or_is_refused_naming_a_field(text: str) -> None:
    try:
        parse_cron(text)
    except CronError as refused:
        assert "field" in str(refused)
        return
    assert cron_trigger(text, BERLIN) is not None  # what parses, APScheduler takes as it is
