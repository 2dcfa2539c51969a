"""'I sent it' under a review: the form, and logging the outreach it describes.

The outreach log and its follow-up reminder are the followups feature (issue 8): this module
is its Discord side until it moves to cogs/followups.py.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import discord

from bot.clock import to_ms
from bot.display import member_text
from bot.errors import UserError
from bot.review import Draft, parse_channel
from cogs._ui import CohortModal, cohort_bot, send_ephemeral
from cogs.review._render import CHANNEL_NAMES
from storage import outreaches as outreaches_store


@dataclass(frozen=True)
class SentForm:
    """The 'I sent it' form as the member filled it in (checked by `log_sent`)."""

    recipient: str
    channel: str
    sent_on: str
    keep: str


class SentModal(CohortModal):
    """'I sent it': who, how, when, and whether to keep the draft with the record."""

    recipient: discord.ui.TextInput[SentModal] = discord.ui.TextInput(
        custom_id="recipient",
        label="Who did you send it to?", max_length=100, placeholder="e.g. Dana Lee, Acme",
    )
    channel: discord.ui.TextInput[SentModal] = discord.ui.TextInput(
        custom_id="channel",
        label="Channel", max_length=20,
        placeholder="linkedin_note, linkedin_message or email",
    )
    sent_on: discord.ui.TextInput[SentModal] = discord.ui.TextInput(
        custom_id="sent_on",
        label="Sent on (YYYY-MM-DD, blank = today)", required=False, max_length=10,
    )
    keep: discord.ui.TextInput[SentModal] = discord.ui.TextInput(
        custom_id="keep",
        label="Keep the draft with the record? yes / no", max_length=3, default="no",
    )

    def __init__(self, draft: Draft,
                 on_submit: Callable[[discord.Interaction, SentForm, Draft], Awaitable[None]]
                 ) -> None:
        super().__init__(title="Log this outreach as sent", custom_id="cohort:draft-sent")
        self.draft_, self._submitted = draft, on_submit
        self.channel.default = draft.result.channel

    async def on_submit(self, interaction: discord.Interaction) -> None:
        form = SentForm(self.recipient.value, self.channel.value, self.sent_on.value,
                        self.keep.value)
        await self._submitted(interaction, form, self.draft_)


async def log_sent(interaction: discord.Interaction, form: SentForm, draft: Draft) -> None:
    bot = cohort_bot(interaction)
    channel = parse_channel(form.channel) or draft.result.channel
    recipient = form.recipient.strip()
    if not recipient:
        raise UserError("Say who you sent it to (a name is enough).")
    now = bot.clock.now()
    sent_at = now
    if form.sent_on.strip():
        try:
            day = date.fromisoformat(form.sent_on.strip())
        except ValueError:
            raise UserError("Write the date as YYYY-MM-DD, e.g. 2026-11-25.") from None
        # Noon in the cohort's timezone: the day the member means, wherever UTC is.
        sent_at = datetime.combine(day, time(12), tzinfo=bot.config.cohort.tz)
        if sent_at > now + timedelta(days=1):
            raise UserError("That date is in the future; log the outreach once it's sent.")
    keep = form.keep.strip().lower()
    if keep not in ("yes", "y", "no", "n"):
        raise UserError("Answer yes or no to keeping the draft.")
    keep_draft = keep.startswith("y")
    await outreaches_store.log_outreach(
        bot.db, user_id=interaction.user.id, recipient=recipient, channel=channel,
        draft=draft.text if keep_draft else None, sent_at=to_ms(sent_at), now_ms=to_ms(now),
    )
    window = bot.config.followups.window_days
    await send_ephemeral(
        interaction,
        f"📨 Logged: your {CHANNEL_NAMES.get(channel, channel)} to "
        f"**{member_text(recipient)}**, sent "
        f"{discord.utils.format_dt(sent_at, 'D')}"
        + (" (draft kept with the record)." if keep_draft else " (draft not stored).")
        + f"\nThe lesson allows one follow-up, {window}–14 days later, if there's no reply "
        "— and that is the last attempt.",
    )
