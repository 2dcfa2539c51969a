"""A client of the control API: over HTTP to a local Discord in another process, or straight
to one in this process (the same operations, with arguments and answers passed through JSON
exactly as over HTTP, so both behave alike).

    control = Control.connect(info["control_url"])        # or Control.in_process(local)
    ada = control.member("ada")
    message = await ada.say("lessons", "Hello")            # Discord's message JSON
    result = await control.member("mod").slash("lesson post")
    await control.move_clock(advance=3600)

Every route of `routes.py` is a method of the same name taking keyword arguments
(`await control.add_fault(kind="hold", route="POST /channels/*/threads")`); `member(name)`
gives the member routes with positional arguments in their natural order.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import quote

import aiohttp

from localdiscord.control.base import ControlError
from localdiscord.control.routes import BY_NAME, Route
from localdiscord.errors import DiscordError

if TYPE_CHECKING:
    from localdiscord.app import LocalDiscord


class Transport(Protocol):
    async def call(self, route: Route, path: dict[str, str], query: dict[str, str],
                   body: dict[str, Any] | None) -> Any: ...

    async def close(self) -> None: ...


class InProcess:
    """Calls the operations of a local Discord in this process."""

    def __init__(self, local: LocalDiscord) -> None:
        self._api = local.control

    async def call(self, route: Route, path: dict[str, str], query: dict[str, str],
                   body: dict[str, Any] | None) -> Any:
        sent = json.loads(json.dumps(body or {}))  # what would travel as the JSON body
        args: dict[str, Any] = {**path, **query, **sent}
        return json.loads(json.dumps(await self._api.call(route.name, args)))

    async def close(self) -> None:
        return None


class Http:
    """Calls a local Discord's control API at `base_url` (its `control_url`)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self._session: aiohttp.ClientSession | None = None

    async def call(self, route: Route, path: dict[str, str], query: dict[str, str],
                   body: dict[str, Any] | None) -> Any:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        url = self.base_url + route.path.format(**{k: quote(v, safe="") for k, v in path.items()})
        async with self._session.request(route.method, url, params=query,
                                         json=body) as response:
            data = await response.json(content_type=None)
        if response.status == 200:
            return data
        if isinstance(data, dict) and data.get("discord"):
            raise DiscordError(response.status, int(data.get("code") or 0),
                               str(data.get("message")), data.get("errors"))
        error = data.get("error") if isinstance(data, dict) else data
        raise ControlError(response.status, str(error))

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


class Control:
    def __init__(self, transport: Transport) -> None:
        self.transport = transport

    @classmethod
    def connect(cls, control_url: str) -> Control:
        return cls(Http(control_url))

    @classmethod
    def in_process(cls, local: LocalDiscord) -> Control:
        return cls(InProcess(local))

    async def close(self) -> None:
        await self.transport.close()

    async def call(self, operation: str, /, **args: Any) -> Any:
        route = BY_NAME[operation]
        names = _path_names(route)
        missing = [n for n in names if args.get(n) is None]
        if missing:
            raise TypeError(f"{operation} needs {', '.join(missing)}")
        path = {n: str(args.pop(n)) for n in names}
        given = {k: v for k, v in args.items() if v is not None}
        if route.in_query:
            return await self.transport.call(route, path, {k: _query(v) for k, v in
                                                           given.items()}, None)
        return await self.transport.call(route, path, {}, given)

    def __getattr__(self, name: str) -> Callable[..., Awaitable[Any]]:
        if name not in BY_NAME:
            raise AttributeError(f"the control API has no operation {name!r}")

        async def operation(**args: Any) -> Any:
            return await self.call(name, **args)

        return operation

    def member(self, name: str) -> Member:
        return Member(self, name)

    async def wait_until(self, condition: Callable[[], Awaitable[bool]],
                         within: float = 30.0) -> bool:
        """Wait, without polling, until `condition()` holds: it is checked again after each
        change the local Discord records (messages, threads, interactions, the bot's
        session, its requests). False if `within` seconds pass first."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        cursor = (await self.status())["journal"]
        while not await condition():
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            cursor = (await self.changes(since=cursor, wait=min(remaining, 5.0)))["cursor"]
        return True

    async def quiet(self, period: float = 0.5, within: float = 30.0) -> bool:
        """Wait until nothing has changed for `period` seconds and no request is in flight:
        how a client in another process tells that a bot it cannot see into is idle, when
        it cannot name what it waits for. False if `within` seconds pass first."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        cursor = (await self.status())["journal"]
        while loop.time() < deadline:
            after = (await self.changes(since=cursor, wait=period))["cursor"]
            if after == cursor and (await self.status())["in_flight"] == 0:
                return True
            cursor = after
        return False


