"""Who may do what. Checked by the bot on every moderator action, not only by Discord's
command defaults (which a server admin can override per channel or role)."""

from __future__ import annotations

import discord

from bot.config import Config
from bot.errors import UserError


def is_moderator(member: discord.abc.User, config: Config) -> bool:
    if not isinstance(member, discord.Member):
        return False  # in DMs nobody moderates
    if member.guild_permissions.manage_guild:
        return True
    wanted = set(config.discord.moderator_role_ids)
    return any(role.id in wanted for role in member.roles)


def require_moderator(interaction: discord.Interaction, config: Config) -> discord.Member:
    user = interaction.user
    if interaction.guild is None or not isinstance(user, discord.Member):
        raise UserError("Moderator commands work only in the cohort's server.")
    if not is_moderator(user, config):
        raise UserError(
            "Only moderators can do that (a moderator role from the bot's config, or the "
            "Manage Server permission)."
        )
    return user


# Permissions the bot needs in the lesson channel, with the words a moderator sees in Discord's
# role settings. The invite URL in the README asks for exactly these.
CHANNEL_PERMISSIONS: dict[str, str] = {
    "view_channel": "View Channel",
    "send_messages": "Send Messages",
    "send_messages_in_threads": "Send Messages in Threads",
    "create_public_threads": "Create Public Threads",
    "manage_threads": "Manage Threads",
    "embed_links": "Embed Links",
    "attach_files": "Attach Files",
    "read_message_history": "Read Message History",
    "add_reactions": "Add Reactions",
}


# What to do about missing permissions, said with every list of them.
ADD_THEM = "Add them to my role or to that channel's permissions."


def missing_permissions(channel: discord.abc.GuildChannel, me: discord.Member) -> list[str]:
    """What to give the bot in `channel`, in Discord's words.

    Discord withholds Embed Links and Attach Files when Send Messages is denied (everything
    when View Channel is): those are not listed unless they are denied themselves, since
    granting them is not the fix."""
    perms, granted = channel.permissions_for(me), _overwritten(channel, me)
    missing = [label for name, label in CHANNEL_PERMISSIONS.items()
               if not getattr(perms, name) and not getattr(granted, name)]
    return missing or [label for name, label in CHANNEL_PERMISSIONS.items()
                       if not getattr(perms, name)]


def _overwritten(channel: discord.abc.GuildChannel, me: discord.Member) -> discord.Permissions:
    """The bot's permissions in `channel` from its roles and the channel's overwrites, in
    Discord's order (@everyone, then the roles together, then the member), before the
    implicit withholding above."""
    if me.guild_permissions.administrator:
        return discord.Permissions.all()
    value = me.guild_permissions.value
    allow, deny = channel.overwrites_for(channel.guild.default_role).pair()
    value = (value & ~deny.value) | allow.value
    role_allow = role_deny = 0
    for role in me.roles:
        if role != channel.guild.default_role:
            allow, deny = channel.overwrites_for(role).pair()
            role_allow, role_deny = role_allow | allow.value, role_deny | deny.value
    value = (value & ~role_deny) | role_allow
    allow, deny = channel.overwrites_for(me).pair()
    return discord.Permissions((value & ~deny.value) | allow.value)


def moderators_channel(guild: discord.Guild) -> discord.TextChannel | None:
    """A channel for the moderators' eyes: hidden from @everyone, and I can post embeds in it."""
    for channel in sorted(guild.text_channels, key=lambda c: c.position):
        mine = channel.permissions_for(guild.me)
        if (not channel.permissions_for(guild.default_role).view_channel
                and mine.send_messages and mine.embed_links):
            return channel
    return None
