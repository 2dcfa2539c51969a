"""One gateway websocket, checked the way Discord checks it.

After HELLO the client must heartbeat (op 1) at the interval it was given; a connection that
stays silent for 1.5 intervals is closed with 4009 and its session ends. Every payload must be
a JSON object with a known `op` (4002 Decode error, 4001 Unknown opcode); nothing but a
heartbeat, IDENTIFY or RESUME may come before the session starts (4003 Not authenticated), a
second IDENTIFY on the same socket is 4005, and more than 120 payloads in 60 s is 4008.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from localdiscord.gateway.codec import Encoder, Refused, decode

if TYPE_CHECKING:
    from localdiscord.gateway.hub import Gateway
    from localdiscord.gateway.session import Session

(DISPATCH, HEARTBEAT, IDENTIFY, PRESENCE_UPDATE, VOICE_STATE_UPDATE, RESUME, RECONNECT,
 REQUEST_GUILD_MEMBERS, INVALID_SESSION, HELLO, HEARTBEAT_ACK, REQUEST_SOUNDBOARD_SOUNDS) = (
    0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 31)
CLIENT_OPS = {HEARTBEAT, IDENTIFY, PRESENCE_UPDATE, VOICE_STATE_UPDATE, RESUME,
              REQUEST_GUILD_MEMBERS, REQUEST_SOUNDBOARD_SOUNDS}
PAYLOADS_PER_MINUTE = 120
HEARTBEAT_GRACE = 1.5  # intervals of silence before the connection counts as dead


class Connection:
    def __init__(self, gateway: Gateway, ws: web.WebSocketResponse, encoder: Encoder) -> None:
        self.gateway = gateway
        self.ws = ws
        self.encoder = encoder
        self.session: Session | None = None
        self.closed_by_server = False
        self._received: deque[float] = deque()
        self._beat = asyncio.Event()

    @property
    def closed(self) -> bool:
        return self.ws.closed

    async def send(self, frame: dict[str, Any]) -> bool:
        if self.ws.closed:
            return False
        data = self.encoder.encode(frame)
        try:
            if isinstance(data, bytes):
                await self.ws.send_bytes(data)
            else:
                await self.ws.send_str(data)
        except (ConnectionResetError, RuntimeError):
            return False
        return True

    async def close(self, code: int, reason: str) -> None:
        self.closed_by_server = True
        if not self.ws.closed:
            await self.ws.close(code=code, message=reason.encode()[:120])

    async def serve(self, interval_ms: int) -> None:
        await self.send({"op": HELLO, "d": {"heartbeat_interval": interval_ms,
                                             "_trace": ["localdiscord"]}})
        watchdog = asyncio.create_task(self._watch(interval_ms / 1000),
                                       name="localdiscord-heartbeat-watch")
        try:
            async for msg in self.ws:
                if msg.type not in (WSMsgType.TEXT, WSMsgType.BINARY):
                    continue
                try:
                    await self._on_payload(msg.data)
                except Refused as refused:
                    await self.close(refused.code, refused.reason)
        finally:
            watchdog.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watchdog

    async def _watch(self, interval: float) -> None:
        while not self.ws.closed:
            self._beat.clear()
            try:
                await asyncio.wait_for(self._beat.wait(), timeout=interval * HEARTBEAT_GRACE)
            except TimeoutError:
                self.gateway.end(self.session)  # first: closing ends this task
                await self.close(4009, "Session timed out.")
                return

    def _count(self) -> None:
        now = asyncio.get_running_loop().time()
        self._received.append(now)
        while self._received and self._received[0] < now - 60:
            self._received.popleft()
        if len(self._received) > PAYLOADS_PER_MINUTE:
            raise Refused(4008, "Rate limited.")

    async def _on_payload(self, data: str | bytes) -> None:
        self._count()
        payload = decode(data)
        op = payload["op"]
        raw = payload.get("d")
        d: dict[str, Any] = raw if isinstance(raw, dict) else {}
        if op == HEARTBEAT:
            self._beat.set()
            await self.send({"op": HEARTBEAT_ACK})
            return
        if op not in CLIENT_OPS:
            raise Refused(4001, "Unknown opcode.")
        if op in (IDENTIFY, RESUME):
            if self.session is not None:
                raise Refused(4005, "Already authenticated.")
            if op == IDENTIFY:
                await self.gateway.identify(self, d)
            else:
                await self.gateway.resume(self, d)
            return
        if self.session is None:
            raise Refused(4003, "Not authenticated.")
        if op == REQUEST_GUILD_MEMBERS:
            await self.gateway.request_members(self, d)
        elif op != PRESENCE_UPDATE:  # a bot's presence is accepted and not shown anywhere
            self.gateway.report_unsupported(f"gateway op {op}")
