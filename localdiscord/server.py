"""The local Discord's HTTP server: REST under /api/v10, the gateway at /gateway.

Every REST request passes one middleware that, in order: parses the body (JSON, or multipart
`payload_json` + `files[n]`; invalid JSON is answered 400 50109), validates it against the
OpenAPI spec (a violation is always recorded, even when the request then gets a 401, a 429 or
a fault), checks the bot token (401), counts it against its rate-limit bucket (429 when
over), fires any pending fault, answers a violation 400, runs the handler, and validates the
answer against the spec's response schema. A route Discord has but the local Discord lacks is
answered 404 and recorded in `unsupported`. Every request, the invalid-JSON ones too, is kept
in `requests` and, once answered, appended to the request log (`request_log`, or
$COHORTBOT_SANDBOX_REQUEST_LOG) as one JSON line {"method", "path", "query", "json",
"status", "files": [{"name", "size"}]}. It also counts requests in flight, so a harness can
tell when the bot is idle.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import BodyPartReader, web

from localdiscord import errors, limits, payloads, rest_app, rest_channels, rest_interactions
from localdiscord.actions import Actions, UploadedFile
from localdiscord.context import FILES_KEY, JSON_KEY, Context, reply
from localdiscord.faults import Fault, Faults
from localdiscord.gateway import Gateway, Session
from localdiscord.interactions import InteractionStore
from localdiscord.openapi import API_PREFIX, SpecValidator
from localdiscord.ratelimits import RateLimits
from localdiscord.state import World

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
REQUEST_LOG_ENV = "COHORTBOT_SANDBOX_REQUEST_LOG"


@dataclass
class Violation:
    """A request (or a local Discord answer) that Discord's OpenAPI spec rejects."""

    kind: str  # "request" or "response"
    method: str
    path: str
    query: dict[str, str]
    body: Any
    error: str

    def __str__(self) -> str:
        return f"{self.kind} {self.method} {self.path}: {self.error}"


@dataclass
class LoggedRequest:
    method: str
    path: str
    query: dict[str, str]
    json: Any
    files: list[UploadedFile]
    status: int = 0

    def line(self) -> dict[str, Any]:
        """The request log's JSON line."""
        return {"method": self.method, "path": self.path, "query": self.query,
                "json": self.json, "status": self.status,
                "files": [{"name": f.filename, "size": len(f.data)} for f in self.files]}


