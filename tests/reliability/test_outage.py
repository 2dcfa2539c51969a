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

from tests.e2e.processes import DemoDiscord, bot_connected

from .cohort import Cohort, Members, Scale, acting, check_capture, summary

pytestmark = pytest.mark.process


async def test_changes_made_while_the_gateway_was_down_all_reach_the_database(
    tmp_path: Path, scaled: Scale,
) -> None:
    rng = random.Random(5)
    discord = DemoDiscord(tmp_path)
    cohort = Cohort(tmp_path, discord)
    control = cohort.control
    outages = scaled(2, 10)
    try:
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
                assert await bot_connected(discord, cohort.bot), cohort.bot.logged()[-3000:]

        await acting(members, outages_in_turn, pace=0.1, interactions=False)
        assert await cohort.idle(period=3)
        gateway = (await control.status())["gateway"]
        assert cohort.bot.stop() == 0, cohort.bot.logged()[-3000:]
        db = await cohort.open_db()
        try:
            capture = await check_capture(cohort, db, members.ledger)
        finally:
            await db.close()
        posts = members.ledger.posts.values()
        summary("outage", outages=outages, resumed=gateway["resumes"] - before["resumes"],
                identified_again=gateway["identifies"] - before["identifies"],
                thread_messages=capture.messages,
                edited=sum(", edited" in p.content for p in posts),
                deleted=sum(p.deleted for p in posts), messages_lost=capture.lost)
        assert capture.lost == 0, capture.how
        # Both ways back were taken: a replay and a read-back.
        assert gateway["resumes"] > before["resumes"]
        assert gateway["identifies"] > before["identifies"]
    finally:
        if cohort.bot.proc is not None and cohort.bot.proc.poll() is None:
            cohort.bot.kill()
        await discord.stop()
