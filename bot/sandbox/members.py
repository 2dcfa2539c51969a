"""Acting as a guild member: messages, DMs, slash commands, buttons, selects, modals, reactions.

Each action changes the world, sends the bot the gateway event Discord would send, and (unless
`settle=False`) waits until the bot has finished reacting. Interactions return an
`InteractionResult` that shows how the bot answered.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from bot.sandbox import limits, payloads
from bot.sandbox.actions import UploadedFile
from bot.sandbox.interactions import (
    APPLICATION_COMMAND,
    APPLICATION_COMMAND_AUTOCOMPLETE,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
    InteractionRecord,
)
from bot.sandbox.state import DM, Channel, Guild, Message, User

if TYPE_CHECKING:
    from bot.sandbox.harness import Sandbox

# Option types inferred from Python values when the command is not known.
_PY_OPTION_TYPES = ((bool, 5), (int, 4), (float, 10), (str, 3))


class InteractionResult:
    """How the bot answered one interaction. Reads live state: look after `settle()`."""

    def __init__(self, sandbox: Sandbox, record: InteractionRecord) -> None:
        self._sb = sandbox
        self.record = record

    @property
    def callback_type(self) -> int | None:
        """4 message, 5 deferred, 6 deferred update, 7 update message, 9 modal; None if none."""
        return self.record.callback_type

    @property
    def acknowledged(self) -> bool:
        return self.record.acknowledged

    @property
    def failed(self) -> bool:
        """True once the deadline passed unanswered ("The application did not respond")."""
        return self.record.failed

    @property
    def response(self) -> Message | None:
        """The response message (after a deferral: the message that replaced "thinking")."""
        mid = self.record.response_message_id
        return self._sb.world.messages.get(mid) if mid else None

    @property
    def ephemeral(self) -> bool:
        return self.response is not None and self.response.ephemeral

    @property
    def modal(self) -> dict[str, Any] | None:
        """The modal the bot opened: {custom_id, title, components}."""
        return self.record.modal

    @property
    def choices(self) -> list[dict[str, Any]] | None:
        """An autocomplete's answer: [{name, value}, ...]; None if it was not answered."""
        return self.record.choices

    @property
    def followups(self) -> list[Message]:
        return [self._sb.world.messages[m] for m in self.record.followup_ids]

    @property
    def updated_message(self) -> Message | None:
        """For a component interaction, the message the component sits on (maybe edited)."""
        mid = self.record.message_id
        return self._sb.world.messages.get(mid) if mid else None

    async def expired(self) -> bool:
        """Wait until the interaction was answered or its deadline passed; return `failed`."""
        await self.record.ended.wait()
        return self.record.failed

    def __repr__(self) -> str:
        return (
            f"<InteractionResult type={self.callback_type} failed={self.failed} "
            f"response={self.response!r} modal={self.modal!r}>"
        )


