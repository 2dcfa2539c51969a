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


def missing_permissions(channel: discord.abc.GuildChannel, me: discord.Member) -> list[str]:
    perms = channel.permissions_for(me)
    return [label for name, label in CHANNEL_PERMISSIONS.items() if not getattr(perms, name)]
