"""The lesson's rules for a cold outreach and its one follow-up. Pure: no I/O, no Discord.

A cold outreach gets at most two attempts: the message and ONE follow-up, 1–2 weeks later, if
there was no reply. This module says:

- the states of an outreach (awaiting -> reminded -> followed up / replied / dropped, or
  expired when the window ends) and of its one reminder, and both as stored (`Outreach`,
  `Reminder`), with the cohort's `Totals`;
- when the reminder is due: `window_days` (7–13) days of the member's calendar after attempt
  1 (`days_later`: the same wall time, across DST too), moved into the member's
  friendly local hours (never in the middle of their night), never later than `ROOM` (a day)
  before the window's end, 14 days after attempt 1 (`last_reminder`);
- snoozing (a day or three, inside the same bound) and moving a reminder to a new timezone;
- which decision on an outreach wins (`may_become`);
- who counts as "the same person" (same email, same profile URL, or failing those the same
  name however it is written: `name_key`), who only may be (`maybe_same`: the member is
  asked), and when another attempt is refused;
- when a log repeats an attempt already logged (a double submit): nothing new is recorded;
- reading the date a member typed for "sent on".

Times are timezone-aware datetimes; zones are `zoneinfo.ZoneInfo`. Local wall times that do
not exist (a DST gap) or exist twice (the hour repeated in autumn) are resolved explicitly.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum

from bot.clock import at_and_in
from bot.errors import UserError
from bot.visible import is_blank, visible_text

WINDOW_END = timedelta(days=14)  # the lesson: the follow-up comes "within 1-2 weeks"
# The least of the window a planned reminder leaves the member: a whole day, so its friendly
# hours come round once more before the window closes (see `last_reminder`).
ROOM = timedelta(days=1)
MAX_ATTEMPTS = 2  # the message and one follow-up
SNOOZE_DAYS = (1, 3)
LATE_AFTER = timedelta(minutes=15)  # a reminder this much past its time says it is late
MAX_AGE = timedelta(days=366)  # "sent on" further back than this is refused
# A log by the same channel to the same person whose sent time is this close to an attempt
# already logged is that attempt again (see `repeats`).
REPEAT_WITHIN = timedelta(hours=1)
# The longest "who" a member may type, wherever they type it (/outreach log, "I sent it",
# /outreach replied): enough for a name, an email and a profile URL together.
RECIPIENT_MAX = 200


class OutreachStatus(StrEnum):
    AWAITING = "awaiting"  # attempt 1 sent; the reminder has not come yet
    REMINDED = "reminded"  # the reminder came; the member has not decided
    FOLLOWED_UP = "followed_up"  # attempt 2 sent: the last one
    REPLIED = "replied"
    DROPPED = "dropped"  # "Not following up"
    EXPIRED = "expired"  # the window ended with no reply and no follow-up


OPEN = frozenset({OutreachStatus.AWAITING, OutreachStatus.REMINDED})

# Which decision wins: the first. An outreach may become the key from the states listed, so a
# button left on an older message, another device or a command typed later never overturns
# what was decided. Two exceptions. A reply is news from the other person, noted whatever the
# member had decided, so the reply rate after a follow-up is measured. And a follow-up sent
# inside the window counts whatever was decided before it: after the window closed
# unanswered (logged late, with its `sent_on`), and after "Not following up" (a tap by
# mistake, or a change of mind while the lesson still allows the follow-up: one tap is never
# final). `follow_up_refusal` checks the time; a third attempt stays refused.
DECIDABLE_FROM: dict[OutreachStatus, frozenset[OutreachStatus]] = {
    OutreachStatus.REPLIED: frozenset(OutreachStatus) - {OutreachStatus.REPLIED},
    OutreachStatus.FOLLOWED_UP: OPEN | {OutreachStatus.EXPIRED, OutreachStatus.DROPPED},
    OutreachStatus.DROPPED: OPEN,
    OutreachStatus.EXPIRED: OPEN,
}


def may_become(current: OutreachStatus, decided: OutreachStatus) -> bool:
    """Whether an outreach in `current` may be decided as `decided` (see DECIDABLE_FROM)."""
    return current in DECIDABLE_FROM[decided]


class ReminderStatus(StrEnum):
    PENDING = "pending"  # due at `due_at`
    SENDING = "sending"  # claimed by the process delivering it
    SENT = "sent"
    CANCELLED = "cancelled"  # the outreach was decided before the reminder came
    UNDELIVERABLE = "undeliverable"  # the member's DMs are closed to the bot
    FAILED = "failed"  # Discord kept failing; given up
    EXPIRED = "expired"  # the window ended before it could be delivered


# Reminders the member hears about the next time they use the bot (they never got the DM).
NOTICE_STATUSES = frozenset(
    {ReminderStatus.UNDELIVERABLE, ReminderStatus.FAILED, ReminderStatus.EXPIRED}
)


# --- records, as stored -----------------------------------------------------------------------


@dataclass(frozen=True)
class Outreach:
    """One cold attempt (and at most one follow-up) to one person, as stored. Times are UTC
    epoch milliseconds."""

    id: int
    user_id: int
    recipient: str
    channel: str
    draft: str | None
    note: str | None
    sent_at: int
    attempts: int
    followed_up_at: int | None
    status: OutreachStatus
    closed_at: int | None
    source_message_id: int | None
    created_at: int
    window_end_at: int  # `window_end` of `sent_at`, fixed when logged


@dataclass(frozen=True)
class Reminder:
    """An outreach's one reminder as stored, with what its message needs to know about the
    outreach."""

    id: int
    outreach_id: int
    user_id: int
    due_at: int
    timezone: str | None
    status: ReminderStatus
    delivery: int
    history_floor: int | None
    claimed_at: int | None
    tries: int
    sent_at: int | None
    message_id: int | None
    notified_at: int | None
    recipient: str
    channel: str
    draft: str | None
    outreach_sent_at: int
    attempts: int
    outreach_status: OutreachStatus
    followed_up_at: int | None
    window_end_at: int  # the outreach's


@dataclass(frozen=True)
class Totals:
    """The cohort's numbers for /outreach stats: counts only, nobody's name in them."""

    logged: int
    replied_after_first: int
    followed_up: int
    replied_after_followup: int
    dropped: int
    expired: int
    reminders_sent: int
    undeliverable: int


# --- friendly hours ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FriendlyHours:
    """The local hours a reminder may arrive in, both ends included."""

    start: time
    end: time

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError("friendly hours end after they start, e.g. 09:00-19:00")

    @classmethod
    def parse(cls, text: str) -> FriendlyHours:
        """"09:00-19:00" -> FriendlyHours. Raises ValueError with what is expected."""
        match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*", text)
        if not match:
            raise ValueError('a range of local hours such as "09:00-19:00"')
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
            raise ValueError('hours from 00:00 to 23:59, such as "09:00-19:00"')
        start, end = time(h1, m1), time(h2, m2)
        if (h2 * 60 + m2) - (h1 * 60 + m1) < 60:
            raise ValueError('a range at least an hour long that ends after it starts, such '
                             'as "09:00-19:00"')
        return cls(start, end)

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"

    def spoken(self) -> str:
        """As a sentence says it: "09:00 and 19:00" (after "between")."""
        return f"{self.start:%H:%M} and {self.end:%H:%M}"


DEFAULT_HOURS = FriendlyHours(time(9), time(19))


def _instant(day: date, wall: time, tz: tzinfo, *, latest: bool) -> datetime:
    """The earliest (or latest) instant whose local wall time on `day` is at or after (at or
    before) `wall`. An ambiguous wall time (autumn's repeated hour) gives its first (last)
    occurrence; one in a DST gap gives the end (start) of the gap."""
    candidates = []
    for fold in (0, 1):
        local = datetime.combine(day, wall, tzinfo=tz).replace(fold=fold)
        utc = local.astimezone(UTC)
        if utc.astimezone(tz).replace(tzinfo=None) == local.replace(tzinfo=None, fold=0):
            candidates.append(utc)
    if candidates:
        return max(candidates) if latest else min(candidates)
    # A gap: fold=0 and fold=1 land on either side of the transition; find it.
    a, b = sorted(
        datetime.combine(day, wall, tzinfo=tz).replace(fold=f).astimezone(UTC) for f in (0, 1)
    )
    naive = datetime.combine(day, wall)
    while b - a > timedelta(seconds=1):
        mid = a + (b - a) / 2
        if mid.astimezone(tz).replace(tzinfo=None) < naive:
            a = mid
        else:
            b = mid
    transition = b.replace(microsecond=0)
    return transition - timedelta(seconds=1) if latest else transition


def is_friendly(when: datetime, tz: tzinfo, hours: FriendlyHours) -> bool:
    wall = when.astimezone(tz).time().replace(tzinfo=None)
    return hours.start <= wall <= hours.end


def next_friendly(when: datetime, tz: tzinfo, hours: FriendlyHours) -> datetime:
    """The first friendly instant at or after `when`."""
    if is_friendly(when, tz, hours):
        return when
    local = when.astimezone(tz)
    day = local.date() if local.time() < hours.start else local.date() + timedelta(days=1)
    # The start of that day's hours; if a DST gap swallows the whole range, the next day's.
    for offset in range(3):
        candidate = _instant(day + timedelta(days=offset), hours.start, tz, latest=False)
        if candidate >= when and is_friendly(candidate, tz, hours):
            return candidate
    raise ValueError(f"no friendly hour {hours} after {when.isoformat()} in {tz}")


def last_friendly(when: datetime, tz: tzinfo, hours: FriendlyHours) -> datetime:
    """The last friendly instant at or before `when`."""
    if is_friendly(when, tz, hours):
        return when
    local = when.astimezone(tz)
    day = local.date() if local.time() > hours.end else local.date() - timedelta(days=1)
    for offset in range(3):
        candidate = _instant(day - timedelta(days=offset), hours.end, tz, latest=True)
        if candidate <= when and is_friendly(candidate, tz, hours):
            return candidate
    raise ValueError(f"no friendly hour {hours} before {when.isoformat()} in {tz}")


# --- when the reminder comes ------------------------------------------------------------------


def days_later(when: datetime, days: int, tz: tzinfo) -> datetime:
    """The same local wall time `days` calendar days later (or earlier) in `tz`: "a week
    after Sunday 18:30" is Sunday 18:30 whatever DST did in between, not 7 x 24 hours (an
    hour off across a change). A wall time that day does not have (a spring gap) gives the
    end of the gap; one it has twice (autumn) the first."""
    local = when.astimezone(tz)
    wall = local.time().replace(tzinfo=None, fold=0)
    return _instant(local.date() + timedelta(days=days), wall, tz, latest=False)


def window_end(sent_at: datetime, tz: tzinfo) -> datetime:
    """The last moment a follow-up is still "within 1-2 weeks" of attempt 1: two weeks of
    the member's calendar later, at the time of day it was sent. Fixed when it is logged
    (stored as `window_end_at`): a later change of zone does not move it."""
    return days_later(sent_at, WINDOW_END.days, tz)


def last_reminder(end: datetime) -> datetime:
    """The latest a reminder may be planned for (logged, snoozed, moved to a new zone), for a
    window ending at `end`: `ROOM` before it, so the member always has a whole day, friendly
    hours included, to follow up. `ROOM` is elapsed time, not a calendar day: a day of the
    calendar can be 23 hours, and the member is promised at least 24. (A reminder the bot was
    too late for, being offline, still goes out while the window is open: late, and saying
    so.)"""
    return end - ROOM


def fit(wish: datetime, now: datetime, end: datetime, tz: tzinfo,
        hours: FriendlyHours) -> datetime | None:
    """When a reminder wished for `wish` arrives: the first friendly instant from
    max(wish, now) on; if that falls after the window's `end`, the last friendly instant
    before the wish instead (not earlier than now: then it comes at once, the last chance).
    None once the window has ended (its last instant, `end`, is still inside)."""
    if now > end:
        return None
    start = max(wish, now)
    candidate = next_friendly(start, tz, hours)
    if candidate <= end:
        return candidate
    return max(last_friendly(min(start, end), tz, hours), now)


def first_due(sent_at: datetime, end: datetime, window_days: int, now: datetime, tz: tzinfo,
              hours: FriendlyHours) -> datetime | None:
    """The reminder for an outreach sent at `sent_at` whose window ends at `end`:
    `window_days` of the member's calendar later, at the same time of day, moved into their
    friendly hours; None if it is too late for one (less than `ROOM` of the window is
    left)."""
    return fit(days_later(sent_at, window_days, tz), now, last_reminder(end), tz, hours)


def snooze_options(now: datetime, end: datetime, tz: tzinfo) -> tuple[int, ...]:
    """The snoozes (in days) that still bring the reminder back by `last_reminder` of a
    window ending at `end`."""
    latest = last_reminder(end)
    return tuple(days for days in SNOOZE_DAYS if days_later(now, days, tz) <= latest)


def snoozed_until(days: int, now: datetime, end: datetime, tz: tzinfo,
                  hours: FriendlyHours) -> datetime | None:
    """The reminder moved `days` on (the same time of day, `days` later on the member's
    calendar), at a friendly hour, by `last_reminder`; None if that snooze no longer fits."""
    if days not in snooze_options(now, end, tz):
        return None
    return fit(days_later(now, days, tz), now, last_reminder(end), tz, hours)


def moved_to_zone(due: datetime, old: tzinfo, new: tzinfo, now: datetime, sent_at: datetime,
                  end: datetime, window_days: int, hours: FriendlyHours) -> datetime | None:
    """A reminder planned for a local wall time in `old` comes at that wall time in `new`
    (the member meant "Tuesday 9:30 my time"), moved into the friendly hours there. Never
    before `window_days` after attempt 1 (on the calendar it was logged in): the same wall
    time further east is an earlier instant, up to a day earlier, and the lesson's week must
    still have passed."""
    wall = due.astimezone(old)
    again = _instant(wall.date(), wall.time().replace(tzinfo=None), new, latest=False)
    earliest = days_later(sent_at, window_days, old)
    moved = fit(max(again, earliest), now, last_reminder(end), new, hours)
    if moved is None and now <= end:
        # Past the last moment a reminder is planned for (a calendar day of 23 hours, or the
        # bot offline) with the window still open: the reminder is overdue and goes now,
        # late, as one the bot was offline for does; never dropped by a change of zone.
        return now
    return moved


def is_late(due: datetime, now: datetime) -> bool:
    return now - due > LATE_AFTER


# --- who is "the same person" ------------------------------------------------------------------

_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_URL = re.compile(r"(?:https?://|www\.)\S+|(?:[\w-]+\.)*linkedin\.com/\S+", re.IGNORECASE)
# What a name carries that is not who the person is: a note in brackets ("Dana Lee (Acme)"),
# a title before it ("Dr.", "Ms", "Prof. Dr.") and a degree after it ("PhD").
_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]|\{[^}]*\}")
_TITLES = frozenset({"dr", "mr", "mrs", "ms", "mx", "miss", "prof", "professor", "sir",
                     "dame", "rev", "herr", "frau", "mme", "mlle"})
_DEGREES = frozenset({"phd", "md", "mba", "msc", "bsc", "esq", "cpa", "dphil"})
# A generation tells a father from a son: part of the name, but loosely the same person.
_GENERATIONS = frozenset({"jr", "sr", "ii", "iii", "iv"})
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Recipient:
    """Who an outreach went to, as typed, with the keys that identify them ("" = none)."""

    text: str
    email: str
    url: str
    name: str


def fold_name(text: str) -> str:
    """Case- and accent-insensitive: "José  Núñez" -> "jose nunez"."""
    decomposed = unicodedata.normalize("NFKD", visible_text(text))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def _words(text: str) -> list[str]:
    # An apostrophe joins ("O'Brien" = "OBrien"); any other mark or space separates.
    return _WORD.findall(re.sub(r"['’]", "", text))


def name_key(text: str) -> str:
    """A name as the same person's name, however it was typed: case, accents, punctuation,
    a title, a degree and a note in brackets ignored, "Last, First" turned round.
    "Dr. Dana Lee", "Lee, Dana", "dana  lee (Acme)", "Dana Lee, PhD" -> "dana lee". Middle
    names and initials are kept: "Dana J. Lee" may be someone else (`maybe_same`)."""
    parts = [_words(part) for part in fold_name(_BRACKETED.sub(" ", text)).split(",")]
    # A part that is only degrees ("Dana Lee, PhD") is dropped, unless it is all there is:
    # someone called "BSC" is "bsc", not nobody.
    named = [p for p in parts if p and not set(p) <= _DEGREES]
    parts = named or [p for p in parts if p]
    suffix = [w for p in parts if set(p) <= _GENERATIONS for w in p]
    parts = [p for p in parts if not set(p) <= _GENERATIONS]
    # "Lee, Dana" (two parts, the first one word or two: a surname) is "Dana Lee".
    if len(parts) == 2 and len(parts[0]) <= 2:
        parts = [parts[1], parts[0]]
    words = [w for p in parts for w in p]
    while len(words) > 1 and words[0] in _TITLES:
        words.pop(0)
    while len(words) > 1 and words[-1] in _DEGREES:
        words.pop()
    return " ".join(words + suffix)


def _url_key(raw: str) -> str:
    url = raw.rstrip(".,;:)>]").lower()
    url = re.sub(r"^https?://", "", url)
    url = re.sub(r"^(www\.|[a-z]{2}\.)(?=linkedin\.com)", "", url)
    url = url.removeprefix("www.")
    url = re.split(r"[?#]", url, maxsplit=1)[0]
    return url.rstrip("/")


def recipient_keys(text: str) -> Recipient:
    """Split a recipient ("Dana Lee <dana@acme.com>", a profile URL, a name) into the keys
    used to recognize the same person: for what a member types (`parse_recipient`) and
    for what the log holds."""
    shown = " ".join(text.split())
    emails = _EMAIL.findall(shown)
    rest = _EMAIL.sub(" ", shown)
    urls = _URL.findall(rest)
    return Recipient(
        text=shown,
        email=emails[0].casefold() if emails else "",
        url=_url_key(urls[0]) if urls else "",
        name=name_key(_URL.sub(" ", rest)),
    )


def parse_recipient(text: str) -> Recipient:
    """What a member typed for who they sent it to, checked, with its keys."""
    who = recipient_keys(text)
    if is_blank(who.text):
        raise UserError("Say who you sent it to: a name, an email or a profile URL.")
    if len(who.text) > RECIPIENT_MAX:
        raise UserError(f"That's {len(who.text)} characters; who you sent it to fits in "
                        f"{RECIPIENT_MAX}: a name, an email or a profile URL.")
    return who


def _different(a: Recipient, b: Recipient) -> bool:
    """Known to be two people: two different emails, or two different profile URLs."""
    return bool((a.email and b.email and a.email != b.email)
                or (a.url and b.url and a.url != b.url))


def same_person(a: Recipient, b: Recipient) -> bool:
    """Same email or same profile URL; failing those (neither is known for both), the same
    name (`name_key`). Two different emails, or two different URLs, are two different
    people."""
    if (a.email and a.email == b.email) or (a.url and a.url == b.url):
        return True
    if _different(a, b):
        return False
    return bool(a.name) and a.name == b.name


def _core(name: str) -> frozenset[str]:
    """A name's words that say who it is: not initials, not a generation."""
    return frozenset(w for w in name.split() if len(w) > 1 and w not in _GENERATIONS)


