"""Set-up diagnostics: tell the moderators, in plain words, what the bot is missing.

On joining a server, and at start-up for the configured lesson channel, the bot checks that it
can see and post where it must, and says what to fix instead of failing later mid-lesson.
"""

from __future__ import annotations

import logging

import discord
from discord.ext import commands

from bot.client import CohortBot
from cogs._checks import CHANNEL_PERMISSIONS, missing_permissions
from cogs._ui import NO_PINGS

log = logging.getLogger(__name__)


def setup_problems(bot: CohortBot, guild: discord.Guild) -> list[str]:
    """Plain-words problems with the bot's set-up in this guild (empty when all is well)."""
    problems = []
    channel_id = bot.config.discord.lesson_channel_id
    if channel_id and guild.id in (bot.config.discord.guild_ids or (guild.id,)):
        channel = guild.get_channel(channel_id)
        if channel is None:
            problems.append(
                f"The lesson channel in my config (id {channel_id}) doesn't exist here or I "
                "can't see it. Give my role View Channel there, or fix `lesson_channel_id`."
            )
        else:
            missing = missing_permissions(channel, guild.me)
            if missing:
                problems.append(
                    f"In {channel.mention} I'm missing: {', '.join(missing)}. "
                    "Add them to my role or to that channel's permissions."
                )
    return problems


def notice_channel(guild: discord.Guild) -> discord.TextChannel | None:
    """Where to tell the moderators: the system channel, else the first channel I can post in."""
    candidates = [guild.system_channel, *sorted(guild.text_channels, key=lambda c: c.position)]
    for channel in candidates:
        if channel is not None and channel.permissions_for(guild.me).send_messages:
            return channel
    return None


class AdminCog(commands.Cog):
    def __init__(self, bot: CohortBot) -> None:
        self.bot = bot
        self._checked: set[int] = set()

    async def tell_moderators(self, guild: discord.Guild, title: str, lines: list[str]) -> None:
        for line in lines:
            log.warning("guild %s: %s", guild.id, line)
        channel = notice_channel(guild)
        if channel is None:
            log.warning("guild %s: no channel I can post in to tell the moderators", guild.id)
            return
        embed = discord.Embed(title=title, description="\n".join(f"• {x}" for x in lines))
        embed.set_footer(text="Moderators: run /help to see what I can do.")
        try:
            await channel.send(embed=embed, allowed_mentions=NO_PINGS)
        except discord.HTTPException as exc:
            log.warning("guild %s: could not post the set-up notice: %s", guild.id, exc)

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        for guild in self.bot.guilds:
            if guild.id in self._checked:
                continue  # on_ready fires again after reconnects; say it once
            self._checked.add(guild.id)
            problems = setup_problems(self.bot, guild)
            if problems:
                await self.tell_moderators(guild, "I need a hand with my set-up", problems)

    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        self._checked.add(guild.id)
        lines = ["Thanks for adding me! Moderators: `/lesson post` starts a lesson; `/help` "
                 "lists every command."]
        channel = notice_channel(guild)
        if channel is not None:
            missing = missing_permissions(channel, guild.me)
            if missing:
                lines.append(f"In {channel.mention} I'm missing: {', '.join(missing)}.")
        wanted = ", ".join(CHANNEL_PERMISSIONS.values())
        lines.append(f"In the lesson channel I need: {wanted}.")
        lines.extend(setup_problems(self.bot, guild))
        await self.tell_moderators(guild, "Hello, cohort!", lines)


async def setup(bot: CohortBot) -> None:
    await bot.add_cog(AdminCog(bot))
