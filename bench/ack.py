"""Interactions are acknowledged in time under a burst: the real bot process, the local
Discord in its own process, 200 members pressing at once.

The local Discord starts its clock on an interaction as the gateway event leaves for the bot
and stops it at the bot's first callback (`ack_ms` in its record): a modal opened, a
deferral, or the answer itself. Discord fails an interaction that is not acknowledged within
3 s, whatever the bot does after.

The burst: 500 interactions sent all at once from 200 members (`--quick`: 100 from 50) after
a moderator's `/lesson post`. One in five is `/help` (an embed built from the command tree,
no database: the no-op-ish baseline); the rest, in equal shares, `/lesson summary` (deferred,
then a chart), `/critique` (a modal), the critique form sent (deferred, stored, posted in the
example's thread), `/review` (a modal) and the draft form sent (reviewed, answered). The forms
sent in the burst were opened just before it, outside the measurement. All in a seeded random
order.

Metrics:

- `ack_p99_ms`: the p99 acknowledgement time over the whole burst. Baseline: the p99 of the
  `/help` commands in it. Limit: 1,000 ms (a third of Discord's 3 s: "far under").
- `ack_p99_ratio`: the p99 of the burst's work commands (everything but `/help`) over the
  baseline's. Target: at most 2.
- `ack_answers_missing`: the deferred interactions (summaries, critiques and reviews sent)
  whose answer never replaced "thinking..." (within `ANSWER_WAIT`), out of all deferred in
  the burst. Limit: 0. A miss names the interactions on stderr and keeps the bench's
  folder, with the bot's log (`bot.log`), for whoever looks into it.

An interaction never acknowledged counts as `WAIT` s (and misses the limit). The bot is
stopped only after every answer came (or its wait ran out), so none is cut short by the stop.
"""

from __future__ import annotations

import asyncio
import math
import random
import shutil
import sys
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.metric import Metric
from bot.demo.processes import BotProcess, DemoDiscord, bot_ready
from localdiscord.control.client import Control

WAIT = 60.0  # seconds an interaction's acknowledgement is waited for
# Seconds a deferral's answer is waited for: each critique is posted in its example's thread
# before its answer, at Discord's 5 messages per 5 s, and the burst's are all for example 1.
ANSWER_WAIT = 300.0
DRAFT = ("Hi Dana, I read your talk notes on onboarding at Acme and the point about first-week "
         "buddies stuck with me. I run a small cohort of junior engineers and would value ten "
         "minutes of your view on what made that work. Would a call next Tuesday suit you?")
Act = Callable[[], Awaitable[Any]]  # sends one interaction; the local Discord's record of it
WORK = ("summary", "critique", "critique form", "review", "review form")
DEFERRED, LOADING = 5, 128  # the callback type "thinking...", and its message's flag


