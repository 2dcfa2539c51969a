"""REST faults on demand: rate limits, server errors and forced error answers.

A fault matches requests by a glob over "METHOD /path" (path without the /api/v10 prefix),
e.g. "POST /channels/*/messages"; `None` matches every request. Each fault fires `times` times,
then disappears. Gateway faults live on `Gateway` (drop, reconnect, invalidate); permission
and DM faults are state (`Sandbox.deny_send`, `add_member(dms_closed=True)`).
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from typing import Any

from localdiscord.errors import DiscordError


@dataclass
class Fault:
    pattern: str | None
    status: int
    body: dict[str, Any]
    headers: dict[str, str]
    times: int

    def matches(self, method: str, path: str) -> bool:
        return self.pattern is None or fnmatch.fnmatchcase(f"{method} {path}", self.pattern)


class Faults:
    def __init__(self) -> None:
        self._pending: list[Fault] = []
        self.fired: list[tuple[str, str, int]] = []  # (method, path, status) of each firing

    def rate_limit(
        self, route: str | None = None, *, retry_after: float = 0.01, is_global: bool = False,
        times: int = 1,
    ) -> None:
        """A 429. discord.py only retries when the answer has a `Via` header and a JSON body
        with `retry_after`; without them it assumes a Cloudflare ban and raises."""
        body = {
            "message": "You are being rate limited.",
            "retry_after": retry_after,
            "global": is_global,
            "code": 0,
        }
        headers = {
            "Via": "1.1 google",
            "Retry-After": str(max(1, round(retry_after))),
            "X-RateLimit-Scope": "global" if is_global else "user",
        }
        if is_global:
            headers["X-RateLimit-Global"] = "true"
        self._pending.append(Fault(route, 429, body, headers, times))

    def server_error(self, route: str | None = None, *, status: int = 503, times: int = 1) -> None:
        """5xx. discord.py retries 500/502/504/524 after 1, 3, 5... s; 503 raises at once."""
        body = {"message": "Service Unavailable", "code": 0}
        self._pending.append(Fault(route, status, body, {}, times))

    def error(self, route: str | None, error: DiscordError, *, times: int = 1) -> None:
        """Answer matching requests with a Discord error (e.g. errors.unknown_message())."""
        self._pending.append(Fault(route, error.status, error.body(), {}, times))

    def take(self, method: str, path: str) -> Fault | None:
        for fault in self._pending:
            if fault.matches(method, path):
                fault.times -= 1
                if fault.times <= 0:
                    self._pending.remove(fault)
                self.fired.append((method, path, fault.status))
                return fault
        return None

    def clear(self) -> None:
        self._pending.clear()
