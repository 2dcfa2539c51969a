"""`show ...`: looking around the world (channels and their messages, threads, members,
violations) without making the bot act."""

from __future__ import annotations

from typing import Any

from localdiscord.script.language import ChannelRef, Show
from localdiscord.script.names import Lookup
from localdiscord.script.transcript import Shower


async def show(command: Show, lookup: Lookup, shower: Shower, current: str | None) -> str:
    """The text of `show members`, `show channels`, `show threads [#channel]`, `show
    violations` and `show <channel>` (its messages, then its threads)."""
    if command.what == "violations":
        found = await lookup.control.violations()
        return "\n".join(f"{v['kind']} {v['method']} {v['path']}: {v['error']}"
                         for v in found) or "no violations"
    if command.what == "members":
        return "\n".join(_member_line(lookup, m) for m in lookup.guild["members"])
    if command.what == "channels":
        lines = []
        for place in lookup.channels_of():
            kind = "forum" if place.is_forum else "text"
            count = len(await lookup.messages(place))
            lines.append(f"{place.label} ({kind}): {count} message(s), "
                         f"{len(lookup.channels_of(place))} thread(s)")
        return "\n".join(lines)
    if command.what == "threads":
        return await _threads(lookup, command.channel, current)
    assert command.channel is not None
    place = await lookup.place(command.channel, current)
    messages = await lookup.messages(place)
    lines = [f"{place.label}: {len(messages)} message(s)"]
    for msg in messages:
        edited = msg["edited_timestamp"] is not None and "webhook_id" not in msg
        lines.extend(await shower.message(msg, edited=edited))
    if not place.is_thread and lookup.channels_of(place):
        lines.append(await _threads(lookup, command.channel, current))
    return "\n".join(lines)


def _member_line(lookup: Lookup, member: dict[str, Any]) -> str:
    user = member["user"]
    roles = [lookup.role_name(int(r)) for r in member["roles"]]
    kind = " (bot)" if user["bot"] else " (server owner)" if (
        user["id"] == lookup.guild["owner_id"]) else ""
    return f"{user['username']}{kind}" + (f": {', '.join(roles)}" if roles else "")


async def _threads(lookup: Lookup, ref: ChannelRef | None, current: str | None) -> str:
    parents = [await lookup.place(ref, current)] if ref else lookup.channels_of()
    lines = []
    for parent in parents:
        for thread in lookup.channels_of(parent):
            state = (await lookup.control.channel(channel=thread.ref))["thread_metadata"]
            flags = [f for f in ("locked", "archived") if state[f]]
            count = len(await lookup.messages(thread))
            lines.append(f"🧵 {thread.label} in {parent.label}: {count} message(s)"
                         + (f" ({', '.join(flags)})" if flags else ""))
    return "\n".join(lines) or "no threads"
