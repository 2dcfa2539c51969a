"""Changing the bot's messages in threads that may be archived.

Discord refuses any change to a message in an archived thread (50083), and a quiet thread
archives itself after a week, a closed run's threads at once. `ArchivedThreads` tries the
change; when Discord says the thread is archived it opens the thread, tries again, and on
leaving archives (and locks) again each thread it opened, as it was.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import TypeVar

import discord

log = logging.getLogger(__name__)

ARCHIVED_THREAD = 50083  # Discord: "Thread is archived"
T = TypeVar("T")


class ArchivedThreads:
    def __init__(self, client: discord.Client) -> None:
        self.client = client
        self._reopened: dict[int, discord.Thread] = {}

    async def __aenter__(self) -> ArchivedThreads:
        return self

    async def __aexit__(self, kind: type[BaseException] | None, error: BaseException | None,
                        trace: TracebackType | None) -> None:
        for thread in self._reopened.values():
            try:
                await thread.edit(archived=True, locked=thread.locked)
            except discord.HTTPException as exc:
                log.warning("could not archive thread %s again: %s", thread.id, exc)

    async def change(self, thread_id: int, action: Callable[[], Awaitable[T]]) -> T:
        """`action()` (an edit or a delete in thread `thread_id`), opening the thread first if
        it must be. `action` is called again after opening, so it must build its request
        afresh (a file is read once)."""
        try:
            return await action()
        except discord.HTTPException as exc:
            if exc.code != ARCHIVED_THREAD or thread_id in self._reopened:
                raise
            # A partial channel needs no cache: archived threads are not cached after a
            # restart, so the thread is fetched.
            thread = await self.client.fetch_channel(thread_id)
            if not isinstance(thread, discord.Thread):
                raise
        self._reopened[thread_id] = await thread.edit(archived=False)
        return await action()
