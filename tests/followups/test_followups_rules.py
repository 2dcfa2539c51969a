"""bot/followups.py: the time rules, the two-attempt cap, who is the same person, "sent on".

Table-driven for the cases a member meets, property-based (hypothesis) for the time rules
across zones with DST (gaps and repeated hours, at 02:00 and at midnight, 30- and 45-minute
offsets) and for text input.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.config import FOLLOWUP_WINDOW_DAYS
from bot.errors import UserError
from bot.followups import (
    DEFAULT_HOURS,
    ROOM,
    THIRD_ATTEMPT,
    WINDOW_END,
    FriendlyHours,
    OutreachStatus,
    actions_for,
    days_later,
    first_due,
    fit,
    fold_name,
    follow_up_refusal,
    is_friendly,
    is_late,
    last_friendly,
    last_reminder,
    may_become,
    maybe_same,
    moved_to_zone,
    next_friendly,
    parse_recipient,
    parse_sent_on,
    repeats,
    same_person,
    snooze_options,
    snoozed_until,
    window_end,
)
from bot.visible import is_blank

BERLIN, NEW_YORK, TOKYO = ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York"), ZoneInfo(
    "Asia/Tokyo")
# DST at 02:00 (Berlin, New York), at midnight (Havana, Santiago), a 30-minute shift
# (Lord Howe), odd offsets (Kolkata +05:30, Chatham +12:45), the south (Sydney), none (UTC).
ZONES = [ZoneInfo(z) for z in (
    "UTC", "Europe/Berlin", "America/New_York", "America/Havana", "America/Santiago",
    "Australia/Lord_Howe", "Asia/Kolkata", "Pacific/Chatham", "Australia/Sydney",
    "America/Los_Angeles", "Asia/Tokyo",
)]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def local(tz: ZoneInfo, *args: int) -> datetime:
    return datetime(*args, tzinfo=tz)  # type: ignore[misc]


# --- friendly hours --------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "hours"), [
    ("09:00-19:00", FriendlyHours(time(9), time(19))),
    ("8:30 - 20:15", FriendlyHours(time(8, 30), time(20, 15))),
    ("00:00-23:59", FriendlyHours(time(0), time(23, 59))),
])
def test_friendly_hours_parse(text: str, hours: FriendlyHours) -> None:
    assert FriendlyHours.parse(text) == hours
    assert FriendlyHours.parse(str(hours)) == hours


@pytest.mark.parametrize("text", ["9-19", "19:00-09:00", "09:00-09:30", "25:00-26:00",
                                  "09:60-19:00", "", "nine to seven"])
def test_friendly_hours_refuse_what_is_not_a_range(text: str) -> None:
    with pytest.raises(ValueError, match="09:00-19:00"):
        FriendlyHours.parse(text)


# --- when the reminder comes ------------------------------------------------------------------

MONDAY = utc(2026, 1, 5, 9)  # the clock's start in the tests


@pytest.mark.parametrize(("sent", "days", "now", "tz", "expected"), [
    # A week later at the same time of day, when that is friendly.
    (local(BERLIN, 2026, 1, 5, 11), 7, MONDAY, BERLIN, local(BERLIN, 2026, 1, 12, 11)),
    # Sent late at night: not at 22:30 a week later, but the next morning.
    (local(BERLIN, 2026, 1, 5, 22, 30), 7, MONDAY, BERLIN, local(BERLIN, 2026, 1, 13, 9)),
    # Sent early: the same day once the friendly hours start.
    (local(BERLIN, 2026, 1, 5, 6), 7, MONDAY, BERLIN, local(BERLIN, 2026, 1, 12, 9)),
    # 13 days, sent at night: the next morning leaves less than a day of the window, so the
    # evening before.
    (local(BERLIN, 2026, 1, 5, 22), 13, MONDAY, BERLIN, local(BERLIN, 2026, 1, 18, 19)),
    # 14 days (check-config refuses it) would be the window's end: a day before instead.
    (local(BERLIN, 2026, 1, 5, 11), 14, MONDAY, BERLIN, local(BERLIN, 2026, 1, 18, 11)),
    # The same instant, read in each member's own zone.
    (utc(2026, 1, 5, 9), 7, MONDAY, NEW_YORK, local(NEW_YORK, 2026, 1, 12, 9)),
    (utc(2026, 1, 5, 9), 7, MONDAY, TOKYO, local(TOKYO, 2026, 1, 12, 18)),
    # Logged 10 days after sending, at 03:00 for the member: their next morning.
    (utc(2026, 1, 1, 2), 7, utc(2026, 1, 11, 2), BERLIN, local(BERLIN, 2026, 1, 11, 9)),
    # Logged with the last moment for a reminder (a day before the window's end) before the
    # member's morning: at once, a day still left.
    (utc(2026, 1, 1, 4), 7, utc(2026, 1, 14, 1), BERLIN, utc(2026, 1, 14, 1)),
    # Logged with less than a day of the window left: no reminder (the reply says the end).
    (utc(2026, 1, 1, 9), 7, utc(2026, 1, 14, 12), BERLIN, None),
    # Logged after the window ended: no reminder.
    (utc(2026, 1, 1, 9), 7, utc(2026, 1, 16, 9), BERLIN, None),
])
def test_first_due(sent: datetime, days: int, now: datetime, tz: ZoneInfo,
                   expected: datetime | None) -> None:
    assert first_due(sent, window_end(sent, tz), days, now, tz, DEFAULT_HOURS) == expected


@pytest.mark.parametrize(("when", "tz", "hours", "expected"), [
    # Berlin springs forward at 02:00 on 2026-03-29; 02:30 does not exist that day.
    (local(BERLIN, 2026, 3, 29, 1), BERLIN, "02:30-19:00", utc(2026, 3, 29, 1)),  # = 03:00 CEST
    # Berlin falls back on 2026-10-25: 02:30 happens twice; the first one counts.
    (local(BERLIN, 2026, 10, 25, 0), BERLIN, "02:30-19:00", utc(2026, 10, 25, 0, 30)),
    # Havana springs forward at midnight on 2026-03-08: the day starts at 01:00.
    (local(ZoneInfo("America/Havana"), 2026, 3, 7, 23), ZoneInfo("America/Havana"),
     "00:30-19:00", utc(2026, 3, 8, 5)),
])
def test_next_friendly_across_dst(when: datetime, tz: ZoneInfo, hours: str,
                                  expected: datetime) -> None:
    result = next_friendly(when, tz, FriendlyHours.parse(hours))
    assert result == expected
    assert is_friendly(result, tz, FriendlyHours.parse(hours))


def test_last_friendly_inside_a_gap_is_just_before_it() -> None:
    hours = FriendlyHours.parse("00:00-02:30")
    result = last_friendly(local(BERLIN, 2026, 3, 29, 5), BERLIN, hours)
    assert result.astimezone(BERLIN).time() < time(2) and result == utc(2026, 3, 29, 0, 59, 59)


zones = st.sampled_from(ZONES)
# hypothesis takes naive bounds and attaches the zone itself.
instants = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31),  # noqa: DTZ001
                        timezones=st.just(UTC))


@st.composite
def friendly_hours(draw: st.DrawFn) -> FriendlyHours:
    start = draw(st.integers(0, 22 * 60))
    end = draw(st.integers(start + 60, 23 * 60 + 59))
    return FriendlyHours(time(start // 60, start % 60), time(end // 60, end % 60))


def _no_friendly_between(start: datetime, end: datetime, tz: ZoneInfo,
                         hours: FriendlyHours) -> bool:
    return start > end or next_friendly(start, tz, hours) > end


@settings(max_examples=300, deadline=None)
@given(sent=instants, days=st.integers(*FOLLOWUP_WINDOW_DAYS),
       later=st.integers(0, 16 * 24 * 60), tz=zones, hours=friendly_hours())
def test_the_reminder_is_friendly_leaves_a_day_and_comes_as_early_as_allowed(
    sent: datetime, days: int, later: int, tz: ZoneInfo, hours: FriendlyHours,
) -> None:
    now = sent + timedelta(minutes=later)
    end = last_reminder(window_end(sent, tz))
    assert window_end(sent, tz) - end == ROOM
    due = first_due(sent, window_end(sent, tz), days, now, tz, hours)
    if now > end:
        assert due is None
        return
    assert due is not None
    assert now <= due <= end
    wish = max(days_later(sent, days, tz), now)
    if is_friendly(due, tz, hours):
        # The first friendly moment after the wish, or (none left in the window) the last
        # one before it: never a friendly moment skipped on the way.
        if due >= wish:
            assert _no_friendly_between(wish, due - timedelta(seconds=1), tz, hours)
        else:
            assert _no_friendly_between(wish, end, tz, hours)
    else:
        # At night only when no friendly moment is left in the window: at once.
        assert due == now and _no_friendly_between(now, end, tz, hours)


def _wall(when: datetime, tz: ZoneInfo) -> tuple[date, time]:
    local = when.astimezone(tz)
    return local.date(), local.time().replace(tzinfo=None)


def _exists(day: date, wall: time, tz: ZoneInfo) -> bool:
    """Whether `wall` happens on `day` in `tz` (not inside a DST gap)."""
    naive = datetime.combine(day, wall)
    return naive.replace(tzinfo=tz).astimezone(UTC).astimezone(tz).replace(tzinfo=None) == naive


@settings(max_examples=400, deadline=None)
@given(sent=instants, days=st.integers(*FOLLOWUP_WINDOW_DAYS), tz=zones, hours=friendly_hours())
def test_the_reminder_is_n_days_of_the_calendar_later_at_the_same_time_of_day(
    sent: datetime, days: int, tz: ZoneInfo, hours: FriendlyHours,
) -> None:
    """Across a DST change too: a week after Sunday 18:30 is Sunday 18:30, not 7 x 24 hours
    (an hour off, and maybe out of the friendly hours), whenever that wall time exists that
    day, is friendly, and leaves the day before the window's end."""
    day, wall = _wall(sent, tz)
    target = day + timedelta(days=days)
    end = window_end(sent, tz)
    due = first_due(sent, end, days, sent, tz, hours)
    assert _wall(end, tz) == (day + WINDOW_END, wall) or not _exists(day + WINDOW_END, wall, tz)
    if _exists(target, wall, tz) and hours.start <= wall <= hours.end:
        wish = days_later(sent, days, tz)
        assert _wall(wish, tz) == (target, wall)
        if wish <= last_reminder(end):
            assert due == wish


