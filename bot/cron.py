"""Standard five-field cron expressions, read the way crontab(5) reads them.

APScheduler 3's `CronTrigger.from_crontab` is not crontab: it counts a numeric weekday from
0 = Monday (so "0 10 * * 1" fired on Tuesdays), accepts neither 7 for Sunday nor crontab's "day
of month OR day of week" rule, and lets through fragments such as "MON-" or "MON#1" that mean
something else than the moderator wrote. So the expression is parsed here, strictly, into
fields APScheduler reads the same way; anything outside crontab's grammar is refused with the
field that is wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_ITEM = re.compile(
    r"^(?:\*|(?P<lo>[0-9]+|[a-z]{3})(?:-(?P<hi>[0-9]+|[a-z]{3}))?)(?:/(?P<step>[0-9]+))?$")


class CronError(ValueError):
    """The expression is not a five-field crontab line; the message names the field."""


@dataclass(frozen=True)
class CronFields:
    """APScheduler CronTrigger arguments. `day_of_week` uses APScheduler's names, so its
    numbering never matters. When both days are restricted, crontab fires when EITHER matches:
    `either_day` says so, and the trigger is built as two triggers joined by OR."""

    minute: str
    hour: str
    day: str
    month: str
    day_of_week: str
    either_day: bool


@dataclass(frozen=True)
class _Field:
    name: str
    low: int
    high: int
    names: tuple[str, ...] = ()
    names_from: int = 0  # the number of the first name (jan = 1, sun = 0)


_MINUTE = _Field("minute", 0, 59)
_HOUR = _Field("hour", 0, 23)
_DAY = _Field("day of month", 1, 31)
_MONTH = _Field("month", 1, 12, _MONTHS, 1)
_WEEKDAY = _Field("day of week", 0, 7, _DAYS, 0)  # 0 and 7 are both Sunday


def parse_cron(expression: str) -> CronFields:
    parts = expression.split()
    if len(parts) != 5:
        raise CronError(
            f"a cron expression has 5 fields (minute hour day month weekday), this one has "
            f"{len(parts)}"
        )
    minute, hour, day, month, weekday = (p.lower() for p in parts)
    values = [_values(spec, field) for spec, field in zip(
        (minute, hour, day, month, weekday), (_MINUTE, _HOUR, _DAY, _MONTH, _WEEKDAY),
        strict=True)]
    minutes, hours, days, months, weekdays = (
        "*" if spec == "*" else ",".join(str(v) for v in sorted(found))
        for spec, found in zip((minute, hour, day, month, weekday), values, strict=True))
    if weekday != "*":
        weekdays = ",".join(_DAYS[d] for d in sorted({d % 7 for d in values[4]}))
    return CronFields(minutes, hours, days, months, weekdays,
                      either_day=day != "*" and weekday != "*")


def _values(spec: str, field: _Field) -> set[int]:
    """Every value the field matches, crontab's way; CronError on anything else."""
    found: set[int] = set()
    for item in spec.split(","):
        match = _ITEM.match(item)
        if match is None:
            raise CronError(f"the {field.name} field has {item!r}, which is not a value, a "
                            "range (a-b), a list (a,b) or a step (*/n)")
        lo, hi, step = match["lo"], match["hi"], match["step"]
        if lo is None:
            first, last = field.low, field.high if field is not _WEEKDAY else 6
        else:
            first = _number(lo, field)
            last = _number(hi, field) if hi is not None else (
                field.high if step is not None else first)
        if first > last:
            raise CronError(f"the {field.name} field's range {item!r} runs backwards")
        stride = int(step) if step is not None else 1
        if stride < 1:
            raise CronError(f"the {field.name} field's step in {item!r} must be at least 1")
        found.update(range(first, last + 1, stride))
    return found


def _number(token: str, field: _Field) -> int:
    if token.isdigit():
        value = int(token)
        if not field.low <= value <= field.high:
            raise CronError(f"the {field.name} field allows {field.low}-{field.high}, "
                            f"not {value}")
        return value
    if token in field.names:
        return field.names.index(token) + field.names_from
    allowed = f" or names such as {field.names[0]}" if field.names else ""
    raise CronError(f"the {field.name} field has {token!r}: use numbers{allowed}")
