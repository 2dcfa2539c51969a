"""The capture's group writer: groups, windows, flush-before-edit, and failure isolation."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from bot.discussion import GroupWriter


class Recorder:
    def __init__(self, fail_first: bool = False) -> None:
        self.groups: list[list[int]] = []
        self.fail_first = fail_first

    async def save(self, rows: Sequence[int]) -> None:
        await asyncio.sleep(0)
        if self.fail_first:
            self.fail_first = False
            raise RuntimeError("disk full")
        self.groups.append(list(rows))


async def idle() -> None:
    """Let scheduled flushes run (loop turns, not time: long windows stay pending)."""
    for _ in range(50):
        await asyncio.sleep(0)


async def test_full_groups_are_written_at_once_and_in_order() -> None:
    rec = Recorder()
    writer = GroupWriter(rec.save, max_rows=3, window=3600)  # the window never expires here
    for i in range(7):
        writer.add(i)
    await idle()
    # The flush a full group triggered drains the queue, in groups of at most three.
    assert rec.groups == [[0, 1, 2], [3, 4, 5], [6]]
    assert writer.pending == 0
    assert writer.written == 7


async def test_a_burst_makes_few_groups_not_one_per_row() -> None:
    rec = Recorder()
    writer = GroupWriter(rec.save, max_rows=100, window=3600)
    for i in range(1000):
        writer.add(i)
    await idle()
    await writer.flush()
    assert len(rec.groups) == 10
    assert sorted(r for g in rec.groups for r in g) == list(range(1000))


async def test_a_partial_group_is_written_after_its_window() -> None:
    rec = Recorder()
    writer = GroupWriter(rec.save, max_rows=100, window=0.001)
    writer.add(1)
    writer.add(2)
    flush = next(t for t in asyncio.all_tasks() if t.get_name() == "cohortbot:capture-flush")
    await flush
    assert rec.groups == [[1, 2]]


async def test_a_failed_group_is_dropped_and_later_ones_still_written() -> None:
    rec = Recorder(fail_first=True)
    writer = GroupWriter(rec.save, max_rows=2, window=3600)
    for i in range(4):
        writer.add(i)
    await idle()
    await writer.flush()
    assert rec.groups == [[2, 3]]  # the backfill re-reads what the failed group held
    assert writer.written == 2


async def test_close_writes_what_is_pending() -> None:
    rec = Recorder()
    writer = GroupWriter(rec.save, max_rows=100, window=3600)
    writer.add(1)
    await writer.close()
    assert rec.groups == [[1]]
