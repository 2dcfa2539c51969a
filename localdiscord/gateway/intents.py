"""Gateway intents: which events a session asked for, and what the privileged ones hide.

Discord's numbers. A session gets an event only if it asked for the event's intent
(INTERACTION_CREATE, READY and RESUMED need none). Three intents are privileged: the
application must have them enabled (Developer Portal, Bot -> Privileged Gateway Intents), or
IDENTIFY is closed with 4014. Bits Discord does not define close it with 4013.
"""

from __future__ import annotations

from typing import Any

GUILDS = 1 << 0
GUILD_MEMBERS = 1 << 1
GUILD_MODERATION = 1 << 2
GUILD_EXPRESSIONS = 1 << 3
GUILD_INTEGRATIONS = 1 << 4
GUILD_WEBHOOKS = 1 << 5
GUILD_INVITES = 1 << 6
GUILD_VOICE_STATES = 1 << 7
GUILD_PRESENCES = 1 << 8
GUILD_MESSAGES = 1 << 9
GUILD_MESSAGE_REACTIONS = 1 << 10
GUILD_MESSAGE_TYPING = 1 << 11
DIRECT_MESSAGES = 1 << 12
DIRECT_MESSAGE_REACTIONS = 1 << 13
DIRECT_MESSAGE_TYPING = 1 << 14
MESSAGE_CONTENT = 1 << 15
GUILD_SCHEDULED_EVENTS = 1 << 16
AUTO_MODERATION_CONFIGURATION = 1 << 20
AUTO_MODERATION_EXECUTION = 1 << 21
GUILD_MESSAGE_POLLS = 1 << 24
DIRECT_MESSAGE_POLLS = 1 << 25

DEFINED = (
    (1 << 17) - 1 | AUTO_MODERATION_CONFIGURATION | AUTO_MODERATION_EXECUTION
    | GUILD_MESSAGE_POLLS | DIRECT_MESSAGE_POLLS
)

# Privileged intent -> the application flags that enable it (the full and the "limited" one
# Discord grants to unverified apps in fewer than 100 guilds), and its portal name.
PRIVILEGED = {
    GUILD_PRESENCES: ((1 << 12) | (1 << 13), "presence"),
    GUILD_MEMBERS: ((1 << 14) | (1 << 15), "server members"),
    MESSAGE_CONTENT: ((1 << 18) | (1 << 19), "message content"),
}
# The application flag a local application gets for each privileged intent it enables.
APPLICATION_FLAG = {GUILD_PRESENCES: 1 << 12, GUILD_MEMBERS: 1 << 14, MESSAGE_CONTENT: 1 << 18}
PRIVILEGED_NAMES = {"presences": GUILD_PRESENCES, "members": GUILD_MEMBERS,
                    "message_content": MESSAGE_CONTENT}

_GUILD_EVENTS = {
    "GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE", "GUILD_ROLE_CREATE", "GUILD_ROLE_UPDATE",
    "GUILD_ROLE_DELETE", "CHANNEL_CREATE", "CHANNEL_UPDATE", "CHANNEL_DELETE",
    "THREAD_CREATE", "THREAD_UPDATE", "THREAD_DELETE", "THREAD_LIST_SYNC",
    "THREAD_MEMBER_UPDATE", "THREAD_MEMBERS_UPDATE",
}
_MEMBER_EVENTS = {"GUILD_MEMBER_ADD", "GUILD_MEMBER_UPDATE", "GUILD_MEMBER_REMOVE"}
_MESSAGE_EVENTS = {"MESSAGE_CREATE", "MESSAGE_UPDATE", "MESSAGE_DELETE", "MESSAGE_DELETE_BULK"}
_REACTION_EVENTS = {
    "MESSAGE_REACTION_ADD", "MESSAGE_REACTION_REMOVE", "MESSAGE_REACTION_REMOVE_ALL",
    "MESSAGE_REACTION_REMOVE_EMOJI",
}
_CONTENT_FIELDS = {"content": "", "embeds": [], "attachments": [], "components": []}


def needed(event: str, data: dict[str, Any]) -> int:
    """The intent an event needs; 0 for events every session gets."""
    in_guild = "guild_id" in data
    if event in _GUILD_EVENTS:
        return GUILDS
    if event in _MEMBER_EVENTS:
        return GUILD_MEMBERS
    if event in _MESSAGE_EVENTS:
        return GUILD_MESSAGES if in_guild else DIRECT_MESSAGES
    if event in _REACTION_EVENTS:
        return GUILD_MESSAGE_REACTIONS if in_guild else DIRECT_MESSAGE_REACTIONS
    return 0


def problem(intents: int, enabled_flags: int) -> tuple[int, str] | None:
    """The close code and reason Discord gives an IDENTIFY with these intents, or None."""
    if intents & ~DEFINED or intents < 0:
        return 4013, "Invalid intent(s)."
    for intent, (flags, _name) in PRIVILEGED.items():
        if intents & intent and not enabled_flags & flags:
            return 4014, "Disallowed intent(s)."
    return None


def redact(event: str, data: dict[str, Any], intents: int, bot_user_id: int) -> dict[str, Any]:
    """What a session may see of an event. Without GUILD_MEMBERS, a GUILD_CREATE lists only
    the bot's own member. Without MESSAGE_CONTENT, Discord blanks content, embeds,
    attachments and components of guild messages that are not the bot's own and do not
    mention it (DMs keep theirs)."""
    if event == "GUILD_CREATE" and not intents & GUILD_MEMBERS:
        own = [m for m in data.get("members") or [] if m["user"]["id"] == str(bot_user_id)]
        return {**data, "members": own}
    if event not in ("MESSAGE_CREATE", "MESSAGE_UPDATE") or intents & MESSAGE_CONTENT:
        return data
    if "guild_id" not in data:
        return data
    author = str((data.get("author") or {}).get("id"))
    mentioned = any(str(u.get("id")) == str(bot_user_id) for u in data.get("mentions") or [])
    if author == str(bot_user_id) or mentioned or f"<@{bot_user_id}>" in str(
        data.get("content", "")
    ):
        return data
    return {**data, **{k: v for k, v in _CONTENT_FIELDS.items() if k in data}}
