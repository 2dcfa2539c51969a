"""Configuration: a TOML file (plus the token from the environment) -> frozen dataclasses.

Every problem names the file, the key, what was expected and what was found, and all problems
are reported at once, so a moderator fixes the file in one pass. Unknown keys are refused:
a typo must not silently fall back to a default.
"""

from __future__ import annotations

import os
import re
import reprlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.clock import SystemClock
from bot.display import duration
from bot.errors import ConfigError
from bot.followups import DEFAULT_HOURS, ROOM, WINDOW_END, FriendlyHours
from bot.lessons import load_lessons
from bot.settings import is_region, known_zone, resolve_zone, suggestions
from bot.textfile import MissingFile, UnreadableFile, parse_toml, read_text
from bot.visible import is_blank

# The lesson: one follow-up "within 1-2 weeks". The reminder comes `window_days` after the
# message and at least `ROOM` before the window closes, so the longest delay is 13 days.
FOLLOWUP_WINDOW_DAYS = (7, (WINDOW_END - ROOM).days)


@dataclass(frozen=True)
class DiscordSettings:
    guild_ids: tuple[int, ...] = ()
    lesson_channel_id: int | None = None
    moderator_role_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class CohortSettings:
    timezone: str = "UTC"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class StorageSettings:
    database: Path = Path("data/cohort.db")


@dataclass(frozen=True)
class FollowupSettings:
    window_days: int = 7
    # Local hours, in each member's timezone, a reminder may arrive in.
    friendly_hours: FriendlyHours = DEFAULT_HOURS


@dataclass(frozen=True)
class ReviewLimits:
    """The [review] section: what the bot accepts from members. The reviewer's own thresholds
    are `bot.review.ReviewSettings` (the note limit is handed on to it)."""

    max_chars: int = 4000
    rate_limit_per_hour: int = 30
    linkedin_note_limit: int = 300


@dataclass(frozen=True)
class LessonSettings:
    directory: Path = Path("lessons")
    default: str = "networking-with-professionals"
    post_schedule: str | None = None


@dataclass(frozen=True)
class Config:
    discord: DiscordSettings = field(default_factory=DiscordSettings)
    cohort: CohortSettings = field(default_factory=CohortSettings)
    storage: StorageSettings = field(default_factory=StorageSettings)
    followups: FollowupSettings = field(default_factory=FollowupSettings)
    review: ReviewLimits = field(default_factory=ReviewLimits)
    lesson: LessonSettings = field(default_factory=LessonSettings)
    source: Path | None = None


# --- validation ------------------------------------------------------------------------------

Check = Callable[[Any], str | None]  # returns what was expected when the value is wrong


def _describe(value: Any) -> str:
    kind = type(value).__name__
    text = _SHORT_REPR.repr(value)
    return f"{kind} {text if len(text) <= 40 else text[:37] + '...'}"


class _ShortRepr(reprlib.Repr):
    """repr for error messages: bounded depth, and no int-to-text of thousands of digits
    (Python refuses those, and a config may hold one)."""

    def repr_int(self, x: int, level: int) -> str:
        if x.bit_length() > 128:
            return f"<a number of {x.bit_length()} bits>"
        return repr(x)


_SHORT_REPR = _ShortRepr()
_SHORT_REPR.maxlevel = 3


