"""The gateway: sessions for one bot token, and the events the world dispatches to them.

Every dispatched event goes to each open session that asked for its intent (and holds its
guild's shard), with that session's next sequence number, and is kept in the session's log
so a RESUME replays what a dropped connection missed. Faults: `drop` (close with a resumable
code, optionally holding new connections until `release`), `reconnect` (op 7), `invalidate`
(op 9), `request_heartbeat` (op 1).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from typing import Any

from aiohttp import web

from localdiscord.gateway import intents as intents_
from localdiscord.gateway.codec import Encoder, Options, Refused
from localdiscord.gateway.connection import (
    HEARTBEAT,
    INVALID_SESSION,
    RECONNECT,
    Connection,
)
from localdiscord.gateway.session import Session

log = logging.getLogger(__name__)

HEARTBEAT_INTERVAL_MS = 41_250
# A disconnected session may be resumed this long (real seconds); then it ends. Discord keeps
# sessions resumable for a few minutes; clients that shut down often close with 4000 (as
# discord.py does), not 1000, so this is how their sessions go away.
RESUME_WINDOW = 120.0
Events = list[tuple[str, dict[str, Any]]]


class Gateway:
    def __init__(
        self, *, token: Callable[[], str], ready: Callable[[Session], Events],
        members: Callable[[int], list[dict[str, Any]]],
        application_flags: Callable[[], int],
        heartbeat_interval_ms: int = HEARTBEAT_INTERVAL_MS,
    ) -> None:
        self._token = token
        self._ready = ready  # READY and GUILD_CREATEs for a new session
        self._members = members  # a guild's member payloads, for op 8
        self._application_flags = application_flags
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.resume_window = RESUME_WINDOW
        # Told of every session that starts, resumes, loses its connection or ends (the
        # world's journal, so that far-away clients can wait for a bot to connect).
        self.on_session_change: Callable[[], None] = lambda: None
        self.url = ""  # set by the server once it knows its port
        self.bot_user_id = 0  # the bot's own messages keep their content
        self.sessions: dict[str, Session] = {}
        self.connections: set[Connection] = set()
        self._lock = asyncio.Lock()  # one event at a time, in the same order for every session
        self._open = asyncio.Event()  # cleared by `drop(hold=True)` until `release()`
        self._open.set()
        self.unsupported: list[str] = []
        # Counters a test can assert on.
        self.identifies = 0
        self.resumes = 0
        self.replayed = 0

    # -- state ------------------------------------------------------------------------------
    @property
    def live(self) -> list[Session]:
        return [s for s in self.sessions.values() if not s.ended]

    @property
    def latest(self) -> Session | None:
        live = self.live
        return live[-1] if live else None

    @property
    def connected(self) -> bool:
        return any(s.connected for s in self.live)

    @property
    def accepting(self) -> bool:
        """False while `drop(hold=True)` keeps new connections waiting."""
        return self._open.is_set()

    def status(self) -> dict[str, Any]:
        return {
            "sessions": [s.status() for s in self.live],
            "connections": [{"compress": c.encoder.compress,
                             "session": c.session.id if c.session else None}
                            for c in self.connections],
            "accepting": self.accepting,
            "identifies": self.identifies,
            "resumes": self.resumes,
            "replayed": self.replayed,
        }

    def report_unsupported(self, what: str) -> None:
        log.warning("the local Discord does not implement %s", what)
        self.unsupported.append(what)

    def end(self, session: Session | None) -> None:
        if session is not None:
            session.keep()
            session.ended = True
            session.log.clear()
            self.sessions.pop(session.id, None)
            self.on_session_change()

    # -- events -----------------------------------------------------------------------------
    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send an event to every session that wants it (kept for replay if disconnected)."""
        async with self._lock:
            for session in self.live:
                if session.wants(event, data):
                    redacted = intents_.redact(event, data, session.intents, self.bot_user_id)
                    await self._send(session, session.next_frame(event, redacted))

    async def _send(self, session: Session, frame: dict[str, Any]) -> None:
        conn = session.connection
        if conn is not None and await conn.send(frame):
            session.sent_seq = frame["s"]

    # -- the protocol (called by Connection) --------------------------------------------------
    async def identify(self, conn: Connection, d: dict[str, Any]) -> None:
        if d.get("token") != self._token():
            raise Refused(4004, "Authentication failed.")
        raw_intents = d.get("intents")
        if isinstance(raw_intents, bool) or not isinstance(raw_intents, int):
            raise Refused(4013, "Invalid intent(s).")
        if (problem := intents_.problem(raw_intents, self._application_flags())) is not None:
            raise Refused(*problem)
        shard = _shard(d.get("shard"))
        session = Session(uuid.uuid4().hex, raw_intents, shard)
        async with self._lock:
            self.identifies += 1
            self.sessions[session.id] = session
            session.connection, conn.session = conn, session
            for event, data in self._ready(session):
                if event == "READY":
                    data.update(session_id=session.id, resume_gateway_url=self.url)
                    if d.get("shard") is not None:
                        data["shard"] = list(shard)
                data = intents_.redact(event, data, session.intents, self.bot_user_id)
                await self._send(session, session.next_frame(event, data))
        self.on_session_change()

    async def resume(self, conn: Connection, d: dict[str, Any]) -> None:
        if d.get("token") != self._token():
            raise Refused(4004, "Authentication failed.")
        session = self.sessions.get(str(d.get("session_id")))
        if session is None or session.ended:
            await conn.send({"op": INVALID_SESSION, "d": False})
            return
        seq = d.get("seq") or 0
        if not isinstance(seq, int) or seq > session.seq:
            self.end(session)  # Discord: reconnect and start a new session
            raise Refused(4007, "Invalid seq.")
        async with self._lock:
            old = session.connection
            session.connection, conn.session = conn, session
            session.keep()
            if old is not None and old is not conn:
                await old.close(4000, "Resumed elsewhere.")
            self.resumes += 1
            for frame in session.missed(seq):
                self.replayed += 1
                await self._send(session, frame)
            await self._send(session, session.next_frame("RESUMED", {}))
        self.on_session_change()

    async def request_members(self, conn: Connection, d: dict[str, Any]) -> None:
        """op 8: the guild's members, filtered by `query` (a name prefix) or `user_ids`."""
        assert conn.session is not None
        if not conn.session.intents & intents_.GUILD_MEMBERS:
            raise Refused(4013, "Invalid intent(s).")  # the member list needs GUILD_MEMBERS
        guild_id = int(d.get("guild_id") or 0)
        members = self._members(guild_id)
        if d.get("user_ids"):
            wanted = {str(u) for u in d["user_ids"]} if isinstance(d["user_ids"], list) else {
                str(d["user_ids"])}
            members = [m for m in members if m["user"]["id"] in wanted]
        else:
            query = str(d.get("query") or "").lower()
            members = [m for m in members if m["user"]["username"].lower().startswith(query)]
            limit = int(d.get("limit") or 0)
            members = members[:limit] if limit else members
        chunk: dict[str, Any] = {"guild_id": str(guild_id), "members": members,
                                 "chunk_index": 0, "chunk_count": 1}
        if d.get("nonce") is not None:
            chunk["nonce"] = d["nonce"]
        async with self._lock:
            await self._send(conn.session, conn.session.next_frame("GUILD_MEMBERS_CHUNK", chunk))

    # -- faults -----------------------------------------------------------------------------
    async def drop(self, *, code: int = 4000, hold: bool = False) -> None:
        """Close every connection with a resumable code; with `hold`, stall new connections
        until `release()` (so events pile up in the sessions' logs)."""
        if hold:
            self._open.clear()
        for conn in list(self.connections):
            await conn.close(code, "local Discord: dropped")

    def release(self) -> None:
        self._open.set()

    async def reconnect(self) -> None:
        """op 7: each client closes and resumes on its own."""
        await self._to_connected({"op": RECONNECT, "d": None})

    async def invalidate(self, *, resumable: bool = False) -> None:
        """op 9: `d: false` ends the sessions (the clients identify again)."""
        await self._to_connected({"op": INVALID_SESSION, "d": resumable})
        if not resumable:
            for session in self.live:
                self.end(session)

    async def request_heartbeat(self) -> None:
        """op 1: Discord asks for a heartbeat now."""
        await self._to_connected({"op": HEARTBEAT, "d": None})

    async def _to_connected(self, frame: dict[str, Any]) -> None:
        async with self._lock:
            for conn in list(self.connections):
                if conn.session is not None:
                    await conn.send(frame)

    async def close_all(self) -> None:
        self._open.set()
        for conn in list(self.connections):
            await conn.close(1001, "local Discord shutting down")

    async def reset(self) -> None:
        """No connection, no session, counters at zero."""
        await self.close_all()
        for session in self.sessions.values():
            session.keep()
        self.sessions.clear()
        self.unsupported.clear()
        self.identifies = self.resumes = self.replayed = 0

    # -- the websocket handler ---------------------------------------------------------------
    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True, max_msg_size=4 * 1024 * 1024)
        await ws.prepare(request)
        try:
            options = Options.from_query(dict(request.query))
        except Refused as refused:
            await ws.close(code=refused.code, message=refused.reason.encode())
            return ws
        except NotImplementedError as missing:
            self.report_unsupported(str(missing))
            await ws.close(code=4000, message=f"local Discord: {missing} is not "
                           "implemented".encode()[:120])
            return ws
        conn = Connection(self, ws, Encoder(options.compress))
        self.connections.add(conn)
        try:
            await self._open.wait()
            if not ws.closed:
                await conn.serve(self.heartbeat_interval_ms)
        finally:
            self.connections.discard(conn)
            self._disconnected(conn)
        return ws

    def _disconnected(self, conn: Connection) -> None:
        session = conn.session
        if session is None or session.connection is not conn:
            return
        session.connection = None
        self.on_session_change()
        # A client that closes with 1000/1001 ends its session (Discord: not resumable).
        if not conn.closed_by_server and conn.ws.close_code in (1000, 1001):
            self.end(session)
            return
        session.expiry = asyncio.get_running_loop().call_later(
            self.resume_window, self._expire, session)

    def _expire(self, session: Session) -> None:
        if not session.connected:
            self.end(session)


def _shard(raw: Any) -> tuple[int, int]:
    if raw is None:
        return (0, 1)
    ok = (isinstance(raw, list) and len(raw) == 2 and all(
        isinstance(x, int) and not isinstance(x, bool) for x in raw)
        and raw[1] >= 1 and 0 <= raw[0] < raw[1])
    if not ok:
        raise Refused(4010, "Invalid shard.")
    return (raw[0], raw[1])
