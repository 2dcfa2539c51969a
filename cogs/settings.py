"""/settings timezone: the member's own timezone, for the hours their reminders come in."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import CohortBot
from bot.clock import at_and_in
from bot.display import plural
from bot.settings import resolve_zone, zone_choices, zone_label
from bot.visible import is_blank
from cogs._ui import choice_name, send_ephemeral

RESET = "cohort"  # the value that goes back to the cohort's timezone


class SettingsCog(commands.Cog):
    settings = app_commands.Group(
        name="settings", description="Your own settings",
        allowed_contexts=app_commands.AppCommandContext(guild=True, dm_channel=True),
    )

    def __init__(self, bot: CohortBot) -> None:
        self.bot = bot
        self.followups = bot.services.followups

    @settings.command(name="timezone",
                      description="Your timezone: reminders come at a friendly hour there")
    @app_commands.describe(zone="Start typing a city or region (e.g. Berlin, New York); "
                                "leave empty to see your current one")
    async def timezone(self, interaction: discord.Interaction,
                       zone: app_commands.Range[str, 1, 64] | None = None) -> None:
        user_id = interaction.user.id
        service = self.bot.services.settings
        now = self.bot.clock.now()
        hours = self.bot.config.followups.friendly_hours
        if zone is None:
            own = await service.own_zone(user_id)
            current = own or service.cohort_zone
            where = "yours" if own else "the cohort's (you haven't set one)"
            await send_ephemeral(
                interaction, f"🕘 Your timezone: **{zone_label(current, now)}**, {where}. "
                f"Reminders come between {hours.spoken()} there. Change it with "
                "`/settings timezone zone:` and a city.")
            return
        chosen = None if zone.strip().lower() == RESET else resolve_zone(zone, now)
        await service.set_zone(user_id, chosen)
        moved = await self.followups.timezone_changed(user_id)
        name = chosen or service.cohort_zone
        local = now.astimezone(ZoneInfo(name))
        text = (f"🕘 Your timezone is now **{zone_label(name, now)}**"
                + ("" if chosen else " (the cohort's)")
                + f"; it's {local:%H:%M} there. Reminders come between {hours.spoken()} your time.")
        if moved:
            text += (f"\nI moved {plural(len(moved), 'pending reminder')} to your new zone; "
                     f"the next comes {at_and_in(min(moved))}.")
        await send_ephemeral(interaction, text)

    @timezone.autocomplete("zone")
    async def zone_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        now = self.bot.clock.now()
        service = self.bot.services.settings
        own = await service.own_zone(interaction.user.id)
        first = tuple(z for z in (own, service.cohort_zone) if z)
        names = zone_choices(current, now, first)
        choices = [app_commands.Choice(name=choice_name(zone_label(z, now)), value=z)
                   for z in names]
        if is_blank(current) and own:
            choices.insert(0, app_commands.Choice(
                name=choice_name(f"The cohort's ({service.cohort_zone})"), value=RESET))
        return choices[:25]


async def setup(bot: CohortBot) -> None:
    await bot.add_cog(SettingsCog(bot))
