"""Times in an export: ISO-8601 with milliseconds, in UTC and in the cohort's timezone.

Every message carries up to four of them (created and edited, UTC and local), so formatting sits
on the hot path of a million-message export: `strftime` in SQLite or a `datetime` in Python per
value costs more than all the rest of a CSV line. A `Calendar` therefore formats through
quarter-hours: for each quarter-hour it works out once, with zoneinfo, the date-and-hour prefix
and the minute at its start, in UTC and in local time; a value is then its quarter's prefix
plus integer arithmetic. SQLite does the same from the same quarters (`storage/export.py` puts
them in a temporary table), and the tests hold both to `datetime.isoformat`.

Quarter-hours, because every UTC offset in use since Discord exists (2015) is a whole multiple
of 15 minutes and changes only on such a boundary: inside one quarter the offset is constant
and the local hour does not roll over. `Calendar.quarter` refuses a quarter where that fails
(`IrregularQuarter`); `Calendar.local` then formats that one value exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.display import code_text
from bot.errors import UserError

QUARTER_MS = 900_000
MINUTE_MS = 60_000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# The years a typed date range may name (parse_bound).
MIN_YEAR, MAX_YEAR = 1970, 9998


@dataclass(frozen=True, slots=True)
class Quarter:
    """One quarter-hour: `id` is epoch milliseconds // QUARTER_MS."""

    id: int
    utc_prefix: str  # "2026-01-05T09:"
    utc_minute: int  # the minute of the hour at the quarter's start: 0, 15, 30 or 45
    local_prefix: str
    local_minute: int
    suffix: str  # the local offset: "+01:00"


def utc_datetime(ms: int) -> datetime:
    """Epoch milliseconds as an aware UTC datetime, exactly (no float on the way)."""
    return _EPOCH + timedelta(milliseconds=ms)


DISCORD_EPOCH_MS = 1_420_070_400_000


def snowflake_ms(snowflake: int) -> int:
    """When a Discord id was made: its top bits are milliseconds since Discord's epoch."""
    return (snowflake >> 22) + DISCORD_EPOCH_MS


def first_snowflake_at(ms: int) -> int:
    """The smallest Discord id made at or after epoch milliseconds `ms` (0 before Discord)."""
    return max(0, ms - DISCORD_EPOCH_MS) << 22


def offset_suffix(offset: timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


class IrregularQuarter(ValueError):
    """A quarter-hour whose local offset is not a whole quarter or changes inside it: a
    zone's history before 2015 (Pacific/Kiritimati in 1979 was UTC-10:40)."""


class Calendar:
    """Formats epoch milliseconds as ISO-8601, in UTC (`...Z`) and in `tz` (`...+01:00`)."""

    def __init__(self, tz: ZoneInfo) -> None:
        self.tz = tz
        self._quarters: dict[int, Quarter] = {}

    def quarter(self, quarter_id: int) -> Quarter:
        found = self._quarters.get(quarter_id)
        if found is None:
            found = self._quarters[quarter_id] = self._build(quarter_id)
        return found

    def _build(self, quarter_id: int) -> Quarter:
        start = utc_datetime(quarter_id * QUARTER_MS)
        local = start.astimezone(self.tz)
        offset = local.utcoffset() or timedelta(0)
        end = (start + timedelta(milliseconds=QUARTER_MS - 1)).astimezone(self.tz)
        if offset % timedelta(minutes=15) or end.utcoffset() != offset:
            raise IrregularQuarter(
                f"{self.tz.key} at {start.isoformat()}: its UTC offset is not a whole quarter "
                "of an hour, or changes inside this quarter-hour; exports cannot format it"
            )
        return Quarter(
            quarter_id,
            start.strftime("%Y-%m-%dT%H:"), start.minute,
            local.strftime("%Y-%m-%dT%H:"), local.minute,
            offset_suffix(offset),
        )

    def quarters(self, first_ms: int, last_ms: int) -> list[Quarter]:
        """Every quarter from the one holding `first_ms` to the one holding `last_ms`."""
        return [self.quarter(q) for q in range(first_ms // QUARTER_MS, last_ms // QUARTER_MS + 1)]

    def utc(self, ms: int) -> str:
        try:
            q = self.quarter(ms // QUARTER_MS)
        except IrregularQuarter:  # as in `local`
            return utc_datetime(ms).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        return f"{q.utc_prefix}{_minute_second(q.utc_minute, ms)}Z"

    def local(self, ms: int) -> str:
        try:
            q = self.quarter(ms // QUARTER_MS)
        except IrregularQuarter:
            # Only a typed date range bound reaches back there (messages are 2015 on): one
            # value, formatted exactly, the slow way.
            return self.local_datetime(ms).isoformat(timespec="milliseconds")
        return f"{q.local_prefix}{_minute_second(q.local_minute, ms)}{q.suffix}"

    def local_datetime(self, ms: int) -> datetime:
        return utc_datetime(ms).astimezone(self.tz)


def _minute_second(base_minute: int, ms: int) -> str:
    minute = base_minute + ms % QUARTER_MS // MINUTE_MS
    return f"{minute:02d}:{ms % MINUTE_MS // 1000:02d}.{ms % 1000:03d}"


def short_local(iso_local: str) -> str:
    """"2026-01-05T10:00:00.000+01:00" -> "2026-01-05 10:00", for people reading a page."""
    return f"{iso_local[:10]} {iso_local[11:16]}"


def parse_bound(text: str, tz: ZoneInfo, *, end: bool, name: str) -> int:
    """A date range bound typed by a person, as epoch milliseconds.

    `2026-01-05` is that day in the cohort's timezone: as a start, its first moment; as an
    end, the whole day is included (the bound is the next midnight). A time
    (`2026-01-05T14:30`, optionally with an offset) is taken as it is. Raises `UserError`.
    """
    value = text.strip()
    try:
        if len(value) == 10:
            day = datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=tz)
            moment = day + timedelta(days=1) if end else day
        else:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=tz)
        # Inside the years every date and time of the export can be shown in: 9999-12-31 as
        # an end is a midnight past the last one Python has (the fuzzer's traceback).
        if not MIN_YEAR <= moment.astimezone(UTC).year <= MAX_YEAR:
            raise ValueError(moment)
    except (ValueError, OverflowError):
        raise UserError(
            f"`{name}` must be a date like 2026-01-05 (or a time like 2026-01-05T14:30) "
            f"between {MIN_YEAR} and {MAX_YEAR}, not {code_text(value, 40)}."
        ) from None
    return int((moment - _EPOCH).total_seconds() * 1000)
