"""/forget-me: what the bot holds about the member, a confirmation, then everything deleted.

The confirmation's buttons are DynamicItems whose custom_id carries the member's id
(`cohort:forget:<member>:<confirm|cancel>`), so they work after a restart: a member who
clicks "Delete everything" the next morning gets their data deleted, not "This interaction
failed".
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import CohortBot
from bot.clock import timestamp_markup
from bot.display import plural
from bot.errors import UserError
from bot.services.privacy import Forgetting
from cogs._ui import CohortView, guarded, send_ephemeral, services_of

# A take-down outlives /forget-me (storage/privacy.py: MEMBER_COLUMNS), or the member would
# forget themselves and post the critique again: said, in the list of what goes, as kept.
TAKEDOWN_KEPT = ("{critique} down: kept, not deleted, but without your id (a keyed code made "
                 "from it that holds nothing of you), so I still don't post {it} again")

# What each kind of record is called: one of them, several of them.
LABELS = {
    "outreaches": ("logged outreach", "logged outreaches"),
    "followups": ("follow-up reminder", "follow-up reminders"),
    "settings": ("setting (your timezone)", "settings (your timezone)"),
    "reviews": ("recent review (counted for the hourly limit)",
                "recent reviews (counted for the hourly limit)"),
    "critiques": ("critique", "critiques"),
    "votes": ("vote", "votes"),
    "discussion_messages": ("captured thread message", "captured thread messages"),
    "reactions": ("reaction on a thread message", "reactions on thread messages"),
    "run_places": ("place on a lesson run's member list", "places on lesson runs' member lists"),
    "runs_posted": ("lesson run you posted (the run stays, your name comes off it)",
                    "lesson runs you posted (the runs stay, your name comes off them)"),
    "takedowns": (TAKEDOWN_KEPT.format(critique="critique of yours that a moderator took",
                                       it="it"),
                  TAKEDOWN_KEPT.format(critique="critiques of yours that moderators took",
                                       it="them")),
    "memory": ("draft or form held in memory (never on disk)",
               "drafts and forms held in memory (never on disk)"),
}
STAYS = ("What stays on Discord: the messages you wrote yourself in the lesson threads, and "
         "your reactions there. A bot cannot delete other people's messages or reactions: "
         "delete them yourself, or ask a moderator.")


def held(kind: str, count: int) -> str:
    one, many = LABELS[kind]
    return plural(count, one, many)


def forgetting_text(done: Forgetting) -> str:
    also = [plural(done.removed_posts, "critique post")] if done.removed_posts else []
    if done.dm_replies:
        also.append(f"{plural(done.dm_replies, 'reply', 'replies')} in our DMs")
    text = (f"Done: deleted {plural(done.records, 'record')} about you"
            + "".join(f", {part}" for part in also) + ". I keep nothing else"
            + (f" but {plural(done.takedowns, 'take-down')} by a moderator, without your id "
               "(a keyed code that holds nothing of you)." if done.takedowns else "."))
    if done.summaries:
        text += (f" I redid {plural(done.summaries, 'posted summary', 'posted summaries')} "
                 "without your critiques and votes.")
    if done.kept_posts:
        text += (f" {plural(done.kept_posts, 'critique post')} in the lesson threads could not "
                 "be removed; a moderator can delete them.")
    if done.kept_summaries:
        text += (f" {plural(done.kept_summaries, 'posted summary', 'posted summaries')} could "
                 "not be redone; a moderator can delete them.")
    return f"{text}\n{STAYS}"


def stays_after(restored_at: datetime | None) -> str:
    """What else stays on Discord, once the database was restored from a backup."""
    if restored_at is None:
        return ""
    return (f"\nMy database was restored from a backup on {timestamp_markup(restored_at, 'D')}: "
            "critiques you sent after that backup was taken, up to the restore, may still be "
            "posted in the lesson threads, and I have no record of them to find them by: a "
            "moderator can delete them.")


class ForgetButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"cohort:forget:(?P<member>[0-9]{1,20}):(?P<action>confirm|cancel)",
):
    def __init__(self, member_id: int, action: str) -> None:
        confirm = action == "confirm"
        super().__init__(discord.ui.Button(
            label="Delete everything" if confirm else "Cancel", emoji="🗑️" if confirm else None,
            style=discord.ButtonStyle.danger if confirm else discord.ButtonStyle.secondary,
            custom_id=f"cohort:forget:{member_id}:{action}",
        ))
        self.member_id, self.action = member_id, action

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ForgetButton:
        return cls(int(match["member"]), match["action"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, self._answer(interaction))

    async def _answer(self, interaction: discord.Interaction) -> None:
        if interaction.user.id != self.member_id:
            raise UserError("This confirmation is only for the member who asked to be "
                            "forgotten; use /forget-me for your own data.")
        if self.action == "cancel":
            await interaction.response.edit_message(content="Cancelled: nothing was deleted.",
                                                    view=None)
            return
        await interaction.response.edit_message(content="Deleting…", view=None)
        privacy = services_of(interaction).privacy
        done = await privacy.forget(self.member_id)
        await interaction.edit_original_response(
            content=forgetting_text(done) + stays_after(await privacy.restored_at()))


def confirmation(member_id: int) -> discord.ui.View:
    view = CohortView(timeout=None)
    for action in ("confirm", "cancel"):
        view.add_item(ForgetButton(member_id, action))
    return view


class PrivacyCog(commands.Cog):
    def __init__(self, bot: CohortBot) -> None:
        self.bot = bot
        self.privacy = bot.services.privacy

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(ForgetButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(ForgetButton)

    @app_commands.command(name="forget-me",
                          description="Delete everything this bot stores about you")
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
    async def forget_me(self, interaction: discord.Interaction) -> None:
        records = await self.privacy.stored(interaction.user.id)
        lines = [f"• {held(kind, n)}" for kind, n in records.counts() if n]
        if in_memory := self.privacy.in_memory(interaction.user.id):
            lines.append(f"• {held('memory', in_memory)}")
        if not records.deleted and not in_memory:  # (a take-down kept since a forget, maybe)
            kept = (f", only this, kept for moderation:\n• {held('takedowns', records.takedowns)}"
                    "\n" if records.takedowns else ". ")
            await send_ephemeral(interaction, f"I store nothing about you{kept}Drafts you DM me "
                                 "are never written to disk unless you log them as sent.\n"
                                 + STAYS + stays_after(await self.privacy.restored_at()))
            return
        text = ("This deletes, for good (a take-down is kept, as said):\n" if records.takedowns
                else "This deletes, for good:\n")
        text += ("\n".join(lines) + "\nYour critiques' posts in the lesson threads go too, "
                 "and my replies in our DMs; summaries already posted are redone without your "
                 f"critiques and votes. Drafts in memory are forgotten.\n{STAYS}"
                 + stays_after(await self.privacy.restored_at()))
        await send_ephemeral(interaction, text, view=confirmation(interaction.user.id))
