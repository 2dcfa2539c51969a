"""Control operations that read: channels, threads, messages, DMs, interactions, the
commands the bot synced, the journal of changes, and what the bot sent (requests,
OpenAPI violations, what the local Discord does not implement)."""

from __future__ import annotations

import asyncio
from typing import Any

from localdiscord.control import views
from localdiscord.control.base import Operations, flag


class ReadOperations(Operations):
    async def channel(self, channel: Any) -> dict[str, Any]:
        return views.channel(self.world, self._channel(channel))

    async def messages(self, channel: Any, ephemeral: Any = True) -> list[dict[str, Any]]:
        """A channel's, thread's or DM's messages, oldest first (ephemeral ones too unless
        `ephemeral=false`)."""
        ch = self._channel(channel)
        msgs = [self.world.messages[m] for m in ch.message_ids]
        keep_ephemeral = flag(ephemeral)
        return [self._msg(m) for m in msgs if not m.deleted and (keep_ephemeral
                                                                  or not m.ephemeral)]

    async def threads(self, channel: Any) -> list[dict[str, Any]]:
        return [views.channel(self.world, t)
                for t in self.world.threads_of(self._channel(channel))]

    async def message(self, message: Any) -> dict[str, Any]:
        return self._msg(self._message(message))

    async def dms(self, member: Any) -> list[dict[str, Any]]:
        user, _ = self._member(member)
        return await self.messages(self.world.dm_channel(user.id).id)

    async def interaction(self, interaction: Any, wait: Any = None,
                          within: Any = 10) -> dict[str, Any]:
        """How the bot answered. `wait=answered`: once it acknowledged (or the deadline
        passed); `wait=final`: and its response is no longer "thinking" (a deferral's
        answer arrived); each at most `within` seconds."""
        rec = self._record(interaction)
        if wait not in (None, "answered", "final"):
            raise ValueError("wait is `answered` or `final`")

        def done() -> bool:
            if not (rec.acknowledged or rec.failed):
                return False
            if wait == "final" and rec.response_message_id is not None:
                msg = self.world.messages.get(rec.response_message_id)
                return msg is None or msg.deleted or not msg.flags & 128  # LOADING
            return True

        if wait is not None:
            await self._until(done, float(within))
        return self._interaction(rec)

    async def _until(self, condition: Any, within: float) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        journal = self.world.journal
        while not condition() and loop.time() < deadline:
            await journal.wait(journal.cursor, deadline - loop.time())

    async def commands(self) -> list[dict[str, Any]]:
        return [{**c.payload, "id": str(c.id),
                 "guild_id": str(c.guild_id) if c.guild_id else None}
                for c in self.world.commands.values()]

    async def changes(self, since: Any = 0, wait: Any = 0) -> dict[str, Any]:
        """What changed after journal position `since` (messages and threads as they are
        now; deleted ones too), waiting up to `wait` seconds for a first change."""
        cursor = int(since)
        journal = self.world.journal
        if float(wait) > 0:
            await journal.wait(cursor, float(wait))
        changed = journal.since(cursor)
        messages, threads = {}, {}
        for change in changed:
            if change.kind.startswith("message_") and change.id in self.world.messages:
                messages[str(change.id)] = self._msg(self.world.messages[change.id])
            elif change.kind.startswith("thread_"):
                thread = self.world.channels.get(change.id)
                threads[str(change.id)] = (views.channel(self.world, thread) if thread
                                           else {"id": str(change.id), "deleted": True})
        return {"cursor": journal.cursor,
                "changes": [{"seq": c.seq, "kind": c.kind, "id": str(c.id),
                             "details": c.details} for c in changed],
                "messages": messages, "threads": threads}

    # -- what the bot sent -----------------------------------------------------------------
    async def requests(self, since: Any = 0) -> list[dict[str, Any]]:
        start = int(since)
        return [{"index": start + i, **r.line()}
                for i, r in enumerate(self.server.requests[start:])]

    async def violations(self) -> list[dict[str, Any]]:
        return [violation(v) for v in self.server.violations]

    async def take_violations(self) -> list[dict[str, Any]]:
        taken = [violation(v) for v in self.server.violations]
        self.server.violations.clear()
        return taken

    async def unsupported(self) -> list[str]:
        return list(self.server.unsupported)



def violation(v: Any) -> dict[str, Any]:
    return {"kind": v.kind, "method": v.method, "path": v.path, "query": v.query,
            "body": v.body, "error": v.error}
