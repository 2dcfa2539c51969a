"""Draft review by DM and /review.

A DM with a draft gets the review as an embed with four buttons: All findings, Revise (a
modal holding the draft), I sent it (logs the outreach), Forget this draft. The buttons are
DynamicItems keyed by action; the draft itself is found by the review message's id in memory.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import CohortBot
from bot.clock import from_ms, to_ms
from bot.errors import UserError
from bot.review import (
    MIN_DRAFT_WORDS,
    Draft,
    DraftBook,
    Review,
    ReviewSettings,
    is_reviewable,
    parse_channel,
    review,
)
from cogs._ui import NO_PINGS, explain, send_ephemeral
from cogs.review._render import CHANNEL_NAMES, all_findings_text, review_embed
from cogs.review._views import DraftButton, DraftModal, SentModal, review_view
from storage import outreaches as outreaches_store
from storage import review as review_store

log = logging.getLogger(__name__)

MAX_TXT_BYTES = 64 * 1024
RATE_WINDOW = timedelta(hours=1)
HELP_TEXT = (
    "Hi! Send me a draft of a cold outreach — a LinkedIn connection note, a LinkedIn message "
    "or an email — and I'll review it against the lesson's rules and tell you whether it's "
    "likely to get a response, and why. Paste the whole message, or attach it as a `.txt` "
    "file. Drafts stay private. `/review` works too, and `/forget-me` deletes what I store."
)


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

    async def run_review(self, user_id: int, text: str, channel: str | None,
                         attempt: int) -> Review:
        self.check_text(text)
        # Review first (pure, microseconds): a draft the reviewer refuses costs no slot.
        result = review(text, channel=channel, followup=attempt > 1, attempt=attempt,
                        settings=self.settings)
        now = self.bot.clock.now()
        limit = self.bot.config.review.rate_limit_per_hour
        again_ms = await review_store.take_review_slot(
            self.bot.db, user_id, to_ms(now), int(RATE_WINDOW.total_seconds() * 1000), limit
        )
        if again_ms is not None:
            again = from_ms(again_ms)
            minutes = max(1, round((again - now).total_seconds() / 60))
            raise UserError(f"You've had {limit} reviews in the last hour. Try again "
                            f"{discord.utils.format_dt(again, 'R')} (about {minutes} min).")
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
        except Exception as error:
            # A DM is not an interaction, so the one handler can't answer it; the same words
            # (and, for a bug, the same logged error id) go back as a DM reply.
            answer = explain(error, f"DM review for {message.author.id}")
            if isinstance(error, UserError) and not message.attachments and (
                len(message.content.split()) < MIN_DRAFT_WORDS
            ):
                answer = f"{answer}\n\n{HELP_TEXT}"  # a greeting or a one-liner gets help
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
                day = date.fromisoformat(form.sent_on.value.strip())
            except ValueError:
                raise UserError("Write the date as YYYY-MM-DD, e.g. 2026-11-25.") from None
            # Noon in the cohort's timezone: the day the member means, wherever UTC is.
            sent_at = datetime.combine(day, time(12), tzinfo=self.bot.config.cohort.tz)
            if sent_at > now + timedelta(days=1):
                raise UserError("That date is in the future; log the outreach once it's sent.")
        keep = form.keep.value.strip().lower()
        if keep not in ("yes", "y", "no", "n"):
            raise UserError("Answer yes or no to keeping the draft.")
        keep_draft = keep.startswith("y")
        await outreaches_store.log_outreach(
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
