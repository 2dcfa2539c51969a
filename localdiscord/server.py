"""The local Discord's HTTP server: REST under /api/v10, the gateway at /gateway.

Every REST request passes one middleware that, in order: parses the body (JSON, or multipart
`payload_json` + `files[n]`; invalid JSON is answered 400 50109), validates it against the
OpenAPI spec (a violation is always recorded, even when the request then gets a 401 or a
fault), checks the bot token (401), fires any pending fault, answers a violation 400, runs the
handler, and validates the answer against the spec's response schema. Every request, the
invalid-JSON ones too, is kept in `requests` and, once answered, appended to the request log
($COHORTBOT_SANDBOX_REQUEST_LOG) as one JSON line {"method", "path", "query", "json", "status",
"files": [{"name", "size"}]}.
It also counts requests in flight, so the harness can tell when the bot is idle.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import BodyPartReader, web

from localdiscord import errors, payloads, rest_app, rest_channels, rest_interactions
from localdiscord.actions import Actions, UploadedFile
from localdiscord.context import FILES_KEY, JSON_KEY, Context, reply
from localdiscord.faults import Faults
from localdiscord.gateway import Gateway
from localdiscord.interactions import InteractionStore
from localdiscord.openapi import API_PREFIX, SpecValidator
from localdiscord.state import World

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class Violation:
    """A request (or a sandbox answer) that Discord's OpenAPI spec rejects."""

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


class SandboxServer:
    def __init__(self, world: World, validator: SpecValidator) -> None:
        self.world = world
        self.validator = validator
        self.faults = Faults()
        self.interactions = InteractionStore(now=lambda: world.now())
        self.gateway = Gateway(token=world.token, on_identify=self._identify_events)
        self.gateway.bot_user_id = world.bot.id
        self.actions = Actions(world, self.gateway, lambda: self.base_url)
        self.ctx = Context(world, self.actions, self.interactions)
        self.violations: list[Violation] = []
        self.requests: list[LoggedRequest] = []
        self.in_flight = 0
        self.unsupported: list[tuple[str, str]] = []  # (method, path) the bot used, we lack
        self.base_url = ""
        self._runner: web.AppRunner | None = None
        self._log_path = os.environ.get("COHORTBOT_SANDBOX_REQUEST_LOG")

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
        app.router.add_get("/attachments/{attachment_id}/{filename}", self._attachment)
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
        await self.gateway.close_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def api_url(self) -> str:
        return self.base_url + API_PREFIX

    # -- gateway session start --------------------------------------------------------------
    def _identify_events(self) -> list[tuple[str, dict[str, Any]]]:
        joined = [g for g in self.world.guilds.values() if g.bot_joined]
        ready = {
            "v": 10,
            "user": payloads.user(self.world.bot),
            "guilds": [{"id": str(g.id), "unavailable": True} for g in joined],
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "application": {"id": str(self.world.application_id), "flags": 0},
        }
        events: list[tuple[str, dict[str, Any]]] = [("READY", ready)]
        events += [("GUILD_CREATE", payloads.guild_create(self.world, g)) for g in joined]
        return events

    # -- the middleware ---------------------------------------------------------------------
    @web.middleware
    async def _middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.startswith(API_PREFIX + "/"):
            return await handler(request)
        self.in_flight += 1
        try:
            return await self._handle_rest(request, handler)
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

        # Validate first, so a request answered 401 or with a fault is still checked.
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

        fault = self.faults.take(method, api_path)
        if fault is not None:
            resp = reply(fault.body, fault.status)
            resp.headers.update(fault.headers)
            return resp

        if problem is not None:
            return reply(
                {"code": 50035, "message": "Invalid Form Body (sandbox: does not match "
                 "Discord's OpenAPI spec)", "errors": {"_errors": [{"code": "OPENAPI",
                 "message": problem[:2000]}]}},
                400,
            )

        try:
            response = await handler(request)
        except errors.DiscordError as exc:
            response = reply(exc.body(), exc.status)
        except (web.HTTPNotFound, web.HTTPMethodNotAllowed) as exc:
            # In Discord's API (the spec accepted it) but not in the sandbox: say so loudly.
            log.warning("the sandbox does not implement %s %s", method, api_path)
            self.unsupported.append((method, api_path))
            response = reply({"message": f"{exc.status}: {exc.reason}", "code": 0}, exc.status)
        self._check_response(method, full_path, query, headers, body, response)
        return response

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
            log.error("sandbox answer violates the spec: %s %s: %s", method, api_path, problem)

    def _append_log(self, entry: LoggedRequest) -> None:
        if not self._log_path:
            return
        line = {
            "method": entry.method, "path": entry.path, "query": entry.query, "json": entry.json,
            "status": entry.status,
            "files": [{"name": f.filename, "size": len(f.data)} for f in entry.files],
        }
        with open(self._log_path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(line) + "\n")

    async def _attachment(self, request: web.Request) -> web.Response:
        """The CDN: attachment URLs in messages point here (discord.py's Attachment.read())."""
        att = self.world.find_attachment(int(request.match_info["attachment_id"]))
        if att is None:
            raise web.HTTPNotFound()
        ctype = att.content_type or "application/octet-stream"
        return web.Response(body=att.data, content_type=ctype)


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
