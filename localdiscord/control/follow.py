"""Following a local Discord's world clock from another process (a bot's clock).

The local Discord sends each move of its world clock over a websocket and waits until every
follower acknowledges it, so `move_clock` returns once the bot's side is at the new time and
whatever became due there has run (`move` is awaited before the acknowledgement). Each
answer also says when the follower next has work (`next_wake`, e.g. its scheduler's next
job), and before a move the local Discord asks for it: the move stops at that time first.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import aiohttp

from localdiscord.control.routes import CLOCK_FOLLOW


async def follow_clock(
    control_url: str, move: Callable[[datetime], Awaitable[Any]],
    next_wake: Callable[[], datetime | None] = lambda: None,
    on_first: Callable[[], None] | None = None,
    before_ask: Callable[[], Awaitable[Any]] | None = None,
) -> None:
    """Apply every move of the world clock with `move` until the local Discord goes away,
    answering each message with `next_wake()`. The first message is the current time;
    `on_first` runs once it is applied. `before_ask` runs before a question is answered
    (the follower's listeners bring their wakes up to date)."""
    url = control_url.rstrip("/") + CLOCK_FOLLOW
    async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
        async for msg in ws:
            if msg.type != aiohttp.WSMsgType.TEXT:
                continue
            data = json.loads(msg.data)
            if "now" in data:
                await move(datetime.fromisoformat(data["now"]))
            elif before_ask is not None:
                await before_ask()
            wake = next_wake()
            await ws.send_json({"ack": data["move"] if "now" in data else data["ask"],
                                "next": wake.isoformat() if wake is not None else None})
            if on_first is not None:
                on_first()
                on_first = None
