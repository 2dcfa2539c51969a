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
from pathlib import Path

import pytest

from tests.e2e.processes import bot_connected

from .cohort import Cohort, Members, Scale, acting, check_all, summary

pytestmark = pytest.mark.process


async def test_kill_9_at_random_moments_loses_and_doubles_nothing(
    tmp_path: Path, scaled: Scale,
) -> None:
    seed, rng = scaled.seeded()
    kills = scaled(3, 20)
    async with Cohort.running(tmp_path) as cohort:
        await cohort.add_members(scaled(40, 200))
        seeded = await cohort.seed_reminders(scaled(100, 1000), rng)
        members = Members(cohort, rng)
        # Connected is enough: the backlog goes out without a pause, so the world is not
        # quiet until it has (a minute on a loaded machine), and the kills are meant for it.
        await cohort.start(busy=True)
        first = await members.lesson_post()
        assert "Posted run #1" in first["response"]["content"], cohort.bot.logged()[-3000:]
        postings: list[asyncio.Task[object]] = []

        async def crashes() -> None:
            for _ in range(kills):
                if rng.random() < 0.3:  # right after a /lesson post: mid-posting
                    assert await bot_connected(cohort.discord, cohort.bot)
                    postings.append(asyncio.create_task(members.lesson_post()))
                    await asyncio.sleep(rng.uniform(0, 1.5))
                else:  # anywhere: in the start-up, the deliveries, a critique
                    await asyncio.sleep(rng.uniform(0.3, 6))
                cohort.bot.kill()
                await asyncio.sleep(rng.uniform(0, 2))  # the members go on meanwhile
                cohort.bot.start()
            assert await bot_connected(cohort.discord, cohort.bot), cohort.bot.logged()[-3000:]
            await asyncio.sleep(scaled(2, 5))  # and on a while with the bot up

        await acting(members, crashes)
        await asyncio.gather(*postings)
        await cohort.settled(seeded)
        assert cohort.bot.stop() == 0, cohort.bot.logged()[-3000:]
        checked = await check_all(cohort, members.ledger, seeded, postings=True)
        summary("crash", seed=seed, kills=kills, **checked.counts())
        checked.assert_nothing_lost()
        assert checked.capture.messages and checked.critiques.confirmed  # members got through
