"""The Discord side of capture (`DiscussionPort`): a message as a captured row, a reaction
event as a change, and a thread's whole history."""

from __future__ import annotations

from collections.abc import AsyncIterator

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

DISCORD_EPOCH_MS = discord.utils.DISCORD_EPOCH

ReactionEvent = (discord.RawReactionActionEvent | discord.RawReactionClearEmojiEvent
                 | discord.RawReactionClearEvent)


def discussion_row(message: discord.Message, *, history: bool = False) -> DiscussionRow:
    """The message as captured; read from `history`, with its reactions' counts (a live
    message is new and has none)."""
    reply_to = message.reference.message_id if message.reference else None
    return DiscussionRow(
        message_id=message.id,
        thread_id=message.channel.id,
        author_id=message.author.id,
        author_name=message.author.display_name,
        content=message.content,
        reply_to_id=reply_to,
        # The snowflake holds the creation time in ms; skipping the datetime round-trip matters
        # at burst rates.
        created_at=(message.id >> 22) + DISCORD_EPOCH_MS,
        edited_at=to_ms(message.edited_at) if message.edited_at else None,
        attachments=tuple(
            AttachmentRow(a.id, a.filename, a.url, a.size) for a in message.attachments
        ) if message.attachments else (),
        reactions=tuple(_counted(r) for r in message.reactions) if history else None,
    )


def _counted(reaction: discord.Reaction) -> ReactionCount:
    emoji = reaction.emoji
    key, name = (reaction_key(emoji, None) if isinstance(emoji, str)
                 else reaction_key(emoji.name, emoji.id))
    return ReactionCount(key, name, reaction.count)


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
            # From the start (discord.py reads oldest first only "after" something).
            async for message in channel.history(limit=None, after=discord.Object(id=0),
                                                 oldest_first=True):
                yield message.id, (None if message.author.bot
                                   else discussion_row(message, history=True))
        except discord.NotFound:
            raise Gone from None
        except discord.Forbidden as exc:
            raise Refused(exc.text or "Forbidden") from None
