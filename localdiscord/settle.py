"""Waiting, without sleeping, until a discord.py bot in this process has finished reacting.

The bot is busy while one of its tasks runs (discord.py's event handlers, app command and
view/modal dispatch, discord.ext.tasks iterations, the project's `cohortbot:` tasks), while
one of its REST requests is in flight at the local Discord, while its gateway session is
reconnecting, or while events the local Discord sent are unread. The local Discord's side of
that (`DiscordSide`) comes from the server object in the same process, or from the control
API's `/status` when the local Discord is another process.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import discord

# Tasks that belong to the bot's reaction to an event: discord.py's event handlers, app command
# and view/modal dispatch, discord.ext.tasks loops (while an iteration runs, not while they
# sleep until the next one), and the project's own named tasks; and the harness's own
# announcements of world changes.
DEFAULT_SETTLE_PREFIXES = (
    "discord.py:", "CommandTree-invoker", "discord-ui-", "discord-ext-tasks", "cohortbot:",
)
ANNOUNCE_PREFIX = "localdiscord-announce"


class SettleTimeout(AssertionError):
    """The bot kept working (tasks, REST requests, undelivered events) past the timeout."""


@dataclass(frozen=True)
class DiscordSide:
    """What the local Discord knows of the bot's activity."""

    in_flight: int  # REST requests being answered
    accepting: bool  # False while a test holds the gateway shut
    sessions: dict[str, tuple[bool, int]]  # session id -> (connected, last sequence sent)

    @classmethod
    def from_status(cls, status: dict[str, Any]) -> DiscordSide:
        gateway = status["gateway"]
        return cls(status["in_flight"], gateway["accepting"],
                   {s["id"]: (s["connected"], s["sent_seq"]) for s in gateway["sessions"]})


def _sleeping_loop(task: asyncio.Task[Any]) -> bool:
    """A `discord.ext.tasks.Loop` task parked on its sleep until the next iteration: idle.
    (Its coroutine is `Loop._loop`; the sleep is the future of `Loop._handle`.)"""
    coro: Any = task.get_coro()
    frame = getattr(coro, "cr_frame", None)
    loop_obj = frame.f_locals.get("self") if frame is not None else None
    handle = getattr(loop_obj, "_handle", None)
    future = getattr(handle, "future", None)
    return future is not None and not future.done() and getattr(task, "_fut_waiter", None) is future


class Settler:
    def __init__(
        self, side: Callable[[], Awaitable[DiscordSide]],
        client: Callable[[], discord.Client | None], *,
        prefixes: Sequence[str] = DEFAULT_SETTLE_PREFIXES, timeout: float = 10.0,
    ) -> None:
        self._side = side
        self._client = client
        self.prefixes = tuple(prefixes)
        self.timeout = timeout

    def watched_tasks(self) -> list[asyncio.Task[Any]]:
        me = asyncio.current_task()
        prefixes = (*self.prefixes, ANNOUNCE_PREFIX)
        return [
            t for t in asyncio.all_tasks()
            if t is not me and not t.done() and t.get_name().startswith(prefixes)
            and not _sleeping_loop(t)
        ]

    async def busy_reason(self) -> str | None:
        tasks = self.watched_tasks()
        if tasks:
            return "tasks: " + ", ".join(sorted({t.get_name() for t in tasks}))
        side = await self._side()
        if side.in_flight:
            return f"{side.in_flight} REST request(s) in flight"
        client = self._client()
        if client is None or client.is_closed():
            return None
        ws = client.ws
        session = side.sessions.get(ws.session_id) if ws is not None and ws.session_id else None
        if ws is None or session is None or not session[0]:
            # Reconnecting (unless a test holds the gateway shut on purpose).
            return "gateway reconnecting" if side.accepting else None
        if (ws.sequence or 0) < session[1]:
            return f"bot has read up to event {ws.sequence}, sent {session[1]}"
        return None

    async def settle(self, within: float | None = None) -> None:
        """Return once the bot has finished reacting: no watched task running, no request in
        flight, every sent event read; checked until it stays so for a few loop turns."""
        limit = self.timeout if within is None else within
        loop = asyncio.get_running_loop()
        deadline = loop.time() + limit
        quiet = 0
        reason: str | None = None
        while quiet < 4:
            if loop.time() > deadline:
                raise SettleTimeout(f"the bot did not settle within {limit} s: {reason}")
            reason = await self.busy_reason()
            if reason is None:
                quiet += 1
                # Let sockets deliver: a sent frame/response needs a loop turn or two to land.
                await asyncio.sleep(0 if quiet < 3 else 0.002)
                continue
            quiet = 0
            tasks = self.watched_tasks()
            if tasks:
                await asyncio.wait(tasks, timeout=max(0.0, min(0.05, deadline - loop.time())))
            else:
                await asyncio.sleep(0.001)
