"""Discord's REST rate limits: per-route buckets, their headers, and the global limit.

Every answer carries `X-RateLimit-Limit`, `-Remaining`, `-Reset` (epoch seconds),
`-Reset-After` (seconds) and `-Bucket` (the bucket's hash); a request over the limit is
answered 429 with `retry_after` (seconds) and `X-RateLimit-Scope: user`, and is not handled.
A bucket is one route template and its major parameter (the channel, guild, or webhook and
token), so 5 messages in #a and 5 in #b do not share a limit. Windows run in real time:
clients sleep in real time before retrying.

Discord does not publish its numbers; those below are the ones its headers show for the
routes a bot uses most (messages 5 per 5 s per channel, reactions 1 per 0.25 s); every other
route gets 50 per second, and all routes but interaction callbacks share the global 50 per
second. `RateLimits(enabled=False)` turns them off (benchmarks measure the bot, not these);
`scale` shortens every window (0.01: 5 messages per 50 ms), so a test suite still meets the
buckets, the headers and a client obeying them, without waiting seconds for a window.
`pause()` stops the windows' clock (a test fills a bucket however slow the machine is) and
`resume()` lets it run on from where it stood.

Waits are announced rounded up to the millisecond: a client that waits what it is told never
arrives before the window has ended.
"""

from __future__ import annotations

import hashlib
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

GLOBAL_PER_SECOND = 50
MAJOR_PARAMETERS = ("channel_id", "guild_id", "webhook_id", "application_id", "interaction_id")


@dataclass(frozen=True)
class Rule:
    method: str
    route: re.Pattern[str]  # over the route template, e.g. /channels/{channel_id}/messages
    limit: int
    per: float  # seconds


RULES: tuple[Rule, ...] = (
    Rule("POST", re.compile(r"^/channels/\{channel_id\}/messages$"), 5, 5.0),
    Rule("PUT", re.compile(r"/reactions/\{emoji\}/@me$"), 1, 0.25),
    Rule("DELETE", re.compile(r"/reactions/\{emoji\}/@me$"), 1, 0.25),
    Rule("DELETE", re.compile(r"^/channels/\{channel_id\}/messages/\{message_id\}$"), 5, 1.0),
)
DEFAULT = Rule("*", re.compile(""), 50, 1.0)


@dataclass
class _Window:
    limit: int
    per: float
    start: float = 0.0
    used: int = 0

    def take(self, now: float) -> bool:
        if now >= self.start + self.per:
            self.start, self.used = now, 0
        if self.used >= self.limit:
            return False
        self.used += 1
        return True

    def reset_after(self, now: float) -> float:
        return math.ceil(max(0.0, self.start + self.per - now) * 1000) / 1000


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    headers: dict[str, str]
    retry_after: float = 0.0
    is_global: bool = False

    def body(self) -> dict[str, Any]:
        return {"message": "You are being rate limited.", "retry_after": self.retry_after,
                "global": self.is_global, "code": 0}


class RateLimits:
    def __init__(self, *, enabled: bool = True, scale: float = 1.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.enabled = enabled
        self.scale = scale
        self._clock = clock
        self._buckets: dict[tuple[str, str], _Window] = {}
        self._global = _Window(GLOBAL_PER_SECOND, 1.0 * scale)
        self._offset = 0.0  # time spent paused, taken off the clock
        self._paused_at: float | None = None

    def reset(self) -> None:
        self._buckets.clear()
        self._global = _Window(GLOBAL_PER_SECOND, 1.0 * self.scale)
        self.resume()

    @property
    def paused(self) -> bool:
        return self._paused_at is not None

    def pause(self) -> None:
        """Stop the windows' clock: no window ends until `resume()`."""
        if self._paused_at is None:
            self._paused_at = self._now()

    def resume(self) -> None:
        """Let the windows' clock run on from where `pause()` stopped it."""
        if self._paused_at is not None:
            self._offset = self._clock() - self._paused_at
            self._paused_at = None

    def _now(self) -> float:
        return self._paused_at if self._paused_at is not None else self._clock() - self._offset

    def check(self, method: str, template: str, params: dict[str, str]) -> Verdict | None:
        """Count one request; None when rate limits are off."""
        if not self.enabled:
            return None
        now = self._now()
        rule = next((r for r in RULES if r.method == method and r.route.search(template)),
                    DEFAULT)
        bucket = hashlib.sha1(f"{method} {template}".encode()).hexdigest()[:16]
        major = ":".join(params[k] for k in MAJOR_PARAMETERS if k in params)
        window = self._buckets.setdefault(
            (bucket, major), _Window(rule.limit, rule.per * self.scale))
        interaction = template.startswith("/interactions/")
        if not interaction and not self._global.take(now):
            retry = self._global.reset_after(now)
            return Verdict(False, {"X-RateLimit-Global": "true", "X-RateLimit-Scope": "global",
                                   "Retry-After": str(max(1, round(retry)))}, retry, True)
        allowed = window.take(now)
        reset_after = window.reset_after(now)
        headers = {
            "X-RateLimit-Limit": str(window.limit),
            "X-RateLimit-Remaining": str(max(0, window.limit - window.used)),
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": bucket,
        }
        if allowed:
            return Verdict(True, headers)
        headers.update({"X-RateLimit-Scope": "user",
                        "Retry-After": str(max(1, round(reset_after)))})
        return Verdict(False, headers, reset_after)