@pytest.mark.parametrize(("sent", "days", "tz", "expected"), [
    # The finding: New York springs forward on 8 March 2026. Sunday 1 March 18:30 EST, a
    # week on, is Sunday 8 March 18:30 EDT (22:30 UTC), inside 09:00-19:00: not Monday 09:00.
    (utc(2026, 3, 1, 23, 30), 7, NEW_YORK, utc(2026, 3, 8, 22, 30)),
    # Autumn: Berlin falls back on 25 October; 18:30 a week later is 18:30 CET (17:30 UTC).
    (local(BERLIN, 2026, 10, 20, 18, 30), 7, BERLIN, utc(2026, 10, 27, 17, 30)),
    # Sent at 02:30 (Berlin), a week later is inside the spring gap of 29 March: its end,
    # 03:00 CEST, then on into the friendly hours.
    (local(BERLIN, 2026, 3, 22, 2, 30), 7, BERLIN, local(BERLIN, 2026, 3, 29, 9)),
])
def test_first_due_across_dst(sent: datetime, days: int, tz: ZoneInfo,
                              expected: datetime) -> None:
    assert first_due(sent, window_end(sent, tz), days, sent, tz, DEFAULT_HOURS) == expected


@pytest.mark.parametrize(("when", "days", "tz", "expected"), [
    (local(BERLIN, 2026, 3, 22, 2, 30), 7, BERLIN, utc(2026, 3, 29, 1)),  # the gap: its end
    # 02:30 on 25 October happens twice: the first (CEST, 00:30 UTC).
    (local(BERLIN, 2026, 10, 18, 2, 30), 7, BERLIN, utc(2026, 10, 25, 0, 30)),
    # From the second 02:30 (CET) a week on: 02:30 CET once more.
    (utc(2026, 10, 25, 1, 30), 7, BERLIN, utc(2026, 11, 1, 1, 30)),
    # Backwards, and across Lord Howe's half-hour change (5 April 2026, 02:00 -> 01:30).
    (utc(2026, 4, 10, 9), -7, ZoneInfo("Australia/Lord_Howe"), utc(2026, 4, 3, 8, 30)),
])
def test_days_later_is_the_same_wall_time(when: datetime, days: int, tz: ZoneInfo,
                                          expected: datetime) -> None:
    assert days_later(when, days, tz) == expected


