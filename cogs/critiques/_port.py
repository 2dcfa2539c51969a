"""The Discord side of critiques (`CritiquesPort`): the example's thread, and the critique's
post in it."""

from __future__ import annotations

import discord

from bot.critiques import Author, CritiqueInput, is_vote
from bot.runs import RunExample
from bot.services.critiques import ThreadState
from bot.services.ports import Gone, Refused
from cogs._answer import TRANSIENT
from cogs._ui import NO_PINGS, why_refused
from cogs.critiques._render import critique_embed, critique_mark

# Messages read back (newest first) for a critique's post whose id was never noted.
FIND_SCAN = 200
VOTERS_PAGE = 100  # users per reactions request (Discord's most)
UNKNOWN_EMOJI = 10014  # Discord's answer for an emoji nobody has reacted with on the message


class DiscordCritiques:
    def __init__(self, client: discord.Client) -> None:
        self.client = client

    async def _thread(self, thread_id: int | None) -> discord.Thread | None:
        thread = self.client.get_channel(thread_id or 0)
        if thread is None and thread_id:
            try:
                thread = await self.client.fetch_channel(thread_id)
            except (discord.NotFound, discord.Forbidden):
                thread = None
        return thread if isinstance(thread, discord.Thread) else None

    async def thread_state(self, example: RunExample) -> ThreadState:
        thread = await self._thread(example.thread_id)
        if thread is None:
            return ThreadState.GONE
        return ThreadState.LOCKED if thread.locked else ThreadState.OPEN

    async def find_post(self, thread_id: int, critique_id: int) -> int | None:
        thread = await self._thread(thread_id)
        me = self.client.user
        if thread is None or me is None:
            raise Gone
        mark = critique_mark(critique_id)
        try:
            async for message in thread.history(limit=FIND_SCAN):
                if message.author.id == me.id and any(
                        (e.footer.text or "").endswith(mark) for e in message.embeds):
                    return message.id
        except discord.NotFound:
            raise Gone from None
        return None

    async def post(self, example: RunExample, previous: int | None, author: Author,
                   critique: CritiqueInput, critique_id: int) -> int | None:
        thread = await self._thread(example.thread_id)
        if thread is None:
            raise Gone
        embed = critique_embed(author, example.title, critique, critique_id)
        try:
            if thread.archived:
                # Discord refuses changes in an archived thread (a quiet one archives itself
                # after a week); a locked one was refused before the critique was saved.
                await thread.edit(archived=False)
            if previous is not None:
                try:
                    await thread.get_partial_message(previous).edit(
                        embed=embed, allowed_mentions=NO_PINGS)
                    return None
                except discord.NotFound:
                    pass  # the old post was deleted: post it again
            message = await thread.send(embed=embed, allowed_mentions=NO_PINGS)
        except discord.NotFound:
            raise Gone from None
        except (discord.HTTPException, *TRANSIENT) as exc:
            # A 5xx during an outage, a dropped connection, a refusal: the critique is saved;
            # sending the form again posts it (or edits the post, if this one landed).
            raise Refused(why_refused(exc, "Send Messages in Threads")) from exc
        return message.id

    async def voters(self, thread_id: int, message_id: int) -> frozenset[int]:
        # Every variant of the vote emoji on the post (👍, 👍🏽, …) is a reaction of its own:
        # the message says which are there, then each one's users are read.
        try:
            message = await self.client.http.get_message(thread_id, message_id)
            found: set[int] = set()
            for reaction in message.get("reactions", []):
                emoji = reaction["emoji"]
                name = emoji.get("name") or ""
                if emoji.get("id") is None and is_vote(name):  # never a custom emoji
                    found |= await self._users(thread_id, message_id, name)
            return frozenset(found)
        except discord.NotFound as exc:
            if exc.code == UNKNOWN_EMOJI:
                return frozenset()  # nobody has the emoji on it (any more)
            raise Gone from None
        except discord.Forbidden as exc:
            raise Refused(exc.text or "Forbidden") from None

    async def _users(self, thread_id: int, message_id: int, emoji: str) -> set[int]:
        found: set[int] = set()
        after = None
        while True:
            page = await self.client.http.get_reaction_users(
                thread_id, message_id, emoji, VOTERS_PAGE, after=after)
            found.update(int(u["id"]) for u in page if not u.get("bot"))
            if len(page) < VOTERS_PAGE:
                return found
            after = int(page[-1]["id"])  # users come in id order