class Member:
    """The member routes for one member, arguments in their natural order."""

    def __init__(self, control: Control, name: str) -> None:
        self.control = control
        self.name = name

    async def _call(self, operation: str, **args: Any) -> Any:
        return await self.control.call(operation, member=self.name, **args)

    async def say(self, channel: Any, content: str = "", **kw: Any) -> dict[str, Any]:
        """Post (`reply_to=`, `attachments=[{filename, content}]`, `embeds=`)."""
        return await self._call("say", channel=channel, content=content, **kw)

    async def dm(self, content: str = "", **kw: Any) -> dict[str, Any]:
        return await self._call("dm", content=content, **kw)

    async def edit(self, message: Any, content: str) -> dict[str, Any]:
        return await self._call("edit", message=_id(message), content=content)

    async def delete(self, message: Any) -> None:
        await self._call("delete", message=_id(message))

    async def react(self, message: Any, emoji: str) -> None:
        await self._call("react", message=_id(message), emoji=emoji)

    async def unreact(self, message: Any, emoji: str) -> None:
        await self._call("unreact", message=_id(message), emoji=emoji)

    async def clear_reactions(self, message: Any, emoji: str | None = None) -> None:
        """As a moderator: all of the message's reactions, or all of `emoji`."""
        await self._call("clear_reactions", message=_id(message), emoji=emoji)

    async def start_thread(self, channel: Any, name: str, **kw: Any) -> dict[str, Any]:
        """A thread (`message=` to start it from a message; `content=` for a forum post)."""
        if "message" in kw:
            kw["message"] = _id(kw["message"])
        return await self._call("start_thread", channel=channel, name=name, **kw)

    async def slash(self, command: str, options: dict[str, Any] | None = None,
                    **kw: Any) -> dict[str, Any]:
        """A slash command (`channel=`, `dm=True`); the interaction as the local Discord saw
        it: `callback_type`, `response`, `followups`, `modal`, `failed`..."""
        return await self._call("slash", command=command, options=options, **kw)

    async def autocomplete(self, command: str, focused: str,
                           options: dict[str, Any] | None = None, **kw: Any) -> dict[str, Any]:
        return await self._call("autocomplete", command=command, focused=focused,
                                options=options, **kw)

    async def click(self, message: Any, custom_id: str) -> dict[str, Any]:
        return await self._call("click", message=_id(message), custom_id=custom_id)

    async def select(self, message: Any, custom_id: str, values: list[str]) -> dict[str, Any]:
        return await self._call("select", message=_id(message), custom_id=custom_id,
                                values=values)

    async def submit_modal(self, interaction: Any, values: dict[str, Any]) -> dict[str, Any]:
        return await self._call("submit_modal", interaction=_id(interaction), values=values)

    async def dms(self) -> list[dict[str, Any]]:
        return await self._call("dms")


def _id(ref: Any) -> Any:
    """A message or interaction given as its JSON object or its id."""
    return ref["id"] if isinstance(ref, dict) else ref


def _path_names(route: Route) -> list[str]:
    return [part[1:-1] for part in route.path.split("/") if part.startswith("{")]


def _query(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
