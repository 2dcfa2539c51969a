"""REST: interaction callbacks, the @original response, and followup webhooks.

Callback types: 4 message, 5 deferred message ("thinking"), 6 deferred update, 7 update the
component's message, 8 autocomplete choices (the only answer an autocomplete may get, and
only it), 9 modal. discord.py (>= 2.5) sends `?with_response=1` and needs the
`{"interaction": ..., "resource": ...}` answer; a 204 would break it.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from localdiscord import errors, limits, payloads
from localdiscord.actions import LOADING
from localdiscord.context import Context, body, files, reply
from localdiscord.interactions import (
    APPLICATION_COMMAND,
    APPLICATION_COMMAND_AUTOCOMPLETE,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
    InteractionRecord,
)
from localdiscord.state import Message

MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE, CHOICES, MODAL = 4, 5, 6, 7, 8, 9
MAX_CHOICES = 25
EPHEMERAL = 64


def routes(ctx: Context) -> list[web.RouteDef]:
    world, actions = ctx.world, ctx.actions
    bot_id = world.bot.id

    def record(request: web.Request) -> InteractionRecord:
        if int(request.match_info["application_id"]) != world.application_id:
            raise errors.unknown_webhook()
        rec = ctx.interactions.by_token(request.match_info["token"])
        if rec is None:
            raise errors.unknown_webhook()
        if ctx.interactions.token_expired(rec):
            raise errors.invalid_webhook_token()
        return rec

    async def callback(request: web.Request) -> web.Response:
        rec = ctx.interactions.get(
            int(request.match_info["interaction_id"]), request.match_info["token"]
        )
        if rec is None or ctx.interactions.token_expired(rec):
            raise errors.unknown_interaction()
        if rec.acknowledged:
            raise errors.already_acknowledged()
        if rec.failed:
            rec.late_callbacks += 1
            raise errors.unknown_interaction()
        payload = body(request)
        kind = int(payload.get("type") or 0)
        data: dict[str, Any] = payload.get("data") or {}
        channel = world.channels[rec.channel_id]
        msg: Message | None = None
        if (kind == CHOICES) != (rec.type == APPLICATION_COMMAND_AUTOCOMPLETE):
            # Discord: an autocomplete is answered with choices and nothing else, and choices
            # answer nothing else.
            raise errors.DiscordError(400, 40043, "Interaction has an invalid response type")
        if kind == CHOICES:
            rec.choices = limits.check_choices(data.get("choices"), MAX_CHOICES)
        elif kind == MESSAGE:
            msg = await actions.create_message(
                channel, bot_id, data, files(request), check_perms=False, interaction=metadata(rec)
            )
        elif kind == DEFERRED_MESSAGE:
            flags = int(data.get("flags") or 0) & EPHEMERAL
            msg = await actions.create_message(
                channel, bot_id, {"flags": flags}, check_perms=False, interaction=metadata(rec),
                extra_flags=LOADING, allow_empty=True,
            )
        elif kind in (DEFERRED_UPDATE, UPDATE_MESSAGE):
            if rec.message_id is None:
                raise errors.DiscordError(400, 40004, "Interaction has no message to update")
            if kind == UPDATE_MESSAGE:
                msg = await actions.edit_message(
                    world.messages[rec.message_id], data, files(request)
                )
        elif kind == MODAL:
            if rec.type == 5:
                raise errors.DiscordError(400, 50035, "Cannot respond to a modal with a modal")
            limits.check_modal(data)
            rec.modal = data
        else:
            raise errors.invalid_form({"type": ("BASE_TYPE_CHOICES", "Value must be one of ...")})
        rec.acknowledge(kind)
        if kind in (DEFERRED_UPDATE, UPDATE_MESSAGE):
            # For a component interaction, @original is the message the component sits on.
            rec.response_message_id = rec.message_id
        elif msg is not None:
            rec.response_message_id = msg.id
        answer: dict[str, Any] = {"interaction": {"id": str(rec.id), "type": rec.type}}
        if msg is not None:
            answer["interaction"].update(
                response_message_id=str(msg.id),
                response_message_loading=kind == DEFERRED_MESSAGE,
                response_message_ephemeral=msg.ephemeral,
            )
            if kind in (MESSAGE, UPDATE_MESSAGE):
                answer["resource"] = {"type": kind, "message": actions.message_payload(msg)}
        if request.query.get("with_response") in ("1", "true", "True"):
            return reply(answer)
        return reply()

    def metadata(rec: InteractionRecord) -> dict[str, Any]:
        """The `interaction_metadata` Discord puts on response and followup messages."""
        data: dict[str, Any] = {
            "id": str(rec.id),
            "type": rec.type,
            "user": payloads.user(world.users[rec.user_id]),
            "authorizing_integration_owners": {"0": str(rec.guild_id or 0)},
        }
        if rec.type == MESSAGE_COMPONENT and rec.message_id is not None:
            data["interacted_message_id"] = str(rec.message_id)
        if rec.type == MODAL_SUBMIT:
            source = ctx.interactions.by_id(rec.triggered_by or 0)
            data["triggering_interaction_metadata"] = (
                metadata(source) if source is not None else {
                    "id": "0", "type": APPLICATION_COMMAND,
                    "authorizing_integration_owners": {},
                }
            )
        return data

    def original(rec: InteractionRecord) -> Message:
        msg = world.messages.get(rec.response_message_id or 0)
        if msg is None or msg.deleted:
            raise errors.unknown_message()
        return msg

    def followup(rec: InteractionRecord, request: web.Request) -> Message:
        mid = int(request.match_info["message_id"])
        if mid != rec.response_message_id and mid not in rec.followup_ids:
            raise errors.unknown_message()
        msg = world.messages[mid]
        if msg.deleted:
            raise errors.unknown_message()
        return msg

    async def get_original(request: web.Request) -> web.Response:
        return reply(actions.message_payload(original(record(request))))

    async def edit_original(request: web.Request) -> web.Response:
        msg = original(record(request))
        await actions.edit_message(msg, body(request), files(request))
        return reply(actions.message_payload(msg))

    async def delete_original(request: web.Request) -> web.Response:
        await actions.delete_message(original(record(request)))
        return reply()

    async def send_followup(request: web.Request) -> web.Response:
        rec = record(request)
        if not rec.acknowledged:
            raise errors.unknown_webhook()
        loading = world.messages.get(rec.response_message_id or 0)
        if loading is not None and loading.flags & LOADING and not loading.deleted:
            # The first followup after a deferred response replaces the "thinking" message,
            # and keeps its ephemerality, as on Discord.
            msg = await actions.edit_message(loading, body(request), files(request))
        else:
            channel = world.channels[rec.channel_id]
            msg = await actions.create_message(
                channel, bot_id, body(request), files(request), check_perms=False,
                interaction=metadata(rec),
            )
        rec.followup_ids.append(msg.id)
        if request.query.get("wait") in ("1", "true", "True"):
            return reply(actions.message_payload(msg))
        return reply()

    async def get_followup(request: web.Request) -> web.Response:
        return reply(actions.message_payload(followup(record(request), request)))

    async def edit_followup(request: web.Request) -> web.Response:
        msg = followup(record(request), request)
        await actions.edit_message(msg, body(request), files(request))
        return reply(actions.message_payload(msg))

    async def delete_followup(request: web.Request) -> web.Response:
        await actions.delete_message(followup(record(request), request))
        return reply()

    hook = "/webhooks/{application_id:[0-9]+}/{token}"
    return [
        web.post("/interactions/{interaction_id:[0-9]+}/{token}/callback", callback),
        web.get(hook + "/messages/@original", get_original),
        web.patch(hook + "/messages/@original", edit_original),
        web.delete(hook + "/messages/@original", delete_original),
        web.post(hook, send_followup),
        web.get(hook + "/messages/{message_id:[0-9]+}", get_followup),
        web.patch(hook + "/messages/{message_id:[0-9]+}", edit_followup),
        web.delete(hook + "/messages/{message_id:[0-9]+}", delete_followup),
    ]
