"""The review's buttons and forms: DynamicItem buttons under each review and the draft modal
(/review and Revise). They hand the work to `ReviewCog` ("I sent it" goes on to the
follow-ups feature, cogs/followups/)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar

import discord

from bot.errors import UserError
from bot.review import CHANNELS
from cogs._ui import CohortModal, CohortView, guarded

if TYPE_CHECKING:
    from cogs.review._cog import ReviewCog
    from cogs.review._drafts import Draft


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
