"""What Discord delivers for a command's options may not be what this bot takes: Discord
checks them against the command it has registered, which another version of the bot may have
synced (a choice renamed, a bound changed, an option added or made optional). The bot checks
every option against its own definition before the command runs (cogs/_options.py) and
refuses in one line naming the option and what it takes, never "something went wrong".

Each test registers such a stale command in the local Discord, which then checks the
member's options against it, as Discord would, and delivers them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.world import CohortWorld, post

Spec = dict[str, Any]


def stale(world: CohortWorld, command: str, change: Callable[[list[Spec]], None]) -> None:
    """Discord's copy of `command` (its leaf's options) as another version synced it."""
    path = command.split()
    for registered in world.sandbox.world.commands.values():
        if registered.name == path[0]:
            options = registered.payload.setdefault("options", [])
            for sub in path[1:]:
                options = next(o for o in options if o["name"] == sub).setdefault("options", [])
            change(options)
            return
    raise AssertionError(f"/{path[0]} is not registered")


def option(options: list[Spec], name: str) -> Spec:
    return next(o for o in options if o["name"] == name)


def said(result: Any) -> str:
    return "\n".join(m.content for m in (result.response, *result.followups) if m is not None)


def old_channel_choice(options: list[Spec]) -> None:
    option(options, "channel")["choices"].append({"name": "LinkedIn", "value": "linkedin"})


def bigger_example(options: list[Spec]) -> None:
    option(options, "example")["max_value"] = 20


def example_as_text(options: list[Spec]) -> None:
    spec = option(options, "example")
    spec.update(type=3)
    spec.pop("min_value"), spec.pop("max_value")


def who_optional(options: list[Spec]) -> None:
    option(options, "who")["required"] = False


def longer_who(options: list[Spec]) -> None:
    option(options, "who")["max_length"] = 500


def extra_option(options: list[Spec]) -> None:
    options.append({"name": "mood", "description": "How it went", "type": 3})


@pytest.mark.parametrize(("command", "change", "options", "refused"), [
    ("outreach log", old_channel_choice, {"who": "Dana", "channel": "linkedin"},
     "`channel` must be one of: `linkedin_note` (LinkedIn connection note), "
     "`linkedin_message` (LinkedIn message), `email` (email)."),
    ("critique", bigger_example, {"example": 15}, "`example` must be from 1 to 10."),
    ("critique", example_as_text, {"example": "two"}, "`example` must be a whole number."),
    ("outreach log", who_optional, {"channel": "email"}, "`/outreach log` needs `who`."),
    ("outreach log", longer_who, {"who": "D" * 300, "channel": "email"},
     "`who` must be 1 to 200 characters."),
    ("outreach log", extra_option, {"who": "Dana", "channel": "email", "mood": "hopeful"},
     "`/outreach log` has no option `mood`; its options: `who`, `channel`, `sent_on`, "
     "`note`."),
])
async def test_an_option_this_version_does_not_take_is_refused_in_one_line(
    world: CohortWorld, command: str, change: Callable[[list[Spec]], None],
    options: dict[str, Any], refused: str,
) -> None:
    if command == "critique":
        await post(world)
    stale(world, command, change)
    result = await world.ada.slash(command, options, channel=world.lessons)
    text = said(result)
    assert result.ephemeral and text == f"⚠️ {refused}", text
    assert "went wrong" not in text and not world.sandbox.bot_errors


async def test_a_subcommand_this_version_does_not_have_is_refused_in_words(
    world: CohortWorld,
) -> None:
    stale(world, "outreach", lambda options: options.append(
        {"name": "archive", "description": "Gone in this version", "type": 1}))
    result = await world.ada.slash("outreach archive", channel=world.lessons)
    text = said(result)
    assert result.ephemeral and "not one I have in this version" in text, text
    assert "went wrong" not in text and not world.sandbox.bot_errors
