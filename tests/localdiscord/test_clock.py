"""The world clock followed from another process (`localdiscord.control.follow`): each move
reaches the follower before it counts as done, and a move stops on its way wherever the
follower says it next has work, so what it does there is dated then by the world."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from localdiscord.clock import DEFAULT_START
from localdiscord.control.follow import follow_clock

from .live import LiveDiscord

HOUR = timedelta(hours=1)


async def test_a_move_stops_where_a_follower_has_work(live: LiveDiscord) -> None:
    due = [DEFAULT_START + HOUR, DEFAULT_START + 5 * HOUR]  # a follower's "scheduler"
    seen: list[datetime] = []
    posted: list[dict[str, object]] = []

    async def move(now: datetime) -> None:
        seen.append(now)
        if now in due:  # the follower's job runs and posts as a member, at its own time
            posted.append(await live.control.member("ada").say("lessons", f"job at {now}"))

    def next_wake() -> datetime | None:
        return min((t for t in due if t > seen[-1]), default=None)

    first = asyncio.Event()
    follower = asyncio.create_task(follow_clock(live.info["control_url"], move, next_wake,
                                                on_first=first.set))
    try:
        await asyncio.wait_for(first.wait(), 10)
        moved = await live.control.move_clock(advance=24 * 3600)
        assert datetime.fromisoformat(moved["now"]) == DEFAULT_START + 24 * HOUR
        assert seen == [DEFAULT_START, *due, DEFAULT_START + 24 * HOUR]
        messages = await live.messages("lessons")
        assert [datetime.fromisoformat(m["timestamp"]) for m in messages] == due
        assert [m["id"] for m in messages] == [p["id"] for p in posted]
        # A move short of the follower's next work does not stop on its way.
        due.append(DEFAULT_START + 30 * HOUR)
        await live.control.move_clock(advance=3600)
        assert seen[-1] == DEFAULT_START + 25 * HOUR and len(seen) == 5
    finally:
        follower.cancel()
