"""Per-member settings, pure: which timezone names exist and how a member finds theirs.

A member's timezone is an IANA name ("Europe/Berlin"); until they set one, the cohort's
applies. Region folders ("America") and other names that are not zones are refused with
suggestions, never a traceback from zoneinfo.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from bot.display import code_text
from bot.errors import UserError
from bot.visible import is_blank

MAX_CHOICES = 25  # Discord shows at most 25 autocomplete choices
# Shown first when the member has typed nothing yet, after their own and the cohort's zone.
POPULAR = (
    "UTC", "Europe/London", "Europe/Berlin", "Europe/Paris", "Africa/Lagos", "Africa/Nairobi",
    "Asia/Kolkata", "Asia/Singapore", "Asia/Tokyo", "Australia/Sydney", "America/New_York",
    "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Sao_Paulo",
)


@cache
def zone_names() -> frozenset[str]:
    """Every IANA zone name, without the system database's posix/ and right/ copies."""
    return frozenset(
        name for name in available_timezones()
        if ("/" in name or name == "UTC") and not name.startswith(("posix/", "right/"))
    )


@cache
def _by_folded() -> dict[str, str]:
    return {_fold(name): name for name in zone_names()}


def _fold(text: str) -> str:
    """"Europe / new york" -> "europe/new_york": case and spacing as zone names have them;
    a trailing slash stays ("europe/"), so typing on into a region keeps finding its zones."""
    return "/".join("_".join(part.split()) for part in text.strip().lower().split("/"))


# What members type for their zone that is no IANA name: the usual abbreviations, each read
# as the zone most members using it mean (ambiguous ones, like IST, take the largest).
ABBREVIATIONS = {
    "est": "America/New_York", "edt": "America/New_York", "et": "America/New_York",
    "cst": "America/Chicago", "cdt": "America/Chicago", "ct": "America/Chicago",
    "mst": "America/Denver", "mdt": "America/Denver", "mt": "America/Denver",
    "pst": "America/Los_Angeles", "pdt": "America/Los_Angeles", "pt": "America/Los_Angeles",
    "gmt": "Europe/London", "bst": "Europe/London", "wet": "Europe/Lisbon",
    "cet": "Europe/Berlin", "cest": "Europe/Berlin", "eet": "Europe/Athens",
    "ist": "Asia/Kolkata", "jst": "Asia/Tokyo", "kst": "Asia/Seoul", "sgt": "Asia/Singapore",
    "aest": "Australia/Sydney", "aedt": "Australia/Sydney", "nzst": "Pacific/Auckland",
    "wat": "Africa/Lagos", "eat": "Africa/Nairobi", "brt": "America/Sao_Paulo",
}


def _popularity(name: str) -> int:
    return POPULAR.index(name) if name in POPULAR else len(POPULAR)


def utc_offset(zone: str, now: datetime) -> str:
    offset = now.astimezone(ZoneInfo(zone)).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def zone_label(zone: str, now: datetime) -> str:
    """"Europe/Berlin (UTC+01:00)": the offset at `now`, so DST shows as it is today."""
    return f"{zone} ({utc_offset(zone, now)})"


def zone_choices(typed: str, now: datetime, first: tuple[str, ...] = ()) -> list[str]:
    """Zone names for what a member has typed so far, best first: the name itself, then
    cities starting with it ("new y" -> America/New_York), then names containing it."""
    query = _fold(typed)[:64]
    if not query:
        ordered = [*first, *POPULAR]
        return [z for i, z in enumerate(ordered) if z in zone_names()
                and z not in ordered[:i]][:MAX_CHOICES]

    alias = ABBREVIATIONS.get(query)

    def rank(name: str) -> tuple[int, int, str]:
        folded = _fold(name)
        city = folded.rsplit("/", 1)[-1]
        # Among equals, the popular zones first: "America" shows New York before Adak.
        if name == alias or folded == query:
            return 0, _popularity(name), name
        if city.startswith(query):
            return 1, _popularity(name), name
        if folded.startswith(query):
            return 2, _popularity(name), name
        return 3, _popularity(name), name

    found = [name for name in zone_names() if query in _fold(name) or name == alias]
    return sorted(found, key=rank)[:MAX_CHOICES]


def known_zone(typed: str) -> str | None:
    """The zone `typed` names, spelled canonically ("europe/berlin" -> "Europe/Berlin")."""
    return _by_folded().get(_fold(typed))


def is_region(typed: str) -> bool:
    """Whether `typed` is a folder of zones ("America"), not a zone."""
    return any(z.startswith(typed.strip() + "/") for z in zone_names())


def suggestions(typed: str, now: datetime) -> list[str]:
    """A few zones to offer in place of a name that is none."""
    return zone_choices(typed, now)[:3] or ["Europe/Berlin", "America/New_York"]


def resolve_zone(typed: str, now: datetime, *,
                 how: str = "Pick one from the list as you type") -> str:
    """The zone a member named, spelled canonically; a clear refusal otherwise (`how` says
    how to give a better one: a member picks from the autocomplete, a command line names it)."""
    name = known_zone(typed)
    if name is not None:
        return name
    if is_blank(typed):  # nothing to echo back: say so, with names that are zones
        raise UserError(f"The timezone is blank. {how}, e.g. `Europe/Berlin`, "
                        "`America/New_York` or `Asia/Tokyo`.")
    shown = code_text(typed.strip())
    region = " is a region, not a timezone" if is_region(typed) else " is not a timezone I know"
    raise UserError(f"{shown}{region}. {how}, e.g. "
                    + ", ".join(f"`{z}`" for z in suggestions(typed, now)) + ".")
