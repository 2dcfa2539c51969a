"""REST: channels, messages, threads, reactions and DMs, as the bot uses them."""

from __future__ import annotations

from aiohttp import web

from localdiscord import errors, payloads
from localdiscord.context import Context, body, files, reply
from localdiscord.state import GUILD_FORUM, READ_MESSAGE_HISTORY


def routes(ctx: Context) -> list[web.RouteDef]:
    world, actions = ctx.world, ctx.actions
    bot_id = world.bot.id

    async def get_channel(request: web.Request) -> web.Response:
        return reply(payloads.channel(world, ctx.channel(request)))

    async def patch_channel(request: web.Request) -> web.Response:
        channel = ctx.channel(request)
        changes = body(request)
        if channel.is_thread:
            await actions.update_thread(channel, changes, bot_id)
        else:
            if "name" in changes:
                channel.name = changes["name"]
            await actions.channel_changed(channel)
        return reply(payloads.channel(world, channel))

    async def delete_channel(request: web.Request) -> web.Response:
        channel = ctx.channel(request)
        if not channel.is_thread:
            # Deleting a channel needs Manage Channels, which the cohort bot never asks for.
            raise errors.missing_permissions()
        data = payloads.channel(world, channel)
        await actions.delete_thread(channel, bot_id)
        return reply(data)

    async def history(request: web.Request) -> web.Response:
        channel = ctx.channel(request)
        q = request.query
        if channel.guild_id is not None and not world.can(channel, bot_id, READ_MESSAGE_HISTORY):
            return reply([])  # Discord answers an empty history, not an error
        limit = max(1, min(100, int(q.get("limit", "50"))))
        if "after" in q:
            msgs = world.visible_after(channel, int(q["after"]), limit)
        elif "around" in q:
            around = int(q["around"])
            older = world.visible_before(channel, around + 1, limit // 2 + 1)
            msgs = older + world.visible_after(channel, around, limit - len(older))
        else:
            before = int(q["before"]) if "before" in q else None
            msgs = world.visible_before(channel, before, limit)
        # Discord answers newest first whatever the direction.
        return reply([actions.message_payload(m) for m in reversed(msgs)])

    async def create(request: web.Request) -> web.Response:
        channel = ctx.channel(request)
        if channel.type == GUILD_FORUM:
            raise errors.DiscordError(400, 50008, "Cannot send messages in a non-text channel")
        msg = await actions.create_message(channel, bot_id, body(request), files(request))
        return reply(actions.message_payload(msg))

    async def get_message(request: web.Request) -> web.Response:
        channel = ctx.channel(request)
        return reply(actions.message_payload(ctx.message(channel, request)))

    async def edit(request: web.Request) -> web.Response:
        channel = ctx.channel(request)
        msg = ctx.message(channel, request)
        if msg.author_id != bot_id:
            raise errors.DiscordError(403, 50005, "Cannot edit a message authored by another user")
        if channel.is_thread and channel.archived:
            raise errors.archived_thread()
        await actions.edit_message(msg, body(request), files(request))
        return reply(actions.message_payload(msg))

    async def delete(request: web.Request) -> web.Response:
        channel = ctx.channel(request)
        msg = ctx.message(channel, request)
        if channel.is_thread and channel.archived:
            raise errors.archived_thread()
        actions.check_can_delete(msg, bot_id)
        await actions.delete_message(msg)
        return reply()

    async def thread_from_message(request: web.Request) -> web.Response:
        channel = ctx.channel(request)
        msg = ctx.message(channel, request)
        thread, _ = await actions.create_thread(channel, bot_id, body(request), from_message=msg)
        return reply(payloads.thread(world, thread), status=201)

    async def thread_standalone(request: web.Request) -> web.Response:
        channel = ctx.channel(request)
        thread, first = await actions.create_thread(
            channel, bot_id, body(request), files=files(request)
        )
        data = payloads.thread(world, thread)
        if first is not None:
            data["message"] = actions.message_payload(first)
        return reply(data, status=201)

    async def join_thread(request: web.Request) -> web.Response:
        channel = ctx.channel(request)
        if not channel.is_thread:
            raise errors.DiscordError(400, 50024, "Cannot execute action on this channel type")
        if request.method == "PUT":
            channel.thread_members.add(bot_id)
        else:
            channel.thread_members.discard(bot_id)
        return reply()

    async def own_reaction(request: web.Request) -> web.Response:
        channel = ctx.channel(request)
        msg = ctx.message(channel, request)
        emoji = request.match_info["emoji"]
        if channel.is_thread and channel.archived:
            raise errors.archived_thread()
        await actions.react(msg, bot_id, emoji, add=request.method == "PUT")
        return reply()

    async def reactions(request: web.Request) -> web.Response:
        channel = ctx.channel(request)
        msg = ctx.message(channel, request)
        emoji = request.match_info["emoji"]
        reaction = next((r for r in msg.reactions if r.emoji == emoji), None)
        if reaction is None:
            raise errors.DiscordError(404, 10014, "Unknown Emoji")
        after = int(request.query.get("after", "0"))
        limit = int(request.query.get("limit", "25"))
        users = sorted(u for u in reaction.user_ids if u > after)[:limit]
        return reply([payloads.user(world.users[u]) for u in users])

    async def open_dm(request: web.Request) -> web.Response:
        recipient = int(body(request).get("recipient_id") or 0)
        if recipient not in world.users:
            raise errors.DiscordError(400, 50033, "Invalid Recipients")
        if recipient == bot_id or world.users[recipient].bot:
            raise errors.cannot_dm()  # no DM with itself or another bot
        return reply(payloads.channel(world, world.dm_channel(recipient)))

    ch = "/channels/{channel_id:[0-9]+}"
    msg = ch + "/messages/{message_id:[0-9]+}"
    return [
        web.get(ch, get_channel),
        web.patch(ch, patch_channel),
        web.delete(ch, delete_channel),
        web.get(ch + "/messages", history),
        web.post(ch + "/messages", create),
        web.get(msg, get_message),
        web.patch(msg, edit),
        web.delete(msg, delete),
        web.post(msg + "/threads", thread_from_message),
        web.post(ch + "/threads", thread_standalone),
        web.put(ch + "/thread-members/@me", join_thread),
        web.delete(ch + "/thread-members/@me", join_thread),
        web.put(msg + "/reactions/{emoji}/@me", own_reaction),
        web.delete(msg + "/reactions/{emoji}/@me", own_reaction),
        web.get(msg + "/reactions/{emoji}", reactions),
        web.post("/users/@me/channels", open_dm),
    ]
