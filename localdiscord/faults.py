"""REST faults on demand: forced errors, 429s, server errors, latency, held answers and
dropped connections.

A fault matches requests by a glob over "METHOD /path" (the path without /api/v10), e.g.
"POST /channels/*/messages"; `None` matches every request. Each fault fires `times` times
(None: until cleared), then disappears; with a `probability` below 1 it fires on that share of
the requests it matches, drawn from its own seeded generator (a run can be replayed), and the
others go on to the next fault. A request meets at most one fault (the oldest that fires).

- `error`, `rate_limit`, `server_error`: the request is answered with that instead of being
  handled (so nothing changes in the world).
- `latency`: the request is handled after `seconds` (real time).
- `hold`: the answer waits until the held request is released (`release`). With
  `after=True` (the default) the request is handled first, so the world changed and only
  the answer is kept back, as when Discord created a thread but the bot never heard of it;
  with `after=False` it is held before anything happens. A client that dies meanwhile never
  gets the answer.
- `disconnect`: the connection is closed instead of answered, as a proxy or load balancer
  drops one (the client sees the server disconnect mid-request: aiohttp's
  `ServerDisconnectedError`). With `after=True` (the default) the request is handled first,
  so only the answer is lost; with `after=False` nothing happens.

Gateway faults live on `Gateway` (drop, reconnect, invalidate, request_heartbeat).
"""

from __future__ import annotations

import asyncio
import contextlib
import fnmatch
import itertools
import random
from dataclasses import dataclass, field
from typing import Any

from localdiscord.errors import DiscordError

_ids = itertools.count(1)


@dataclass
class Fault:
    pattern: str | None
    kind: str  # "answer", "latency", "hold" or "disconnect"
    times: int | None = 1  # None: every time, until cleared
    status: int = 0
    body: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    after: bool = True  # holds and disconnects: handle first, then hold or drop the answer
    probability: float = 1.0
    seed: int = 0
    id: int = field(default_factory=lambda: next(_ids))
    _draw: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if not 0 < self.probability <= 1:
            raise ValueError(f"a fault's probability is in (0, 1], not {self.probability}")
        if self.times is not None and self.times < 1:
            raise ValueError(f"a fault fires at least once, not {self.times} times")
        self._draw = random.Random(self.seed)

    def matches(self, method: str, path: str) -> bool:
        return self.pattern is None or fnmatch.fnmatchcase(f"{method} {path}", self.pattern)

    def fires(self) -> bool:
        """Whether it fires on a request it matches (always, at probability 1)."""
        return self.probability >= 1 or self._draw.random() < self.probability

    def describe(self) -> dict[str, Any]:
        return {"id": self.id, "route": self.pattern, "kind": self.kind, "times": self.times,
                "status": self.status or None, "seconds": self.seconds or None,
                "after": self.after if self.kind in ("hold", "disconnect") else None,
                "probability": self.probability, "seed": self.seed}


@dataclass
class Held:
    """A request whose answer is held."""

    fault_id: int
    method: str
    path: str
    handled: bool  # the request was handled: the world changed, only the answer waits
    released: asyncio.Event = field(default_factory=asyncio.Event)
    id: int = field(default_factory=lambda: next(_ids))

    def describe(self) -> dict[str, Any]:
        return {"id": self.id, "fault": self.fault_id, "method": self.method,
                "path": self.path, "handled": self.handled}


class Faults:
    def __init__(self) -> None:
        self._pending: list[Fault] = []
        self.fired: list[tuple[str, str, int]] = []  # (method, path, status or 0) per firing
        self.held: dict[int, Held] = {}
        self._held_changed = asyncio.Condition()

    # -- adding faults -----------------------------------------------------------------------
    def add(self, fault: Fault) -> Fault:
        self._pending.append(fault)
        return fault

    def rate_limit(
        self, route: str | None = None, *, retry_after: float = 0.01, is_global: bool = False,
        times: int | None = 1, probability: float = 1.0, seed: int = 0,
    ) -> Fault:
        """A 429. discord.py only retries when the answer has a `Via` header and a JSON body
        with `retry_after`; without them it assumes a Cloudflare ban and raises."""
        body = {"message": "You are being rate limited.", "retry_after": retry_after,
                "global": is_global, "code": 0}
        headers = {"Retry-After": str(max(1, round(retry_after))),
                   "X-RateLimit-Scope": "global" if is_global else "user"}
        if is_global:
            headers["X-RateLimit-Global"] = "true"
        return self.add(Fault(route, "answer", times, 429, body, headers,
                              probability=probability, seed=seed))

    def server_error(self, route: str | None = None, *, status: int = 503,
                     times: int | None = 1, probability: float = 1.0, seed: int = 0) -> Fault:
        """5xx. discord.py retries 500/502/504/524 after 1, 3, 5... s; 503 raises at once."""
        body = {"message": "Service Unavailable", "code": 0}
        return self.add(Fault(route, "answer", times, status, body, probability=probability,
                              seed=seed))

    def error(self, route: str | None, error: DiscordError, *, times: int | None = 1) -> Fault:
        """Answer matching requests with a Discord error (e.g. errors.unknown_message())."""
        return self.add(Fault(route, "answer", times, error.status, error.body()))

    def latency(self, route: str | None, seconds: float, *, times: int | None = 1,
                probability: float = 1.0, seed: int = 0) -> Fault:
        return self.add(Fault(route, "latency", times, seconds=seconds,
                              probability=probability, seed=seed))

    def hold(self, route: str | None, *, after: bool = True, times: int | None = 1) -> Fault:
        return self.add(Fault(route, "hold", times, after=after))

    def disconnect(self, route: str | None, *, after: bool = True,
                   times: int | None = 1) -> Fault:
        return self.add(Fault(route, "disconnect", times, after=after))

    def take(self, method: str, path: str) -> Fault | None:
        for fault in self._pending:
            if fault.matches(method, path) and fault.fires():
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times <= 0:
                        self._pending.remove(fault)
                self.fired.append((method, path, fault.status))
                return fault
        return None

    @property
    def pending(self) -> list[Fault]:
        return list(self._pending)

    def clear(self) -> None:
        self._pending.clear()

    def reset(self) -> None:
        self.clear()
        self.fired.clear()
        self.release()

    # -- held answers ------------------------------------------------------------------------
    async def wait_released(self, fault: Fault, method: str, path: str, *,
                            handled: bool) -> None:
        """Park a request until its hold is released."""
        held = Held(fault.id, method, path, handled)
        async with self._held_changed:
            self.held[held.id] = held
            self._held_changed.notify_all()
        try:
            await held.released.wait()
        finally:
            self.held.pop(held.id, None)

    async def wait_for_held(self, within: float) -> list[Held]:
        """The held requests, once there is at least one (or [] after `within` s)."""
        async with self._held_changed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._held_changed.wait_for(lambda: bool(self.held)),
                                       within)
        return list(self.held.values())

    def release(self, hold_id: int | None = None) -> int:
        """Release one held request (by its id) or all; how many were released."""
        chosen = [h for h in self.held.values() if hold_id in (None, h.id)]
        for held in chosen:
            held.released.set()
        return len(chosen)