def maybe_same(a: Recipient, b: Recipient) -> bool:
    """Not surely the same person, nor surely not: the words of one name are among the
    other's, as with a middle name or initial ("Dana J. Lee", "Dana Lee"), a generation
    ("Dana Lee Jr."), a first name or surname alone ("Dana"), or the order turned round
    without a comma ("Lee Dana"). The member is asked; the bot never guesses."""
    if same_person(a, b) or _different(a, b):
        return False
    core_a, core_b = _core(a.name), _core(b.name)
    return bool(core_a and core_b) and (core_a <= core_b or core_b <= core_a)


# --- attempts -----------------------------------------------------------------------------------

THIRD_ATTEMPT = (
    "That would be a third attempt to {who}. The lesson allows two at most: your message and "
    "one follow-up. A third message is the spamming that makes people less likely to ever "
    "answer; let this one go and put the effort into a new connection."
)


def repeats(previous_sent: datetime, previous_channel: str, sent: datetime,
            channel: str) -> bool:
    """Whether a log of a message sent at `sent` by `channel` is the attempt already logged as
    sent at `previous_sent` by `previous_channel`: a form submitted twice, a log typed again
    a minute later ("today" is then a minute later too), or "I sent it" and `/outreach log`
    for the same message. Within `REPEAT_WITHIN` it cannot be a real follow-up, which the
    lesson places a week or two later; by another channel it is another message."""
    return channel == previous_channel and abs(sent - previous_sent) <= REPEAT_WITHIN