def _int_range(low: int, high: int) -> Check:
    def check(value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            return f"a whole number from {low} to {high}"
        return None

    return check


def _window_days(value: Any) -> str | None:
    expected = _int_range(*FOLLOWUP_WINDOW_DAYS)(value)
    if expected is None:
        return None
    return (f"{expected} (the days before the one follow-up reminder: the window for the "
            f"follow-up closes {WINDOW_END.days} days after the first message, and the "
            f"reminder comes at least a day before that, so the member has time to act)")


def _snowflake(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**64:
        return "a Discord id (a positive whole number; enable Developer Mode, then Copy ID)"
    return None


def _snowflakes(value: Any) -> str | None:
    if not isinstance(value, list) or any(_snowflake(v) for v in value):
        return "a list of Discord ids, e.g. [123456789012345678]"
    return None


def _text(value: Any) -> str | None:
    return None if isinstance(value, str) and not is_blank(value) else "a non-empty string"


def _timezone(value: Any) -> str | None:
    if not isinstance(value, str):
        return "an IANA timezone name such as \"Europe/Berlin\""
    if known_zone(value) is not None:
        return None
    # Fits "expected …, found …": the zones closest to what was written.
    near = ", ".join(f'"{z}"' for z in suggestions(value, SystemClock().now()))
    region = " (the value found is a region, not a timezone)" if is_region(value) else ""
    return f"an IANA timezone name{region} such as {near}"


def config_zone(value: str) -> str:
    """A zone named in a config or on the command line, spelled canonically; `UserError`
    with suggestions for a region ("America"), a folder or any other name that is no zone."""
    return resolve_zone(value, SystemClock().now(), how="Write the zone's full name")


def _hours(value: Any) -> str | None:
    if not isinstance(value, str):
        return 'a range of local hours such as "09:00-19:00"'
    try:
        FriendlyHours.parse(value)
    except ValueError as exc:
        return str(exc)
    return None


def _cron(value: Any) -> str | None:
    expected = 'a 5-field cron expression such as "0 9 * * MON" (minute hour day month weekday)'
    if not isinstance(value, str):
        return expected
    if is_blank(value):
        return None  # empty string: scheduled posting off
    from bot.scheduler import cron_trigger

    try:
        trigger = cron_trigger(value, UTC)
    except ValueError as exc:
        return f"{expected}: {exc}"
    now = SystemClock().now()
    if trigger.get_next_fire_time(None, now) is None:
        return f"{expected}, one that fires (this one never does, e.g. 30 February)"
    gap = shortest_gap(value, now)
    if gap is not None and gap < MIN_POST_INTERVAL:
        return (f"{expected} that posts at most once a day: a run lasts days, and this one "
                f"posts every {duration(gap)}")
    return None


# A run takes its members days; a schedule that posts more often only piles up open runs.
# 23 hours, not 24: a daily schedule in a timezone with summer time has one 23-hour day.
MIN_POST_INTERVAL = timedelta(hours=23)


def shortest_gap(cron: str, start: datetime, occurrences: int = 60) -> timedelta | None:
    """The shortest time between two of the schedule's next `occurrences` postings (in UTC,
    where no day is shorter than 24 hours); None if it fires only once."""
    from bot.scheduler import next_cron_time

    times = [next_cron_time(cron, UTC, start)]
    for _ in range(occurrences - 1):
        try:
            times.append(next_cron_time(cron, UTC, times[-1]))
        except ValueError:  # fires no more
            break
    return min((b - a for a, b in pairwise(times)), default=None)


# section -> key -> check. The dataclass defaults above are the defaults.
_SCHEMA: dict[str, dict[str, Check]] = {
    "discord": {
        "guild_ids": _snowflakes,
        "lesson_channel_id": _snowflake,
        "moderator_role_ids": _snowflakes,
    },
    "cohort": {"timezone": _timezone},
    "storage": {"database": _text},
    "followups": {"window_days": _window_days, "friendly_hours": _hours},
    "review": {
        "max_chars": _int_range(100, 4000),
        "rate_limit_per_hour": _int_range(1, 1000),
        "linkedin_note_limit": _int_range(200, 300),
    },
    "lesson": {"directory": _text, "default": _text, "post_schedule": _cron},
}


def parse_config(data: Mapping[str, Any], source: Path | None = None, *,
                 channel_supplied: bool = False) -> Config:
    """Validate a parsed TOML document. Raises ConfigError listing every problem.
    `channel_supplied`: the caller puts in the lesson channel itself (the sandbox: its demo
    #lessons), so a `post_schedule` needs none in the document."""
    where = str(source) if source else "<config>"
    problems: list[str] = []
    if "token" in data or any(
        isinstance(v, Mapping) and "token" in v for v in data.values()
    ):
        problems.append(
            f"{where}: key 'token': a bot token does not belong in a file that gets copied and "
            "committed; remove it and set the DISCORD_TOKEN environment variable "
            "(or DISCORD_TOKEN_FILE pointing at a file that holds it)"
        )
    for section, table in data.items():
        if section == "token":
            continue
        if section not in _SCHEMA:
            problems.append(
                f"{where}: unknown section [{section}]; expected one of "
                + ", ".join(f"[{s}]" for s in _SCHEMA)
            )
            continue
        if not isinstance(table, Mapping):
            problems.append(f"{where}: key '{section}': expected a table [{section}], "
                            f"found {_describe(table)}")
            continue
        for key, value in table.items():
            if key == "token":
                continue
            check = _SCHEMA[section].get(key)
            if check is None:
                known = ", ".join(_SCHEMA[section])
                problems.append(f"{where}: unknown key '{section}.{key}'; known keys: {known}")
                continue
            expected = check(value)
            if expected:
                problems.append(
                    f"{where}: key '{section}.{key}': expected {expected}, found {_describe(value)}"
                )
    schedule_value = data.get("lesson", {}).get("post_schedule") if isinstance(
        data.get("lesson"), Mapping) else None
    channel_value = data.get("discord", {}).get("lesson_channel_id") if isinstance(
        data.get("discord"), Mapping) else None
    if (isinstance(schedule_value, str) and schedule_value.strip() and channel_value is None
            and not channel_supplied):
        problems.append(
            f"{where}: key 'lesson.post_schedule': scheduled posting needs a channel to post "
            "in; set discord.lesson_channel_id too (or set post_schedule = \"\")"
        )
    if problems:
        raise ConfigError("\n".join(problems))

    def get(section: str, key: str, default: Any) -> Any:
        table = data.get(section, {})
        return table.get(key, default)

    d, r, les = DiscordSettings(), ReviewLimits(), LessonSettings()
    base = source.parent if source else Path.cwd()
    schedule = get("lesson", "post_schedule", None)
    return Config(
        discord=DiscordSettings(
            guild_ids=tuple(get("discord", "guild_ids", list(d.guild_ids))),
            lesson_channel_id=get("discord", "lesson_channel_id", d.lesson_channel_id),
            moderator_role_ids=tuple(get("discord", "moderator_role_ids", [])),
        ),
        cohort=CohortSettings(timezone=config_zone(get("cohort", "timezone", "UTC"))),
        storage=StorageSettings(
            database=_resolve(base, get("storage", "database", str(StorageSettings.database)))
        ),
        followups=FollowupSettings(
            window_days=get("followups", "window_days", 7),
            friendly_hours=FriendlyHours.parse(
                get("followups", "friendly_hours", str(DEFAULT_HOURS))),
        ),
        review=ReviewLimits(
            max_chars=get("review", "max_chars", r.max_chars),
            rate_limit_per_hour=get("review", "rate_limit_per_hour", r.rate_limit_per_hour),
            linkedin_note_limit=get("review", "linkedin_note_limit", r.linkedin_note_limit),
        ),
        lesson=LessonSettings(
            directory=_resolve(base, get("lesson", "directory", str(les.directory))),
            default=get("lesson", "default", les.default),
            post_schedule=schedule.strip() or None if isinstance(schedule, str) else None,
        ),
        source=source,
    )


def _resolve(base: Path, value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else base / path


MAX_CONFIG_BYTES = 256 * 1024  # a config is a page of text; more is some other file
_TOKEN = re.compile(r"[\x21-\x7e]+")  # a bot token is one word of printable ASCII


def load_config(path: Path, *, channel_supplied: bool = False) -> Config:
    """Read and validate a config file. Relative paths in it are relative to the file.
    `channel_supplied`: as for `parse_config`."""
    try:
        data = parse_toml(read_text(path, limit=MAX_CONFIG_BYTES))
    except UnreadableFile as exc:
        hint = "; copy config.example.toml to it and edit it" if isinstance(
            exc, MissingFile) else ""
        raise ConfigError(f"{path}: {exc}{hint}") from None
    return parse_config(data, source=path.resolve(), channel_supplied=channel_supplied)


def require_lessons(config: Config) -> list[str]:
    """ConfigError when the bot would start with no lessons to post (no lessons folder, no
    default lesson), which a moderator would meet only at `/lesson post`; else the lesson
    files the bot would skip. Every way of handing the bot a config checks it: `run`,
    `check-config`, `sandbox --config` and the sandbox's `restart key=value`."""
    where = str(config.source or "<config>")
    settings = config.lesson
    if not settings.directory.is_dir():
        raise ConfigError(
            f"{where}: key 'lesson.directory': {settings.directory} is not a folder (a relative "
            "directory is read from the config's folder); create it with the lesson files, or "
            "set [lesson] directory = \"/path/to/lessons\" (the lessons that come with the "
            "bot are in the checkout's lessons/ folder)")
    catalog = load_lessons(settings.directory)
    if catalog.get(settings.default) is None:
        known = ", ".join(catalog.keys()) or "none loaded"
        # The default's own file may be the one that failed: its reason is the fix.
        why = "".join(f"\n  skipped: {problem}" for problem in catalog.problems)
        raise ConfigError(f"{where}: key 'lesson.default': no lesson {settings.default!r} in "
                          f"{settings.directory} (lessons there: {known}){why}")
    return [str(problem) for problem in catalog.problems]


def load_token(environ: Mapping[str, str] | None = None) -> str | None:
    """The bot token, from DISCORD_TOKEN or the file named by DISCORD_TOKEN_FILE (secrets)."""
    env = os.environ if environ is None else environ
    token = env.get("DISCORD_TOKEN", "").strip()
    if token:
        return _checked_token(token, "DISCORD_TOKEN")
    token_file = env.get("DISCORD_TOKEN_FILE", "").strip()
    if not token_file:
        return None
    where = f"DISCORD_TOKEN_FILE={token_file}"
    try:
        token = read_text(token_file, limit=4096).strip()
    except UnreadableFile as exc:
        raise ConfigError(f"{where}: {exc}") from None
    if not token:
        raise ConfigError(f"{where}: the file is empty")
    return _checked_token(token, where)


def _checked_token(token: str, where: str) -> str:
    # Caught here, not by Discord: a token with a space, a line break or a non-ASCII letter
    # cannot even be sent as an HTTP header.
    if not _TOKEN.fullmatch(token):
        raise ConfigError(f"{where}: this does not look like a bot token (one word of letters, "
                          "digits and punctuation); copy it again from the Developer Portal "
                          "(Bot -> Reset Token)")
    return token


def summary(config: Config) -> str:
    """A short human summary for `cohortbot check-config`."""
    d = config.discord
    lines = [
        f"config: {config.source or '<defaults>'}",
        f"guilds: {', '.join(map(str, d.guild_ids)) or 'none (commands sync globally)'}",
        f"lesson channel: {d.lesson_channel_id or 'not set (/lesson post asks for one)'}",
        "moderator roles: "
        + (", ".join(map(str, d.moderator_role_ids)) or "none (Manage Server permission only)"),
        f"timezone: {config.cohort.timezone}",
        f"database: {config.storage.database}",
        f"follow-up window: {config.followups.window_days} days, reminders between "
        f"{config.followups.friendly_hours.spoken()} in each member's timezone",
        f"reviews: up to {config.review.max_chars} characters, "
        f"{config.review.rate_limit_per_hour} an hour per member, "
        f"LinkedIn note limit {config.review.linkedin_note_limit}",
        f"lessons: {config.lesson.directory} (default {config.lesson.default})",
        f"scheduled posting: {config.lesson.post_schedule or 'off'}"
        + (" (at most once a day; skipped, and the moderators told, while a run of the "
           "lesson is still open)" if config.lesson.post_schedule else ""),
    ]
    return "\n".join(lines)
