"""The review's buttons and forms: DynamicItem buttons under each review, the draft modal
(/review and Revise) and the "I sent it" modal. They hand the work to `ReviewCog`."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar

import discord

from bot.errors import UserError
from bot.review import parse_channel
from cogs._ui import CohortModal, CohortView, guarded

if TYPE_CHECKING:
    from bot.review import Draft
    from cogs.review._cog import ReviewCog


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
        cog: ReviewCog = interaction.client.get_cog("ReviewCog")  # type: ignore[attr-defined]
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
