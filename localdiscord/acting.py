"""Members acting in the world: what a Discord client does for a person.

Messages, DMs, edits, deletions, threads, reactions, and the interactions a person starts:
slash commands (options typed from the command the bot synced), autocomplete, buttons,
selects and modal submits. Each act changes the world and sends the bot the gateway event
Discord would send; none waits for the bot (the in-process harness and the control API's
clients wait in their own ways). Discord's checks on a person's actions apply here too
(permissions, locked threads), and refusals raise `DiscordError` as Discord would answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from localdiscord import limits, payloads
from localdiscord.actions import UploadedFile
from localdiscord.interactions import (
    APPLICATION_COMMAND,
    APPLICATION_COMMAND_AUTOCOMPLETE,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
    InteractionRecord,
)
from localdiscord.options import check_channel_type, check_options, leaf_specs
from localdiscord.state import DM, GUILD_TEXT, Attachment, Channel, Guild, Message, Role

if TYPE_CHECKING:
    from localdiscord.server import SandboxServer

# Option types (Discord's numbers), and those inferred from Python values when the command
# is not known.
SUB_COMMAND, SUB_COMMAND_GROUP, USER, CHANNEL, ROLE, ATTACHMENT = 1, 2, 6, 7, 8, 11
_PY_OPTION_TYPES = ((bool, 5), (int, 4), (float, 10), (str, 3))


class Acting:
    def __init__(self, server: SandboxServer) -> None:
        self.server = server
        self.world = server.world
        self.actions = server.actions

    # -- messages --------------------------------------------------------------------------
    async def say(
        self, user_id: int, channel: Channel, content: str = "", *,
        reply_to: Message | None = None, attachments: Iterable[tuple[str, bytes]] = (),
        embeds: list[dict[str, Any]] | None = None,
    ) -> Message:
        body: dict[str, Any] = {"content": content}
        if embeds:
            body["embeds"] = embeds
        if reply_to is not None:
            body["message_reference"] = {"message_id": reply_to.id}
        files = [UploadedFile(i, name, data, None) for i, (name, data) in enumerate(attachments)]
        return await self.actions.create_message(channel, user_id, body, files)

    async def dm(
        self, user_id: int, content: str = "", *, attachments: Iterable[tuple[str, bytes]] = ()
    ) -> Message:
        """A message in the member's DM channel with the bot."""
        channel = self.world.dm_channel(user_id)
        return await self.say(user_id, channel, content, attachments=attachments)

    async def edit(self, user_id: int, message: Message, content: str) -> Message:
        if message.author_id != user_id:
            raise ValueError("a member can only edit their own messages")
        return await self.actions.edit_message(message, {"content": content})

    async def delete(self, user_id: int, message: Message) -> None:
        """One's own message, or another's with Manage Messages (never in a DM)."""
        self.actions.check_can_delete(message, user_id)
        await self.actions.delete_message(message)

    async def start_thread(
        self, user_id: int, channel: Channel, name: str, *, message: Message | None = None,
        content: str | None = None,
    ) -> Channel:
        """A thread from `message`, a standalone thread, or (in a forum) a post."""
        body: dict[str, Any] = {"name": name}
        if content is not None:
            body["message"] = {"content": content}
        thread, _ = await self.actions.create_thread(channel, user_id, body, from_message=message)
        return thread

    async def react(self, user_id: int, message: Message, emoji: str, *, add: bool) -> None:
        await self.actions.react(message, user_id, emoji, add=add)

    async def clear_reactions(self, user_id: int, message: Message, emoji: str | None) -> None:
        """A moderator removes all of a message's reactions, or all of one emoji."""
        await self.actions.clear_reactions(message, user_id, emoji)

    # -- interactions ----------------------------------------------------------------------
    def synced_command(self, name: str, guild_id: int | None) -> dict[str, Any]:
        """The command the bot synced under `name` (the guild's first, then the global one),
        as Discord knows it (with its id and guild_id); {} if there is none."""
        for scope in (guild_id, None):
            for cmd in self.world.commands.values():
                if cmd.name == name and cmd.guild_id == scope:
                    return {**cmd.payload, "id": cmd.id, "guild_id": cmd.guild_id}
        return {}

    def interaction_channel(self, user_id: int, guild: Guild | None,
                            channel: Channel | None) -> Channel:
        """Where an interaction runs: `channel`, else the guild's first text channel, else
        the member's DM with the bot."""
        if channel is not None:
            return channel
        if guild is None:
            return self.world.dm_channel(user_id)
        for cid in guild.channel_ids:
            ch = self.world.channels[cid]
            if ch.type == GUILD_TEXT:
                return ch
        raise ValueError("no text channel to run the interaction in")

    async def command(
        self, user_id: int, guild: Guild | None, channel: Channel, name: str,
        options: Mapping[str, Any] | None, *, definition: dict[str, Any],
        focused: str | None = None,
    ) -> InteractionRecord:
        """A slash command (`name` may be "group sub"), or with `focused` an autocomplete of
        that option (what is typed so far is sent as a string, whatever the option's type).

        Option values: a member by id, name or anything with an `id`; a channel by object,
        id or name; a role by object, id or name; an attachment as (filename, bytes)."""
        path = name.split()
        data: dict[str, Any] = {"id": str(definition.get("id") or 0), "name": path[0], "type": 1}
        if definition.get("guild_id"):
            data["guild_id"] = str(definition["guild_id"])
        resolved: dict[str, dict[str, Any]] = {}
        leaf_opts, wrap = _walk_subcommands(definition, path[1:])
        typed = dict(options or {})
        if focused is not None:
            typed.setdefault(focused, "")
        built = [self._option(key, value, leaf_opts, resolved, guild, user_id)
                 for key, value in typed.items()]
        for option in built:
            if option["name"] == focused:
                option["focused"] = True
                option["value"] = str(option["value"])
        if definition:  # a registered command: nothing Discord would refuse reaches the bot
            check_options(name, leaf_specs(definition, path[1:]),
                          {option["name"]: option["value"] for option in built}, focused=focused)
        data["options"] = wrap(built)
        if resolved:
            data["resolved"] = resolved
        kind = APPLICATION_COMMAND if focused is None else APPLICATION_COMMAND_AUTOCOMPLETE
        return await self._interact(kind, user_id, channel, data, None)

    def _option(
        self, key: str, value: Any, definitions: list[dict[str, Any]],
        resolved: dict[str, dict[str, Any]], guild: Guild | None, user_id: int,
    ) -> dict[str, Any]:
        spec = next((o for o in definitions if o.get("name") == key), None)
        type_ = int(spec["type"]) if spec else _infer_type(value)
        world = self.world
        if type_ == USER:
            uid = self.user_id(value)
            resolved.setdefault("users", {})[str(uid)] = payloads.user(world.users[uid])
            if guild is not None and uid in guild.members:
                mem = payloads.member(world, guild, uid)
                mem.pop("user")
                mem["permissions"] = str(world.base_permissions(guild, uid))
                resolved.setdefault("members", {})[str(uid)] = mem
            return {"name": key, "type": USER, "value": str(uid)}
        if type_ == CHANNEL:
            ch = value if isinstance(value, Channel) else self.channel(value, guild)
            if spec:
                check_channel_type(spec, ch.type)
            data = payloads.channel(world, ch)
            data["permissions"] = str(world.channel_permissions(ch, user_id))
            resolved.setdefault("channels", {})[str(ch.id)] = data
            return {"name": key, "type": CHANNEL, "value": str(ch.id)}
        if type_ == ROLE:
            role = value if isinstance(value, Role) else self.role(value, guild)
            resolved.setdefault("roles", {})[str(role.id)] = payloads.role(role)
            return {"name": key, "type": ROLE, "value": str(role.id)}
        if type_ == ATTACHMENT:
            filename, blob = value
            att = Attachment(world.new_id(), filename, blob)
            world.loose_attachments[att.id] = att  # an upload that is in no message
            resolved.setdefault("attachments", {})[str(att.id)] = payloads.attachment(
                att, self.server.base_url
            )
            return {"name": key, "type": ATTACHMENT, "value": str(att.id)}
        return {"name": key, "type": type_, "value": value}

    async def component(
        self, user_id: int, message: Message, custom_id: str,
        values: list[str] | None = None,
    ) -> InteractionRecord:
        """Press a button (`values` None) or choose in a select on `message`."""
        comp = find_component(message, custom_id)
        data: dict[str, Any] = {"custom_id": custom_id,
                                "component_type": comp.get("type", 2 if values is None else 3)}
        if values is not None:
            data["values"] = list(values)
        channel = self.world.channels[message.channel_id]
        return await self._interact(MESSAGE_COMPONENT, user_id, channel, data, message)

    async def submit_modal(
        self, user_id: int, source: InteractionRecord | None, spec: dict[str, Any],
        values: Mapping[str, Any], channel: Channel,
    ) -> InteractionRecord:
        """Fill in the bot's modal (`values`: text input custom_id -> text; a select's -> the
        values picked, or one value as a string; a select left out keeps its defaults) and
        submit it; `source` is the interaction that opened it. A select answered with what
        is not one of its options is a ValueError: no client would submit it."""
        components = []
        known: set[str] = set()
        for top in spec.get("components") or []:
            answers = []
            for comp in limits.modal_inputs(top):
                cid = comp.get("custom_id", "")
                known.add(cid)
                if comp.get("type") == 4:
                    answers.append({"type": 4, "custom_id": cid, "value": limits.typed(
                        comp, str(values.get(cid, "")), top.get("label"))})
                else:
                    answers.append({"type": comp["type"], "custom_id": cid,
                                    "values": limits.picked(comp, values.get(cid))})
            if top.get("type") == 18:
                components.append({"type": 18, "component": answers[0]})
            else:
                components.append({"type": 1, "components": answers})
        unknown = set(values) - known
        if unknown:
            raise ValueError(f"modal has no inputs {sorted(unknown)}; it has {sorted(known)}")
        data = {"custom_id": spec.get("custom_id"), "components": components}
        message = None
        if source is not None:
            channel = self.world.channels[source.channel_id]
            if source.message_id is not None:
                message = self.world.messages.get(source.message_id)
        return await self._interact(MODAL_SUBMIT, user_id, channel, data, message,
                                    triggered_by=source.id if source is not None else None)

    async def _interact(
        self, type_: int, user_id: int, channel: Channel, data: dict[str, Any],
        message: Message | None, triggered_by: int | None = None,
    ) -> InteractionRecord:
        world = self.world
        store = self.server.interactions
        rec = store.new(
            type=type_, channel_id=channel.id, guild_id=channel.guild_id, user_id=user_id,
            data=data, message_id=message.id if message else None, triggered_by=triggered_by,
        )
        payload: dict[str, Any] = {
            "id": str(rec.id),
            "application_id": str(world.application_id),
            "type": type_,
            "token": rec.token,
            "version": 1,
            "data": data,
            "channel_id": str(channel.id),
            "channel": payloads.channel(world, channel),
            "locale": "en-US",
            "entitlements": [],
            "attachment_size_limit": self.actions.upload_limit,
            "app_permissions": str(world.channel_permissions(channel, world.bot.id)),
        }
        if channel.type == DM or channel.guild_id is None:
            payload.update(user=payloads.user(world.users[user_id]), context=1,
                           authorizing_integration_owners={"0": "0"})
        else:
            guild = world.guilds[channel.guild_id]
            member = payloads.member(world, guild, user_id)
            member["permissions"] = str(world.channel_permissions(channel, user_id))
            payload.update(
                guild_id=str(guild.id),
                guild={"id": str(guild.id), "locale": "en-US", "features": []},
                guild_locale="en-US", member=member, context=0,
                authorizing_integration_owners={"0": str(guild.id)},
            )
        if message is not None:
            payload["message"] = self.actions.message_payload(message)
        store.start_clock(rec)  # before: a bot in another process may answer during the send
        await self.server.gateway.dispatch("INTERACTION_CREATE", payload)
        return rec

    # -- names -----------------------------------------------------------------------------
    def user_id(self, ref: Any) -> int:
        """A user by id (int or digits), by username, or anything with an `id`."""
        if hasattr(ref, "id"):
            return int(ref.id)
        if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
            if int(ref) in self.world.users:
                return int(ref)
        elif isinstance(ref, str):
            for user in self.world.users.values():
                if user.username == ref.lstrip("@"):
                    return user.id
        raise LookupError(f"no user {ref!r}")

    def channel(self, ref: Any, guild: Guild | None = None) -> Channel:
        """A channel or thread by id, or by name (`#name` too) in `guild` (else in any);
        of several threads with one name, the newest."""
        if isinstance(ref, Channel):
            return ref
        if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
            found = self.world.channels.get(int(ref))
            if found is not None:
                return found
            raise LookupError(f"no channel {ref}")
        name = str(ref).removeprefix("#")
        guilds = [guild] if guild is not None else list(self.world.guilds.values())
        matches = [self.world.channels[c] for g in guilds for c in g.channel_ids
                   if c in self.world.channels and self.world.channels[c].name == name]
        if not matches:
            raise LookupError(f"no channel named {name!r}")
        plain = [c for c in matches if not c.is_thread]
        return plain[0] if plain else matches[-1]

    def role(self, ref: Any, guild: Guild | None) -> Role:
        guilds = [guild] if guild is not None else list(self.world.guilds.values())
        for g in guilds:
            for role in g.roles.values():
                if str(ref).lstrip("@") in (role.name, str(role.id)):
                    return role
        raise LookupError(f"no role {ref!r}")