class SandboxServer:
    def __init__(
        self, world: World, validator: SpecValidator, *, rate_limits: RateLimits | None = None,
        request_log: Path | None = None,
    ) -> None:
        self.world = world
        self.validator = validator
        self.faults = Faults()
        self.rate_limits = rate_limits or RateLimits()
        self.interactions = InteractionStore(world)
        self.gateway = Gateway(
            token=lambda: world.token, ready=self._ready_events, members=self._members,
            application_flags=lambda: payloads.application_flags(world),
        )
        self.gateway.bot_user_id = world.bot.id
        self.gateway.on_session_change = lambda: world.journal.record("session", 0)
        self.actions = Actions(world, self.gateway, lambda: self.base_url)
        self.ctx = Context(world, self.actions, self.interactions)
        self.violations: list[Violation] = []
        self.requests: list[LoggedRequest] = []
        self.in_flight = 0
        # What a client used that Discord has and the local Discord lacks ("GET /x", or a
        # gateway feature such as "encoding=etf").
        self.unsupported: list[str] = self.gateway.unsupported
        self.base_url = ""
        self._runner: web.AppRunner | None = None
        log_path = request_log or os.environ.get(REQUEST_LOG_ENV)
        self._log_path = Path(log_path) if log_path else None
        self.extra_routes: list[web.RouteDef] = []  # the control API mounts itself here

    # -- lifecycle -------------------------------------------------------------------------
    def make_app(self) -> web.Application:
        app = web.Application(middlewares=[self._middleware], client_max_size=64 * 1024 * 1024)
        api = web.Application()
        api.add_routes(rest_app.routes(self.ctx))
        api.add_routes(rest_channels.routes(self.ctx))
        api.add_routes(rest_interactions.routes(self.ctx))
        app.add_subapp(API_PREFIX, api)
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_get("/gateway/", self.gateway.handle)
        # Any name (aiohttp's default pattern refuses braces; a quoted "/" comes back as one).
        app.router.add_get("/attachments/{attachment_id}/{filename:.+}", self._attachment)
        app.add_routes(self.extra_routes)
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._runner = web.AppRunner(self.make_app(), handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        server = site._server
        assert server is not None
        port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        self.base_url = f"http://{host}:{port}"
        self.gateway.url = f"ws://{host}:{port}/gateway"

    async def stop(self) -> None:
        self.interactions.close()
        self.faults.release()
        await self.gateway.close_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def reset(self) -> None:
        """Forget every request, violation, fault, interaction and session (the world is
        reset by its owner)."""
        self.faults.reset()
        self.rate_limits.reset()
        self.interactions.reset()
        await self.gateway.reset()
        self.violations.clear()
        self.requests.clear()
        self.actions.upload_limit = limits.UPLOAD_LIMIT

    @property
    def api_url(self) -> str:
        return self.base_url + API_PREFIX

    # -- gateway session start --------------------------------------------------------------
    def _ready_events(self, session: Session) -> list[tuple[str, dict[str, Any]]]:
        shard_id, count = session.shard
        joined = [g for g in self.world.guilds.values()
                  if g.bot_joined and (g.id >> 22) % count == shard_id]
        ready = {
            "v": 10,
            "user": payloads.own_user(self.world),
            "guilds": [{"id": str(g.id), "unavailable": True} for g in joined],
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": ["local"],
            "session_type": "normal",
            "user_settings": {},
            "application": {"id": str(self.world.application_id),
                            "flags": payloads.application_flags(self.world)},
            "_trace": ["localdiscord"],
        }
        events: list[tuple[str, dict[str, Any]]] = [("READY", ready)]
        events += [("GUILD_CREATE", payloads.guild_create(self.world, g)) for g in joined]
        return events

    def _members(self, guild_id: int) -> list[dict[str, Any]]:
        guild = self.world.guilds.get(guild_id)
        if guild is None or not guild.bot_joined:
            return []
        return [payloads.member(self.world, guild, uid) for uid in guild.members]

    # -- the middleware ---------------------------------------------------------------------
    @web.middleware
    async def _middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.startswith(API_PREFIX + "/"):
            return await handler(request)
        self.in_flight += 1
        try:
            response = await self._handle_rest(request, handler)
            response.headers.setdefault("Via", "1.1 google")  # as Discord's answers carry
            return response
        finally:
            self.in_flight -= 1

    async def _handle_rest(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        method = request.method
        api_path = request.raw_path.split("?", 1)[0][len(API_PREFIX):]
        query = dict(request.query)
        entry = LoggedRequest(method, api_path, query, None, [])
        self.requests.append(entry)
        try:
            response = await self._answer(request, handler, entry)
            entry.status = response.status
            return response
        except BaseException:
            entry.status = entry.status or 500
            raise
        finally:
            self._append_log(entry)  # after handling, so the line has the status
            self.world.journal.record("request", len(self.requests) - 1)

    async def _answer(
        self, request: web.Request, handler: Handler, entry: LoggedRequest
    ) -> web.StreamResponse:
        method, api_path, query = entry.method, entry.path, entry.query
        try:
            body, files = await _read_body(request)
        except ValueError as exc:
            text = f"The request body contains invalid JSON ({exc})"
            return reply({"code": 50109, "message": text}, 400)
        request[JSON_KEY], request[FILES_KEY] = body, files
        entry.json, entry.files = body, files

        # Validate first, so a request answered 401, 429 or with a fault is still checked.
        headers = dict(request.headers)
        full_path = API_PREFIX + api_path
        problem = self.validator.validate_request(method, full_path, query, headers, body)
        if problem is not None:
            self.violations.append(Violation("request", method, api_path, query, body, problem))
            log.error("OpenAPI violation: %s %s: %s", method, api_path, problem)

        # Interaction callbacks and webhooks authenticate by the token in their URL.
        token_in_url = api_path.startswith(("/interactions/", "/webhooks/"))
        auth = request.headers.get("Authorization", "")
        if not token_in_url and auth != f"Bot {self.world.token}":
            return reply({"message": "401: Unauthorized", "code": 0}, 401)

        template, params = _route(request)
        verdict = self.rate_limits.check(method, template, params) if template else None
        if verdict is not None and not verdict.allowed:
            return _with_headers(reply(verdict.body(), 429), verdict.headers)
        rate_headers = verdict.headers if verdict is not None else {}

        fault = self.faults.take(method, api_path)
        if fault is not None and fault.kind == "answer":
            return _with_headers(reply(fault.body, fault.status), fault.headers)

        if problem is not None:
            return reply(
                {"code": 50035, "message": "Invalid Form Body (local Discord: does not match "
                 "Discord's OpenAPI spec)", "errors": {"_errors": [{"code": "OPENAPI",
                 "message": problem[:2000]}]}},
                400,
            )
        response, implemented = await self._handle(request, handler, fault)
        if implemented:
            self._check_response(method, full_path, query, headers, body, response)
        return _with_headers(response, rate_headers)

    async def _handle(
        self, request: web.Request, handler: Handler, fault: Fault | None
    ) -> tuple[web.StreamResponse, bool]:
        """The handler's answer, and False if the local Discord lacks the route."""
        method = request.method
        api_path = request.raw_path.split("?", 1)[0][len(API_PREFIX):]
        if fault is not None and fault.kind == "latency":
            await asyncio.sleep(fault.seconds)
        if fault is not None and fault.kind == "hold" and not fault.after:
            await self.faults.wait_released(fault, method, api_path, handled=False)
        implemented = True
        try:
            response = await handler(request)
        except errors.DiscordError as exc:
            response = reply(exc.body(), exc.status)
        except (web.HTTPNotFound, web.HTTPMethodNotAllowed):
            # In Discord's API (the spec accepted it) but not here: say so loudly.
            self.gateway.report_unsupported(f"{method} {api_path}")
            response = reply({"message": "404: Not Found (not implemented by the local "
                              "Discord)", "code": 0}, 404)
            implemented = False
        if fault is not None and fault.kind == "hold" and fault.after:
            await self.faults.wait_released(fault, method, api_path, handled=True)
        return response, implemented

    def _check_response(
        self, method: str, full_path: str, query: dict[str, str], headers: dict[str, str],
        body: Any, response: web.StreamResponse,
    ) -> None:
        if not isinstance(response, web.Response):
            return
        data = json.loads(response.body) if isinstance(response.body, bytes) else None
        problem = self.validator.validate_response(
            method, full_path, query, headers, body, response.status, data
        )
        if problem is not None:
            api_path = full_path[len(API_PREFIX):]
            self.violations.append(Violation("response", method, api_path, query, data, problem))
            log.error("local Discord answer violates the spec: %s %s: %s", method, api_path,
                      problem)

    def _append_log(self, entry: LoggedRequest) -> None:
        if self._log_path is None:
            return
        with self._log_path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry.line()) + "\n")

    async def _attachment(self, request: web.Request) -> web.Response:
        """The CDN: attachment URLs in messages point here (discord.py's Attachment.read())."""
        att = self.world.find_attachment(int(request.match_info["attachment_id"]))
        if att is None:
            raise web.HTTPNotFound()
        ctype = att.content_type or "application/octet-stream"
        return web.Response(body=att.data, content_type=ctype)