@settings(max_examples=200, deadline=None)
@given(sent=instants, later=st.integers(0, 12 * 24 * 60), days=st.sampled_from([1, 3]),
       tz=zones, hours=friendly_hours())
def test_a_snooze_is_days_of_the_calendar_later_at_the_same_time(
    sent: datetime, later: int, days: int, tz: ZoneInfo, hours: FriendlyHours,
) -> None:
    now = sent + timedelta(minutes=later)
    day, wall = _wall(now, tz)
    end = window_end(sent, tz)
    until = snoozed_until(days, now, end, tz, hours)
    if (until is not None and _exists(day + timedelta(days=days), wall, tz)
            and hours.start <= wall <= hours.end):
        assert _wall(until, tz) == (day + timedelta(days=days), wall)


@settings(max_examples=200, deadline=None)
@given(when=instants, tz=zones, hours=friendly_hours())
def test_next_and_last_friendly_are_friendly_and_on_the_right_side(
    when: datetime, tz: ZoneInfo, hours: FriendlyHours,
) -> None:
    after, before = next_friendly(when, tz, hours), last_friendly(when, tz, hours)
    assert before <= when <= after
    assert is_friendly(after, tz, hours) and is_friendly(before, tz, hours)
    assert after - when < timedelta(days=2) and when - before < timedelta(days=2)