def _infer_type(value: Any) -> int:
    if isinstance(value, Channel):
        return CHANNEL
    if isinstance(value, Role):
        return ROLE
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], bytes):
        return ATTACHMENT
    if hasattr(value, "id"):
        return USER
    for py_type, option_type in _PY_OPTION_TYPES:
        if isinstance(value, py_type):
            return option_type
    raise TypeError(f"cannot infer an option type for {value!r}")


def _walk_subcommands(
    definition: dict[str, Any], path: list[str]
) -> tuple[list[dict[str, Any]], Any]:
    """Follow "group sub" through the definition: the leaf's option specs, and a function that
    wraps leaf options into the nested subcommand structure Discord sends."""
    options: list[dict[str, Any]] = list(definition.get("options") or [])
    chain: list[tuple[str, int]] = []
    for name in path:
        node = next((o for o in options if o.get("name") == name), None)
        type_ = int(node["type"]) if node else (
            SUB_COMMAND_GROUP if len(chain) < len(path) - 1 else SUB_COMMAND)
        chain.append((name, type_))
        options = list(node.get("options") or []) if node else []

    def wrap(leaf: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out = leaf
        for name, type_ in reversed(chain):
            out = [{"name": name, "type": type_, "options": out}]
        return out

    return options, wrap


def find_component(message: Message, custom_id: str) -> dict[str, Any]:
    stack = list(message.components)
    while stack:
        comp = stack.pop()
        if comp.get("custom_id") == custom_id:
            return comp
        stack.extend(comp.get("components") or [])
        for key in ("component", "accessory"):
            if isinstance(comp.get(key), dict):
                stack.append(comp[key])
    raise LookupError(f"message {message.id} has no component with custom_id {custom_id!r}")
