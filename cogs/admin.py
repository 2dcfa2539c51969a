"""Set-up diagnostics: tell the moderators, in plain words, what the bot is missing.

On joining a server, and at start-up for the configured lesson channel, the bot checks that it
can see and post where it must, and says what to fix instead of failing later mid-lesson.
Problems go to the moderators only: a channel hidden from @everyone that the bot can post in,
else a DM to the server's owner. The hello on joining is for everyone.
"""

from __future__ import annotations

import logging

import discord
from discord.ext import commands

from bot.client import CohortBot
from cogs._checks import ADD_THEM, CHANNEL_PERMISSIONS, missing_permissions, moderators_channel
from cogs._embeds import Embed
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
                    f"In {channel.mention} I'm missing: {', '.join(missing)}. {ADD_THEM}")
    return problems


def public_channel(guild: discord.Guild) -> discord.TextChannel | None:
    """Where to say hello: the system channel, else the first channel I can post in."""
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
        embed = Embed(title=title, description="\n".join(f"• {x}" for x in lines))
        channel = moderators_channel(guild)
        try:
            if channel is not None:
                embed.set_footer(text="Moderators: run /help to see what I can do.")
                await channel.send(embed=embed, allowed_mentions=NO_PINGS)
                return
            owner = guild.owner or (guild.owner_id and await guild.fetch_member(guild.owner_id))
            if not owner:
                log.warning("guild %s: no moderators' channel and no owner to tell", guild.id)
                return
            embed.set_footer(text=f"In {guild.name}. You get this as its owner: I found no "
                                  "moderators-only channel I can post in.")
            await owner.send(embed=embed, allowed_mentions=NO_PINGS)
        except discord.HTTPException as exc:
            log.warning("guild %s: could not tell the moderators about my set-up: %s",
                        guild.id, exc)

    async def say_hello(self, guild: discord.Guild, lines: list[str]) -> None:
        channel = public_channel(guild)
        if channel is None:
            return
        embed = Embed(title="Hello, cohort!", description="\n".join(lines))
        embed.set_footer(text="Moderators: run /help to see what I can do.")
        try:
            await channel.send(embed=embed, allowed_mentions=NO_PINGS)
        except discord.HTTPException as exc:
            log.warning("guild %s: could not say hello: %s", guild.id, exc)

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        for guild in self.bot.guilds:
            if guild.id in self._checked:
                continue  # on_ready fires again after reconnects; say it once
            self._checked.add(guild.id)
            problems = setup_problems(self.bot, guild)
            if await self.bot.services.runs.setup_notice_due(guild.id, problems):
                await self.tell_moderators(guild, "I need a hand with my set-up", problems)
            else:  # told at an earlier start: the log still has it
                for line in problems:
                    log.warning("guild %s: %s (told the moderators before)", guild.id, line)

    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        self._checked.add(guild.id)
        wanted = ", ".join(CHANNEL_PERMISSIONS.values())
        await self.say_hello(guild, [
            "Thanks for adding me! Moderators: `/lesson post` starts a lesson; `/help` lists "
            "every command.", f"In the lesson channel I need: {wanted}."])
        problems = setup_problems(self.bot, guild)
        channel = public_channel(guild)
        if channel is not None and (missing := missing_permissions(channel, guild.me)):
            problems.insert(0, f"In {channel.mention} I'm missing: {', '.join(missing)}. "
                               f"{ADD_THEM}")
        if problems:
            await self.tell_moderators(guild, "I need a hand with my set-up", problems)


async def setup(bot: CohortBot) -> None:
    await bot.add_cog(AdminCog(bot))
