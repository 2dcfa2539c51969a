"""The crontab expressions a moderator may write in the config: the standard five fields, read
as cron reads them, or a `ValueError` saying what is wrong.

APScheduler's own parser is not the judge: it takes extensions (`MON#1`, `L`, `5L`), lets a
dangling `MON-` through as plain Monday, counts weekdays from Monday = 0 where cron says
Sunday = 0, and fires when the day of the month AND the weekday match where cron fires when
either does. So the expression is checked and expanded here into explicit values that mean
the same thing to APScheduler as to cron.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")  # cron: Sunday is 0 (and 7)
# APScheduler's weekday names, which it numbers from Monday.
_APS_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_ITEM = re.compile(r"(?P<range>\*|[0-9a-z]+(?:-[0-9a-z]+)?)(?:/(?P<step>[0-9]+))?")
_LONGEST_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # February 29 in leap years
EXAMPLE = '"0 9 * * MON" (minute hour day-of-month month weekday)'


@dataclass(frozen=True)
class _Field:
    name: str
    low: int
    high: int
    names: tuple[str, ...] = ()  # names for low, low+1, ...

    def value(self, token: str) -> int:
        if token.isdigit():
            number = int(token)
        elif token in self.names:
            number = self.low + self.names.index(token)
        else:
            kind = f"a number or a name ({', '.join(self.names)})" if self.names else "a number"
            raise ValueError(f"{self.name} {token!r} is not {kind}")
        if not self.low <= number <= self.high:
            raise ValueError(f"{self.name} {number} is outside {self.low}-{self.high}")
        return number

    def expand(self, text: str) -> frozenset[int] | None:
        """The values the field allows; None for `*` (every value)."""
        if text == "*":
            return None
        values: set[int] = set()
        for item in text.split(","):
            match = _ITEM.fullmatch(item)
            if match is None:
                raise ValueError(f"{self.name} {item!r} is not a value, a range a-b, or */n "
                                 "(cron extensions such as L, W, # and ? are not supported)")
            first, last = self.low, self.high
            if match["range"] != "*":
                start, _, end = match["range"].partition("-")
                first = self.value(start)
                last = self.value(end) if end else (self.high if match["step"] else first)
                if self.name == "weekday" and end and last == 0:
                    last = 7  # "SAT-SUN": Sunday is also 7, at the end of the week
            step = int(match["step"] or 1)
            if step < 1 or first > last:
                raise ValueError(f"{self.name} {item!r} is an empty range")
            values.update(range(first, last + 1, step))
        return frozenset(values)


_FIELDS = (
    _Field("minute", 0, 59),
    _Field("hour", 0, 23),
    _Field("day of the month", 1, 31),
    _Field("month", 1, 12, _MONTHS),
    _Field("weekday", 0, 7, (*_WEEKDAYS, "sun")),
)


@dataclass(frozen=True)
class CronSpec:
    """A checked crontab expression, as APScheduler's CronTrigger arguments."""

    minute: str
    hour: str
    day: str
    month: str
    day_of_week: str


def parse_crontab(expression: str) -> CronSpec:
    """`expression` as standard cron means it; `ValueError` naming the field that is wrong."""
    parts = expression.lower().split()
    if len(parts) != 5:
        raise ValueError(f"it has {len(parts)} fields")
    minute, hour, day, month, weekday = (
        field.expand(part) for field, part in zip(_FIELDS, parts, strict=True))
    if day is not None and weekday is not None:
        raise ValueError("give a day of the month or a weekday, not both (cron would post on "
                         "either one, which is rarely what is meant)")
    if weekday is None and not any(d <= _LONGEST_MONTH[m - 1] for d in day or range(1, 32)
                                   for m in month or range(1, 13)):
        raise ValueError("no month has that day, so it never does (e.g. 30 February)")
    weekdays = None if weekday is None else sorted(
        {_APS_WEEKDAYS.index(_WEEKDAYS[d % 7]) for d in weekday})
    return CronSpec(
        minute=_listed(minute), hour=_listed(hour), day=_listed(day), month=_listed(month),
        day_of_week="*" if weekdays is None else ",".join(_APS_WEEKDAYS[d] for d in weekdays),
    )


def _listed(values: frozenset[int] | None) -> str:
    return "*" if values is None else ",".join(map(str, sorted(values)))
