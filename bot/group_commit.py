"""Writes made together share one transaction, and each writer waits until its own is durable.

Many concurrent coroutines that each must know their row is committed before they go on (a
reminder's floor before its send) would cost a transaction, and so an fsync, each. Here the
first write starts a commit at once; those that arrive while it runs wait for the next one,
which takes all of them: no timer, no added latency, and N writers at once cost about two
commits instead of N. Unlike `bot.discussion.GroupWriter` (fire and forget, a time window),
every `put` returns what the commit said of its own key.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Collection, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

# Writes the items in one transaction; returns the keys it changed (the others were not
# there to change: a row deleted or closed meanwhile).
Commit = Callable[[dict[K, V]], Awaitable[Collection[K]]]


class GroupCommit(Generic[K, V]):
    def __init__(self, commit: Commit[K, V], *, name: str) -> None:
        self._commit = commit
        self._name = name
        self._queued: dict[K, tuple[V, asyncio.Future[bool]]] = {}
        self._committing: asyncio.Task[None] | None = None

    async def put(self, key: K, value: V) -> bool:
        """Commit `value` under `key`; True once committed and it changed the row, False if
        there was no row to change. Raises what the commit raised."""
        done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._queued[key] = (value, done)
        if self._committing is None:
            self._committing = asyncio.create_task(self._run(), name=f"cohortbot:{self._name}")
        # A caller cancelled here may still see its item committed, as a crash right after
        # the commit would: the callers' recovery already allows for that.
        return await done

    async def _run(self) -> None:
        try:
            while self._queued:
                group, self._queued = self._queued, {}
                try:
                    changed = await self._commit({k: v for k, (v, _) in group.items()})
                except Exception as exc:
                    for _, done in group.values():
                        if not done.done():
                            done.set_exception(exc)
                    continue
                except BaseException:  # cancelled (the loop is closing): nobody waits forever
                    for _, done in [*group.values(), *self._queued.values()]:
                        done.cancel()
                    self._queued = {}
                    raise
                for key, (_, done) in group.items():
                    if not done.done():
                        done.set_result(key in changed)
        finally:
            self._committing = None
