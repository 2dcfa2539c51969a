"""Capture keeps up with a burst: the real bot, with and without capture, on the same input.

Metrics:

- `ingest_ratio` (live burst): N MESSAGE_CREATE events in a run's thread from 200 members are
  fed through discord.py's own gateway parser (`ConnectionState.parse_message_create`, what the
  websocket calls for each event), and the time until every listener has run and every message
  is committed to SQLite is measured. Baseline: the same bot with capture switched off
  (`bot.services.discussion.enabled = False`), same run. Target: ratio >= 0.8.
- `ingest_mixed_ratio` (live burst with reactions): the same burst with a reaction event
  (MESSAGE_REACTION_ADD, now and then a _REMOVE) after every fourth message, on a message a
  little earlier in the thread, as a lively discussion has them; the same baseline (capture
  off). In events/s. Emoji other than 👍, whose votes on critiques cost both sides a look-up
  and would flatter the ratio. Target: ratio >= 0.8.
- `backfill_ratio`: M messages already in a thread (posted while the bot was "down") are read
  through the sandbox's history API and stored by `bot.services.discussion.backfill()`.
  Baseline: reading the same history without storing it, same run. Target: ratio >= 0.8.

The sandbox runs without OpenAPI validation here: this measures the bot, not the validator.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.metric import Metric

MEMBERS = 200


def _user(i: int) -> dict[str, Any]:
    return {"id": str(10**17 + (i % MEMBERS)), "username": f"m{i % MEMBERS}",
            "discriminator": "0", "avatar": None, "global_name": None}


def _payloads(sandbox: Any, thread: Any, count: int, start: int, *,
              reactions: bool) -> list[tuple[str, dict[str, Any]]]:
    """(event, data) of the burst: `count` messages, and with `reactions` a reaction event
    after every fourth one (one in ten of them takes the previous reaction back)."""
    guild_id = str(thread.guild_id)
    stamp = sandbox.world.now().isoformat()
    member = {"roles": [], "joined_at": stamp, "deaf": False, "mute": False, "flags": 0}
    out: list[tuple[str, dict[str, Any]]] = []
    added: dict[str, Any] | None = None
    for i in range(count):
        out.append(("MESSAGE_CREATE", {
            "id": str(2 * 10**18 + start + i), "channel_id": str(thread.id),
            "guild_id": guild_id, "type": 0, "content": f"critique number {i}: too generic",
            "author": _user(i), "member": member,
            "timestamp": stamp, "edited_timestamp": None, "tts": False,
            "mention_everyone": False, "mentions": [], "mention_roles": [],
            "attachments": [], "embeds": [], "pinned": False,
        }))
        if not reactions or i % 4 != 3:
            continue
        if added is not None and i % 40 == 39:
            out.append(("MESSAGE_REACTION_REMOVE", {
                k: added[k] for k in ("user_id", "channel_id", "guild_id", "message_id",
                                      "emoji", "burst", "type")}))
            added = None
            continue
        target, reactor = i - 3 + (i // 4) % 3, i + 7  # an earlier message, someone else
        added = {
            "user_id": _user(reactor)["id"], "channel_id": str(thread.id),
            "guild_id": guild_id, "message_id": str(2 * 10**18 + start + target),
            "emoji": ({"id": None, "name": ("🎉", "🔥", "👀")[i % 3]} if i % 7
                      else {"id": "880000000000000001", "name": "party_blob"}),
            "burst": False, "type": 0, "member": {**member, "user": _user(reactor)},
            "message_author_id": _user(target)["id"],
        }
        out.append(("MESSAGE_REACTION_ADD", added))
    return out


async def _burst(sandbox: Any, bot: Any, thread: Any, count: int, *, capture: bool,
                 start: int, reactions: bool = False) -> float:
    """Events per second, from the first event parsed to the last row committed."""
    capture_service = bot.services.discussion
    capture_service.enabled = capture
    payloads = _payloads(sandbox, thread, count, start, reactions=reactions)
    state = bot._connection
    parsers = {event: getattr(state, f"parse_{event.lower()}") for event, _ in payloads}
    began = time.perf_counter()
    for i, (event, data) in enumerate(payloads):
        parsers[event](data)
        if i % 500 == 499:
            await asyncio.sleep(0)  # the websocket yields between frames too
    await sandbox.settle(within=600)
    await capture_service.flush()
    elapsed = time.perf_counter() - began
    capture_service.enabled = True
    return len(payloads) / elapsed


async def _backfill(sandbox: Any, bot: Any, thread: Any, count: int) -> tuple[float, float]:
    import discord

    author = next(u for u in sandbox.world.users.values() if u.username == "ada")
    channel = sandbox.world.channels[thread.id]
    for i in range(count):
        sandbox.world.add_message(channel, author.id, content=f"said while down {i}")
    live = bot.get_channel(thread.id)

    began = time.perf_counter()
    seen = 0
    async for _ in live.history(limit=None, after=discord.Object(id=1), oldest_first=True):
        seen += 1
    baseline = seen / (time.perf_counter() - began)

    began = time.perf_counter()
    stored = await bot.services.discussion.backfill()
    measured = stored / (time.perf_counter() - began)
    assert stored >= count, (stored, count)
    return measured, baseline


async def _run(quick: bool) -> list[Metric]:
    burst = 5_000 if quick else 20_000
    history = 5_000 if quick else 100_000
    from bot.demo.world import demo_world

    with tempfile.TemporaryDirectory() as tmp:
        async with demo_world(Path(tmp), validate=False, check_violations=False) as world:
            sandbox, bot = world.sandbox, world.bot
            services = bot.services
            await services.runs.post(services.lessons.get(None), world.lessons.id,
                                     posted_by=None)
            await sandbox.settle()
            # The burst uses made-up message ids, so the backfill gets a thread of its own.
            thread, backfill_thread, _ = sandbox.threads(world.lessons)
            # Warm-up, then alternate so both sides see the same machine state.
            await _burst(sandbox, bot, thread, 500, capture=True, start=0)
            on, off, mixed_on, mixed_off = [], [], [], []
            for round_ in range(3):
                off.append(await _burst(sandbox, bot, thread, burst, capture=False,
                                        start=(4 * round_ + 1) * 10**6))
                on.append(await _burst(sandbox, bot, thread, burst, capture=True,
                                       start=(4 * round_ + 2) * 10**6))
                mixed_off.append(await _burst(sandbox, bot, thread, burst, capture=False,
                                              start=(4 * round_ + 3) * 10**6, reactions=True))
                mixed_on.append(await _burst(sandbox, bot, thread, burst, capture=True,
                                             start=(4 * round_ + 4) * 10**6, reactions=True))
            stored = await bot.db.fetchval("SELECT count(*) FROM discussion_reactions")
            assert stored > 0, "the mixed burst stored no reaction"
            backfill, backfill_base = await _backfill(sandbox, bot, backfill_thread,
                                                       history)
    return [
        Metric("ingest_ratio", max(on), "msgs/s", max(off),
               f"same bot, capture off ({burst:,} msgs from {MEMBERS} members, best of 3)",
               target=0.8),
        Metric("ingest_mixed_ratio", max(mixed_on), "events/s", max(mixed_off),
               f"same bot, capture off ({burst:,} msgs and {burst // 4:,} reaction events,"
               " best of 3)", target=0.8),
        Metric("backfill_ratio", backfill, "msgs/s", backfill_base,
               f"reading the same {history:,}-message history without storing", target=0.8),
    ]


def run(quick: bool) -> list[Metric]:
    return asyncio.run(_run(quick))
