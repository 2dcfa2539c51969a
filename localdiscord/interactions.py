"""Interactions the members start, and the rules Discord applies to their answers.

An interaction must be acknowledged within 3 s (`timeout`); after that a callback gets
404 10062 "Unknown interaction" and the member sees "The application did not respond": the
record is marked `failed`. A token answers once (a second callback is 400 40060); after that
the bot uses followup webhooks and the @original message. The token lives 15 minutes of world
time (`World.now`, so a test's ManualClock moves it): later, a callback is 404 10062 and the
webhook routes are 401 50027 Invalid Webhook Token.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from localdiscord.state import World

DEFAULT_TIMEOUT = 3.0
TOKEN_LIFETIME = timedelta(minutes=15)
# Interaction types (Discord's numbers).
APPLICATION_COMMAND, MESSAGE_COMPONENT, APPLICATION_COMMAND_AUTOCOMPLETE, MODAL_SUBMIT = 2, 3, 4, 5


@dataclass
class InteractionRecord:
    id: int
    token: str
    type: int
    channel_id: int
    guild_id: int | None
    user_id: int
    data: dict[str, Any]
    message_id: int | None = None  # the message a component sat on
    triggered_by: int | None = None  # for a modal submit: the interaction that opened it
    callback_type: int | None = None
    response_message_id: int | None = None
    modal: dict[str, Any] | None = None
    choices: list[dict[str, Any]] | None = None  # an autocomplete's answer (callback type 8)
    followup_ids: list[int] = field(default_factory=list)
    failed: bool = False
    late_callbacks: int = 0  # callbacks that came after the deadline (answered 10062)
    ended: asyncio.Event = field(default_factory=asyncio.Event)  # acked or failed
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))  # world time
    on_change: Callable[[], None] = lambda: None  # the world's journal hears of it
    # Real time (monotonic s) from INTERACTION_CREATE leaving for the bot to its callback:
    # what the member waits before Discord shows the bot took it (benchmarks read it).
    dispatched_at: float | None = None
    ack_seconds: float | None = None
    _timer: asyncio.TimerHandle | None = None

    @property
    def acknowledged(self) -> bool:
        return self.callback_type is not None

    def acknowledge(self, callback_type: int) -> None:
        self.callback_type = callback_type
        if self.dispatched_at is not None:
            self.ack_seconds = time.monotonic() - self.dispatched_at
        if self._timer is not None:
            self._timer.cancel()
        self.ended.set()
        self.on_change()

    def expire(self) -> None:
        if not self.acknowledged:
            self.failed = True
            self.ended.set()
            self.on_change()


class InteractionStore:
    def __init__(self, world: World) -> None:
        self.now = world.now
        self._new_id = world.new_id
        self._journal = world.journal
        self.timeout = DEFAULT_TIMEOUT
        self._by_id: dict[int, InteractionRecord] = {}
        self._by_token: dict[str, InteractionRecord] = {}

    def new(self, **kw: Any) -> InteractionRecord:
        iid = self._new_id()
        rec = InteractionRecord(iid, f"localdiscord-token-{iid}", created_at=self.now(), **kw)
        journal = self._journal
        rec.on_change = lambda: journal.record("interaction", iid)
        self._by_id[iid] = rec
        self._by_token[rec.token] = rec
        return rec

    def start_clock(self, rec: InteractionRecord) -> None:
        """Called as INTERACTION_CREATE leaves for the bot."""
        rec.dispatched_at = time.monotonic()
        rec._timer = asyncio.get_running_loop().call_later(self.timeout, rec.expire)

    def token_expired(self, rec: InteractionRecord) -> bool:
        return self.now() - rec.created_at >= TOKEN_LIFETIME

    def get(self, iid: int, token: str) -> InteractionRecord | None:
        rec = self._by_id.get(iid)
        return rec if rec is not None and rec.token == token else None

    def by_id(self, iid: int) -> InteractionRecord | None:
        return self._by_id.get(iid)

    def by_token(self, token: str) -> InteractionRecord | None:
        return self._by_token.get(token)

    def close(self) -> None:
        for rec in self._by_id.values():
            if rec._timer is not None:
                rec._timer.cancel()

    def reset(self) -> None:
        self.close()
        self._by_id.clear()
        self._by_token.clear()
