"""/help: what the bot does and the commands open to the member who asks."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot import limits
from bot.client import CohortBot
from bot.display import fit_list
from cogs._checks import is_moderator
from cogs._embeds import Embed

ABOUT = (
    "I help this cohort practise the lesson **Networking with Professionals**:\n"
    "• I post the lesson's evaluation prompt and its outreach examples, each with a thread "
    "for your critiques.\n"
    "• DM me a draft of a cold outreach (LinkedIn note or message, or an email) and I review it "
    "against the lesson's rules, privately.\n"
    "• Press “I sent it” under a review (or use `/outreach log`) to log an outreach. The "
    "lesson allows one follow-up, 1–2 weeks later, if there's no reply: I DM you a reminder "
    "when it's due, at a friendly hour in your timezone (`/settings timezone`), and I refuse "
    "a third attempt.\n"
    "Drafts you DM me stay private; `/forget-me` deletes everything I store about you."
)



def more_commands(count: int) -> str:
    return f"… and {count:,} more: type / in the message box to see them all."


def visible_commands(
    tree: app_commands.CommandTree[CohortBot], guild: discord.abc.Snowflake | None, moderator: bool
) -> list[tuple[str, str]]:
    """(name, description) of every command and subcommand the member may use."""
    seen: dict[str, str] = {}
    for command in [*tree.get_commands(guild=guild), *tree.get_commands()]:
        items = command.walk_commands() if isinstance(command, app_commands.Group) else [command]
        for item in items:
            if isinstance(item, app_commands.Command) and (
                moderator or not item.extras.get("moderator")
            ):
                seen.setdefault(item.qualified_name, item.description)
    return sorted(seen.items())


class HelpCog(commands.Cog):
    def __init__(self, bot: CohortBot) -> None:
        self.bot = bot

    @app_commands.command(name="help", description="What this bot does and how to use it")
    async def help(self, interaction: discord.Interaction) -> None:
        moderator = is_moderator(interaction.user, self.bot.config)
        rows = visible_commands(self.bot.tree, interaction.guild, moderator)
        members = [f"`/{name}` — {desc}" for name, desc in rows]
        embed = Embed(title="Cohort bot", description=ABOUT, colour=0x5865F2)
        embed.add_field(
            name="Commands for you" + (" (moderator)" if moderator else ""),
            value=fit_list(members, limits.FIELD_VALUE, more=more_commands) or "none",
            inline=False,
        )
        if moderator:
            embed.set_footer(text="Moderator = a configured moderator role or Manage Server.")
        await interaction.response.send_message(embed=embed, ephemeral=True)


async def setup(bot: CohortBot) -> None:
    await bot.add_cog(HelpCog(bot))
