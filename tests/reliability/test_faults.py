"""One REST request in ten answered 429 (with Discord's headers: Retry-After, the scope, the
body's retry_after) or 500/502, and one in five of the rest slowed, while reminders come due,
members send critiques and ask for summaries, and post in the threads: every reply, summary
and reminder still arrives, and nothing is doubled.

Interaction callbacks meet only the 429s: a callback answered 5xx twice is retried past
Discord's 3 s (discord.py waits 1 s, then 3 s), and no bot gets that acknowledgement back.
The faults are drawn from seeded generators (which request meets one still depends on the
order the requests come in).
"""

from __future__ import annotations

import asyncio
import random
from pathlib import Path

import pytest

from .cohort import (
    Cohort,
    Members,
    Scale,
    acting,
    check_all,
    check_summaries,
    delivering_took,
    summary,
)

pytestmark = pytest.mark.process

CALLBACKS = "POST /interactions/*/*/callback"


async def add_faults(cohort: Cohort, seed: int) -> None:
    add = cohort.control.add_fault
    await add(kind="rate_limit", route=CALLBACKS, times=0, probability=0.1, seed=seed,
              retry_after=0.3)
    await add(kind="latency", route=CALLBACKS, times=0, seconds=0)  # (the 5xx pass them by)
    await add(kind="rate_limit", times=0, probability=0.05, seed=seed + 1, retry_after=0.5)
    await add(kind="server_error", status=500, times=0, probability=0.025, seed=seed + 2)
    await add(kind="server_error", status=502, times=0, probability=0.025, seed=seed + 3)
    await add(kind="latency", times=0, probability=0.2, seed=seed + 4, seconds=0.3)


async def test_with_a_tenth_of_requests_failing_everything_arrives_once(
    tmp_path: Path, scaled: Scale,
) -> None:
    rng = random.Random(7)
    async with Cohort.running(tmp_path) as cohort:
        await cohort.add_members(scaled(30, 200))
        seeded = await cohort.seed_reminders(scaled(60, 1000), rng)
        members = Members(cohort, rng, answer_within=60)
        await add_faults(cohort, seed=7)
        await cohort.start()  # its start-up meets the faults too
        await members.lesson_post()
        await acting(members, lambda: asyncio.sleep(scaled(8, 60)), pace=0.1)
        # At least one summary, whatever the acts drew: on a loaded machine the short run's
        # few acts were sometimes all critiques.
        await members.summary()
        await cohort.settled(seeded)
        fired = (await cohort.control.faults())["fired"]
        await cohort.control.clear_faults()
        summaries = await check_summaries(cohort, members.ledger)
        assert cohort.bot.stop() == 0, cohort.bot.logged()[-3000:]
        checked = await check_all(cohort, members.ledger, seeded)
        ledger = members.ledger
        summary("faults", requests_failed=sum(1 for f in fired if f["status"]),
                requests_slowed=sum(1 for f in fired
                                    if not f["status"] and not f["path"].endswith("/callback")),
                critiques_unconfirmed=ledger.unconfirmed,
                not_acknowledged=ledger.failed_interactions, summaries=summaries.asked,
                summaries_answered=summaries.answered, **checked.counts(),
                reminders_delivered_in_s=delivering_took(cohort.bot.logged()))
        checked.assert_nothing_lost()
        assert (ledger.unconfirmed, ledger.failed_interactions) == (0, 0)
        assert summaries.answered == summaries.asked
        assert checked.critiques.confirmed and summaries.asked and any(f["status"] for f in fired)