def _route(request: web.Request) -> tuple[str | None, dict[str, str]]:
    """The matched route's template without the API prefix (None if no route matched), and
    its parameters."""
    route = request.match_info.route
    resource = getattr(route, "resource", None)
    if resource is None or not request.match_info:
        return None, {}
    template = resource.canonical
    if template.startswith(API_PREFIX):
        template = template[len(API_PREFIX):]
    return template, dict(request.match_info)


def _with_headers(response: web.StreamResponse, headers: dict[str, str]) -> web.StreamResponse:
    response.headers.update(headers)
    return response


async def _read_body(request: web.Request) -> tuple[Any, list[UploadedFile]]:
    """JSON body, or multipart `payload_json` + `files[n]` (discord.py's upload format)."""
    if not request.body_exists:
        return None, []
    ctype = request.content_type
    if ctype.startswith("multipart/"):
        payload: Any = None
        files: list[UploadedFile] = []
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader):
                continue  # nested multipart: discord.py never sends one
            name = part.name or ""
            data = await part.read()
            if name == "payload_json":
                payload = json.loads(data)
            elif name.startswith("files[") and name.endswith("]"):
                files.append(
                    UploadedFile(
                        int(name[6:-1]), part.filename or name, bytes(data),
                        part.headers.get("Content-Type"),
                    )
                )
        return payload, files
    raw = await request.read()
    if not raw:
        return None, []
    return json.loads(raw), []
