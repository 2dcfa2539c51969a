"""Discord's markup in member text, shown as a Discord client shows it: what every export writes.

A thread message stores what Discord sent: `hey <@1457…> and <@&1457…> look`. A moderator
reading an export wants `hey @Ada and @Moderator look`, never numeric ids, and never the id of
someone who used /forget-me (their name is gone, so it reads "@unknown member"):

- `<@id>`, `<@!id>`: @ and the member's name (`Names.member`), else "@unknown member";
- `<@&id>`: @ and the role's name, else "@unknown role";
- `<#id>`: # and the channel's name, else "#unknown channel";
- `<:name:id>`, `<a:name:id>` (custom emoji): `:name:`, as the reactions show them;
- `<t:seconds>`, `<t:seconds:style>`: the time in the cohort's timezone ("2026-01-05 10:00";
  the date alone for the date styles `d` and `D`);
- `</name:id>` (a slash command): `/name`.

`@everyone` and `@here` are already text. The result is plain text: each format escapes it as
it escapes any member text (a name is member text too).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from bot.export.model import Critique, Message
from bot.export.times import Calendar, short_local

UNKNOWN_MEMBER = "@unknown member"
UNKNOWN_ROLE = "@unknown role"
UNKNOWN_CHANNEL = "#unknown channel"
_ID = r"(\d{1,20})"
_MARKUP = re.compile(
    rf"<@!?{_ID}>|<@&{_ID}>|<#{_ID}>|<a?:(\w{{1,32}}):\d{{1,20}}>"
    r"|<t:(-?\d{1,14})(?::([tTdDfFR]))?>|</([\w-]{1,32}(?: [\w-]{1,32}){0,2}):\d{1,20}>"
)
# A reply's excerpt is the start of a message, cut: markup cut in two is left out.
_CUT_MARKUP = re.compile(
    r"<(?:@[!&]?\d*|#\d*|a?:\w*(?::\d*)?|t(?::-?\d*(?::\w?)?)?|/[\w -]*(?::\d*)?)$")
_MAX_MS = 253_402_300_799_000  # 9999-12-31T23:59:59Z, the last time a datetime holds


@dataclass(frozen=True)
class Names:
    """What the export knows to name: a member by id (a function, as storage is asked only
    for the ids that are mentioned), roles and channels by id."""

    calendar: Calendar
    member: Callable[[int], str | None] = lambda _id: None
    roles: Mapping[int, str] = field(default_factory=dict)
    channels: Mapping[int, str] = field(default_factory=dict)


def readable(text: str, names: Names) -> str:
    """`text` with Discord's mention, emoji, time and command markup shown as words."""
    if "<" not in text:  # most messages: no markup at all
        return text
    return _MARKUP.sub(lambda m: _shown(m, names), text)


def readable_excerpt(text: str, names: Names) -> str:
    """The start of a message (a reply's "↪ Ada: …"), its last markup cut in two left out."""
    return readable(_CUT_MARKUP.sub("…", text), names)


def _shown(m: re.Match[str], names: Names) -> str:
    member, role, channel, emoji, seconds, style, command = m.groups()
    if member is not None:
        name = names.member(int(member))
        return f"@{name}" if name else UNKNOWN_MEMBER
    if role is not None:
        found = names.roles.get(int(role))  # (@everyone's role is named "@everyone")
        return (found if found.startswith("@") else f"@{found}") if found else UNKNOWN_ROLE
    if channel is not None:
        found = names.channels.get(int(channel))
        return f"#{found}" if found else UNKNOWN_CHANNEL
    if emoji is not None:
        return f":{emoji}:"
    if command is not None:
        return f"/{command}"
    ms = int(seconds) * 1000
    if not 0 <= ms <= _MAX_MS:
        return m.group()  # no date to show: the markup as typed
    when = short_local(names.calendar.local_datetime(ms).isoformat())
    return when[:10] if style in ("d", "D") else when


def readable_message(m: Message, names: Names) -> Message:
    """A message of the conversation with its text, and its reply's excerpt, readable."""
    reply = m.reply_to
    if reply is not None:
        reply = reply._replace(excerpt=readable_excerpt(reply.excerpt, names))
    return m._replace(content=readable(m.content, names), reply_to=reply)


def readable_critique(c: Critique, names: Names) -> Critique:
    return replace(c, works=readable(c.works, names), doesnt=readable(c.doesnt, names))
