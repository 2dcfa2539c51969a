"""Draft review by DM and /review.

A DM with a draft gets the review as an embed with four buttons (cogs/review/_views.py): All
findings, Revise (a modal holding the draft), I sent it (hands over to the follow-ups
feature, which logs the outreach), Forget this draft. The draft itself is held in memory by
the review service, under the review message.
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import CohortBot
from bot.display import code_text
from bot.errors import UserError
from bot.review import is_one_liner
from bot.review.files import not_text
from bot.review.model import MAX_DRAFT_BYTES
from bot.review.replies import NotADraft, may_be_a_word_to_me, not_a_draft
from bot.services.review import Unanswered
from bot.textfile import UnreadableFile, decode_text
from cogs._answer import TRANSIENT
from cogs._ui import (
    NotSent,
    download,
    explain,
    forms_of,
    send_unprompted,
    show_form,
    tellers_of,
)
from cogs.review._render import review_embed
from cogs.review._views import DraftButton, DraftModal, review_form, review_view

log = logging.getLogger(__name__)

HELP_TEXT = (
    "Hi! Send me a draft of a cold outreach — a LinkedIn connection note, a LinkedIn message "
    "or an email — and I'll review it against the lesson's rules and tell you whether it's "
    "likely to get a response, and why. Paste the whole message, or attach it as a `.txt` or "
    "`.md` file. Drafts stay private. `/review` works too, and `/forget-me` deletes what I store."
)


UNANSWERED_TEXT = (
    "📭 You sent me a draft by DM, but I couldn't answer it: Discord says your DMs are closed "
    "to me. To get reviews by DM, allow direct messages from this server's members (the "
    "server's menu → Privacy Settings → Direct Messages), then send it again; or use "
    "`/review` here, which answers privately without a DM."
)


# Where what an answer to the bot means is done: instead of a review, or (a draft that reads
# as one too, bot/review/replies.py: may_be_a_word_to_me) under it.
ANSWER_POINTERS = (
    "• **They replied**, or you're **not following up**: press that button under my "
    "reminder, or use `/outreach replied`; `/outreach list` shows where each outreach "
    "stands.\n"
    "• **You sent it**: `/outreach log` records it, or **I sent it** under my review of "
    "the draft.")
MAYBE_AN_ANSWER = "If that was a word to me rather than a draft"

# Answers to a DM that is not a draft (bot/review/replies.py): where what they mean is done.
NOT_A_DRAFT_TEXT = {
    NotADraft.COMMAND: (
        "That looks like a command typed as a message, and I don't read commands from "
        "messages: type `/` in the message box and pick {command} from Discord's menu (here "
        "or in the server). `/help` lists them all. To review a draft, paste the whole "
        "message you plan to send."),
    NotADraft.HELP: (
        f"{HELP_TEXT}\n\nCommands are picked from Discord's menu: type `/` in the message box. "
        "`/help` lists them all."),
    NotADraft.ANSWER: (
        "I read that as a word to me rather than a draft, so I haven't reviewed it.\n"
        f"{ANSWER_POINTERS}\n"
        "• **A draft to review**: send it as you'll send it, starting with their name "
        "(\"Hi Dana,\" or \"Dana,\"), and I'll review it; or use `/review`."),
}


def not_a_draft_text(kind: NotADraft, text: str) -> str:
    command = text.strip().split()[0] if kind is NotADraft.COMMAND else ""
    return NOT_A_DRAFT_TEXT[kind].format(command=code_text(command, 40))


def unanswered_text(why: Unanswered) -> str:
    """What a member hears, at their next DM or interaction, of a DMed draft left unanswered."""
    if why.error_id is None:
        return UNANSWERED_TEXT
    return ("📭 I couldn't answer the last draft you sent me by DM: Discord did not take my "
            f"answer (error id `{why.error_id}`, for the moderators). I don't keep drafts, so "
            "send it again by DM, or use `/review`.")


class ReviewCog(commands.Cog):
    def __init__(self, bot: CohortBot) -> None:
        self.bot = bot
        self.review = bot.services.review

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(DraftButton)
        forms_of(self.bot).add_kinds(DraftModal)
        tellers_of(self.bot).append(self.tell_owed)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(DraftButton)
        forms_of(self.bot).remove_kinds(DraftModal)
        tellers_of(self.bot).remove(self.tell_owed)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.guild is not None or message.author.bot:
            return
        gate = self.bot.services.gate
        gate.arrived(message.author.id)  # before any await (bot/services/gate.py)
        kind = None if message.attachments else not_a_draft(message.content)
        if kind is not None:  # "help", "/outreach log …", "they replied": not a draft
            await self.answer_dm(message, content=self._owed(
                message.author.id, not_a_draft_text(kind, message.content)))
            return
        try:
            # A /forget-me waits for the answer (then deletes it with the draft it holds).
            async with gate.writing(message.author.id):
                await self.answer_draft(message)
        except UserError as refused:  # sent as the member was being forgotten
            await gate.forgotten(message.author.id)  # told once their DMs are emptied
            await self.answer_dm(message, content=refused.message)

    async def answer_draft(self, message: discord.Message) -> None:
        try:
            text = await self.draft_text(message)
            draft = await self.review.review(message.author.id, text, channel=None, attempt=1)
        except Exception as error:
            # A DM is not an interaction, so the one handler can't answer it; the same words
            # (and, for a bug, the same logged error id) go back as a DM reply.
            answer = explain(error, f"DM review for {message.author.id}")
            # A greeting or a one-liner gets help; a draft in another language does not (its
            # few space-separated "words" are whole sentences).
            if (isinstance(error, UserError) and not message.attachments
                    and is_one_liner(message.content)):
                answer = f"{answer}\n\n{HELP_TEXT}"
            await self.answer_dm(message, content=self._owed(message.author.id, answer))
            return
        embed = review_embed(text, draft.result)
        if not message.attachments and may_be_a_word_to_me(text):  # reviewed, in doubt
            embed.add_field(name=MAYBE_AN_ANSWER, value=ANSWER_POINTERS, inline=False)
        sent = await self.answer_dm(message, embed=embed, view=review_view(),
                                    content=self._owed(message.author.id))
        if isinstance(sent, discord.Message):
            self.review.keep(sent.id, draft)

    def _owed(self, user_id: int, answer: str | None = None) -> str | None:
        """This answer's text with, before it, the notice of an earlier draft left
        unanswered by a failure (DMs closed: this answer will not get through either)."""
        owed = self.review.owes_answer(user_id)
        if owed is None or owed.error_id is None:
            return answer
        return f"{unanswered_text(owed)}\n\n{answer}" if answer else unanswered_text(owed)

    async def answer_dm(self, message: discord.Message, **kwargs: Any) -> discord.Message | None:
        """The answer to a DM, which no interaction carries: when it does not get through
        (the member's DMs are closed to the bot, Discord refuses or fails it), they hear of
        it at their next interaction or DM (`tell_owed`, `_owed`)."""
        sent = await send_unprompted(message.channel, f"DM review for member "
                                     f"{message.author.id}", **kwargs)
        if isinstance(sent, discord.Message):
            self.review.told(message.author.id)  # an earlier failure's notice went with it
            return sent
        if sent.why is NotSent.DMS_CLOSED:
            self.review.could_not_answer(message.author.id)
        elif sent.why is not NotSent.GONE:
            self.review.could_not_answer(message.author.id, sent.error_id)
        return None

    async def tell_owed(self, interaction: discord.Interaction) -> None:
        """A member whose DMed draft got no answer hears why privately, under the answer to
        their next interaction of any kind (`cogs/_ui.py: tell_owed`)."""
        owed = self.review.owes_answer(interaction.user.id)
        if owed is None:
            return
        try:
            await interaction.followup.send(unanswered_text(owed), ephemeral=True)
        except (discord.HTTPException, *TRANSIENT) as failed:  # still owed: the next one
            log.warning("could not tell member %s that their DMed draft went unanswered "
                        "(%s)", interaction.user.id, type(failed).__name__)
            return
        self.review.told(interaction.user.id)
        log.info("told member %s that their DMed draft went unanswered", interaction.user.id)

    async def draft_text(self, message: discord.Message) -> str:
        if not message.attachments:
            return message.content
        if len(message.attachments) > 1:
            raise UserError("Send one draft at a time: one message, or one `.txt` or `.md` file.")
        file = message.attachments[0]
        name = code_text(file.filename)
        kind = not_text(file.filename, file.content_type)
        if kind is not None:
            raise UserError(f"I can't review {name}: it is {kind}, and I read text only. "
                            "Paste the draft into the message, or attach it as a `.txt` or "
                            "`.md` file.")
        if file.size > MAX_DRAFT_BYTES:
            raise UserError(f"{name} is {file.size // 1024} KiB; a draft fits "
                            "in far less. Send the draft itself.")
        try:
            return decode_text(await download(file))
        except UnreadableFile as exc:
            raise UserError(f"{name} {exc}; send the draft as a text file "
                            "(UTF-8) again, or paste it into the message.") from None

    @app_commands.command(name="review", description="Review an outreach draft (privately)")
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
    async def review_command(self, interaction: discord.Interaction) -> None:
        await show_form(interaction, review_form(self.review))