def follow_up_refusal(attempts: int, status: OutreachStatus, end: datetime,
                      now: datetime, who: str) -> str | None:
    """Why a follow-up to this outreach (its window ending at `end`) may not be sent (or
    logged) now; None if it may."""
    if attempts >= MAX_ATTEMPTS:
        return THIRD_ATTEMPT.format(who=who)
    if status is OutreachStatus.REPLIED:
        return (f"{who} already replied, so there's nothing to follow up: answer them in your "
                "conversation.")
    if now > end:
        # A Discord timestamp, as every other message gave the window's end: a date written
        # here would be UTC's, a day off for members far from it.
        return (f"The window for a follow-up to {who} closed {at_and_in(end)}, two weeks "
                "after your first message. The lesson allows one follow-up within 1–2 weeks; "
                "after that, let it go.")
    return None


def actions_for(status: OutreachStatus, attempts: int, now: datetime, end: datetime,
                tz: tzinfo) -> tuple[str, ...]:
    """The buttons that still make sense under a reminder, in order: once the outreach is
    decided or its window has ended, only "They replied", and after "Not following up" the
    follow-up's own buttons while the window is open."""
    if status is OutreachStatus.REPLIED:
        return ()
    actions = ["replied"]
    if now <= end and attempts < MAX_ATTEMPTS and status in OPEN | {OutreachStatus.DROPPED}:
        actions += ["review", "sent"]  # after "Not following up" too: the lesson still allows it
    if status in OPEN and now <= end:
        actions.append("drop")
        actions += [f"snooze{days}" for days in snooze_options(now, end, tz)]
    return tuple(actions)


