"""JSON payloads in Discord's shapes, built from `state.World`.

Field sets follow the `*Response` schemas of Discord's OpenAPI spec (the local Discord's REST
answers are validated against them) and what discord.py's parsers read from gateway events.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from localdiscord.gateway.intents import APPLICATION_FLAG, PRIVILEGED_NAMES
from localdiscord.state import (
    DM,
    GUILD_FORUM,
    Attachment,
    Channel,
    Guild,
    Message,
    Role,
    User,
    World,
    iso,
)


def user(u: User) -> dict[str, Any]:
    return {
        "id": str(u.id),
        "username": u.username,
        "discriminator": "0",
        "global_name": None if u.bot else u.username.title(),
        "avatar": None,
        "public_flags": 0,
        "flags": 0,
        "primary_guild": None,
        "bot": u.bot,
    }


def own_user(world: World) -> dict[str, Any]:
    """The bot's own user (`GET /users/@me`, READY): with Discord's private fields."""
    return {**user(world.bot), "mfa_enabled": False, "verified": True, "email": None,
            "locale": "en-US"}


def application_flags(world: World) -> int:
    return sum(APPLICATION_FLAG[PRIVILEGED_NAMES[name]] for name in world.privileged_intents)


def role(r: Role) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": str(r.id),
        "name": r.name,
        "permissions": str(r.permissions),
        "position": r.position,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
        "hoist": False,
        "managed": False,
        "mentionable": False,
        "icon": None,
        "unicode_emoji": None,
        "flags": 0,
    }
    if r.bot_id is not None:
        out.update(managed=True, tags={"bot_id": str(r.bot_id)})
    return out


def member(world: World, guild: Guild, user_id: int) -> dict[str, Any]:
    return {
        "user": user(world.users[user_id]),
        "roles": [str(r) for r in guild.members.get(user_id, [])],
        "joined_at": iso(guild.joined_at),
        "nick": None,
        "avatar": None,
        "banner": None,
        "premium_since": None,
        "communication_disabled_until": None,
        "pending": False,
        "flags": 0,
        "mute": False,
        "deaf": False,
    }


def _last_message_id(channel: Channel) -> str | None:
    return str(channel.message_ids[-1]) if channel.message_ids else None


def channel(world: World, ch: Channel) -> dict[str, Any]:
    if ch.type == DM:
        return {
            "id": str(ch.id),
            "type": DM,
            "flags": 0,
            "last_message_id": _last_message_id(ch),
            "recipients": [user(world.users[uid]) for uid in ch.recipients],
        }
    if ch.is_thread:
        return thread(world, ch)
    out: dict[str, Any] = {
        "id": str(ch.id),
        "type": ch.type,
        "guild_id": str(ch.guild_id),
        "name": ch.name,
        "position": ch.position,
        "parent_id": str(ch.parent_id) if ch.parent_id else None,
        "permission_overwrites": [
            {"id": str(o.id), "type": o.type, "allow": str(o.allow), "deny": str(o.deny)}
            for o in ch.overwrites
        ],
        "flags": 0,
        "last_message_id": _last_message_id(ch),
        "rate_limit_per_user": 0,
        "nsfw": False,
        "topic": None,
    }
    if ch.type == GUILD_FORUM:
        out.update(
            available_tags=[],
            default_reaction_emoji=None,
            default_thread_rate_limit_per_user=0,
            default_sort_order=None,
            default_forum_layout=0,
        )
    return out


def thread(world: World, th: Channel) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": str(th.id),
        "type": th.type,
        "guild_id": str(th.guild_id),
        "parent_id": str(th.parent_id),
        "owner_id": str(th.owner_id),
        "name": th.name,
        "flags": 0,
        "last_message_id": _last_message_id(th),
        "rate_limit_per_user": 0,
        "message_count": len(world.visible_messages(th)),
        "total_message_sent": len(th.message_ids),
        "member_count": len(th.thread_members),
        "thread_metadata": {
            "archived": th.archived,
            "locked": th.locked,
            "auto_archive_duration": th.auto_archive_duration,
            "archive_timestamp": iso(th.created_at),
            "create_timestamp": iso(th.created_at),
        },
        "applied_tags": [str(t) for t in th.applied_tags],
    }
    if world.bot.id in th.thread_members:
        out["member"] = thread_member(th, world.bot.id)
    return out


def thread_member(th: Channel, user_id: int) -> dict[str, Any]:
    return {
        "id": str(th.id),
        "user_id": str(user_id),
        "join_timestamp": iso(th.created_at),
        "flags": 0,
    }


def guild(world: World, g: Guild) -> dict[str, Any]:
    """The REST guild object (`GET /guilds/{id}`)."""
    return {
        "id": str(g.id),
        "name": g.name,
        "icon": None,
        "description": None,
        "home_header": None,
        "splash": None,
        "discovery_splash": None,
        "features": [],
        "banner": None,
        "owner_id": str(g.owner_id),
        "application_id": None,
        "region": "deprecated",
        "afk_channel_id": None,
        "afk_timeout": 300,
        "system_channel_id": None,
        "system_channel_flags": 0,
        "widget_enabled": False,
        "widget_channel_id": None,
        "verification_level": 0,
        "roles": [role(r) for r in g.roles.values()],
        "default_message_notifications": 0,
        "mfa_level": 0,
        "explicit_content_filter": 0,
        "max_presences": None,
        "max_members": 500000,
        "max_stage_video_channel_users": 0,
        "max_video_channel_users": 25,
        "vanity_url_code": None,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": "en-US",
        "rules_channel_id": None,
        "safety_alerts_channel_id": None,
        "public_updates_channel_id": None,
        "premium_progress_bar_enabled": False,
        "nsfw": False,
        "nsfw_level": 0,
        "emojis": [],
        "stickers": [],
        "incidents_data": None,
    }


def guild_create(world: World, g: Guild) -> dict[str, Any]:
    """GUILD_CREATE: the REST guild plus channels, threads and the full member list.

    member_count == len(members) makes discord.py treat the guild as chunked, so it never sends
    an op-8 member request.
    """
    channels = [world.channels[c] for c in g.channel_ids]
    out = guild(world, g)
    out.update(
        unavailable=False,
        large=False,
        joined_at=iso(g.joined_at),
        member_count=len(g.members),
        members=[member(world, g, uid) for uid in g.members],
        channels=[channel(world, c) for c in channels if not c.is_thread],
        threads=[thread(world, c) for c in channels if c.is_thread and not c.archived],
        presences=[],
        voice_states=[],
        stage_instances=[],
        guild_scheduled_events=[],
        soundboard_sounds=[],
    )
    return out


def attachment(a: Attachment, base_url: str) -> dict[str, Any]:
    # Quoted: a name may hold a slash, ".." or half of a UTF-16 pair (the CDN reads the id).
    url = f"{base_url}/attachments/{a.id}/{quote(a.filename, safe='', errors='replace')}"
    out: dict[str, Any] = {
        "id": str(a.id),
        "filename": a.filename,
        "size": len(a.data),
        "url": url,
        "proxy_url": url,
    }
    if a.content_type:
        out["content_type"] = a.content_type
    if a.description:
        out["description"] = a.description
    return out


def message(world: World, m: Message, base_url: str, *, gateway: bool = False) -> dict[str, Any]:
    """A message; `gateway=True` adds the guild_id/member that MESSAGE_CREATE carries."""
    ch = world.channels[m.channel_id]
    ref = world.messages.get(m.reference_id) if m.reference_id else None
    out: dict[str, Any] = {
        "id": str(m.id),
        "channel_id": str(m.channel_id),
        "type": 19 if ref is not None else 0,
        "content": m.content,
        "author": user(world.users[m.author_id]),
        "timestamp": iso(m.created_at),
        "edited_timestamp": iso(m.edited_at) if m.edited_at else None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [attachment(a, base_url) for a in m.attachments],
        "embeds": m.embeds,
        "components": m.components,
        "pinned": False,
        "flags": m.flags,
    }
    if m.nonce is not None:
        out["nonce"] = m.nonce
    if m.reactions:
        out["reactions"] = [
            {
                "emoji": _emoji(r.emoji),
                "count": len(r.user_ids),
                "count_details": {"burst": 0, "normal": len(r.user_ids)},
                "burst_colors": [],
                "me_burst": False,
                "me": world.bot.id in r.user_ids,
            }
            for r in m.reactions
        ]
    if ref is not None:
        out["message_reference"] = {
            "type": 0,
            "message_id": str(ref.id),
            "channel_id": str(ref.channel_id),
        }
        if ch.guild_id:
            out["message_reference"]["guild_id"] = str(ch.guild_id)
        out["referenced_message"] = message(world, ref, base_url)
    if m.webhook_id is not None:
        out["webhook_id"] = str(m.webhook_id)
        out["application_id"] = str(world.application_id)
    if m.interaction is not None:
        out["interaction_metadata"] = m.interaction
    if m.thread_id is not None and m.thread_id in world.channels:
        out["thread"] = thread(world, world.channels[m.thread_id])
    if gateway and ch.guild_id:
        out["guild_id"] = str(ch.guild_id)
        guild_ = world.guilds[ch.guild_id]
        if m.author_id in guild_.members:
            mem = member(world, guild_, m.author_id)
            mem.pop("user")
            out["member"] = mem
    return out


def _emoji(text: str) -> dict[str, Any]:
    """"name:id" is a custom emoji, anything else a unicode one."""
    if ":" in text:
        name, _, eid = text.rpartition(":")
        return {"id": eid, "name": name}
    return {"id": None, "name": text}


def emoji(text: str) -> dict[str, Any]:
    return _emoji(text)


def application(world: World) -> dict[str, Any]:
    """`GET /oauth2/applications/@me` (the fields discord.py's AppInfo and the spec need)."""
    return {
        "id": str(world.application_id),
        "name": world.bot.username,
        "icon": None,
        "description": "",
        "type": None,
        "bot": user(world.bot),
        "bot_public": False,
        "bot_require_code_grant": False,
        "verify_key": "0" * 64,
        "flags": application_flags(world),
        "flags_new": str(application_flags(world)),
        "redirect_uris": [],
        "interactions_endpoint_url": None,
        "role_connections_verification_url": None,
        "owner": user(world.owner),
        "approximate_guild_count": len(world.guilds),
        "approximate_user_install_count": 0,
        "approximate_user_authorization_count": 0,
        "explicit_content_filter": 0,
        "team": None,
        "eligible_oauth2_scopes": [],
        "summary": "",
        "tags": [],
    }