@settings(max_examples=200, deadline=None)
@given(sent=instants, later=st.integers(0, 15 * 24 * 60), days=st.sampled_from([1, 3]),
       tz=zones, hours=friendly_hours())
def test_a_snooze_stays_inside_the_window(sent: datetime, later: int, days: int, tz: ZoneInfo,
                                          hours: FriendlyHours) -> None:
    now = sent + timedelta(minutes=later)
    window = window_end(sent, tz)
    end = last_reminder(window)
    until = snoozed_until(days, now, window, tz, hours)
    if days_later(now, days, tz) > end:
        assert until is None and days not in snooze_options(now, window, tz)
        return
    assert until is not None
    assert now <= until <= end
    assert is_friendly(until, tz, hours) or until == now


@settings(max_examples=200, deadline=None)
@given(sent=instants, later=st.integers(0, 13 * 24 * 60), old=zones, new=zones,
       hours=friendly_hours())
def test_a_new_timezone_moves_the_reminder_to_a_friendly_hour_there(
    sent: datetime, later: int, old: ZoneInfo, new: ZoneInfo, hours: FriendlyHours,
) -> None:
    planned_at = sent + timedelta(minutes=later // 2)
    window = window_end(sent, old)
    due = first_due(sent, window, 7, planned_at, old, hours)
    assert due is not None
    now = sent + timedelta(minutes=later)
    end = last_reminder(window)
    moved = moved_to_zone(due, old, new, now, sent, window, 7, hours)
    # (13 days can end past the last planned moment where the window holds a 23-hour day:
    # then the overdue reminder goes at once.)
    assert moved is not None and now <= moved <= max(end, now)
    assert moved >= days_later(sent, 7, old)  # the week has passed, whichever way it moved
    assert is_friendly(moved, new, hours) or moved == now


def test_a_new_timezone_after_the_last_planned_moment_sends_the_reminder_now() -> None:
    """Hypothesis found it: sent 1 March 2025 in New York, the window holds the spring's
    23-hour day, and the member moves to UTC 13 days later, after the last planned moment:
    the pending reminder goes now rather than being dropped."""
    sent = datetime(2025, 3, 1, tzinfo=UTC)
    window = window_end(sent, NEW_YORK)
    hours = FriendlyHours(time(0, 0), time(1, 0))
    due = first_due(sent, window, 7, sent, NEW_YORK, hours)
    assert due is not None
    now = last_reminder(window) + timedelta(minutes=1)
    assert moved_to_zone(due, NEW_YORK, ZoneInfo("UTC"), now, sent, window, 7, hours) == now
    assert moved_to_zone(due, NEW_YORK, ZoneInfo("UTC"), window + timedelta(seconds=1), sent,
                         window, 7, hours) is None


def test_a_new_timezone_keeps_the_local_time_of_day() -> None:
    due = local(BERLIN, 2026, 1, 12, 9, 30)
    moved = moved_to_zone(due, BERLIN, NEW_YORK, MONDAY, MONDAY, window_end(MONDAY, BERLIN), 7,
                          DEFAULT_HOURS)
    assert moved == local(NEW_YORK, 2026, 1, 12, 9, 30)


def test_fit_is_none_once_the_window_has_ended() -> None:
    end = window_end(MONDAY, BERLIN)
    assert fit(end, end, end, BERLIN, DEFAULT_HOURS) == end  # its last instant is inside
    assert fit(end, end + timedelta(seconds=1), end, BERLIN, DEFAULT_HOURS) is None


@pytest.mark.parametrize(("left", "options"), [
    (timedelta(days=5), (1, 3)), (timedelta(days=3), (1, 3)), (timedelta(days=2), (1,)),
    (timedelta(hours=23), ()),
])
def test_snooze_options_fit_by_the_last_day(left: timedelta, options: tuple[int, ...]) -> None:
    end = MONDAY + left + ROOM  # `left` until the last moment for a reminder
    assert snooze_options(MONDAY, end, UTC) == options


def test_late_means_more_than_a_quarter_of_an_hour() -> None:
    assert not is_late(MONDAY, MONDAY + timedelta(minutes=15))
    assert is_late(MONDAY, MONDAY + timedelta(minutes=16))


# --- attempts ---------------------------------------------------------------------------------

AWAITING, REMINDED = OutreachStatus.AWAITING, OutreachStatus.REMINDED


@pytest.mark.parametrize(("attempts", "status", "days_after", "refused"), [
    (1, REMINDED, 8, None),
    (1, OutreachStatus.DROPPED, 8, None),  # "Not following up" is not final in the window
    (1, OutreachStatus.DROPPED, 15, "window for a follow-up to Dana closed"),  # after it, is
    (1, OutreachStatus.EXPIRED, 13, None),  # sent inside the window, logged after it closed
    (2, OutreachStatus.FOLLOWED_UP, 8, "third attempt"),
    (1, OutreachStatus.REPLIED, 8, "already replied"),
    (1, REMINDED, 15, "window for a follow-up to Dana closed"),
    (2, OutreachStatus.FOLLOWED_UP, 20, "third attempt"),
])
def test_follow_up_refusal(attempts: int, status: OutreachStatus, days_after: int,
                           refused: str | None) -> None:
    reason = follow_up_refusal(attempts, status, window_end(MONDAY, UTC),
                               MONDAY + timedelta(days=days_after), "Dana")
    assert (reason is None) if refused is None else (refused in str(reason))


def test_the_third_attempt_refusal_gives_the_lessons_reason() -> None:
    text = THIRD_ATTEMPT.format(who="Dana")
    assert "two at most" in text and "one follow-up" in text and "spamming" in text


@pytest.mark.parametrize(("status", "attempts", "days", "actions"), [
    (REMINDED, 1, 8, ("replied", "review", "sent", "drop", "snooze1", "snooze3")),
    (REMINDED, 1, 12, ("replied", "review", "sent", "drop", "snooze1")),
    (REMINDED, 1, 13.5, ("replied", "review", "sent", "drop")),
    (OutreachStatus.FOLLOWED_UP, 2, 9, ("replied",)),
    (OutreachStatus.DROPPED, 1, 9, ("replied", "review", "sent")),  # a change of mind
    (OutreachStatus.DROPPED, 1, 15, ("replied",)),
    (OutreachStatus.EXPIRED, 1, 15, ("replied",)),
    (OutreachStatus.REPLIED, 1, 9, ()),
])
def test_buttons_offered(status: OutreachStatus, attempts: int, days: float,
                         actions: tuple[str, ...]) -> None:
    now = MONDAY + timedelta(days=days)
    assert actions_for(status, attempts, now, window_end(MONDAY, UTC), UTC) == actions


@pytest.mark.parametrize("current", list(OutreachStatus))
def test_the_first_decision_wins_except_a_reply(current: OutreachStatus) -> None:
    decided = current not in (AWAITING, REMINDED)
    assert may_become(current, OutreachStatus.DROPPED) is not decided
    assert may_become(current, OutreachStatus.EXPIRED) is not decided
    assert may_become(current, OutreachStatus.REPLIED) is (current is not OutreachStatus.REPLIED)
    # A follow-up sent inside the window: logged late, or after "Not following up".
    assert may_become(current, OutreachStatus.FOLLOWED_UP) is (
        not decided or current in (OutreachStatus.EXPIRED, OutreachStatus.DROPPED))


# --- the same person -----------------------------------------------------------------------

@pytest.mark.parametrize(("a", "b", "same"), [
    ("Dana Lee", "dana lee", True),
    ("BSC", "bsc", True),  # a name that is a degree's letters is still a name
    ("José Núñez", "JOSE NUNEZ", True),
    ("  Dana   Lee ", "Dana Lee", True),
    ("Dana Lee", "Dana Leeds", False),
    ("dana@acme.com", "Dana.Lee <DANA@ACME.COM>", True),
    ("Dana Lee <dana@acme.com>", "Dana Lee", True),  # no email on one side: the name decides
    ("Dana Lee <dana@acme.com>", "Dana Lee <dana@globex.com>", False),  # two different people
    ("https://www.linkedin.com/in/danalee/", "linkedin.com/in/DanaLee?trk=x", True),
    ("https://uk.linkedin.com/in/danalee", "Dana — https://linkedin.com/in/danalee/", True),
    ("https://linkedin.com/in/danalee", "https://linkedin.com/in/danlee", False),
    ("dana@acme.com", "sam@acme.com", False),
    ("dana@acme.com", "https://linkedin.com/in/dana", False),  # nothing shared, no names
])
def test_same_person(a: str, b: str, same: bool) -> None:
    left, right = parse_recipient(a), parse_recipient(b)
    assert same_person(left, right) is same
    assert same_person(right, left) is same


def test_a_blank_recipient_is_refused() -> None:
    with pytest.raises(UserError, match="who you sent it to"):
        parse_recipient("   ")


@pytest.mark.parametrize("variant", [
    "dana  lee", "Dana Lée", "Lee, Dana", "LEE,DANA", "Dr. Dana Lee", "Dr Dana Lee",
    "Prof. Dr. Dana Lee", "Ms. Dana Lee", "Dana Lee (Acme)", "Dana Lee [recruiter]",
    "Dana Lee, PhD", "Dana Lee PhD", "“Dana Lee”", "Dana Lee.", "Dana Lee <dana@acme.com>",
])
def test_variants_of_a_name_are_the_same_person(variant: str) -> None:
    """The finding: "Lee, Dana" and "Dr. Dana Lee" were a new person, so a third message
    to Dana Lee got past the rule (and the bot planned another reminder)."""
    assert same_person(parse_recipient("Dana Lee"), parse_recipient(variant))
    assert not maybe_same(parse_recipient("Dana Lee"), parse_recipient(variant))


@pytest.mark.parametrize(("a", "b"), [
    ("Dana Lee", "Dana J. Lee"), ("Dana Lee", "Dana Jane Lee"), ("Dana Lee", "Lee Dana"),
    ("Dana Lee", "Dana"), ("Dana Lee", "D. Lee"), ("Dana Lee", "Dana Lee Jr."),
    ("Dana Lee", "Dana Lee-Smith"), ("Lee, Dana J.", "Dana Lee"),
])
def test_a_name_that_may_be_the_same_person_is_asked_about(a: str, b: str) -> None:
    left, right = parse_recipient(a), parse_recipient(b)
    assert not same_person(left, right) and maybe_same(left, right) and maybe_same(right, left)


@pytest.mark.parametrize(("a", "b"), [
    ("Dana Lee <dana@acme.com>", "Dana Lee <dana@globex.com>"),  # two emails: two people
    ("Dana Lee <dana@acme.com>", "Dana J. Lee <dlee@globex.com>"),
    ("https://linkedin.com/in/dana1", "Dana https://linkedin.com/in/dana2"),
    ("Dana Lee", "Dana Kim"), ("Dana Lee", "Sam Lee"), ("Yo-Yo Ma", "Ma Long"),
    ("Jr.", "Dana"), ("Dana O'Brien", "Dana Brien"),
])
def test_different_people_are_neither_merged_nor_asked_about(a: str, b: str) -> None:
    left, right = parse_recipient(a), parse_recipient(b)
    assert not same_person(left, right)
    assert not maybe_same(left, right) and not maybe_same(right, left)


words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéñøß", min_size=2, max_size=12).filter(
    lambda w: fold_name(w) not in {"dr", "mr", "mrs", "ms", "mx", "miss", "prof", "sir",
                                   "dame", "rev", "herr", "frau", "mme", "mlle", "professor",
                                   "phd", "md", "mba", "msc", "bsc", "esq", "cpa", "dphil",
                                   "jr", "sr", "ii", "iii", "iv"})
