"""The review's buttons and draft form, and what they do: DynamicItem buttons under each
review (All findings, Revise, I sent it, Forget this draft), found again by the review
message's id, and the draft modal of /review and Revise."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import discord

from bot.display import markdown_text
from bot.errors import UserError
from bot.review import Draft
from bot.review.model import MAX_ATTEMPT
from bot.services.followups import KeptDraft
from bot.services.review import ReviewService
from cogs._answer import answer
from cogs._ui import (
    CHANNEL_CHOICES,
    NO_PINGS,
    CohortModal,
    CohortView,
    choice,
    chosen,
    cohort_bot,
    guarded,
    services_of,
    show_form,
)
from cogs.review._render import all_findings_text, review_embed


class DraftButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    # Any action, not only this version's: another version's button is answered too.
    template=r"cohort:draft:(?P<action>\w+)",
):
    LOOK: ClassVar[dict[str, tuple[str, discord.ButtonStyle, str]]] = {
            "all": ("All findings", discord.ButtonStyle.secondary, "📋"),
            "revise": ("Revise", discord.ButtonStyle.primary, "✏️"),
            "sent": ("I sent it", discord.ButtonStyle.success, "📨"),
            "forget": ("Forget this draft", discord.ButtonStyle.danger, "🗑️")}

    def __init__(self, action: str) -> None:
        # Another version's action is never shown in this look: it is only answered.
        label, style, emoji = self.LOOK.get(action, self.LOOK["all"])
        super().__init__(discord.ui.Button(label=label, style=style, emoji=emoji,
                                           custom_id=f"cohort:draft:{action}"))
        self.action = action

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> DraftButton:
        return cls(match["action"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, on_button(interaction, self.action))


def review_view() -> discord.ui.View:
    view = CohortView(timeout=None)
    for action in DraftButton.LOOK:
        view.add_item(DraftButton(action))
    return view


async def on_button(interaction: discord.Interaction, action: str) -> None:
    if action not in DraftButton.LOOK or interaction.message is None:
        raise UserError("That button is from another version of me and does nothing now: "
                        "send me the draft again for a fresh review.")
    message_id = interaction.message.id
    review = services_of(interaction).review
    # Drafts live in memory only, for a day at most: after a restart or a day, the buttons
    # that can do without the draft still do (only All findings needs its text).
    draft = review.held(message_id, interaction.user.id)
    if action == "all":
        draft = review.draft(message_id, interaction.user.id)  # says what still works
        chunks = all_findings_text(draft.text, draft.result)
        await interaction.response.send_message(chunks[0], ephemeral=True,
                                                allowed_mentions=NO_PINGS)
        for chunk in chunks[1:]:
            await interaction.followup.send(chunk, ephemeral=True, allowed_mentions=NO_PINGS)
    elif action == "revise":  # without the draft: the form to paste it in again
        await show_form(interaction, revise_form(review, message_id, draft))
    elif action == "sent":
        # Logging the outreach is the follow-ups feature's (handed over by bot/client.py).
        await cohort_bot(interaction).handovers.draft_sent(interaction, draft, message_id)
    elif action == "forget":
        review.forget(message_id)
        logged = await services_of(interaction).followups.forget_review_draft(
            interaction.user.id, message_id)
        # The review quotes the draft, so it goes too, held or not.
        await interaction.response.edit_message(
            content=f"🗑️ {forgotten_text(logged)}", embed=None, view=None,
            allowed_mentions=NO_PINGS)


def forgotten_text(logged: KeptDraft | None) -> str:
    """What "Forget this draft" deleted, and what of it stays: the outreach logged from the
    review, if any (its draft, if kept, goes too)."""
    if logged is None:
        return "Forgotten: I no longer hold this draft (it was never stored on disk)."
    name = markdown_text(logged.recipient)
    if logged.deleted:
        return ("Forgotten: I deleted this draft from this review and from your logged "
                f"outreach to **{name}**. The outreach stays in your log (who, how, when) "
                "with its reminder, without the draft.")
    return ("Forgotten: I no longer hold this draft. Your logged outreach to "
            f"**{name}** stays in your log (who, how, when), without the draft.")


@dataclass(frozen=True)
class DraftForm:
    """The draft modal, checked: the text, the channel (None: detect it), the attempt."""

    text: str
    channel: str | None
    attempt: int
    replaces: int | None  # the review message Revise was pressed under


Submitted = Callable[[discord.Interaction, DraftForm], Awaitable[None]]


DETECT = "detect"
# The channel and the attempt are picked, not typed: nothing to misspell.
DRAFT_CHANNEL_CHOICES = (("Detect it from the draft", DETECT), *CHANNEL_CHOICES)
ATTEMPT_CHOICES = (("1: the first message", "1"), ("2: the one follow-up", "2"),
                   (f"{MAX_ATTEMPT} or more (the lesson says stop at 2)", str(MAX_ATTEMPT)))


# Revise under a review whose draft is no longer held (a restart, or a day).
PASTE_AGAIN = "I no longer hold this draft (a restart, or a day passed): paste it in again"


class DraftModal(CohortModal, kind="draft-modal", carries=r"new|(?P<review>[0-9]{1,20})",
                 opened_with="`/review`, or “Revise” under the review"):
    """/review's form, and Revise's (holding the current draft); its custom_id carries the
    review Revise was pressed under, or `new`."""

    def __init__(self, max_chars: int, on_submit: Submitted, *, title: str,
                 previous: Draft | None = None, message_id: int | None = None) -> None:
        super().__init__(title=title, carried="new" if message_id is None else str(message_id))
        self._submitted, self.message_id = on_submit, message_id
        self.draft: discord.ui.TextInput[DraftModal] = self.field(
            "Your draft", discord.ui.TextInput(
                custom_id="draft", style=discord.TextStyle.paragraph, max_length=max_chars,
                placeholder=PASTE_AGAIN if message_id is not None and previous is None else
                "Paste the note, message or email you plan to send",
                default=previous.text if previous else None))
        self.channel = self.field("Channel", choice(
            "channel", DRAFT_CHANNEL_CHOICES,
            default=previous.channel if previous and previous.channel else DETECT))
        self.attempt = self.field("Attempt", choice(
            "attempt", ATTEMPT_CHOICES,
            default=str(min(previous.attempt, MAX_ATTEMPT)) if previous else "1"))

    async def on_submit(self, interaction: discord.Interaction) -> None:
        channel = chosen(self.channel)
        await self._submitted(interaction, DraftForm(
            self.draft.value, None if channel in (None, DETECT) else channel,
            int(chosen(self.attempt) or 1), self.message_id))

    @classmethod
    async def reopen(cls, interaction: discord.Interaction, carried: re.Match[str]
                     ) -> DraftModal:
        review = services_of(interaction).review
        if carried["review"] is None:
            return review_form(review)
        message_id = int(carried["review"])
        return revise_form(review, message_id, review.held(message_id, interaction.user.id))


def review_form(review: ReviewService) -> DraftModal:
    return DraftModal(review.limits.max_chars, answer_draft, title="Review my outreach draft")


def revise_form(review: ReviewService, message_id: int, draft: Draft | None) -> DraftModal:
    """Revise under the review `message_id`, holding its draft (None once it is gone)."""
    return DraftModal(review.limits.max_chars, answer_draft, title="Revise your draft",
                      previous=draft, message_id=message_id)


async def answer_draft(interaction: discord.Interaction, form: DraftForm) -> None:
    """Review a draft from the form; Revise edits the review it was pressed under."""
    review = services_of(interaction).review
    revising = form.replaces is not None and interaction.message is not None
    private = interaction.guild is not None
    # Acknowledged before the review takes its hourly slot: that write waits its turn behind
    # every other write to the database, and a burst of them must not cost Discord's 3 s.
    await interaction.response.defer(ephemeral=private, thinking=not revising)
    draft = await review.review(interaction.user.id, form.text, channel=form.channel,
                                attempt=form.attempt)
    embed = review_embed(form.text, draft.result)
    if revising:
        edited = await interaction.edit_original_response(embed=embed, view=review_view())
        review.keep(edited.id, draft)
        return
    sent = await answer(interaction, embed=embed, view=review_view(), ephemeral=private)
    review.keep(sent.id, draft)
