"""The real `cohortbot run` in one process and the demo's local Discord in another, driven
through the control API only: a lesson post, a critique, a DM review, the world clock
moving both sides (a scheduled post, a follow-up reminder), and a bot killed (kill -9) in
the middle of a posting."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.demo.processes import BotProcess, DemoDiscord, bot_ready
from localdiscord.control.client import Control
from localdiscord.script.render import buttons

pytestmark = pytest.mark.process

DRAFT = ("Hi Dana, Priya Shah suggested I reach out. Could I ask one question about your post "
         "on data contracts?")
LOADING = 128  # the "thinking" flag of a deferred answer


@pytest.fixture
async def discord(tmp_path: Path) -> AsyncIterator[DemoDiscord]:
    process = DemoDiscord(tmp_path)
    yield process
    await process.stop()


async def examples(control: Control) -> list[dict[str, Any]]:
    """The run's example messages in #lessons (the ones with a critique button)."""
    return [m for m in await control.messages(channel="lessons") if buttons(m)]


async def test_a_lesson_post_a_critique_and_a_dm_review_across_processes(
    tmp_path: Path, discord: DemoDiscord,
) -> None:
    bot = BotProcess(tmp_path, discord)
    bot.start()
    try:
        assert await bot_ready(discord, bot), bot.logged()
        control = discord.control
        posted = await control.member("mod").slash("lesson post", channel="lessons")
        final = await control.interaction(interaction=posted["id"], wait="final", within=30)
        assert "Posted run #1" in final["response"]["content"], final
        shown = await examples(control)
        assert len(shown) == 3 and len(await control.threads(channel="lessons")) == 3

        button = buttons(shown[0])[0]
        opened = await control.member("ada").click(shown[0], button["custom_id"])
        opened = await control.interaction(interaction=opened["id"], wait="answered")
        assert opened["modal"] is not None, opened
        submitted = await control.member("ada").submit_modal(opened, {
            "works": "Short and polite", "doesnt": "No concrete ask", "likely": "no"})
        critique = await control.interaction(interaction=submitted["id"], wait="final")
        assert "Posted your critique" in critique["response"]["content"], critique
        thread = (await control.threads(channel="lessons"))[0]
        assert any("No concrete ask" in str(m["embeds"]) + m["content"]
                   for m in await control.messages(channel=thread["id"]))

        await control.member("ada").dm(DRAFT)

        async def reviewed() -> bool:
            return len(await control.dms(member="ada")) == 2

        assert await control.wait_until(reviewed), bot.logged()
        review = (await control.dms(member="ada"))[-1]
        assert "Likely to get a response" in review["embeds"][0]["title"]
        assert await control.violations() == []
    finally:
        assert bot.stop() == 0, bot.logged()


async def test_moving_the_world_clock_moves_the_bots_clock(
    tmp_path: Path, discord: DemoDiscord,
) -> None:
    """One control call moves both: the bot's scheduled post (Mondays 10:00) has been made
    by the time `move_clock` returns, and a move past it stops there on both sides, as time
    would pass through it, so the post is dated 10:00 by the world too."""
    bot = BotProcess(tmp_path, discord, lesson='post_schedule = "0 10 * * MON"\n', ids=True)
    bot.start()
    try:
        assert await bot_ready(discord, bot), bot.logged()
        control = discord.control
        assert await control.messages(channel="lessons") == []
        moved = await control.move_clock(advance=2 * 24 * 3600)
        assert moved["now"] == "2026-01-07T09:00:00+00:00"
        posted = await examples(control)
        assert len(posted) == 3, bot.logged()
        assert {m["timestamp"] for m in posted} == {"2026-01-05T10:00:00+00:00"}
    finally:
        assert bot.stop() == 0, bot.logged()


async def test_a_follow_up_reminder_comes_at_its_time_across_processes(
    tmp_path: Path, discord: DemoDiscord,
) -> None:
    """The reminders are loaded by an hourly sweep (a periodic job): a move of nine days
    stops at every sweep and at the reminder on both sides, so the DM comes when the bot
    said it would and the world dates it then."""
    bot = BotProcess(tmp_path, discord, ids=True)
    bot.start()
    try:
        assert await bot_ready(discord, bot), bot.logged()
        control = discord.control
        logged = await control.member("ada").slash(
            "outreach log", {"who": "Dana Lee", "channel": "email"}, dm=True)
        logged = await control.interaction(interaction=logged["id"], wait="final")
        text = str(logged["response"]) + str(logged["followups"])
        due = int(re.search(r"remind you <t:(\d+):F>", text).group(1))  # type: ignore[union-attr]
        await control.move_clock(advance=9 * 24 * 3600)
        reminders = [m for m in await control.dms(member="ada") if m["embeds"]
                     and "follow-up" in m["embeds"][0].get("title", "")]
        assert len(reminders) == 1, bot.logged()
        assert datetime.fromisoformat(reminders[0]["timestamp"]) == datetime.fromtimestamp(
            due, UTC)
    finally:
        assert bot.stop() == 0, bot.logged()


@pytest.mark.slow
async def test_a_bot_killed_while_its_thread_creation_is_held_leaves_no_orphan(
    tmp_path: Path, discord: DemoDiscord,
) -> None:
    control = discord.control
    await control.add_fault(kind="hold", route="POST /channels/*/messages/*/threads")
    bot = BotProcess(tmp_path, discord)
    bot.start()
    assert await bot_ready(discord, bot), bot.logged()
    posted = await control.member("mod").slash("lesson post", channel="lessons")
    (held,) = await control.holds(wait=30)
    assert held["handled"]  # Discord made the thread; the bot never hears of it
    bot.kill()
    await control.release()

    again = BotProcess(tmp_path, discord)  # the same database and config
    again.start()
    try:
        assert await bot_ready(discord, again), again.logged()
        answer = (await control.interaction(interaction=posted["id"]))["response"]
        outcome = {
            "threads left in #lessons": [t["name"] for t in await control.threads(
                channel="lessons")],
            "example messages left": len(await examples(control)),
            "the /lesson post answer still thinking": answer is not None and bool(
                answer["flags"] & LOADING),
            "the moderator told it was cut short": answer is not None and (
                "I restarted in the middle of posting run #1" in answer["content"]),
        }
        assert outcome == {
            "threads left in #lessons": [],
            "example messages left": 0,
            "the /lesson post answer still thinking": False,
            "the moderator told it was cut short": True,
        }, outcome
    finally:
        assert again.stop() == 0, again.logged()
