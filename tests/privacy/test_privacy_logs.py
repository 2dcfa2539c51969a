"""Logs never hold member content: /forget-me cannot reach a log file. Every kind of member
text goes through the bot with everything logged at DEBUG, and none of it appears in any
record the bot's process writes (its own loggers and its libraries': discord.py, aiosqlite,
APScheduler). The local Discord's own loggers stand for Discord and are left out."""

from __future__ import annotations

import logging

import pytest

from tests.world import (
    CohortWorld,
    component,
    critique,
    draft_button,
    example_messages,
    post,
    review_of,
)

WORKS, DOESNT = "Kestrel-works-4412", "Osprey-doesnt-9931"
THREAD_POST, DRAFT, RECIPIENT = "Heron-thread-2201", "Plover-draft-7781", "Avocet-Recipient"
MARKERS = (WORKS, DOESNT, THREAD_POST, DRAFT, RECIPIENT)


def written(record: logging.LogRecord) -> str:
    """Everything a handler could write for the record: the message with its arguments,
    and the exception with its traceback."""
    text = record.getMessage()
    if record.exc_info:
        text += logging.Formatter().formatException(record.exc_info)
    return text + (record.stack_info or "")


async def test_no_log_record_holds_member_content(world: CohortWorld,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    await post(world)
    first = example_messages(world)[0]
    await critique(world, world.ada, first, WORKS, DOESNT, "yes")
    await world.ben.react(world.posts(world.sandbox.threads(world.lessons)[0])[0], "👍")
    await world.ada.say(world.sandbox.threads(world.lessons)[0], f"I think {THREAD_POST}")
    await world.ada.dm(f"Hi Dana, I read your post on {DRAFT} and tried it in my capstone. "
                       "Could I ask one question about how you chose the window?")
    reply = review_of(world, world.ada)
    opened = await world.ada.click(reply, draft_button(reply, "sent"))
    await world.ada.submit_modal(opened, {"recipient": RECIPIENT, "channel": "email",
                                          "sent_on": "", "keep": "yes"})
    await world.mod.slash("lesson summary", {"share": True}, channel=world.lessons)
    asked = await world.ada.slash("forget-me")
    await world.ada.click(asked.response, component(asked.response, "Delete everything"))
    await world.restart()

    records = [r for r in caplog.records if not r.name.startswith("localdiscord")]
    # The capture worked: the bot's own lines and its libraries' are there, at DEBUG too.
    names = {r.name for r in records}
    assert {"bot.client", "bot.services.privacy", "discord.gateway"} <= names, names
    assert any(r.levelno == logging.DEBUG for r in records)
    leaks = [(r.name, marker) for r in records for marker in MARKERS if marker in written(r)]
    assert sorted(set(leaks)) == [], sorted(set(leaks))
