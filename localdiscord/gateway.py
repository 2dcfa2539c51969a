"""The gateway websocket (v10, JSON text frames).

discord.py asks for `compress=zlib-stream`, but it only decompresses binary frames; plain text
frames are read as JSON, so the sandbox never compresses.

One session at a time (one bot). Every dispatched event gets a sequence number and is kept in
the session's log, so a RESUME after a dropped connection replays what the bot missed, as
Discord does. Faults: `drop` (close with a resumable code, optionally holding the next
connection so events pile up), `reconnect` (op 7) and `invalidate` (op 9, d=false).
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Callable
from typing import Any

from aiohttp import WSMsgType, web

log = logging.getLogger(__name__)

DISPATCH, HEARTBEAT, IDENTIFY, RESUME, RECONNECT, INVALID_SESSION, HELLO, HEARTBEAT_ACK = (
    0, 1, 2, 6, 7, 9, 10, 11,
)
HEARTBEAT_INTERVAL_MS = 41_250
MESSAGE_CONTENT_INTENT = 1 << 15
_CONTENT_FIELDS = {"content": "", "embeds": [], "attachments": [], "components": []}


class Gateway:
    def __init__(
        self, *, token: str, on_identify: Callable[[], list[tuple[str, dict[str, Any]]]]
    ) -> None:
        self._token = token
        # Builds [("READY", ...), ("GUILD_CREATE", ...), ...] for a fresh session.
        self._on_identify = on_identify
        self.url = ""  # set by the server once it knows its port
        self.session_id: str | None = None
        self.seq = 0
        self._log: list[tuple[int, dict[str, Any]]] = []
        self._ws: web.WebSocketResponse | None = None
        self._ready = False  # the current connection identified or resumed
        self._sent_seq = 0
        self._send_lock = asyncio.Lock()
        self._open = asyncio.Event()  # cleared by `drop(hold=True)` until `release()`
        self._open.set()
        self._sockets: set[web.WebSocketResponse] = set()
        self.intents = 0  # from the last IDENTIFY
        self.bot_user_id = 0  # set by the server: messages by the bot keep their content
        # Counters a test can assert on.
        self.identifies = 0
        self.resumes = 0
        self.replayed = 0

    @property
    def connected(self) -> bool:
        return self._ws is not None and self._ready and not self._ws.closed

    @property
    def sent_seq(self) -> int:
        """Sequence number of the last event sent down the socket (the bot should catch up)."""
        return self._sent_seq

    @property
    def accepting(self) -> bool:
        """False while `drop(hold=True)` keeps reconnects waiting."""
        return self._open.is_set()

    # -- events ----------------------------------------------------------------------------
    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send an event to the bot, or keep it for replay if the bot is not connected."""
        async with self._send_lock:
            if self.session_id is None:
                return  # no session yet: the coming READY/GUILD_CREATE carry the state
            self.seq += 1
            frame = {"op": DISPATCH, "t": event, "s": self.seq, "d": self._redact(event, data)}
            self._log.append((self.seq, frame))
            if self.connected:
                await self._send(frame)

    def _redact(self, event: str, data: dict[str, Any]) -> dict[str, Any]:
        """Without the privileged MESSAGE_CONTENT intent, Discord blanks content, embeds,
        attachments and components of guild messages that are not the bot's own and do not
        mention it. A bot that forgot the intent sees empty messages here too."""
        if event not in ("MESSAGE_CREATE", "MESSAGE_UPDATE"):
            return data
        if self.intents & MESSAGE_CONTENT_INTENT:
            return data
        if "guild_id" not in data:
            return data  # DMs keep their content
        author = str((data.get("author") or {}).get("id"))
        mention = f"<@{self.bot_user_id}>"
        if author == str(self.bot_user_id) or mention in str(data.get("content", "")):
            return data
        return {**data, **{k: v for k, v in _CONTENT_FIELDS.items() if k in data}}

    async def _send(self, frame: dict[str, Any]) -> None:
        ws = self._ws
        if ws is None or ws.closed:
            return
        try:
            await ws.send_str(json.dumps(frame))
        except (ConnectionResetError, RuntimeError):
            log.debug("gateway send failed; the event stays in the replay log")
            return
        if frame.get("s"):
            self._sent_seq = frame["s"]

    # -- faults ----------------------------------------------------------------------------
    async def drop(self, *, code: int = 4000, hold: bool = False) -> None:
        """Close the socket with a resumable code; with `hold`, stall reconnects until release."""
        if hold:
            self._open.clear()
        ws = self._ws
        self._ready = False
        if ws is not None and not ws.closed:
            await ws.close(code=code, message=b"sandbox: dropped")

    def release(self) -> None:
        self._open.set()

    async def reconnect(self) -> None:
        """op 7: the bot closes and resumes on its own."""
        async with self._send_lock:
            await self._send({"op": RECONNECT, "d": None})

    async def invalidate(self) -> None:
        """op 9 with d=false: the session is gone; the bot identifies again."""
        async with self._send_lock:
            await self._send({"op": INVALID_SESSION, "d": False})
            self.session_id = None
            self._log.clear()
            self._ready = False

    async def close_all(self) -> None:
        self._open.set()
        for ws in list(self._sockets):
            if not ws.closed:
                await ws.close(code=1001, message=b"sandbox shutting down")

    # -- the websocket handler ---------------------------------------------------------------
    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._sockets.add(ws)
        try:
            await self._open.wait()
            if ws.closed:
                return ws
            await ws.send_str(
                json.dumps({"op": HELLO, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}})
            )
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                await self._on_frame(ws, json.loads(msg.data))
        finally:
            self._sockets.discard(ws)
            if self._ws is ws:
                self._ws = None
                self._ready = False
        return ws

    async def _on_frame(self, ws: web.WebSocketResponse, frame: dict[str, Any]) -> None:
        op = frame.get("op")
        raw = frame.get("d")
        d: dict[str, Any] = raw if isinstance(raw, dict) else {}
        if op == HEARTBEAT:
            await ws.send_str(json.dumps({"op": HEARTBEAT_ACK}))
        elif op == IDENTIFY:
            if d.get("token") != self._token:
                await ws.close(code=4004, message=b"Authentication failed.")
                return
            self.intents = int(d.get("intents") or 0)
            await self._identify(ws)
        elif op == RESUME:
            await self._resume(ws, d)

    async def _identify(self, ws: web.WebSocketResponse) -> None:
        async with self._send_lock:
            self.identifies += 1
            self.session_id = uuid.uuid4().hex
            self.seq = 0
            self._sent_seq = 0
            self._log.clear()
            self._ws = ws
            self._ready = True
            for event, data in self._on_identify():
                if event == "READY":
                    data["session_id"] = self.session_id
                    data["resume_gateway_url"] = self.url
                self.seq += 1
                frame = {"op": DISPATCH, "t": event, "s": self.seq, "d": data}
                self._log.append((self.seq, frame))
                await self._send(frame)

    async def _resume(self, ws: web.WebSocketResponse, d: dict[str, Any]) -> None:
        async with self._send_lock:
            ok = (
                d.get("token") == self._token
                and self.session_id is not None
                and d.get("session_id") == self.session_id
            )
            if not ok:
                await ws.send_str(json.dumps({"op": INVALID_SESSION, "d": False}))
                return
            self.resumes += 1
            self._ws = ws
            self._ready = True
            last = d.get("seq") or 0
            for seq, frame in self._log:
                if seq > last:
                    self.replayed += 1
                    await self._send(frame)
            self.seq += 1
            await self._send({"op": DISPATCH, "t": "RESUMED", "s": self.seq, "d": {}})