# --- the log, shown a page at a time ------------------------------------------------------------

# `/outreach list state:` -> (its label, the states it shows).
LIST_STATES: dict[str, tuple[str, frozenset[OutreachStatus]]] = {
    "open": ("open: no decision yet", OPEN),
    "followed_up": ("followed up", frozenset({OutreachStatus.FOLLOWED_UP})),
    "replied": ("they replied", frozenset({OutreachStatus.REPLIED})),
    "dropped": ("not following up", frozenset({OutreachStatus.DROPPED})),
    "expired": ("window closed", frozenset({OutreachStatus.EXPIRED})),
}
# The longest `name:` filter of /outreach list: it rides in the custom_id of the list's page
# buttons (100 characters in all), so that they work after a restart.
NAME_FILTER_MAX = 60


def listed(o: Outreach, state: str | None, name: str | None) -> bool:
    """Whether `/outreach list state: name:` shows the outreach: in that state (any, if None)
    and to someone whose name holds `name` (case and accents ignored, as the autocomplete)."""
    if state is not None and o.status not in LIST_STATES[state][1]:
        return False
    return not name or fold_name(name) in fold_name(o.recipient)


# --- "sent on" ---------------------------------------------------------------------------------

_AGO = re.compile(r"(\d{1,3}|an?|one)\s*(day|week)s?\s+ago")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_LAST_WEEKDAY = re.compile(rf"(?:(last|on)\s+)?({'|'.join(_WEEKDAYS)})")


