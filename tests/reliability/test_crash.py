"""kill -9 at random moments while reminders come due and members keep talking.

The outreaches were logged as sent days ago, so every reminder is due when the bot first
starts: it delivers them at Discord's pace (rate limits at full length) while members post,
edit and delete in the lesson threads, send critiques, and the moderator posts runs. The bot
is killed (SIGKILL: no clean-up, whatever was in flight lost) at seeded random moments: in
its start-up, in the middle of deliveries, right after a `/lesson post`; and started again.
Then it runs to the end, and nothing may be lost, doubled or left half-made.

`COHORTBOT_RELIABILITY_SEED=N` replays a run's moments (the seed is in the summary line); the
short version takes seed 1 unless told.
"""

from __future__ import annotations

import asyncio
import os
import random
from pathlib import Path

import pytest

from tests.e2e.processes import DemoDiscord, bot_connected

from .cohort import (
    Cohort,
    Members,
    Scale,
    acting,
    check_capture,
    check_critiques,
    check_postings,
    check_reminders,
    summary,
)

pytestmark = pytest.mark.process


async def test_kill_9_at_random_moments_loses_and_doubles_nothing(
    tmp_path: Path, scaled: Scale,
) -> None:
    # The short version's moments are the same each run; the full one's new (and said).
    seed = int(os.environ.get("COHORTBOT_RELIABILITY_SEED")
               or (random.randrange(10**6) if scaled.full else 1))
    rng = random.Random(seed)
    kills = scaled(3, 20)
    discord = DemoDiscord(tmp_path)
    cohort = Cohort(tmp_path, discord)
    try:
        await cohort.add_members(scaled(40, 200))
        seeded = await cohort.seed_reminders(scaled(100, 1000), rng)
        members = Members(cohort, rng)
        await cohort.start()
        first = await members.lesson_post()
        assert "Posted run #1" in first["response"]["content"], cohort.bot.logged()[-3000:]
        postings: list[asyncio.Task[object]] = []

        async def crashes() -> None:
            for _ in range(kills):
                if rng.random() < 0.3:  # right after a /lesson post: mid-posting
                    assert await bot_connected(discord, cohort.bot)
                    postings.append(asyncio.create_task(members.lesson_post()))
                    await asyncio.sleep(rng.uniform(0, 1.5))
                else:  # anywhere: in the start-up, the deliveries, a critique
                    await asyncio.sleep(rng.uniform(0.3, 6))
                cohort.bot.kill()
                await asyncio.sleep(rng.uniform(0, 2))  # the members go on meanwhile
                cohort.bot.start()
            assert await bot_connected(discord, cohort.bot), cohort.bot.logged()[-3000:]
            await asyncio.sleep(scaled(2, 5))  # and on a while with the bot up

        await acting(members, crashes)
        await asyncio.gather(*postings)
        assert await cohort.idle(period=3), "the bot never went quiet"
        assert cohort.bot.stop() == 0, cohort.bot.logged()[-3000:]
        db = await cohort.open_db()
        try:
            reminders = await check_reminders(cohort, db, seeded)
            capture = await check_capture(cohort, db, members.ledger)
            critiques = await check_critiques(cohort, db, members.ledger)
            runs = await check_postings(cohort, db, members.ledger)
        finally:
            await db.close()
        summary("crash", seed=seed, kills=kills, reminders=len(seeded),
                delivered_once=reminders.delivered_once, reminders_lost=reminders.lost,
                delivered_twice=reminders.twice, unmarked=reminders.not_marked_sent,
                thread_messages=capture.messages, messages_lost=capture.lost,
                critiques=critiques.confirmed, critiques_lost=critiques.lost,
                critiques_stored_twice=critiques.stored_twice,
                critique_posts_doubled=critiques.posts_doubled,
                postings_whole=runs.complete, postings_removed=runs.removed,
                postings_half_made=runs.half_made, answers_left_thinking=runs.left_thinking)
        assert (reminders.lost, reminders.twice, reminders.not_marked_sent) == (0, 0, 0)
        assert capture.lost == 0, capture.how
        assert (critiques.lost, critiques.stored_twice, critiques.posts_doubled) == (0, 0, 0)
        assert (runs.half_made, runs.left_thinking) == (0, 0), runs.how
        assert capture.messages and critiques.confirmed  # the members did get through
    finally:
        if cohort.bot.proc is not None and cohort.bot.proc.poll() is None:
            cohort.bot.kill()
        await discord.stop()