titles = st.sampled_from(["", "Dr. ", "Dr ", "Mr. ", "Ms ", "Mrs. ", "Prof. ", "Prof. Dr. "])


@settings(max_examples=300, deadline=None)
@given(first=words, last=words, title=titles, note=st.sampled_from(["", " (Acme)", " [met at X]"]),
       upper=st.booleans())
def test_a_name_is_the_same_person_however_it_is_written(first: str, last: str, title: str,
                                                          note: str, upper: bool) -> None:
    plain = parse_recipient(f"{first} {last}")
    for variant in (f"{title}{first} {last}{note}", f"{last}, {first}{note}",
                    f"{title}{first}  {last}, PhD"):
        typed = parse_recipient(variant.upper() if upper else variant)
        assert same_person(plain, typed), variant


@settings(max_examples=300, deadline=None)
@given(a=st.lists(words, min_size=1, max_size=3), b=st.lists(words, min_size=1, max_size=3),
       emails=st.booleans())
def test_names_sharing_no_word_are_never_merged_nor_asked_about(a: list[str], b: list[str],
                                                                emails: bool) -> None:
    """Not too eager: names whose words differ are two people; so are the same name at two
    emails."""
    left, right = parse_recipient(" ".join(a)), parse_recipient(" ".join(b))
    if not {fold_name(w) for w in a} & {fold_name(w) for w in b}:
        assert not same_person(left, right) and not maybe_same(left, right)
    if emails:
        at_a = parse_recipient(" ".join(a) + " <x@a.example>")
        at_b = parse_recipient(" ".join(a) + " <x@b.example>")
        assert not same_person(at_a, at_b) and not maybe_same(at_a, at_b)


