"""The gateway drops and stays down while members post, edit and delete in the lesson
threads; when it comes back, every change is in the database.

Twice: a short outage, where the bot resumes its session and Discord replays what it missed;
and one where the session ended meanwhile (as after Discord's few minutes), so the bot
identifies afresh and reads back each open thread whole (the backfill): new messages stored,
edits applied, deletes marked.
"""

from __future__ import annotations

import asyncio
import random
from pathlib import Path

import pytest

from bot.demo.processes import bot_connected

from .cohort import Cohort, Members, Scale, acting, check_all, summary

pytestmark = pytest.mark.process


async def test_changes_made_while_the_gateway_was_down_all_reach_the_database(
    tmp_path: Path, scaled: Scale,
) -> None:
    rng = random.Random(5)
    outages = scaled(2, 10)
    async with Cohort.running(tmp_path) as cohort:
        control = cohort.control
        await cohort.add_members(scaled(20, 200))
        members = Members(cohort, rng)
        await cohort.start()
        await members.lesson_post()
        before = (await control.status())["gateway"]

        async def outages_in_turn() -> None:
            for i in range(outages):
                await asyncio.sleep(rng.uniform(0.5, 2))  # up: captured live
                await control.drop_gateway(hold=True)
                if i % 2:  # the session ends: the bot must read the threads back
                    await control.invalidate_gateway(resumable=False)
                await asyncio.sleep(rng.uniform(2, scaled(3, 8)))  # down: members go on
                await control.release_gateway()
                assert await bot_connected(cohort.discord, cohort.bot), (
                    cohort.bot.logged()[-3000:])

        await acting(members, outages_in_turn, pace=0.1, interactions=False)
        assert await cohort.idle(period=3)
        gateway = (await control.status())["gateway"]
        assert cohort.bot.stop() == 0, cohort.bot.logged()[-3000:]
        checked = await check_all(cohort, members.ledger)
        posts = members.ledger.posts.values()
        summary("outage", outages=outages, resumed=gateway["resumes"] - before["resumes"],
                identified_again=gateway["identifies"] - before["identifies"],
                edited=sum(", edited" in p.content for p in posts),
                deleted=sum(p.deleted for p in posts), **checked.counts())
        checked.assert_nothing_lost()
        # Both ways back were taken: a replay and a read-back.
        assert gateway["resumes"] > before["resumes"]
        assert gateway["identifies"] > before["identifies"]