def percentile(values: list[float], share: float) -> float:
    """Nearest rank: the smallest value at least `share` of the values are at or under."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


class Burst:
    """The cohort on the local Discord and the interactions of one burst."""

    def __init__(self, control: Control, guild_id: int, members: list[str]) -> None:
        self.control = control
        self.guild_id = guild_id
        self.members = members

    async def opened_forms(self, command: str, members: list[str]) -> list[tuple[str, Any]]:
        """`command` run by each member until the bot opened its modal (not measured)."""
        async def one(name: str) -> tuple[str, Any]:
            asked = await self.control.member(name).slash(command, channel="lessons",
                                                          **_options(command))
            opened = await self.control.interaction(interaction=asked["id"], wait="answered",
                                                    within=WAIT)
            if opened["modal"] is None:
                raise RuntimeError(f"/{command} opened no form: {opened['response']}")
            return name, opened
        return list(await asyncio.gather(*(one(m) for m in members)))

    def plan(self, size: int, rng: random.Random,
             forms: dict[str, list[tuple[str, Any]]]) -> list[tuple[str, Act]]:
        """(kind, act) for each interaction of the burst, in a random order."""
        helps = size // 5
        kinds = ["help"] * helps + [WORK[i % len(WORK)] for i in range(size - helps)]
        rng.shuffle(kinds)
        waiting = {k: list(v) for k, v in forms.items()}
        acts = []
        for kind in kinds:
            if kind in ("critique form", "review form"):
                name, opened = waiting[kind].pop()
                values = ({"works": "names the exact talk", "doesnt": "the ask is vague",
                           "likely": "yes"} if kind == "critique form"
                          else {"draft": DRAFT, "channel": "email"})
                act = _submit(self.control, name, opened, values)
            else:
                command = {"help": "help", "summary": "lesson summary"}.get(kind, kind)
                act = _slash(self.control, rng.choice(self.members), command)
            acts.append((kind, act))
        return acts

    async def measure(self, acts: list[tuple[str, Act]]) -> Measured:
        """Send every act at once; (kind, ack ms) of each once all are acknowledged, and the
        deferred ones whose answer never came."""
        sent = await asyncio.gather(*(act() for _, act in acts))

        async def ack(asked: dict[str, Any]) -> dict[str, Any]:
            return await self.control.interaction(interaction=asked["id"], wait="answered",
                                                  within=WAIT)
        records = await asyncio.gather(*(ack(a) for a in sent))
        times = [WAIT * 1000 if r["ack_ms"] is None else float(r["ack_ms"]) for r in records]
        deferred = [(kind, r) for (kind, _), r in zip(acts, records, strict=True)
                    if r["callback_type"] == DEFERRED]
        finals = await asyncio.gather(*(self.control.interaction(
            interaction=r["id"], wait="final", within=ANSWER_WAIT) for _, r in deferred))
        missing = [(kind, r["id"]) for (kind, _), r in zip(deferred, finals, strict=True)
                   if _still_thinking(r)]
        return Measured([(kind, ms) for (kind, _), ms in zip(acts, times, strict=True)],
                        len(deferred), missing)


@dataclass(frozen=True)
class Measured:
    acks: list[tuple[str, float]]  # (kind, ms) per interaction
    deferred: int  # interactions acknowledged with a deferral: an answer must follow
    missing: list[tuple[str, str]]  # (kind, interaction id) of the answers that never came


def _still_thinking(record: dict[str, Any]) -> bool:
    """A deferral whose answer never replaced the "thinking..." message."""
    response = record["response"]
    return response is None or bool(int(response.get("flags") or 0) & LOADING)


def _options(command: str) -> dict[str, Any]:
    return {"options": {"example": 1}} if command == "critique" else {}


def _slash(control: Control, name: str, command: str) -> Act:
    return lambda: control.member(name).slash(command, channel="lessons", **_options(command))


def _submit(control: Control, name: str, opened: Any,
            values: dict[str, str]) -> Act:
    return lambda: control.member(name).submit_modal(opened, values)


async def _burst(workdir: Path, members: int, size: int) -> Measured:
    rng = random.Random(11)
    discord = DemoDiscord(workdir, validate=False)  # the bot measured, not the checks
    bot = BotProcess(workdir, discord)
    control = discord.control
    try:
        guild_id = int(discord.ids()["id"])
        names = [f"m{i:03d}" for i in range(members)]
        for name in names:
            await control.add_member(guild=guild_id, name=name)
        bot.start()
        if not await bot_ready(discord, bot):
            raise RuntimeError("the bot did not start: " + bot.logged()[-3000:])
        posted = await control.member("mod").slash("lesson post", channel="lessons")
        await control.interaction(interaction=posted["id"], wait="final", within=WAIT)
        burst = Burst(control, guild_id, names)
        # Each form from a member of its own: one critique per member and example, and the
        # draft review's hourly limit, hold for every one of them.
        forms_each = (size - size // 5) // len(WORK)
        shuffled = rng.sample(names, len(names))
        forms = {"critique form": await burst.opened_forms("critique", shuffled[:forms_each]),
                 "review form": await burst.opened_forms(
                     "review", shuffled[forms_each:2 * forms_each])}
        measured = await burst.measure(burst.plan(size, rng, forms))
        # Whatever the bot still does after its last answer finishes before it is stopped:
        # stopped mid-work, it would log each cut-off request as an error.
        await control.quiet(period=1.0, within=300)
        return measured
    finally:
        if bot.proc is not None:
            bot.stop()
        await discord.stop()


def run(quick: bool) -> list[Metric]:
    workdir = Path(tempfile.mkdtemp(prefix="bench-ack-"))
    measured = asyncio.run(_burst(workdir, *((50, 100) if quick else (200, 500))))
    if measured.missing:  # the bot's log says why: kept for whoever reads it
        kinds = ", ".join(f"{kind} {iid}" for kind, iid in measured.missing[:10])
        print(f"bench: ack: {len(measured.missing)} answers never came after their deferral "
              f"({kinds}); the bot's log: {workdir / 'bot.log'}", file=sys.stderr)
    else:
        shutil.rmtree(workdir)
    acks = measured.acks
    baseline = percentile([ms for kind, ms in acks if kind == "help"], 0.99)
    label = "/help in the same burst, p99"
    return [
        Metric("ack_p99_ms", percentile([ms for _, ms in acks], 0.99), "ms", baseline, label,
               higher_is_better=False, limit=1000.0),
        Metric("ack_p99_ratio", percentile([ms for kind, ms in acks if kind != "help"], 0.99),
               "ms", baseline, label, target=2.0, higher_is_better=False),
        Metric("ack_answers_missing", len(measured.missing), "answers", measured.deferred,
               "deferred in the burst", higher_is_better=False, limit=0),
    ]