letters = st.text(alphabet="abcdefgjklmnopsz éèêáàñçöüøåßÉÑ-'", min_size=1, max_size=30)


@given(name=letters.filter(lambda t: t.strip(" -'")))
def test_names_match_whatever_the_case_and_accents(name: str) -> None:
    bare = "".join(c for c in unicodedata.normalize("NFKD", name)
                   if not unicodedata.combining(c))
    assert fold_name(bare.upper()) == fold_name(name)
    assert same_person(parse_recipient(name), parse_recipient(bare.upper()))


@given(text=st.text(min_size=1, max_size=200))
def test_any_recipient_text_parses_to_normalized_keys(text: str) -> None:
    if is_blank(text):  # shows nothing: refused as blank text is (bot/visible.py)
        with pytest.raises(UserError, match="Say who you sent it to"):
            parse_recipient(text)
        return
    who = parse_recipient(text)
    assert who.text == " ".join(text.split())
    assert who.email == who.email.casefold() and who.url == who.url.lower()
    assert same_person(who, who) is bool(who.email or who.url or who.name)


# --- "sent on" ---------------------------------------------------------------------------------

NOW = utc(2026, 1, 12, 23, 30)  # already Tuesday the 13th in Tokyo


@pytest.mark.parametrize(("typed", "tz", "expected"), [
    ("", BERLIN, NOW),
    ("today", BERLIN, NOW),
    ("yesterday", BERLIN, local(BERLIN, 2026, 1, 12, 12)),  # Berlin is past midnight: the 13th
    ("3 days ago", UTC, utc(2026, 1, 9, 12)),
    ("a week ago", UTC, utc(2026, 1, 5, 12)),
    (" 2 Weeks  ago", UTC, utc(2025, 12, 29, 12)),
    ("last Monday", UTC, utc(2026, 1, 5, 12)),  # today is a Monday in UTC: the one before
    ("monday", UTC, NOW),  # a bare weekday: the last one, today included
    ("last friday", UTC, utc(2026, 1, 9, 12)),
    ("on Tuesday", TOKYO, NOW),  # already Tuesday in Tokyo
    ("2026-01-02", BERLIN, local(BERLIN, 2026, 1, 2, 12)),
    ("2026-01-13", TOKYO, NOW),  # today in Tokyo
    ("2026-01-12", NEW_YORK, NOW),  # today in New York
])
def test_parse_sent_on(typed: str, tz: ZoneInfo, expected: datetime) -> None:
    assert parse_sent_on(typed, NOW, tz) == expected


