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
import base64
import inspect
import json
import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from localdiscord import errors
from localdiscord.clock import MovableClock, WorldClock
from localdiscord.control import views
from localdiscord.control.routes import CLOCK_FOLLOW, ROUTES, Route
from localdiscord.faults import Fault
from localdiscord.interactions import InteractionRecord
from localdiscord.state import (
    GUILD_CATEGORY,
    GUILD_FORUM,
    GUILD_TEXT,
    Channel,
    Guild,
    Message,
    Overwrite,
    Role,
    User,
    next_id,
)

if TYPE_CHECKING:
    from localdiscord.app import LocalDiscord

log = logging.getLogger(__name__)

FOLLOW_ACK_TIMEOUT = 60.0  # seconds a clock follower has to take a move
CHANNEL_TYPES = {"text": GUILD_TEXT, "forum": GUILD_FORUM, "category": GUILD_CATEGORY}
FAULT_KINDS = ("error", "rate_limit", "server_error", "latency", "hold")
_TRUE = ("1", "true", "yes", "on")


class ControlError(Exception):
    """A control call that names nothing that exists (404) or is malformed (400)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def flag(value: Any) -> bool:
    """A boolean argument, from JSON or from a query string."""
    return value is True or str(value).lower() in _TRUE


class _Follower:
    """A bot process following the world clock over a websocket."""

    def __init__(self, ws: web.WebSocketResponse) -> None:
        self.ws = ws
        self.acked = 0
        self._changed = asyncio.Condition()

    async def ack(self, move: int) -> None:
        async with self._changed:
            self.acked = max(self.acked, move)
            self._changed.notify_all()

    async def wait_ack(self, move: int) -> bool:
        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(lambda: self.acked >= move),
                                       FOLLOW_ACK_TIMEOUT)
            except TimeoutError:
                return False
        return True


class ControlAPI:
    def __init__(self, local: LocalDiscord) -> None:
        self.local = local
        self.world = local.world
        self.server = local.server
        self.acting = local.acting
        self._followers: set[_Follower] = set()
        self._moves = 0
        if isinstance(local.clock, WorldClock):
            local.clock.on_move(self._push_move)

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

    # -- names -------------------------------------------------------------------------------
    def _guild(self, ref: Any) -> Guild:
        for guild in self.world.guilds.values():
            if str(ref) in (str(guild.id), guild.name):
                return guild
        names = ", ".join(g.name for g in self.world.guilds.values()) or "none"
        raise LookupError(f"no guild {ref!r}; guilds: {names}")

    def _member(self, ref: Any) -> tuple[User, Guild | None]:
        try:
            uid = self.acting.user_id(ref)
        except LookupError:
            names = ", ".join(sorted({self.world.users[u].username for g in
                                      self.world.guilds.values() for u in g.members}))
            raise LookupError(f"no member {ref!r}; members: {names or 'none'}") from None
        guild = next((g for g in self.world.guilds.values() if uid in g.members), None)
        return self.world.users[uid], guild

    def _channel(self, ref: Any, guild: Guild | None = None) -> Channel:
        if isinstance(ref, str) and ref.startswith("dm:"):
            user, _ = self._member(ref[3:])
            return self.world.dm_channel(user.id)
        return self.acting.channel(ref, guild)

    def _message(self, ref: Any) -> Message:
        msg = self.world.messages.get(int(ref))
        if msg is None:
            raise LookupError(f"no message {ref}")
        return msg

    def _live_message(self, ref: Any) -> Message:
        msg = self._message(ref)
        if msg.deleted:
            raise LookupError(f"message {ref} was deleted")
        return msg

    def _record(self, ref: Any) -> InteractionRecord:
        rec = self.server.interactions.by_id(int(ref))
        if rec is None:
            raise LookupError(f"no interaction {ref}")
        return rec

    def _msg(self, msg: Message) -> dict[str, Any]:
        return views.message(self.world, msg, self.server.base_url)

    def _interaction(self, rec: InteractionRecord) -> dict[str, Any]:
        return views.interaction(self.world, rec, self.server.base_url)

    # -- the world and its clock ---------------------------------------------------------------
    async def info(self) -> dict[str, Any]:
        return self.local.info()

    async def status(self) -> dict[str, Any]:
        return {**self.local.status(), "requests": len(self.server.requests),
                "journal": self.world.journal.cursor}

    async def clock(self) -> dict[str, Any]:
        return {"now": self.local.clock.now().isoformat()}

    async def move_clock(self, advance: Any = None, to: Any = None) -> dict[str, Any]:
        """Move the world clock forward by `advance` seconds or `to` an ISO time (UTC unless
        it has an offset); returns once every clock follower has taken the move."""
        clock = self.local.clock
        if not isinstance(clock, MovableClock):
            raise ControlError(409, "this local Discord's clock cannot be moved")
        now = clock.now()
        if advance is not None:
            when = now + timedelta(seconds=float(advance))
        elif to is not None:
            when = datetime.fromisoformat(str(to).replace("Z", "+00:00"))
            when = when if when.tzinfo else when.replace(tzinfo=UTC)
        else:
            raise ValueError("give `advance` (seconds) or `to` (an ISO time)")
        if when < now:
            raise ValueError(f"time only moves forward; it is {now.isoformat()}")
        await clock.set(when)
        return await self.clock()

    async def guilds(self) -> list[dict[str, Any]]:
        return [views.guild(self.world, g) for g in self.world.guilds.values()]

    async def add_guild(self, name: str, bot_joined: Any = True) -> dict[str, Any]:
        guild = self.world.add_guild(str(name), bot_joined=False)
        if flag(bot_joined):
            await self.server.actions.join_guild(guild)
        return views.guild(self.world, guild)

    async def add_channel(self, guild: Any, name: str, type: str = "text",
                          parent: Any = None, overwrites: Any = None) -> dict[str, Any]:
        g = self._guild(guild)
        if type not in CHANNEL_TYPES:
            raise ValueError(f"type is one of {', '.join(CHANNEL_TYPES)}, not {type!r}")
        channel = self.world.add_channel(
            g, str(name), CHANNEL_TYPES[type],
            parent_id=self._channel(parent, g).id if parent is not None else None,
            overwrites=[self._overwrite(g, o["target"], o.get("allow", 0), o.get("deny", 0))
                        for o in overwrites or []],
        )
        await self.server.actions.channel_created(channel)
        return views.channel(self.world, channel)

    async def add_role(self, guild: Any, name: str, permissions: Any = 0,
                       bot: Any = False) -> dict[str, Any]:
        """A role; with `bot`, the one Discord creates for the bot when it is invited with
        these permissions (managed, tagged with the bot's id, given to the bot)."""
        g = self._guild(guild)
        role = Role(next_id(), str(name), int(permissions), position=len(g.roles))
        g.roles[role.id] = role
        if flag(bot):
            role.bot_id = self.world.bot.id
            g.members.setdefault(self.world.bot.id, []).append(role.id)
        await self.server.actions.role_created(g, role.id)
        return {"id": str(role.id), "name": role.name, "permissions": str(role.permissions)}

    async def add_member(self, guild: Any, name: str, roles: Any = (), bot: Any = False,
                         dms_closed: Any = False) -> dict[str, Any]:
        g = self._guild(guild)
        user = self.world.add_user(str(name), bot=flag(bot), dms_closed=flag(dms_closed))
        g.members[user.id] = [self.acting.role(r, g).id for r in roles]
        await self.server.actions.member_added(g, user.id)
        return {"id": str(user.id), "username": user.username, "guild_id": str(g.id)}

    def _overwrite(self, guild: Guild, target: Any, allow: Any, deny: Any) -> Overwrite:
        """A permission overwrite for `@everyone`, a role, or a member (by name or id)."""
        if target == "@everyone":
            return Overwrite(guild.id, 0, int(allow), int(deny))
        try:
            return Overwrite(self.acting.role(target, guild).id, 0, int(allow), int(deny))
        except LookupError:
            user, _ = self._member(target)
            return Overwrite(user.id, 1, int(allow), int(deny))

    async def set_permissions(self, channel: Any, target: Any, allow: Any = 0,
                              deny: Any = 0) -> dict[str, Any]:
        """Set (or, with allow = deny = 0, remove) a channel's overwrite for a target."""
        ch = self._channel(channel)
        guild = self.world.guild_of(ch)
        if guild is None or ch.is_thread:
            raise ValueError("permission overwrites belong to guild channels (threads "
                             "take their parent's)")
        overwrite = self._overwrite(guild, target, allow, deny)
        ch.overwrites = [o for o in ch.overwrites if o.id != overwrite.id]
        if overwrite.allow or overwrite.deny:
            ch.overwrites.append(overwrite)
        await self.server.actions.channel_changed(ch)
        return views.channel(self.world, ch)

    async def set_thread(self, thread: Any, archived: Any = None, locked: Any = None,
                         name: Any = None) -> dict[str, Any]:
        """Change a thread as Discord itself does (auto-archiving after inactivity)."""
        ch = self._channel(thread)
        if not ch.is_thread:
            raise ValueError(f"{ch.name} is not a thread")
        changes: dict[str, Any] = {}
        if archived is not None:
            changes["archived"] = flag(archived)
        if locked is not None:
            changes["locked"] = flag(locked)
        if name is not None:
            changes["name"] = str(name)
        await self.server.actions.update_thread(ch, changes)
        return views.channel(self.world, ch)

    async def close_dms(self, member: Any, closed: Any = True) -> dict[str, Any]:
        """The member allows or refuses DMs from the bot (refused: 403 50007)."""
        user, _ = self._member(member)
        user.dms_closed = flag(closed)
        return {"id": str(user.id), "dms_closed": user.dms_closed}

    async def privileged_intents(self, members: Any = None, message_content: Any = None,
                                 presences: Any = None) -> dict[str, Any]:
        """The Developer Portal's switches: an IDENTIFY asking for one that is off gets 4014."""
        for name, value in (("members", members), ("message_content", message_content),
                            ("presences", presences)):
            if value is not None:
                (self.world.privileged_intents.add if flag(value)
                 else self.world.privileged_intents.discard)(name)
        return {"enabled": sorted(self.world.privileged_intents)}

    async def settings(self, interaction_timeout: Any = None, rate_limits: Any = None,
                       rate_limit_scale: Any = None, heartbeat_interval_ms: Any = None,
                       upload_limit: Any = None) -> dict[str, Any]:
        """The local Discord's own knobs: the 3 s interaction deadline, the rate limits (on,
        and the scale of their windows), the heartbeat interval HELLO announces, the upload
        limit per request (bytes)."""
        server = self.server
        if upload_limit is not None:
            server.actions.upload_limit = int(upload_limit)
        if interaction_timeout is not None:
            server.interactions.timeout = float(interaction_timeout)
        if rate_limits is not None:
            server.rate_limits.enabled = flag(rate_limits)
        if rate_limit_scale is not None:
            server.rate_limits.scale = float(rate_limit_scale)
        if heartbeat_interval_ms is not None:
            server.gateway.heartbeat_interval_ms = int(heartbeat_interval_ms)
        return {"interaction_timeout": server.interactions.timeout,
                "rate_limits": server.rate_limits.enabled,
                "rate_limit_scale": server.rate_limits.scale,
                "heartbeat_interval_ms": server.gateway.heartbeat_interval_ms,
                "upload_limit": server.actions.upload_limit}

    async def reset(self) -> dict[str, Any]:
        """Start over with an empty world (the same bot, token and application)."""
        await self.local.reset()
        return self.local.info()

    # -- acting as a member ----------------------------------------------------------------
    async def say(self, member: Any, channel: Any, content: str = "", reply_to: Any = None,
                  attachments: Any = None, embeds: Any = None) -> dict[str, Any]:
        user, guild = self._member(member)
        msg = await self.acting.say(
            user.id, self._channel(channel, guild), str(content),
            reply_to=self._live_message(reply_to) if reply_to is not None else None,
            attachments=_files(attachments), embeds=embeds,
        )
        return self._msg(msg)

    async def dm(self, member: Any, content: str = "", attachments: Any = None) -> dict[str, Any]:
        user, _ = self._member(member)
        return self._msg(await self.acting.dm(user.id, str(content),
                                              attachments=_files(attachments)))

    async def edit(self, member: Any, message: Any, content: str) -> dict[str, Any]:
        user, _ = self._member(member)
        return self._msg(await self.acting.edit(user.id, self._live_message(message),
                                                str(content)))

    async def delete(self, member: Any, message: Any) -> dict[str, Any]:
        user, _ = self._member(member)
        await self.acting.delete(user.id, self._live_message(message))
        return {}

    async def react(self, member: Any, message: Any, emoji: str) -> dict[str, Any]:
        user, _ = self._member(member)
        await self.acting.react(user.id, self._live_message(message), emoji, add=True)
        return {}

    async def unreact(self, member: Any, message: Any, emoji: str) -> dict[str, Any]:
        user, _ = self._member(member)
        await self.acting.react(user.id, self._live_message(message), emoji, add=False)
        return {}

    async def start_thread(self, member: Any, channel: Any, name: str, message: Any = None,
                           content: Any = None) -> dict[str, Any]:
        """A thread from `message`, a standalone thread, or (in a forum) a post."""
        user, guild = self._member(member)
        thread = await self.acting.start_thread(
            user.id, self._channel(channel, guild), str(name),
            message=self._live_message(message) if message is not None else None,
            content=None if content is None else str(content),
        )
        return views.channel(self.world, thread)

    async def slash(self, member: Any, command: str, options: Any = None, channel: Any = None,
                    dm: Any = False) -> dict[str, Any]:
        """Run a slash command ("lesson post" for a subcommand). Options are JSON values;
        members, channels and roles by name or id; an attachment as {filename, content}
        (text) or {filename, base64}."""
        return await self._command(member, command, options, channel, dm, None)

    async def autocomplete(self, member: Any, command: str, focused: str, options: Any = None,
                           channel: Any = None, dm: Any = False) -> dict[str, Any]:
        """Type into option `focused`; the answer's `choices` are the bot's suggestions."""
        return await self._command(member, command, options, channel, dm, str(focused))

    async def _command(self, member: Any, command: str, options: Any, channel: Any, dm: Any,
                       focused: str | None) -> dict[str, Any]:
        user, guild = self._member(member)
        if flag(dm):
            ch = self.world.dm_channel(user.id)
        else:
            ch = self.acting.interaction_channel(
                user.id, guild, None if channel is None else self._channel(channel, guild))
        name = str(command).removeprefix("/")
        definition = self.acting.synced_command(name.split()[0], ch.guild_id)
        if not definition:
            raise LookupError(f"the bot has synced no command /{name.split()[0]} "
                              f"{'in DMs' if ch.guild_id is None else 'in this guild'}")
        values = {k: (_file(v) if isinstance(v, dict) else v)
                  for k, v in dict(options or {}).items()}
        rec = await self.acting.command(user.id, guild, ch, name, values,
                                        definition=definition, focused=focused)
        return self._interaction(rec)

    async def click(self, member: Any, message: Any, custom_id: str) -> dict[str, Any]:
        user, _ = self._member(member)
        rec = await self.acting.component(user.id, self._live_message(message), str(custom_id))
        return self._interaction(rec)

    async def select(self, member: Any, message: Any, custom_id: str,
                     values: Any) -> dict[str, Any]:
        user, _ = self._member(member)
        rec = await self.acting.component(user.id, self._live_message(message), str(custom_id),
                                          [str(v) for v in values])
        return self._interaction(rec)

    async def submit_modal(self, member: Any, interaction: Any,
                           values: Any) -> dict[str, Any]:
        """Submit the modal the bot opened in answer to `interaction` (values by the inputs'
        custom_ids)."""
        user, guild = self._member(member)
        source = self._record(interaction)
        if source.modal is None:
            raise LookupError(f"the bot opened no modal in answer to interaction {interaction}")
        if source.user_id != user.id:
            raise ValueError("only the member the modal was opened for can submit it")
        fallback = self.acting.interaction_channel(user.id, guild, None)
        rec = await self.acting.submit_modal(user.id, source, source.modal, dict(values),
                                             fallback)
        return self._interaction(rec)

    # -- reading ---------------------------------------------------------------------------
    async def channel(self, channel: Any) -> dict[str, Any]:
        return views.channel(self.world, self._channel(channel))

    async def messages(self, channel: Any, ephemeral: Any = True) -> list[dict[str, Any]]:
        """A channel's, thread's or DM's messages, oldest first (ephemeral ones too unless
        `ephemeral=false`)."""
        ch = self._channel(channel)
        msgs = [self.world.messages[m] for m in ch.message_ids]
        keep_ephemeral = flag(ephemeral)
        return [self._msg(m) for m in msgs if not m.deleted and (keep_ephemeral
                                                                  or not m.ephemeral)]

    async def threads(self, channel: Any) -> list[dict[str, Any]]:
        return [views.channel(self.world, t)
                for t in self.world.threads_of(self._channel(channel))]

    async def message(self, message: Any) -> dict[str, Any]:
        return self._msg(self._message(message))

    async def dms(self, member: Any) -> list[dict[str, Any]]:
        user, _ = self._member(member)
        return await self.messages(self.world.dm_channel(user.id).id)

    async def interaction(self, interaction: Any, wait: Any = None,
                          within: Any = 10) -> dict[str, Any]:
        """How the bot answered. `wait=answered`: once it acknowledged (or the deadline
        passed); `wait=final`: and its response is no longer "thinking" (a deferral's
        answer arrived); each at most `within` seconds."""
        rec = self._record(interaction)
        if wait not in (None, "answered", "final"):
            raise ValueError("wait is `answered` or `final`")

        def done() -> bool:
            if not (rec.acknowledged or rec.failed):
                return False
            if wait == "final" and rec.response_message_id is not None:
                msg = self.world.messages.get(rec.response_message_id)
                return msg is None or msg.deleted or not msg.flags & 128  # LOADING
            return True

        if wait is not None:
            await self._until(done, float(within))
        return self._interaction(rec)

    async def _until(self, condition: Any, within: float) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        journal = self.world.journal
        while not condition() and loop.time() < deadline:
            await journal.wait(journal.cursor, deadline - loop.time())

    async def commands(self) -> list[dict[str, Any]]:
        return [{**c.payload, "id": str(c.id),
                 "guild_id": str(c.guild_id) if c.guild_id else None}
                for c in self.world.commands.values()]

    async def changes(self, since: Any = 0, wait: Any = 0) -> dict[str, Any]:
        """What changed after journal position `since` (messages and threads as they are
        now; deleted ones too), waiting up to `wait` seconds for a first change."""
        cursor = int(since)
        journal = self.world.journal
        if float(wait) > 0:
            await journal.wait(cursor, float(wait))
        changed = journal.since(cursor)
        messages, threads = {}, {}
        for change in changed:
            if change.kind.startswith("message_") and change.id in self.world.messages:
                messages[str(change.id)] = self._msg(self.world.messages[change.id])
            elif change.kind.startswith("thread_"):
                thread = self.world.channels.get(change.id)
                threads[str(change.id)] = (views.channel(self.world, thread) if thread
                                           else {"id": str(change.id), "deleted": True})
        return {"cursor": journal.cursor,
                "changes": [{"seq": c.seq, "kind": c.kind, "id": str(c.id),
                             "details": c.details} for c in changed],
                "messages": messages, "threads": threads}

    # -- faults ----------------------------------------------------------------------------
    async def add_fault(self, kind: str, route: Any = None, times: Any = 1, status: Any = None,
                        code: Any = 0, message: Any = None, errors: Any = None,
                        retry_after: Any = 0.01, is_global: Any = False, seconds: Any = 0,
                        after: Any = True) -> dict[str, Any]:
        """`error` (status, code, message, errors), `rate_limit` (retry_after, is_global),
        `server_error` (status), `latency` (seconds), `hold` (after: handle first)."""
        faults, count = self.server.faults, int(times)
        fault: Fault
        if kind == "error":
            if status is None:
                raise ValueError("an error fault needs a status (and a code, a message)")
            fault = faults.error(route, _discord_error(status, code, message, errors),
                                 times=count)
        elif kind == "rate_limit":
            fault = faults.rate_limit(route, retry_after=float(retry_after),
                                      is_global=flag(is_global), times=count)
        elif kind == "server_error":
            fault = faults.server_error(route, status=int(status or 503), times=count)
        elif kind == "latency":
            fault = faults.latency(route, float(seconds), times=count)
        elif kind == "hold":
            fault = faults.hold(route, after=flag(after), times=count)
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

    # -- what the bot sent -----------------------------------------------------------------
    async def requests(self, since: Any = 0) -> list[dict[str, Any]]:
        start = int(since)
        return [{"index": start + i, **r.line()}
                for i, r in enumerate(self.server.requests[start:])]

    async def violations(self) -> list[dict[str, Any]]:
        return [_violation(v) for v in self.server.violations]

    async def take_violations(self) -> list[dict[str, Any]]:
        taken = [_violation(v) for v in self.server.violations]
        self.server.violations.clear()
        return taken

    async def unsupported(self) -> list[str]:
        return list(self.server.unsupported)

    # -- the world clock's followers -----------------------------------------------------------
    async def _follow(self, request: web.Request) -> web.WebSocketResponse:
        """A websocket that sends each move of the world clock as {"move", "now"} and waits
        for {"ack": move} before the move counts as done."""
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
                        await follower.ack(data["ack"])
        finally:
            self._followers.discard(follower)
        return ws

    async def _push_move(self, now: datetime) -> None:
        self._moves += 1
        move = self._moves
        followers = list(self._followers)
        for follower in followers:
            if not follower.ws.closed:
                await follower.ws.send_json({"move": move, "now": now.isoformat()})
        for follower in followers:
            if not follower.ws.closed and not await follower.wait_ack(move):
                log.warning("a clock follower did not take move %d within %s s", move,
                            FOLLOW_ACK_TIMEOUT)


def _json(data: Any, status: int = 200) -> web.Response:
    return web.Response(status=status, body=json.dumps(data).encode(),
                        headers={"Content-Type": "application/json"})


def _file(value: dict[str, Any]) -> tuple[str, bytes]:
    """{filename, content} (text) or {filename, base64} -> (filename, bytes)."""
    name = str(value.get("filename") or "")
    if not name:
        raise ValueError("a file needs a filename")
    if "base64" in value:
        return name, base64.b64decode(value["base64"])
    return name, str(value.get("content", "")).encode()


def _files(values: Any) -> list[tuple[str, bytes]]:
    return [_file(v) for v in values or []]


def _discord_error(status: Any, code: Any, message: Any, field_errors: Any) -> errors.DiscordError:
    return errors.DiscordError(int(status), int(code or 0), str(message or "Error"),
                               field_errors if isinstance(field_errors, dict) else None)


def _violation(v: Any) -> dict[str, Any]:
    return {"kind": v.kind, "method": v.method, "path": v.path, "query": v.query,
            "body": v.body, "error": v.error}
