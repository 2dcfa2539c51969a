"""Messages, embeds, buttons, modals and files as readable text (the terminal, scripts).

Pure functions from Discord's message JSON (as the control API gives it) to lines of text.
Discord markup a person would see rendered is rendered: `<@id>` -> @ada, `<#id>` ->
#lessons, `<t:1767603600:R>` -> "in 1 hour".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

BAR = "│ "
EMBED_BAR = "┃ "
# Button styles (Discord's numbers): link buttons open a URL instead of sending a click.
LINK_STYLE = 5


@dataclass(frozen=True)
class Names:
    """How to name things: users, channels and roles by id (unknown ids stay visible)."""

    user: Callable[[int], str]
    channel: Callable[[int], str]
    role: Callable[[int], str]
    now: Callable[[], datetime]


# --- markup ----------------------------------------------------------------------------------

_MENTION = re.compile(r"<(@!?|@&|#)(\d+)>|<t:(-?\d+)(?::([tTdDfFR]))?>")


def markup(text: str, names: Names) -> str:
    """Mentions and timestamps as a Discord client would show them."""

    def swap(match: re.Match[str]) -> str:
        if match[1] is not None:
            ident = int(match[2])
            if match[1] == "@&":
                return f"@{names.role(ident)}"
            if match[1] == "#":
                return names.channel(ident)
            return f"@{names.user(ident)}"
        return timestamp(int(match[3]), match[4] or "f", names.now())

    return _MENTION.sub(swap, text)


def timestamp(epoch: int, style: str, now: datetime) -> str:
    when = datetime.fromtimestamp(epoch, tz=UTC)
    if style == "R":
        return relative(when - now)
    formats = {"t": "%H:%M", "T": "%H:%M:%S", "d": "%Y-%m-%d", "D": "%d %B %Y",
               "f": "%d %B %Y %H:%M", "F": "%A, %d %B %Y %H:%M"}
    return when.strftime(formats.get(style, "%d %B %Y %H:%M")) + (
        " UTC" if style in "tTfF" else "")


def relative(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    future, seconds = seconds >= 0, abs(seconds)
    for unit, size in (("year", 365 * 86400), ("month", 30 * 86400), ("day", 86400),
                       ("hour", 3600), ("minute", 60), ("second", 1)):
        if seconds >= size or unit == "second":
            count = round(seconds / size)
            text = f"{count} {unit}{'' if count == 1 else 's'}"
            return f"in {text}" if future else f"{text} ago"
    raise AssertionError("unreachable")


def size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / (1024 * 1024):.1f} MB"


# --- messages ---------------------------------------------------------------------------------

Message = dict[str, Any]  # Discord's message object


def message_lines(message: Message, names: Names) -> list[str]:
    """The body of a message: content, embeds, components, files, reactions."""
    lines: list[str] = []
    if message.get("content"):
        lines.extend(markup(message["content"], names).splitlines() or [""])
    for embed in message.get("embeds") or []:
        lines.extend(embed_lines(embed, names))
    lines.extend(component_lines(message.get("components") or []))
    for att in message.get("attachments") or []:
        lines.append(f"📎 {att['filename']} ({size(int(att['size']))})")
    reactions = [r for r in message.get("reactions") or [] if r.get("count")]
    if reactions:
        lines.append("   ".join(f"{emoji(r['emoji'])} {r['count']}" for r in reactions))
    if not lines:
        lines.append("(empty message)")
    return lines


def embed_lines(embed: dict[str, Any], names: Names) -> list[str]:
    out: list[str] = []
    author = (embed.get("author") or {}).get("name")
    if author:
        out.append(f"✎ {markup(author, names)}")
    if embed.get("title"):
        out.append(f"【{markup(str(embed['title']), names)}】")
    if embed.get("description"):
        out.extend(markup(str(embed["description"]), names).splitlines())
    for fld in embed.get("fields") or []:
        value = markup(str(fld.get("value", "")), names).splitlines() or [""]
        out.append(f"▸ {markup(str(fld.get('name', '')), names)}: {value[0]}")
        out.extend(f"  {line}" for line in value[1:])
    image = (embed.get("image") or {}).get("url")
    if image:
        out.append(f"🖼 image: {image}")
    thumbnail = (embed.get("thumbnail") or {}).get("url")
    if thumbnail:
        out.append(f"🖼 thumbnail: {thumbnail}")
    footer = (embed.get("footer") or {}).get("text")
    if footer:
        out.append(f"— {markup(str(footer), names)}")
    return [EMBED_BAR + line for line in out] or [EMBED_BAR + "(empty embed)"]


def component_lines(rows: Iterable[dict[str, Any]]) -> list[str]:
    """Buttons as `[📝 Label]`, selects as `<placeholder: a | b>`, one line per row."""
    out: list[str] = []
    for row in rows:
        children = row.get("components") or ([row] if row.get("type") != 1 else [])
        parts = [component_text(c) for c in children]
        if parts:
            out.append(" ".join(parts))
    return out


def component_text(comp: dict[str, Any]) -> str:
    kind = comp.get("type")
    if kind == 2:
        emoji = (comp.get("emoji") or {}).get("name")
        label = " ".join(x for x in (emoji, comp.get("label")) if x) or comp.get("custom_id", "?")
        if comp.get("style") == LINK_STYLE:
            label += f" → {comp.get('url', '')}"
        if comp.get("disabled"):
            label += " (disabled)"
        return f"[{label}]"
    if kind in (3, 5, 6, 7, 8):
        options = " | ".join(str(o.get("label")) for o in comp.get("options") or [])
        placeholder = comp.get("placeholder") or "choose"
        return f"<{placeholder}{': ' + options if options else ''}>"
    return f"<component type {kind}>"


def emoji(data: dict[str, Any]) -> str:
    """A reaction's emoji as written: 👍, or name:id for a custom one."""
    return f"{data['name']}:{data['id']}" if data.get("id") else str(data.get("name"))


