"""The control API: everything a test or a person does to a local Discord, over HTTP (JSON).

Act as a member (post, reply, edit, delete, DM, react, threads, slash commands with options,
autocomplete, buttons, selects, modal submits); read channels, threads, messages, DMs and
interactions; build the world (guilds, channels, roles, members, permission overwrites,
closed DMs, privileged intents); move the world clock; inject faults (error answers, 429s,
5xx, latency, held answers, gateway drops); read the request log, the OpenAPI violations and
what the local Discord does not implement. `docs/localdiscord.md` documents each route.

Members, channels, roles and guilds are named by id or by name (`ada`, `lessons` or
`#lessons`; of two threads with one name, the newest). A refusal Discord would give (a post
in a locked thread, a member deleting another's message) is answered with Discord's status
and error body plus `"discord": true`; a call that names nothing that exists, or that is
malformed, is answered 404 or 400 with `{"error": "..."}`.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from localdiscord import errors
from localdiscord.clock import WorldClock
from localdiscord.control.base import ControlError
from localdiscord.control.fault_ops import FaultOperations
from localdiscord.control.member_ops import MemberOperations
from localdiscord.control.read_ops import ReadOperations
from localdiscord.control.routes import CLOCK_FOLLOW, ROUTES, Route
from localdiscord.control.world_ops import WorldOperations

if TYPE_CHECKING:
    from localdiscord.app import LocalDiscord

log = logging.getLogger(__name__)

FOLLOW_ACK_TIMEOUT = 60.0  # seconds a clock follower has to take a move


class _Follower:
    """A bot process following the world clock over a websocket."""

    def __init__(self, ws: web.WebSocketResponse) -> None:
        self.ws = ws
        self.acked = 0
        self.next_wake: datetime | None = None  # as of its latest answer
        self.gone = False  # its connection ended (a bot killed mid-move answers nothing)
        self._changed = asyncio.Condition()

    async def ack(self, move: int, next_wake: datetime | None) -> None:
        async with self._changed:
            if move > self.acked:
                self.acked, self.next_wake = move, next_wake
            self._changed.notify_all()

    async def leave(self) -> None:
        async with self._changed:
            self.gone = True
            self._changed.notify_all()

    async def wait_ack(self, move: int) -> bool:
        """True once it took move `move`; False if it left or did not answer in time."""
        async with self._changed:
            try:
                await asyncio.wait_for(
                    self._changed.wait_for(lambda: self.acked >= move or self.gone),
                    FOLLOW_ACK_TIMEOUT)
            except TimeoutError:
                return False
        return self.acked >= move


class ControlAPI(WorldOperations, MemberOperations, ReadOperations, FaultOperations):
    """Every operation of the control API, and its HTTP routes."""

    def __init__(self, local: LocalDiscord) -> None:
        super().__init__(local)
        self._followers: set[_Follower] = set()
        self._moves = 0
        if isinstance(local.clock, WorldClock):
            local.clock.on_move(self._push_move, wake=self._next_wake)

    # -- plumbing ---------------------------------------------------------------------------
    def routes(self, prefix: str) -> list[web.RouteDef]:
        defs = [web.route(r.method, prefix + r.path, self._handler(r)) for r in ROUTES]
        defs.append(web.get(prefix + CLOCK_FOLLOW, self._follow))
        return defs

    async def call(self, name: str, args: dict[str, Any]) -> Any:
        """Run one operation with its arguments (as they arrive from JSON or a query)."""
        operation = getattr(self, name)
        accepted = inspect.signature(operation).parameters
        unknown = sorted(set(args) - set(accepted))
        if unknown:
            raise ControlError(400, f"{name} takes {', '.join(accepted) or 'nothing'}; "
                                    f"not {', '.join(unknown)}")
        try:
            return await operation(**args)
        except LookupError as exc:
            raise ControlError(404, str(exc).strip("'\"")) from None
        except (ValueError, TypeError) as exc:
            raise ControlError(400, str(exc)) from None

    def _handler(self, route: Route) -> Any:
        async def handle(request: web.Request) -> web.Response:
            args: dict[str, Any] = dict(request.match_info)
            if route.in_query:
                args.update(request.query)
            elif request.body_exists:
                try:
                    body = await request.json()
                except ValueError:
                    return _json({"error": "the body is not JSON"}, 400)
                if not isinstance(body, dict):
                    return _json({"error": "the body must be a JSON object"}, 400)
                args.update(body)
            try:
                return _json(await self.call(route.name, args))
            except ControlError as exc:
                return _json({"error": exc.message}, exc.status)
            except errors.DiscordError as exc:
                return _json({**exc.body(), "discord": True}, exc.status)

        return handle

    async def close(self) -> None:
        for follower in list(self._followers):
            await follower.ws.close()

    # -- the world clock's followers -----------------------------------------------------------
    async def _follow(self, request: web.Request) -> web.WebSocketResponse:
        """A websocket that sends each move of the world clock as {"move": n, "now"} and
        waits for {"ack": n} before the move counts as done; before a move it asks
        {"ask": n} where the follower next has work. Each answer says it:
        {"ack": n, "next": ISO or null}."""
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        follower = _Follower(ws)
        self._followers.add(follower)
        try:
            await ws.send_json({"move": self._moves, "now": self.local.clock.now().isoformat()})
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    data = json.loads(msg.data)
                    if isinstance(data, dict) and isinstance(data.get("ack"), int):
                        wake = data.get("next")
                        await follower.ack(data["ack"], datetime.fromisoformat(wake)
                                           if isinstance(wake, str) else None)
        finally:
            self._followers.discard(follower)
            await follower.leave()
        return ws

    async def _push_move(self, now: datetime) -> None:
        await self._round("move", now=now.isoformat())

    async def _next_wake(self) -> datetime | None:
        answered = await self._round("ask")
        return min((f.next_wake for f in answered if f.next_wake is not None), default=None)

    async def _round(self, kind: str, **fields: Any) -> list[_Follower]:
        """Send every follower {kind: n, **fields}; the followers that answered in time."""
        self._moves += 1
        number = self._moves
        followers = [f for f in self._followers if not f.ws.closed]
        for follower in followers:
            await follower.ws.send_json({kind: number, **fields})
        answered = []
        for follower in followers:
            if follower.ws.closed:
                continue
            if await follower.wait_ack(number):
                answered.append(follower)
            elif not follower.gone:
                log.warning("a clock follower did not answer %s %d within %s s", kind, number,
                            FOLLOW_ACK_TIMEOUT)
        return answered


def _json(data: Any, status: int = 200) -> web.Response:
    return web.Response(status=status, body=json.dumps(data).encode(),
                        headers={"Content-Type": "application/json"})
