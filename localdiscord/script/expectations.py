"""`expect ...`: whether what a script says about the bot's reply or a channel holds.

Text matching is case-sensitive and looks at the text as the transcript shows it.
"""

from __future__ import annotations

from localdiscord.control.client import Control
from localdiscord.script import render
from localdiscord.script.language import Expect
from localdiscord.script.names import CommandFailed, Lookup
from localdiscord.script.transcript import Reply


async def check(command: Expect, reply: Reply, lookup: Lookup, control: Control,
                names: render.Names, member: str | None) -> tuple[bool, str]:
    """(holds, why not)."""
    kind, text = command.kind, command.text
    about = f"the reply to line {reply.line}" if reply.line else "the last reply"
    if kind == "reply-contains":
        return text in reply.text, f"{about} does not contain {text!r}"
    if kind == "reply-lacks":
        return text not in reply.text, f"{about} contains {text!r}"
    if kind == "no-reply":
        empty = not reply.messages and not reply.deleted and reply.modal is None
        return empty, f"the bot answered: {reply.text[:200]!r}"
    if kind in ("ephemeral", "public"):
        shown = [reply.answer] if reply.answer is not None else reply.messages
        if not shown:
            return False, f"{about} has no message"
        private = [render.ephemeral(m) for m in shown]
        if kind == "ephemeral":
            return all(private), f"{about} has a message everyone can see"
        return not any(private), f"{about} is only visible to the member who asked"
    if kind == "modal":
        if reply.modal is None:
            return False, f"{about} opened no modal"
        title = str(reply.modal.get("title", ""))
        return text in title, f"the modal is titled {title!r}"
    if kind == "button":
        labels = [str(c.get("label")) for m in reply.messages for c in render.buttons(m)]
        return text in labels, f"{about} has the buttons {labels}"
    if kind == "file":
        files = [a["filename"] for m in reply.messages for a in m["attachments"]]
        return text in files, f"{about} has the files {files}"
    if kind == "no-violations":
        count = len(await control.violations())
        return count == 0, f"{count} OpenAPI violation(s); `show violations` lists them"
    if command.channel is None:
        raise CommandFailed(f"unknown expectation {kind}")
    place = await lookup.place(command.channel, member)
    if kind in ("messages", "bot-messages"):
        found = await (lookup.bot_messages(place) if kind == "bot-messages"
                       else lookup.messages(place))
        return len(found) == command.number, f"{place.label} has {len(found)}"
    if kind == "threads":
        threads = await control.threads(channel=place.ref)
        return len(threads) == command.number, f"{place.label} has {len(threads)}"
    if kind in ("channel-contains", "channel-lacks"):
        texts = ["\n".join(render.message_lines(m, names)) for m in await lookup.messages(place)]
        hits = [t for t in texts if text in t]
        if kind == "channel-contains":
            return bool(hits), f"no message in {place.label} contains {text!r}"
        return not hits, f"{len(hits)} message(s) in {place.label} contain {text!r}"
    if kind in ("locked", "archived"):
        state = (await control.channel(channel=place.ref)).get("thread_metadata") or {}
        return bool(state.get(kind)), f"{place.label} is not {kind}"
    raise CommandFailed(f"unknown expectation {kind}")