def ephemeral(message: Message) -> bool:
    return bool(int(message.get("flags") or 0) & 64)


def buttons(message: Message) -> list[dict[str, Any]]:
    """Every button and select on a message, in order."""
    found: list[dict[str, Any]] = []
    stack = list(reversed(message.get("components") or []))
    while stack:
        comp = stack.pop()
        if comp.get("type") in (2, 3, 5, 6, 7, 8):
            found.append(comp)
        stack.extend(reversed(comp.get("components") or []))
        for key in ("component", "accessory"):
            if isinstance(comp.get(key), dict):
                stack.append(comp[key])
    return found


def boxed(header: str, body: list[str]) -> list[str]:
    return [f"┌─ {header}", *(BAR + line for line in body), "└─"]


# --- modals -----------------------------------------------------------------------------------

def modal_inputs(modal: dict[str, Any]) -> list[dict[str, Any]]:
    """The text inputs (and selects) of a modal, from action rows or labels."""
    found: list[dict[str, Any]] = []
    for top in modal.get("components") or []:
        if top.get("type") == 18 and isinstance(top.get("component"), dict):
            inner = dict(top["component"])
            inner["label"] = inner.get("label") or top.get("label")  # a label's input has none
            found.append(inner)
            continue
        for comp in top.get("components") or []:
            found.append(comp)
    return found


def modal_lines(modal: dict[str, Any], member: str) -> list[str]:
    inputs = modal_inputs(modal)
    body = []
    for comp in inputs:
        if comp.get("type") == 3:  # a select: answered with one of its values
            values = [str(o.get("value")) for o in comp.get("options") or []]
            body.append(f"☰ {comp.get('custom_id')}: {comp.get('label', '')} "
                        f"(one of: {', '.join(values)})")
            picked = [str(o.get("value")) for o in comp.get("options") or [] if o.get("default")]
            if picked:
                body.append(f"    chosen: {', '.join(picked)}")
            continue
        rules = ["required" if comp.get("required", True) else "optional"]
        if comp.get("style") == 2:
            rules.append("several lines")
        if comp.get("min_length"):
            rules.append(f"at least {comp['min_length']}")
        if comp.get("max_length"):
            rules.append(f"at most {comp['max_length']} characters")
        body.append(f"✎ {comp.get('custom_id')}: {comp.get('label', '')} ({', '.join(rules)})")
        if comp.get("value"):
            value = str(comp["value"]).splitlines() or [""]
            body.append(f"    filled in: {value[0]}" + (" …" if len(value) > 1 else ""))
        elif comp.get("placeholder"):
            body.append(f"    hint: {comp['placeholder']}")
    ids = " ".join(f'{c.get("custom_id")}="…"' for c in inputs)
    body.append(f"answer with: as {member} modal {ids}")
    return boxed(f"modal for {member}: {modal.get('title', '')}", body)
