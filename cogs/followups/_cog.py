"""/outreach log|list|replied|stats, the reminder's start-up, and notices of reminders that
never reached a member (told privately under the answer to their next command, button or
form)."""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import tzinfo
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import CohortBot
from bot.clock import from_ms
from bot.display import clip
from bot.followups import LIST_STATES, NAME_FILTER_MAX, RECIPIENT_MAX, Outreach, fold_name
from bot.review import CHANNEL_NAMES
from bot.services.followups import Acted
from bot.settings import MAX_CHOICES
from cogs._answer import TRANSIENT
from cogs._checks import require_moderator
from cogs._ui import CHOICE_LIMIT, NO_PINGS, forms_of, send_ephemeral, tellers_of
from cogs.followups._render import (
    LogQuery,
    acted_text,
    channel_name,
    reminder_embed,
    totals_embed,
)
from cogs.followups._views import (
    FollowupButton,
    FollowupReviewModal,
    ListPageButton,
    LogRequest,
    SamePersonButton,
    SentModal,
    followup_view,
    log_and_answer,
    show_log,
)

log = logging.getLogger(__name__)

# An autocomplete's value for one outreach (see replied_autocomplete); anything else is typed.
PICKED = re.compile(r"outreach:(\d{1,18})")
EVERYWHERE = app_commands.AppCommandContext(guild=True, dm_channel=True, private_channel=False)
CHANNEL_CHOICES = [app_commands.Choice(name=label, value=key)
                   for key, label in CHANNEL_NAMES.items()]
STATE_CHOICES = [app_commands.Choice(name=label, value=key)
                 for key, (label, _) in LIST_STATES.items()]


def _outreach_label(o: Outreach, zone: tzinfo) -> str:
    """The choice a member sees: the name (cut, with "…", to leave room) and when and how it
    went. Discord shows a choice as plain text (no timestamps), so the day is the member's,
    in their timezone: the day every other message showed them."""
    sent = from_ms(o.sent_at).astimezone(zone)
    tail = f" · {channel_name(o.channel)} · sent {sent:%Y-%m-%d}"
    return clip(o.recipient, CHOICE_LIMIT - len(tail)) + tail


class FollowupsCog(commands.Cog):
    outreach = app_commands.Group(
        name="outreach", description="Your outreach log and its one follow-up",
        allowed_contexts=EVERYWHERE,
    )

    def __init__(self, bot: CohortBot) -> None:
        self.bot = bot
        self.followups = bot.services.followups
        self._start: asyncio.Task[None] | None = None

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(FollowupButton, SamePersonButton, ListPageButton)
        forms_of(self.bot).add_kinds(FollowupReviewModal, SentModal)
        tellers_of(self.bot).append(self.tell_owed)
        self._start = asyncio.create_task(self._start_reminders(), name="cohortbot:followups")

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(FollowupButton, SamePersonButton, ListPageButton)
        forms_of(self.bot).remove_kinds(FollowupReviewModal, SentModal)
        tellers_of(self.bot).remove(self.tell_owed)
        if self._start is None:
            return
        if self._start.done():
            await self.followups.stop()
        else:
            self._start.cancel()  # stopped before READY: nothing was started

    async def _start_reminders(self) -> None:
        # After READY: overdue reminders go out at once, and sending needs the connection.
        await self.bot.wait_until_ready()
        try:
            await self.followups.start()
        except Exception:
            log.exception("follow-up reminders could not start; they are NOT being sent")

    # --- commands ---------------------------------------------------------------------------

    @outreach.command(name="log", description="Log an outreach you sent (or its one follow-up)")
    @app_commands.describe(
        who="Who you sent it to: a name, an email or a profile URL",
        channel="How you sent it",
        sent_on="When: YYYY-MM-DD, “yesterday”, “3 days ago”, “last Monday” (default: now)",
        note="A note for yourself (only you see it)",
    )
    @app_commands.choices(channel=CHANNEL_CHOICES)
    async def log_command(
        self, interaction: discord.Interaction, who: app_commands.Range[str, 1, RECIPIENT_MAX],
        channel: app_commands.Choice[str], sent_on: app_commands.Range[str, 1, 30] | None = None,
        note: app_commands.Range[str, 1, 300] | None = None,
    ) -> None:
        await log_and_answer(interaction, LogRequest(
            user_id=interaction.user.id, recipient=who, channel=channel.value, sent_on=sent_on,
            note=note))

    @outreach.command(name="list", description="Your outreaches, their state and reminders")
    @app_commands.describe(
        state="Only the outreaches in this state (default: all, open ones first)",
        name="Only the outreaches to a name holding this (e.g. Dana)",
        page="Which page (each has up to 15; “Next ▶” turns them too)",
    )
    @app_commands.choices(state=STATE_CHOICES)
    async def list_command(
        self, interaction: discord.Interaction, state: app_commands.Choice[str] | None = None,
        name: app_commands.Range[str, 1, NAME_FILTER_MAX] | None = None,
        page: app_commands.Range[int, 1, 9999] = 1,
    ) -> None:
        holding = " ".join(name.split()) if name and fold_name(name) else None  # blank: all
        await show_log(interaction, LogQuery(state.value if state else None, holding, page))

    @outreach.command(name="replied", description="They replied: note it (no follow-up needed)")
    @app_commands.describe(who="Whose reply (start typing their name)")
    async def replied_command(self, interaction: discord.Interaction,
                              who: app_commands.Range[str, 1, RECIPIENT_MAX]) -> None:
        picked = PICKED.fullmatch(who)
        name = await self.followups.mark_replied(interaction.user.id, who,
                                                 int(picked[1]) if picked else None)
        await send_ephemeral(interaction, acted_text(Acted("replied", name, ())))

    @replied_command.autocomplete("who")
    async def replied_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        # The value names the outreach, not the person: a name longer than a choice's 100
        # characters (up to RECIPIENT_MAX) still finds its row, and two outreaches to the same
        # name are told apart by their channel and day.
        entries = await self.followups.awaiting_reply(interaction.user.id)
        zone = ZoneInfo(await self.bot.services.settings.zone_of(interaction.user.id))
        typed = fold_name(current)
        return [app_commands.Choice(name=_outreach_label(o, zone), value=f"outreach:{o.id}")
                for o in entries if typed in fold_name(o.recipient)][:MAX_CHOICES]

    @outreach.command(name="stats", description="The cohort's outreach totals (moderators)",
                      extras={"moderator": True})
    async def stats_command(self, interaction: discord.Interaction) -> None:
        require_moderator(interaction, self.bot.config)
        await send_ephemeral(interaction, "", embed=totals_embed(await self.followups.totals()))

    # --- reminders that never arrived -------------------------------------------------------

    async def tell_owed(self, interaction: discord.Interaction) -> None:
        """A member whose reminder could not be DMed hears of it privately, with the
        reminder's buttons, under the answer to their next interaction of any kind
        (`cogs/_ui.py: tell_owed`)."""
        for notice in await self.followups.notices_for(interaction.user.id):
            try:
                await interaction.followup.send(
                    embed=reminder_embed(notice), ephemeral=True, allowed_mentions=NO_PINGS,
                    view=followup_view(notice.followup_id, notice.delivery, notice.actions))
            except (discord.HTTPException, *TRANSIENT) as failed:  # still owed: the next one
                log.warning("could not tell member %s about reminder %d (%s)",
                            interaction.user.id, notice.followup_id, type(failed).__name__)
                return
            await self.followups.notice_told(notice.followup_id)
            log.info("told member %s about reminder %d", interaction.user.id,
                     notice.followup_id)
