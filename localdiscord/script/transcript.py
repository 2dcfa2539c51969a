"""What the bot did in answer to one command, and how the transcript shows it.

The control API's journal numbers every change to the world; the reply to a command is what
changed after the position read before it: the bot's messages posted, edited or deleted, the
threads created, locked or archived, and the modal an interaction opened.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from localdiscord.control.client import Control
from localdiscord.script import render
from localdiscord.script.names import Lookup, viewer


@dataclass
class Reply:
    """What the bot did in answer to one command."""

    line: int = 0
    messages: list[dict[str, Any]] = field(default_factory=list)  # new or edited, in order
    edited: set[str] = field(default_factory=set)
    deleted: list[dict[str, Any]] = field(default_factory=list)
    modal: dict[str, Any] | None = None
    modal_for: str = ""  # the member the modal was opened for
    answer: dict[str, Any] | None = None  # an interaction's own answer (response or followup)
    events: list[str] = field(default_factory=list)  # threads created, locked, archived
    text: str = ""  # everything shown, for `expect reply contains`


def visible(reply: Reply) -> bool:
    """Whether the bot did anything the transcript shows."""
    return bool(reply.messages or reply.deleted or reply.events or reply.modal is not None)


async def changes_since(control: Control, cursor: int, line: int, lookup: Lookup) -> Reply:
    """The reply: the bot's messages and the threads that changed after `cursor`."""
    data = await control.changes(since=cursor)
    reply = Reply(line=line)
    created: set[str] = set()
    seen: list[str] = []
    for change in data["changes"]:
        kind, ident = change["kind"], change["id"]
        if kind == "message_created":
            created.add(ident)
        if kind.startswith("message_") and ident not in seen:
            seen.append(ident)
        if kind == "thread_created":
            label = lookup.label(int(ident))
            thread = data["threads"].get(ident) or {}
            parent = lookup.label(int(thread["parent_id"])) if thread.get("parent_id") else "?"
            reply.events.append(f"🧵 {label} created in {parent}")
        elif kind == "thread_updated" and ident not in created:
            details = change.get("details") or {}
            label = lookup.label(int(ident))
            if details.get("locked") is True:
                reply.events.append(f"🔒 {label} locked")
            if details.get("archived") is True:
                reply.events.append(f"🗄 {label} archived")
    for ident in sorted(seen, key=int):
        msg = data["messages"].get(ident)
        if msg is None or int(msg["author"]["id"]) != lookup.bot_id:
            continue
        if msg.get("deleted"):
            if ident not in created:
                reply.deleted.append(msg)
        else:
            reply.messages.append(msg)
            if ident not in created:
                reply.edited.add(ident)
    return reply


class Shower:
    """Renders messages for the transcript and remembers which were shown (a `click` looks
    through them, newest first)."""

    def __init__(self, lookup: Lookup, names: render.Names) -> None:
        self.lookup = lookup
        self.names = names
        self.shown: list[int] = []

    async def message(self, msg: dict[str, Any], *, edited: bool = False) -> list[str]:
        self.shown.append(int(msg["id"]))
        header = await self.header(msg) + (" (edited)" if edited else "")
        body = render.message_lines(msg, self.names)
        original = msg.get("referenced_message")
        if msg.get("message_reference"):
            gist = "(deleted)" if original is None else (
                original["content"].splitlines() or ["…"])[0][:60]
            who = original["author"]["username"] if original else "?"
            body.insert(0, f"↪ replying to {who}: {gist}")
        return render.boxed(header, body)

    async def header(self, msg: dict[str, Any]) -> str:
        author = msg["author"]["username"]
        where = (await self.lookup.place_of(msg)).label
        if render.ephemeral(msg):
            seer = viewer(msg)
            who = self.lookup.user_name(seer) if seer else "the member who asked"
            return f"{author} in {where} · only {who} can see this"
        ref = await self.lookup.ref_of(msg)
        return f"{author} in {where}" + (f"  [{ref}]" if ref else "")

    async def reply(self, reply: Reply) -> str:
        lines: list[str] = []
        for msg in reply.messages:
            lines.extend(await self.message(msg, edited=msg["id"] in reply.edited))
        for msg in reply.deleted:
            first = msg["content"] or "".join(str(e.get("title", "")) for e in msg["embeds"])
            gist = first.splitlines()[0][:80] if first else ""
            lines.append(f"🗑 deleted: {await self.header(msg)}: {gist}")
        lines.extend(reply.events)
        if reply.modal is not None:
            lines.extend(render.modal_lines(reply.modal, reply.modal_for or "?"))
        if not lines:
            lines.append("(the bot did nothing visible)")
        reply.text = "\n".join(lines)
        return reply.text