def _typed_day(value: str, today: date) -> date | None:
    """The day a member means by "yesterday", "3 days ago", "a week ago", "last Monday",
    "friday" (the last one on or before today; "last" means before today) or YYYY-MM-DD;
    None if it is none of those."""
    if value == "yesterday":
        return today - timedelta(days=1)
    if match := _AGO.fullmatch(value):
        count = int(match[1]) if match[1].isdigit() else 1
        return today - timedelta(days=count * (7 if match[2] == "week" else 1))
    if match := _LAST_WEEKDAY.fullmatch(value):
        back = (today.weekday() - _WEEKDAYS.index(match[2])) % 7
        return today - timedelta(days=back or (7 if match[1] == "last" else 0))
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def parse_sent_on(text: str | None, now: datetime, tz: tzinfo) -> datetime:
    """What a member typed for when they sent it -> when. Blank or "today" is now; a past day
    (YYYY-MM-DD, "yesterday", "3 days ago", "last Monday") is noon that day in their timezone,
    so the day they mean is the day stored wherever UTC is. A day in the future, or over a
    year ago, is refused.
    """
    value = " ".join((text or "").lower().split())
    today = now.astimezone(tz).date()
    if value in ("", "today", "now"):
        return now
    day = _typed_day(value, today)
    if day is None:
        # The example is a real day they could mean (yesterday), never one in the future.
        example = today - timedelta(days=1)
        raise UserError(f"Write the date as YYYY-MM-DD (e.g. {example:%Y-%m-%d}), or “today”, "
                        "“yesterday”, “3 days ago”, “last Monday”.")
    if day > today:
        raise UserError("That date is in the future; log the outreach once it's sent.")
    if day == today:
        return now
    when = min(datetime.combine(day, time(12), tzinfo=tz), now)
    if now - when > MAX_AGE:
        raise UserError("That's more than a year ago: too long for a follow-up. Log outreach "
                        "from the last year.")
    return when.astimezone(UTC)


def nonce(followup_id: int, delivery: int) -> str:
    """Fixed per delivery of a reminder, so a retried send within Discord's window is one
    message (Discord keeps nonces for a few minutes only; the DM history covers the rest)."""
    return f"fu{followup_id}.{delivery}"