class MemberHandle:
    def __init__(self, sandbox: Sandbox, user: User, guild: Guild | None) -> None:
        self._sb = sandbox
        self.user = user
        self.guild = guild

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def name(self) -> str:
        return self.user.username

    def __repr__(self) -> str:
        return f"<MemberHandle {self.user.username} id={self.user.id}>"

    def _channel(self, channel: Channel | str | int) -> Channel:
        return self._sb.channel(channel, guild=self.guild)

    # -- messages --------------------------------------------------------------------------
    async def say(
        self, channel: Channel | str | int, content: str = "", *,
        reply_to: Message | None = None, attachments: Iterable[tuple[str, bytes]] = (),
        embeds: list[dict[str, Any]] | None = None, settle: bool = True,
    ) -> Message:
        await self._sb._flush_announcements()
        ch = self._channel(channel)
        body: dict[str, Any] = {"content": content}
        if embeds:
            body["embeds"] = embeds
        if reply_to is not None:
            body["message_reference"] = {"message_id": reply_to.id}
        files = [UploadedFile(i, name, data, None) for i, (name, data) in enumerate(attachments)]
        msg = await self._sb.server.actions.create_message(ch, self.user.id, body, files)
        if settle:
            await self._sb.settle()
        return msg

    async def dm(
        self, content: str = "", *, attachments: Iterable[tuple[str, bytes]] = (),
        settle: bool = True,
    ) -> Message:
        """A message in this member's DM channel with the bot."""
        ch = self._sb.world.dm_channel(self.user.id)
        return await self.say(ch, content, attachments=attachments, settle=settle)

    async def edit(self, message: Message, content: str, *, settle: bool = True) -> Message:
        await self._sb._flush_announcements()
        if message.author_id != self.user.id:
            raise ValueError("a member can only edit their own messages")
        await self._sb.server.actions.edit_message(message, {"content": content})
        if settle:
            await self._sb.settle()
        return message

    async def delete(self, message: Message, *, settle: bool = True) -> None:
        """Delete a message: one's own, or another's with Manage Messages (not in a DM)."""
        await self._sb._flush_announcements()
        self._sb.server.actions.check_can_delete(message, self.user.id)
        await self._sb.server.actions.delete_message(message)
        if settle:
            await self._sb.settle()

    async def start_thread(
        self, channel: Channel | str | int, name: str, *, message: Message | None = None,
        content: str | None = None, settle: bool = True,
    ) -> Channel:
        """A thread from `message`, a standalone thread, or (in a forum) a post with `content`."""
        await self._sb._flush_announcements()
        ch = self._channel(channel)
        body: dict[str, Any] = {"name": name}
        if content is not None:
            body["message"] = {"content": content}
        thread, _ = await self._sb.server.actions.create_thread(
            ch, self.user.id, body, from_message=message
        )
        if settle:
            await self._sb.settle()
        return thread

    async def react(self, message: Message, emoji: str, *, settle: bool = True) -> None:
        await self._sb._flush_announcements()
        await self._sb.server.actions.react(message, self.user.id, emoji, add=True)
        if settle:
            await self._sb.settle()

    async def unreact(self, message: Message, emoji: str, *, settle: bool = True) -> None:
        await self._sb._flush_announcements()
        await self._sb.server.actions.react(message, self.user.id, emoji, add=False)
        if settle:
            await self._sb.settle()

    # -- interactions ----------------------------------------------------------------------
    async def slash(
        self, name: str, options: Mapping[str, Any] | None = None, *,
        channel: Channel | str | int | None = None, dm: bool = False, settle: bool = True,
    ) -> InteractionResult:
        """Run a slash command; `name` may be a path: "lesson post" for a subcommand.

        Runs in `channel` (default: the guild's first text channel), or in the member's DM
        with the bot when `dm=True`."""
        return await self._command(APPLICATION_COMMAND, name, options, None, channel, dm, settle)

    async def autocomplete(
        self, name: str, focused: str, options: Mapping[str, Any] | None = None, *,
        channel: Channel | str | int | None = None, dm: bool = False, settle: bool = True,
    ) -> InteractionResult:
        """Type into option `focused` of a slash command (`options` holds what is typed so
        far, the focused one included; missing means empty) and read `result.choices`."""
        typed = dict(options or {})
        typed.setdefault(focused, "")
        return await self._command(
            APPLICATION_COMMAND_AUTOCOMPLETE, name, typed, focused, channel, dm, settle)

    async def _command(
        self, type_: int, name: str, options: Mapping[str, Any] | None, focused: str | None,
        channel: Channel | str | int | None, dm: bool, settle: bool,
    ) -> InteractionResult:
        ch = self._sb.world.dm_channel(self.user.id) if dm else self._interaction_channel(channel)
        path = name.split()
        definition = self._sb._command_definition(path[0], ch.guild_id)
        data: dict[str, Any] = {
            "id": str(definition.get("id") or 0),
            "name": path[0],
            "type": 1,
        }
        if definition.get("guild_id"):
            data["guild_id"] = str(definition["guild_id"])
        resolved: dict[str, dict[str, Any]] = {}
        leaf_opts, wrap = _walk_subcommands(definition, path[1:])
        built = [
            self._option(key, value, leaf_opts, resolved) for key, value in (options or {}).items()
        ]
        for option in built:
            if option["name"] == focused:
                # Discord sends what is typed so far as a string, whatever the option's type.
                option["focused"] = True
                option["value"] = str(option["value"])
        data["options"] = wrap(built)
        if resolved:
            data["resolved"] = resolved
        return await self._interact(type_, ch, data, None, settle)

    def _option(
        self, key: str, value: Any, definitions: list[dict[str, Any]],
        resolved: dict[str, dict[str, Any]],
    ) -> dict[str, Any]:
        spec = next((o for o in definitions if o.get("name") == key), None)
        type_ = int(spec["type"]) if spec else _infer_type(value)
        world = self._sb.world
        if type_ == 6:  # user / member
            uid = value.id if isinstance(value, MemberHandle) else int(value)
            resolved.setdefault("users", {})[str(uid)] = payloads.user(world.users[uid])
            if self.guild is not None and uid in self.guild.members:
                mem = payloads.member(world, self.guild, uid)
                mem.pop("user")
                mem["permissions"] = str(world.base_permissions(self.guild, uid))
                resolved.setdefault("members", {})[str(uid)] = mem
            return {"name": key, "type": 6, "value": str(uid)}
        if type_ == 7:
            ch = self._channel(value)
            data = payloads.channel(world, ch)
            data["permissions"] = str(world.channel_permissions(ch, self.user.id))
            resolved.setdefault("channels", {})[str(ch.id)] = data
            return {"name": key, "type": 7, "value": str(ch.id)}
        if type_ == 8:
            role = value if hasattr(value, "permissions") else self.guild.roles[int(value)]  # type: ignore[union-attr]
            resolved.setdefault("roles", {})[str(role.id)] = payloads.role(role)
            return {"name": key, "type": 8, "value": str(role.id)}
        if type_ == 11:
            filename, blob = value
            att = self._sb._loose_attachment(filename, blob)
            resolved.setdefault("attachments", {})[str(att.id)] = payloads.attachment(
                att, self._sb.server.base_url
            )
            return {"name": key, "type": 11, "value": str(att.id)}
        return {"name": key, "type": type_, "value": value}

    async def click(
        self, message: Message, custom_id: str, *, settle: bool = True
    ) -> InteractionResult:
        comp = _find_component(message, custom_id)
        data = {"custom_id": custom_id, "component_type": comp.get("type", 2)}
        return await self._component(message, data, settle)

    async def select(
        self, message: Message, custom_id: str, values: list[str], *, settle: bool = True
    ) -> InteractionResult:
        comp = _find_component(message, custom_id)
        data = {"custom_id": custom_id, "component_type": comp.get("type", 3), "values": values}
        return await self._component(message, data, settle)

    async def _component(
        self, message: Message, data: dict[str, Any], settle: bool
    ) -> InteractionResult:
        ch = self._sb.world.channels[message.channel_id]
        return await self._interact(MESSAGE_COMPONENT, ch, data, message, settle)

    async def submit_modal(
        self, modal: InteractionResult | dict[str, Any],
        values: Mapping[str, str | Sequence[str]], *,
        settle: bool = True,
    ) -> InteractionResult:
        """Fill in the bot's modal (`values`: text input custom_id -> text; a select's -> the
        values picked, or one value as a string; a select left out keeps its defaults) and
        submit it."""
        source = modal.record if isinstance(modal, InteractionResult) else None
        spec = modal.modal if isinstance(modal, InteractionResult) else modal
        if spec is None:
            raise ValueError("the bot did not open a modal for this interaction")
        components = []
        known: set[str] = set()
        for top in spec.get("components") or []:
            answers = []
            for comp in limits.modal_inputs(top):
                cid = comp.get("custom_id", "")
                known.add(cid)
                if comp.get("type") == 4:
                    answers.append({"type": 4, "custom_id": cid, "value": values.get(cid, "")})
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
        ch_id = source.channel_id if source else self._interaction_channel(None).id
        message = None
        if source is not None and source.message_id is not None:
            message = self._sb.world.messages.get(source.message_id)
        return await self._interact(
            MODAL_SUBMIT, self._sb.world.channels[ch_id], data, message, settle,
            triggered_by=source.id if source is not None else None,
        )

    def _interaction_channel(self, channel: Channel | str | int | None) -> Channel:
        if channel is not None:
            return self._channel(channel)
        if self.guild is None:
            return self._sb.world.dm_channel(self.user.id)
        for cid in self.guild.channel_ids:
            ch = self._sb.world.channels[cid]
            if ch.type == 0:
                return ch
        raise ValueError("no text channel to run the interaction in")

    async def _interact(
        self, type_: int, channel: Channel, data: dict[str, Any], message: Message | None,
        settle: bool, triggered_by: int | None = None,
    ) -> InteractionResult:
        await self._sb._flush_announcements()
        sb = self._sb
        world = sb.world
        rec = sb.server.interactions.new(
            type=type_, channel_id=channel.id, guild_id=channel.guild_id, user_id=self.user.id,
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
            "attachment_size_limit": sb.server.actions.upload_limit,
        }
        if channel.type == DM or channel.guild_id is None:
            payload["user"] = payloads.user(self.user)
            payload["context"] = 1
            payload["authorizing_integration_owners"] = {"0": "0"}
            payload["app_permissions"] = str(world.channel_permissions(channel, world.bot.id))
        else:
            guild = world.guilds[channel.guild_id]
            member = payloads.member(world, guild, self.user.id)
            member["permissions"] = str(world.channel_permissions(channel, self.user.id))
            payload.update(
                guild_id=str(guild.id),
                guild={"id": str(guild.id), "locale": "en-US", "features": []},
                guild_locale="en-US",
                member=member,
                context=0,
                authorizing_integration_owners={"0": str(guild.id)},
                app_permissions=str(world.channel_permissions(channel, world.bot.id)),
            )
        if message is not None:
            payload["message"] = sb.server.actions.message_payload(message)
        await sb.server.gateway.dispatch("INTERACTION_CREATE", payload)
        sb.server.interactions.start_clock(rec)
        result = InteractionResult(sb, rec)
        if settle:
            await sb.settle()
        return result


def _infer_type(value: Any) -> int:
    if isinstance(value, MemberHandle):
        return 6
    if isinstance(value, Channel):
        return 7
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], bytes):
        return 11
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
        type_ = int(node["type"]) if node else (2 if len(chain) < len(path) - 1 else 1)
        chain.append((name, type_))
        options = list(node.get("options") or []) if node else []

    def wrap(leaf: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out = leaf
        for name, type_ in reversed(chain):
            out = [{"name": name, "type": type_, "options": out}]
        return out

    return options, wrap


def _find_component(message: Message, custom_id: str) -> dict[str, Any]:
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
