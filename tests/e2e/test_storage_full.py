"""A full disk is a known condition, not a bug (bot/errors.py: NotSaved): the member is told
plainly that the bot could not save their action and is given back what they typed (the
command as sent, or the form under "Edit and send again"); the log gets one ERROR line
naming the disk, with no traceback and none of the member's text. The private review, which
stores only its hourly count, still answers.

The disk is filled honestly: the database may not grow past its size (SQLite's own limit,
`PRAGMA max_page_count`, which fails a write with SQLITE_FULL exactly as a full disk does),
and rows like the ones the member will write take the room left in its pages."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from bot.clock import to_ms
from bot.critiques import Likely
from bot.errors import NotSaved
from cogs._given_back import SENT_BACK
from storage import Database
from storage import critiques as critiques_store
from storage import followups as followups_store
from storage import settings as settings_store
from tests.world import (
    STRONG_DRAFT,
    CohortWorld,
    critique,
    example_messages,
    modal_values,
    post,
    review_of,
    said,
)

NOT_SAVED = "I couldn't save that just now: the bot's storage is full or failing"
OTHERS = 2**62  # ids of the other members whose rows filled the disk (8 bytes, as a snowflake)


async def disk_full(db: Database, fill: Callable[[int], Awaitable[object]] | None = None) -> None:
    """The disk fills up: the file may not grow, and `fill(n)` writes rows (other members')
    like the member's until SQLite says the disk is full."""
    pages = await db.fetchval("PRAGMA page_count")
    await db.execute(f"PRAGMA max_page_count = {pages}")
    if fill is None:
        return
    for n in range(20_000):
        try:
            await fill(n)
        except NotSaved:
            return
    raise AssertionError("the database never filled")


async def disk_freed(db: Database) -> None:
    await db.execute("PRAGMA max_page_count = 1073741823")


def not_saved_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if "not saved in" in r.getMessage()]


def assert_one_clear_line(caplog: pytest.LogCaptureFixture, *private: str) -> None:
    [line] = not_saved_lines(caplog)
    assert line.levelno == logging.ERROR and line.exc_info is None, line
    text = line.getMessage()
    assert "database is full" in text and "cohort.db" in text, text
    for words in private:
        assert words not in text, text


def answer(result: Any) -> Any:
    """The bot's last word on the action (after a deferral, its follow-up)."""
    message = [m for m in (result.response, *result.followups) if m is not None][-1]
    assert message.ephemeral, message
    return message


async def test_a_slash_command_on_a_full_disk_is_said_and_given_back(
    world: CohortWorld, caplog: pytest.LogCaptureFixture,
) -> None:
    db, now = world.bot.db, to_ms(world.clock.now())
    await disk_full(db, lambda n: settings_store.set_timezone(db, OTHERS + n, "Europe/Paris", now))
    result = await world.ada.slash("settings timezone", {"zone": "Europe/Paris"})
    message = answer(result)
    assert message.content.startswith(f"⚠️ {NOT_SAVED}"), message.content
    assert "```\n/settings timezone zone: Europe/Paris\n```" in message.content
    assert message.allowed_mentions == {"parse": []}
    assert await settings_store.timezone_of(db, world.ada.id) is None
    assert_one_clear_line(caplog, "Europe/Paris")
    await disk_freed(db)
    again = await world.ada.slash("settings timezone", {"zone": "Europe/Paris"})
    assert "Your timezone is now" in answer(again).content


async def test_an_outreach_logged_on_a_full_disk_is_given_back_with_its_mentions_off(
    world: CohortWorld, caplog: pytest.LogCaptureFixture,
) -> None:
    db = world.bot.db
    await disk_full(db)
    # Ada logs outreach after outreach as the disk fills: none is lost without her hearing.
    for n in range(500):
        who = f"@everyone Person {n:03d}"
        result = await world.ada.slash("outreach log", {"who": who, "channel": "email"})
        message = answer(result)
        if NOT_SAVED in message.content:
            break
        assert "Logged" in message.content, message.content
    else:
        raise AssertionError("the disk never filled")
    assert f"/outreach log who: {who} channel: email" in message.content
    assert message.allowed_mentions == {"parse": []}
    logged = await followups_store.member_log(db, world.ada.id)
    assert who not in [outreach.recipient for outreach, _ in logged]
    assert_one_clear_line(caplog, "Person")


async def test_a_critique_on_a_full_disk_keeps_the_form_to_send_again(
    world: CohortWorld, caplog: pytest.LogCaptureFixture,
) -> None:
    run_id = await post(world)
    db, now = world.bot.db, to_ms(world.clock.now())
    works, doesnt = "Names a shared group " * 20, "No question to answer " * 20

    async def fill(n: int) -> None:
        await critiques_store.save_critique(
            db, run_id=run_id, example_no=1, author_id=OTHERS + n, author_name="Ada",
            works=works, doesnt=doesnt, likely=Likely.NO, now_ms=now)

    await disk_full(db, fill)
    first = example_messages(world)[0]
    refused = await critique(world, world.ada, first, works, doesnt, "no")
    message, *given_back = said(refused)
    assert NOT_SAVED in message.content, message.content
    assert works not in message.content  # (the form holds it, and the messages after it:
    # the disk may stay full for longer than the form is held)
    assert [m.content for m in given_back] == [f"{SENT_BACK}\n\n{works}\n\n{doesnt}"]
    assert_one_clear_line(caplog, "Names a shared group")
    assert not [c for c in await critiques_store.critiques_for_run(db, run_id)
                if c.author_id == world.ada.id]
    # Once there is room again, "Edit and send again" opens the form as she sent it.
    await disk_freed(db)
    button = message.components[0]["components"][0]
    assert button["label"] == "Edit and send again"
    reopened = await world.ada.click(message, button["custom_id"])
    assert reopened.modal is not None
    held = modal_values(reopened.modal)
    assert (held["works"], held["doesnt"], held["likely"]) == (works, doesnt, "no")
    done = await world.ada.submit_modal(reopened, held)
    assert "Posted your critique" in answer(done).content


async def test_a_dm_review_on_a_full_disk_still_answers(
    world: CohortWorld, caplog: pytest.LogCaptureFixture,
) -> None:
    db, now = world.bot.db, to_ms(world.clock.now())
    await disk_full(db, lambda n: db.execute(
        "INSERT INTO review_usage (user_id, reviewed_at) VALUES (?, ?)", (OTHERS + n, now)))
    await world.ada.dm(STRONG_DRAFT)
    reply = review_of(world, world.ada)
    assert reply.embeds, reply  # the review, uncounted while the disk is full
    warned = [r for r in caplog.records if "not counted against the hourly limit" in r.message]
    assert warned and warned[0].levelno == logging.WARNING
    assert "Dana" not in warned[0].getMessage()


async def test_a_vote_on_a_full_disk_is_one_log_line(
    world: CohortWorld, caplog: pytest.LogCaptureFixture,
) -> None:
    run_id = await post(world)
    await critique(world, world.ada, example_messages(world)[0], "Polite", "Generic", "no")
    [row] = await critiques_store.critiques_for_run(world.bot.db, run_id)
    db = world.bot.db
    await disk_full(db, lambda n: critiques_store.add_vote(db, row.id, OTHERS + n))
    (posted,) = world.posts(world.sandbox.threads(world.lessons)[0])
    await world.ben.react(posted, "👍")
    assert world.ben.id not in await critiques_store.votes_of(db, row.id)
    [line] = not_saved_lines(caplog)
    assert line.levelno == logging.ERROR and line.exc_info is None, line
