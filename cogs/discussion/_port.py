"""The Discord side of capture (`DiscussionPort`): a message as a captured row, a reaction
event as a change, and a thread's whole history."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import discord

from bot.clock import to_ms
from bot.discussion import (
    AttachmentRow,
    DiscussionRow,
    ReactionChange,
    ReactionCount,
    ReactionKind,
    reaction_key,
)
from bot.services.ports import Gone, Refused

if TYPE_CHECKING:  # (importing discord.types at run time is circular)
    from discord.types.message import Message as MessagePayload
    from discord.types.message import Reaction as ReactionPayload

DISCORD_EPOCH_MS = discord.utils.DISCORD_EPOCH

ReactionEvent = (discord.RawReactionActionEvent | discord.RawReactionClearEmojiEvent
                 | discord.RawReactionClearEvent)


def discussion_row(message: discord.Message) -> DiscussionRow:
    """A live message as captured (it is new: no reactions yet; history_row reads those)."""
    reply_to = message.reference.message_id if message.reference else None
    # Positional, in DiscussionRow's field order: by keyword, building it costs twice as much
    # (about 1.4 against 0.6 us), for every message of a burst.
    return DiscussionRow(
        message.id,
        message.channel.id,
        message.author.id,
        message.author.display_name,
        message.content,
        reply_to,
        # The snowflake holds the creation time in ms; skipping the datetime round-trip matters
        # at burst rates.
        (message.id >> 22) + DISCORD_EPOCH_MS,
        to_ms(message.edited_at) if message.edited_at else None,
        None,  # deleted_at
        tuple(AttachmentRow(a.id, a.filename, a.url, a.size) for a in message.attachments)
        if message.attachments else (),
    )


def reaction_change(payload: ReactionEvent) -> ReactionChange:
    """A gateway reaction event (MESSAGE_REACTION_ADD, _REMOVE, _REMOVE_EMOJI, _REMOVE_ALL)
    as a change to the message's reactions."""
    if isinstance(payload, discord.RawReactionClearEvent):
        return ReactionChange(ReactionKind.CLEARED, payload.message_id, None)
    key, name = reaction_key(payload.emoji.name, payload.emoji.id)
    if isinstance(payload, discord.RawReactionClearEmojiEvent):
        return ReactionChange(ReactionKind.CLEARED, payload.message_id, key, name)
    if payload.event_type == "REACTION_ADD":
        member = payload.member
        return ReactionChange(ReactionKind.ADDED, payload.message_id, key, name,
                              payload.user_id, member.display_name if member else None)
    return ReactionChange(ReactionKind.REMOVED, payload.message_id, key, name, payload.user_id)


class DiscordHistory:
    def __init__(self, client: discord.Client) -> None:
        self.client = client

    async def history(self, thread_id: int) -> AsyncIterator[tuple[int, DiscussionRow | None]]:
        try:
            channel = (self.client.get_channel(thread_id)
                       or await self.client.fetch_channel(thread_id))
            if not isinstance(channel, discord.Thread):
                return
            # The pages as Discord sends them, oldest first (as `channel.history(after=...,
            # oldest_first=True)` reads them): a row needs a few fields, and discord.py's
            # Message for each one (author, mentions, embeds, components...) is work the
            # backfill of 100,000 messages does not need.
            after = 0
            while True:
                page = await self.client.http.logs_from(thread_id, PAGE, after=after)
                for data in reversed(page):  # newest first on the wire
                    author = data["author"]
                    yield int(data["id"]), (None if author.get("bot") else
                                            history_row(data, channel))
                if len(page) < PAGE:
                    return
                after = int(page[0]["id"])
        except discord.NotFound:
            raise Gone from None
        except discord.Forbidden as exc:
            raise Refused(exc.text or "Forbidden") from None


PAGE = 100  # messages per history request (Discord's most)


def history_row(data: MessagePayload, thread: discord.Thread) -> DiscussionRow:
    """A message of the thread's history, from its payload, as `discussion_row` makes it from
    a discord.py Message: the same author name (the member's nick, else the user's global
    name, else the username), reply, edit time, files and reactions' counts."""
    author = data["author"]
    member = data.get("member")
    if member is not None:
        nick = member.get("nick")
    else:  # what discord.py would find: the member as the bot has them
        cached = thread.guild.get_member(int(author["id"])) if thread.guild else None
        nick = cached.nick if cached is not None else None
    reference = data.get("message_reference")
    edited = data.get("edited_timestamp")
    message_id = int(data["id"])
    return DiscussionRow(  # (positional, as in discussion_row)
        message_id,
        thread.id,
        int(author["id"]),
        nick or author.get("global_name") or author["username"],
        data["content"],
        int(reference["message_id"]) if reference and reference.get("message_id") else None,
        (message_id >> 22) + DISCORD_EPOCH_MS,
        to_ms(discord.utils.parse_time(edited)) if edited else None,
        None,  # deleted_at
        tuple(AttachmentRow(int(a["id"]), a["filename"], a["url"], a["size"])
              for a in data["attachments"]) if data.get("attachments") else (),
        tuple(_counted(r) for r in data["reactions"]) if data.get("reactions") else (),
    )


def _counted(reaction: ReactionPayload) -> ReactionCount:
    emoji = reaction["emoji"]
    custom = emoji.get("id")
    return ReactionCount(*reaction_key(emoji.get("name"), int(custom) if custom else None),
                         reaction.get("count", 1))
