"""A second bot process on the same database and the same Discord.

With the database's lock (any ordinary file system), the second `cohortbot run` says which
process holds the database and exits 2 before it touches the file or connects anywhere;
killed, the first frees the lock, and a second started then takes over where it left off.
Where locks do not hold (some network file systems; here `flock` made a no-op in the second
process), both run on one file and both hear every event: the row claims still deliver each
reminder once, and a critique is stored once.
"""

from __future__ import annotations

import asyncio
import random
from pathlib import Path

import pytest

from tests.e2e.processes import BotProcess, DemoDiscord, bot_connected

from .cohort import (
    Cohort,
    Members,
    Scale,
    acting,
    check_capture,
    check_critiques,
    check_reminders,
    summary,
)

pytestmark = pytest.mark.process

# `cohortbot run` where the file system's locks hold nothing.
WITHOUT_LOCKS = ("-c", "import fcntl, sys\nfcntl.flock = lambda fd, op: None\n"
                       "from bot.__main__ import main\nsys.exit(main(sys.argv[1:]))")


async def test_a_second_bot_stands_aside_saying_why_then_takes_over(
    tmp_path: Path, scaled: Scale,
) -> None:
    rng = random.Random(2)
    discord = DemoDiscord(tmp_path)
    cohort = Cohort(tmp_path, discord)
    second = BotProcess(tmp_path, discord, name="second")
    try:
        await cohort.add_members(scaled(30, 100))
        seeded = await cohort.seed_reminders(scaled(60, 300), rng)
        members = Members(cohort, rng)
        await cohort.start()
        await members.lesson_post()
        first_pid = cohort.bot.proc.pid if cohort.bot.proc else 0
        said = ""

        async def second_starts() -> None:
            nonlocal said
            before = (await cohort.control.status())["gateway"]["identifies"]
            second.start()
            assert second.proc is not None
            assert await asyncio.to_thread(second.proc.wait, 60) == 2
            said = second.logged().strip()
            # It connected nowhere: no session was started by it.
            assert (await cohort.control.status())["gateway"]["identifies"] == before
            await asyncio.sleep(scaled(1, 3))
            cohort.bot.kill()  # the first dies: the lock goes with it
            await cohort.start(second, busy=True)
            await asyncio.sleep(scaled(2, 4))

        await acting(members, second_starts)
        assert await cohort.idle(period=3)
        assert second.stop() == 0, second.logged()[-3000:]
        db = await cohort.open_db()
        try:
            reminders = await check_reminders(cohort, db, seeded)
            critiques = await check_critiques(cohort, db, members.ledger)
        finally:
            await db.close()
        summary("two processes (lock)", second_exit=2, reminders=len(seeded),
                delivered_once=reminders.delivered_once, reminders_lost=reminders.lost,
                delivered_twice=reminders.twice, critiques=critiques.confirmed,
                critiques_stored_twice=critiques.stored_twice, critiques_lost=critiques.lost)
        assert said == (f"cohortbot: {cohort.database}: another cohortbot process (pid "
                        f"{first_pid}) is running on this database. One database serves one "
                        "bot: stop the other process first, or give this one its own database "
                        "([storage] database in the config). Not starting."), said
        assert (reminders.lost, reminders.twice, reminders.not_marked_sent) == (0, 0, 0)
        assert (critiques.lost, critiques.stored_twice, critiques.posts_doubled) == (0, 0, 0)
    finally:
        for bot in (cohort.bot, second):
            if bot.proc is not None and bot.proc.poll() is None:
                bot.kill()
        await discord.stop()


async def test_two_bots_where_locks_do_not_hold_still_deliver_and_store_once(
    tmp_path: Path, scaled: Scale,
) -> None:
    rng = random.Random(3)
    discord = DemoDiscord(tmp_path)
    cohort = Cohort(tmp_path, discord)
    second = BotProcess(tmp_path, discord, name="second", program=WITHOUT_LOCKS)
    try:
        await cohort.add_members(scaled(30, 100))
        seeded = await cohort.seed_reminders(scaled(60, 300), rng)
        members = Members(cohort, rng)
        await cohort.start()
        await members.lesson_post()

        async def both_run() -> None:
            second.start()  # while the first is delivering
            assert await bot_connected(discord, second), second.logged()[-3000:]
            await asyncio.sleep(scaled(4, 10))

        await acting(members, both_run)
        assert await cohort.idle(period=3)
        assert second.stop() == 0, second.logged()[-3000:]
        assert cohort.bot.stop() == 0, cohort.bot.logged()[-3000:]
        db = await cohort.open_db()
        try:
            reminders = await check_reminders(cohort, db, seeded)
            critiques = await check_critiques(cohort, db, members.ledger)
            capture = await check_capture(cohort, db, members.ledger)
        finally:
            await db.close()
        summary("two processes (no lock)", reminders=len(seeded),
                delivered_once=reminders.delivered_once, reminders_lost=reminders.lost,
                delivered_twice=reminders.twice, critiques=critiques.confirmed,
                critiques_stored_twice=critiques.stored_twice,
                critique_posts_doubled=critiques.posts_doubled,
                thread_messages=capture.messages, messages_lost=capture.lost)
        assert (reminders.lost, reminders.twice, reminders.not_marked_sent) == (0, 0, 0)
        assert (critiques.lost, critiques.stored_twice, critiques.posts_doubled) == (0, 0, 0)
        assert capture.lost == 0, capture.how
    finally:
        for bot in (cohort.bot, second):
            if bot.proc is not None and bot.proc.poll() is None:
                bot.kill()
        await discord.stop()
