"""The demo cohort guild: #lessons, a #critiques forum, a Moderator role, mod, ada, ben, cy.

The world `cohortbot sandbox` shows and the end-to-end tests act in, built in the local
Discord with its generic builders.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from localdiscord import Sandbox

# Moderation-ish permissions: manage messages, manage threads, kick, moderate members.
MODERATOR_PERMISSIONS = (1 << 13) | (1 << 34) | (1 << 1) | (1 << 40)
# The permissions the bot's invite link asks for (README.md, "Invite the bot"): View Channel,
# Send Messages, Send Messages in Threads, Create Public Threads, Manage Threads, Embed Links,
# Attach Files, Read Message History, Add Reactions. Discord gives them to the bot's own role.
BOT_INVITE_PERMISSIONS = 326417632320


class CohortGuild:
    """The demo cohort: #lessons, a #critiques forum, a Moderator role, mod, ada, ben and cy."""

    def __init__(self, sandbox: Sandbox, name: str = "Cohort") -> None:
        self.handle = sandbox.create_guild(name)
        self.lessons = self.handle.add_text_channel("lessons")
        self.critiques = self.handle.add_forum_channel("critiques")
        self.moderator_role = self.handle.add_role("Moderator", MODERATOR_PERMISSIONS)
        # The role Discord creates for a bot invited with BOT_INVITE_PERMISSIONS.
        self.bot_role = self.handle.add_role(sandbox.world.bot.username, BOT_INVITE_PERMISSIONS)
        self.bot_role.bot_id = sandbox.world.bot.id  # managed by Discord, like a real bot role
        self.handle.guild.members[sandbox.world.bot.id] = [self.bot_role.id]
        self.mod = self.handle.add_member("mod", roles=[self.moderator_role])
        self.ada = self.handle.add_member("ada")
        self.ben = self.handle.add_member("ben")
        self.cy = self.handle.add_member("cy")