@pytest.mark.parametrize(("typed", "tz", "message"), [
    ("2026-01-13", NEW_YORK, "in the future"),
    ("2026-01-14", TOKYO, "in the future"),
    ("tomorrow", BERLIN, "YYYY-MM-DD"),
    ("12/01/2026", BERLIN, "YYYY-MM-DD"),
    ("2024-06-01", BERLIN, "more than a year ago"),
])
def test_parse_sent_on_refuses(typed: str, tz: ZoneInfo, message: str) -> None:
    with pytest.raises(UserError, match=message):
        parse_sent_on(typed, NOW, tz)


@pytest.mark.parametrize(("tz", "yesterday"), [(NEW_YORK, "2026-01-11"), (TOKYO, "2026-01-12")])
def test_the_date_example_is_a_past_day_that_parses(tz: ZoneInfo, yesterday: str) -> None:
    with pytest.raises(UserError, match=f"e.g. {yesterday}") as refused:
        parse_sent_on("tomorrow", NOW, tz)
    example = re.search(r"e\.g\. (\S+)\)", refused.value.message)
    assert example and parse_sent_on(example[1], NOW, tz) < NOW


@given(typed=st.text(max_size=40), tz=zones)
def test_any_sent_on_text_is_a_past_time_or_a_clear_refusal(typed: str, tz: ZoneInfo) -> None:
    try:
        when = parse_sent_on(typed, NOW, tz)
    except UserError as refusal:
        assert refusal.message
    else:
        assert NOW - timedelta(days=367) <= when <= NOW


def test_a_log_within_an_hour_by_the_same_channel_repeats_the_attempt() -> None:
    sent = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    assert repeats(sent, "email", sent, "email")
    assert repeats(sent, "email", sent + timedelta(minutes=60), "email")
    assert repeats(sent, "email", sent - timedelta(minutes=59), "email")  # "today" vs 09:59
    assert not repeats(sent, "email", sent + timedelta(minutes=61), "email")
    assert not repeats(sent, "email", sent + timedelta(minutes=1), "linkedin_message")
