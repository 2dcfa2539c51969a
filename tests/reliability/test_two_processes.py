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

from bot.demo.processes import bot_connected

from .cohort import Cohort, Members, Scale, acting, check_all, summary

pytestmark = pytest.mark.process

# `cohortbot run` where the file system's locks hold nothing.
WITHOUT_LOCKS = ("-c", "import fcntl, sys\nfcntl.flock = lambda fd, op: None\n"
                       "from bot.__main__ import main\nsys.exit(main(sys.argv[1:]))")


async def test_a_second_bot_stands_aside_saying_why_then_takes_over(
    tmp_path: Path, scaled: Scale,
) -> None:
    rng = random.Random(2)
    async with Cohort.running(tmp_path) as cohort:
        second = cohort.process(name="second")
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
        checked = await check_all(cohort, members.ledger, seeded)
        summary("two processes (lock)", second_exit=2, **checked.counts())
        assert said == (f"cohortbot: {cohort.database}: another cohortbot process (pid "
                        f"{first_pid}) is running on this database. One database serves one "
                        "bot: stop the other process first, or give this one its own database "
                        "([storage] database in the config). Not starting."), said
        checked.assert_nothing_lost()


async def test_two_bots_where_locks_do_not_hold_still_deliver_and_store_once(
    tmp_path: Path, scaled: Scale,
) -> None:
    rng = random.Random(3)
    async with Cohort.running(tmp_path) as cohort:
        second = cohort.process(name="second", program=WITHOUT_LOCKS)
        await cohort.add_members(scaled(30, 100))
        seeded = await cohort.seed_reminders(scaled(60, 300), rng)
        members = Members(cohort, rng)
        await cohort.start()
        await members.lesson_post()

        async def both_run() -> None:
            second.start()  # while the first is delivering
            assert await bot_connected(cohort.discord, second), second.logged()[-3000:]
            await asyncio.sleep(scaled(4, 10))

        await acting(members, both_run)
        assert await cohort.idle(period=3)
        assert second.stop() == 0, second.logged()[-3000:]
        assert cohort.bot.stop() == 0, cohort.bot.logged()[-3000:]
        checked = await check_all(cohort, members.ledger, seeded)
        summary("two processes (no lock)", **checked.counts())
        checked.assert_nothing_lost()
