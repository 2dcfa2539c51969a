"""Control operations that inject faults: REST answers (errors, 429s, 5xx), latency,
held answers, and the gateway's drops, reconnects, invalid sessions and heartbeat requests."""

from __future__ import annotations

from typing import Any

from localdiscord import errors
from localdiscord.control.base import Operations, flag
from localdiscord.faults import Fault

FAULT_KINDS = ("error", "rate_limit", "server_error", "latency", "hold", "disconnect")


class FaultOperations(Operations):
    async def add_fault(self, kind: str, route: Any = None, times: Any = 1, status: Any = None,
                        code: Any = 0, message: Any = None, errors: Any = None,
                        retry_after: Any = 0.01, is_global: Any = False, seconds: Any = 0,
                        after: Any = True, probability: Any = 1,
                        seed: Any = 0) -> dict[str, Any]:
        """`error` (status, code, message, errors), `rate_limit` (retry_after, is_global),
        `server_error` (status), `latency` (seconds), `hold` and `disconnect` (after: handle
        first).
        `times` 0: every time, until cleared; `probability` (with its `seed`): the share of
        matching requests it fires on (rate limits, server errors, latency)."""
        faults, count = self.server.faults, int(times) or None
        chance, draw = float(probability), int(seed)
        fault: Fault
        if kind == "error":
            if status is None:
                raise ValueError("an error fault needs a status (and a code, a message)")
            fault = faults.error(route, discord_error(status, code, message, errors),
                                 times=count)
        elif kind == "rate_limit":
            fault = faults.rate_limit(route, retry_after=float(retry_after),
                                      is_global=flag(is_global), times=count,
                                      probability=chance, seed=draw)
        elif kind == "server_error":
            fault = faults.server_error(route, status=int(status or 503), times=count,
                                        probability=chance, seed=draw)
        elif kind == "latency":
            fault = faults.latency(route, float(seconds), times=count, probability=chance,
                                   seed=draw)
        elif kind == "hold":
            fault = faults.hold(route, after=flag(after), times=count)
        elif kind == "disconnect":
            fault = faults.disconnect(route, after=flag(after), times=count)
        else:
            raise ValueError(f"kind is one of {', '.join(FAULT_KINDS)}, not {kind!r}")
        return fault.describe()

    async def faults(self) -> dict[str, Any]:
        return {"pending": [f.describe() for f in self.server.faults.pending],
                "fired": [{"method": m, "path": p, "status": s or None}
                          for m, p, s in self.server.faults.fired]}

    async def clear_faults(self) -> dict[str, Any]:
        self.server.faults.clear()
        return {}

    async def holds(self, wait: Any = 0) -> list[dict[str, Any]]:
        """The requests whose answer is held; with `wait`, up to that many seconds for one."""
        faults = self.server.faults
        held = (await faults.wait_for_held(float(wait)) if float(wait) > 0
                else list(faults.held.values()))
        return [h.describe() for h in held]

    async def release(self, hold: Any = None) -> dict[str, Any]:
        released = self.server.faults.release(None if hold is None else int(hold))
        return {"released": released}

    async def drop_gateway(self, hold: Any = False, code: Any = 4000) -> dict[str, Any]:
        await self.server.gateway.drop(code=int(code), hold=flag(hold))
        return self.server.gateway.status()

    async def release_gateway(self) -> dict[str, Any]:
        self.server.gateway.release()
        return self.server.gateway.status()

    async def reconnect_gateway(self) -> dict[str, Any]:
        await self.server.gateway.reconnect()
        return self.server.gateway.status()

    async def invalidate_gateway(self, resumable: Any = False) -> dict[str, Any]:
        await self.server.gateway.invalidate(resumable=flag(resumable))
        return self.server.gateway.status()

    async def request_heartbeat(self) -> dict[str, Any]:
        await self.server.gateway.request_heartbeat()
        return self.server.gateway.status()



def discord_error(status: Any, code: Any, message: Any, field_errors: Any) -> errors.DiscordError:
    return errors.DiscordError(int(status), int(code or 0), str(message or "Error"),
                               field_errors if isinstance(field_errors, dict) else None)
