"""Draft review by DM and /review.

A DM with a draft gets the review as an embed with four buttons: All findings, Revise (a
modal holding the draft), I sent it (logs the outreach), Forget this draft. The buttons are
DynamicItems keyed by action; the draft itself is found by the review message's id in memory.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from typing import Any, ClassVar

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import CohortBot
from bot.clock import from_ms, to_ms
from bot.errors import UserError
from bot.review import (
    CHANNELS,
    MIN_DRAFT_WORDS,
    Review,
    ReviewSettings,
    is_reviewable,
    review,
)
from cogs._ui import NO_PINGS, CohortModal, CohortView, guarded, send_ephemeral
from cogs.review._drafts import Draft, DraftBook
from cogs.review._render import CHANNEL_NAMES, all_findings_text, review_embed
from storage import outreaches
from storage import reviews as usage

log = logging.getLogger(__name__)

MAX_TXT_BYTES = 64 * 1024
RATE_WINDOW = timedelta(hours=1)
HELP_TEXT = (
    "Hi! Send me a draft of a cold outreach — a LinkedIn connection note, a LinkedIn message "
    "or an email — and I'll review it against the lesson's rules and tell you whether it's "
    "likely to get a response, and why. Paste the whole message, or attach it as a `.txt` "
    "file. Drafts stay private. `/review` works too, and `/forget-me` deletes what I store."
)


def parse_channel(value: str | None) -> str | None:
    """What a member typed for the channel -> a channel id, None for 'detect'."""
    if value is None or not value.strip():
        return None
    key = value.strip().lower().replace(" ", "_").replace("-", "_")
    aliases = {"note": "linkedin_note", "connection_note": "linkedin_note",
               "message": "linkedin_message", "linkedin": "linkedin_message", "mail": "email",
               "e_mail": "email"}
    key = aliases.get(key, key)
    if key not in CHANNELS:
        raise UserError(f"Unknown channel `{value.strip()[:40]}`: use linkedin_note, "
                        "linkedin_message or email (or leave it blank to detect).")
    return key


class DraftButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"cohort:draft:(?P<action>all|revise|sent|forget)",
):
    LOOK: ClassVar[dict[str, tuple[str, discord.ButtonStyle, str]]] = {
            "all": ("All findings", discord.ButtonStyle.secondary, "📋"),
            "revise": ("Revise", discord.ButtonStyle.primary, "✏️"),
            "sent": ("I sent it", discord.ButtonStyle.success, "📨"),
            "forget": ("Forget this draft", discord.ButtonStyle.danger, "🗑️")}

    def __init__(self, action: str) -> None:
        label, style, emoji = self.LOOK[action]
        super().__init__(discord.ui.Button(label=label, style=style, emoji=emoji,
                                           custom_id=f"cohort:draft:{action}"))
        self.action = action

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> DraftButton:
        return cls(match["action"])

    async def callback(self, interaction: discord.Interaction) -> None:
        cog = interaction.client.get_cog("ReviewCog")  # type: ignore[attr-defined]
        assert isinstance(cog, ReviewCog)
        await guarded(interaction, cog.on_button(interaction, self.action))


def review_view() -> discord.ui.View:
    view = CohortView(timeout=None)
    for action in DraftButton.LOOK:
        view.add_item(DraftButton(action))
    return view


class DraftModal(CohortModal):
    """/review's form, and Revise's (holding the current draft)."""

    draft: discord.ui.TextInput[DraftModal] = discord.ui.TextInput(
        custom_id="draft",
        label="Your draft", style=discord.TextStyle.paragraph, max_length=4000,
        placeholder="Paste the note, message or email you plan to send",
    )
    channel: discord.ui.TextInput[DraftModal] = discord.ui.TextInput(
        custom_id="channel",
        label="Channel", required=False, max_length=20,
        placeholder="linkedin_note, linkedin_message or email (blank: I detect it)",
    )
    attempt: discord.ui.TextInput[DraftModal] = discord.ui.TextInput(
        custom_id="attempt",
        label="Attempt: 1 = first message, 2 = follow-up", required=False, max_length=1,
        placeholder="1",
    )

    def __init__(self, cog: ReviewCog, *, title: str, previous: Draft | None = None,
                 message_id: int | None = None) -> None:
        super().__init__(title=title, custom_id="cohort:draft-modal")
        self.cog, self.previous, self.message_id = cog, previous, message_id
        self.draft.max_length = cog.bot.config.review.max_chars
        if previous is not None:
            self.draft.default = previous.text
            self.channel.default = previous.channel or ""
            self.attempt.default = str(previous.attempt)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        channel = parse_channel(self.channel.value)
        attempt_text = self.attempt.value.strip() or "1"
        if not attempt_text.isdigit() or not 1 <= int(attempt_text) <= 9:
            raise UserError("Attempt is a number: 1 for the first message, 2 for the follow-up.")
        attempt = int(attempt_text)
        await self.cog.answer_review(
            interaction, self.draft.value, channel=channel, attempt=attempt,
            replace_message_id=self.message_id,
        )


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

    def __init__(self, cog: ReviewCog, draft: Draft, message_id: int) -> None:
        super().__init__(title="Log this outreach as sent", custom_id="cohort:draft-sent")
        self.cog, self.draft_, self.message_id = cog, draft, message_id
        self.channel.default = draft.result.channel

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await self.cog.log_sent(interaction, self, self.draft_)


class ReviewCog(commands.Cog):
    def __init__(self, bot: CohortBot) -> None:
        self.bot = bot
        self.drafts = DraftBook()
        self.settings = ReviewSettings(linkedin_note_limit=bot.config.review.linkedin_note_limit)

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(DraftButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(DraftButton)

    # --- reviewing ------------------------------------------------------------------------

    def check_text(self, text: str) -> None:
        limit = self.bot.config.review.max_chars
        if len(text) > limit:
            raise UserError(f"Your draft is {len(text):,} characters; I review up to "
                            f"{limit:,}. Outreach works best short: trim it and send it again.")
        ok, reason = is_reviewable(text)
        if not ok:
            raise UserError(reason)

    async def check_rate(self, user_id: int) -> None:
        now = self.bot.clock.now()
        recent = await usage.reviews_since(self.bot.db, user_id, to_ms(now - RATE_WINDOW))
        limit = self.bot.config.review.rate_limit_per_hour
        if len(recent) >= limit:
            again = from_ms(recent[len(recent) - limit]) + RATE_WINDOW
            minutes = max(1, round((again - now).total_seconds() / 60))
            raise UserError(f"You've had {limit} reviews in the last hour. Try again "
                            f"{discord.utils.format_dt(again, 'R')} (about {minutes} min).")

    async def run_review(self, user_id: int, text: str, channel: str | None,
                         attempt: int) -> Review:
        self.check_text(text)
        await self.check_rate(user_id)
        result = review(text, channel=channel, followup=attempt > 1, attempt=attempt,
                        settings=self.settings)
        now = self.bot.clock.now()
        await usage.record_review(self.bot.db, user_id, to_ms(now), to_ms(now - RATE_WINDOW))
        return result

    async def answer_review(
        self, interaction: discord.Interaction, text: str, *, channel: str | None,
        attempt: int, replace_message_id: int | None = None,
    ) -> None:
        user = interaction.user
        result = await self.run_review(user.id, text, channel, attempt)
        draft = Draft(user.id, text, result, channel, attempt > 1, attempt,
                      self.bot.clock.now())
        embed = review_embed(text, result)
        private = interaction.guild is not None
        if replace_message_id is not None and interaction.message is not None:
            await interaction.response.edit_message(embed=embed, view=review_view())
            self.drafts.put(interaction.message.id, draft)
            return
        await interaction.response.send_message(embed=embed, view=review_view(),
                                                ephemeral=private, allowed_mentions=NO_PINGS)
        message = await interaction.original_response()
        self.drafts.put(message.id, draft)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.guild is not None or message.author.bot:
            return
        try:
            text = await self.draft_text(message)
            result = await self.run_review(message.author.id, text, None, 1)
        except UserError as exc:
            # A greeting or a one-liner gets the help, not only the refusal.
            short = len(message.content.split()) < MIN_DRAFT_WORDS and not message.attachments
            answer = f"{exc.message}\n\n{HELP_TEXT}" if short else exc.message
            await message.channel.send(answer, allowed_mentions=NO_PINGS)
            return
        sent = await message.channel.send(embed=review_embed(text, result), view=review_view(),
                                          allowed_mentions=NO_PINGS)
        self.drafts.put(sent.id, Draft(message.author.id, text, result, None, False, 1,
                                        self.bot.clock.now()))

    async def draft_text(self, message: discord.Message) -> str:
        if not message.attachments:
            return message.content
        if len(message.attachments) > 1:
            raise UserError("Send one draft at a time: one message, or one `.txt` file.")
        file = message.attachments[0]
        is_text = file.filename.lower().endswith(".txt") or (
            (file.content_type or "").startswith("text/plain"))
        if not is_text:
            raise UserError(f"I can't review `{file.filename[:60]}`: I read plain text. Paste "
                            "the draft into the message, or attach it as a `.txt` file.")
        if file.size > MAX_TXT_BYTES:
            raise UserError(f"`{file.filename[:60]}` is {file.size // 1024} KiB; a draft fits "
                            "in far less. Send the draft itself.")
        data = await file.read()
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise UserError(f"`{file.filename[:60]}` is not UTF-8 text; save it as UTF-8 "
                            "and send it again.") from None

    @app_commands.command(name="review", description="Review an outreach draft (privately)")
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
    async def review_command(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(DraftModal(self, title="Review my outreach draft"))

    # --- buttons -------------------------------------------------------------------------

    async def on_button(self, interaction: discord.Interaction, action: str) -> None:
        assert interaction.message is not None
        message_id = interaction.message.id
        draft = self.drafts.get(message_id, interaction.user.id, self.bot.clock.now())
        if draft is None:
            raise UserError("I no longer hold that draft: I keep drafts in memory only (never "
                            "on disk) and forget them after a day or a restart. Send it again.")
        if action == "all":
            chunks = all_findings_text(draft.text, draft.result)
            await interaction.response.send_message(chunks[0], ephemeral=True,
                                                    allowed_mentions=NO_PINGS)
            for chunk in chunks[1:]:
                await interaction.followup.send(chunk, ephemeral=True, allowed_mentions=NO_PINGS)
        elif action == "revise":
            await interaction.response.send_modal(
                DraftModal(self, title="Revise your draft", previous=draft,
                           message_id=message_id))
        elif action == "sent":
            await interaction.response.send_modal(SentModal(self, draft, message_id))
        elif action == "forget":
            self.drafts.forget(message_id)
            # The review quotes the draft, so it goes too.
            await interaction.response.edit_message(
                content="🗑️ Forgotten: I no longer hold this draft.", embed=None, view=None)

    async def log_sent(self, interaction: discord.Interaction, form: SentModal,
                       draft: Draft) -> None:
        channel = parse_channel(form.channel.value) or draft.result.channel
        recipient = form.recipient.value.strip()
        if not recipient:
            raise UserError("Say who you sent it to (a name is enough).")
        now = self.bot.clock.now()
        sent_at = now
        if form.sent_on.value.strip():
            try:
                day = discord.utils.parse_time(form.sent_on.value.strip() + "T12:00:00+00:00")
            except ValueError:
                raise UserError("Write the date as YYYY-MM-DD, e.g. 2026-11-25.") from None
            if day > now + timedelta(days=1):
                raise UserError("That date is in the future; log the outreach once it's sent.")
            sent_at = day
        keep = form.keep.value.strip().lower()
        if keep not in ("yes", "y", "no", "n"):
            raise UserError("Answer yes or no to keeping the draft.")
        keep_draft = keep.startswith("y")
        await outreaches.log_outreach(
            self.bot.db, user_id=interaction.user.id, recipient=recipient, channel=channel,
            draft=draft.text if keep_draft else None, sent_at=to_ms(sent_at), now_ms=to_ms(now),
        )
        window = self.bot.config.followups.window_days
        await send_ephemeral(
            interaction,
            f"📨 Logged: your {CHANNEL_NAMES.get(channel, channel)} to **{recipient}**, sent "
            f"{discord.utils.format_dt(sent_at, 'D')}"
            + (" (draft kept with the record)." if keep_draft else " (draft not stored).")
            + f"\nThe lesson allows one follow-up, {window}–14 days later, if there's no reply "
            "— and that is the last attempt.",
        )
