"""A slash command's options are checked against the command the bot registered, as Discord
checks them (localdiscord/options.py): what a Discord client would not send fails the
member's request with a clear error, and nothing reaches the bot. The bot's own check of
what does arrive is tests/e2e/test_option_refusals.py."""

from __future__ import annotations

from typing import Any

import pytest

from localdiscord.control.base import ControlError
from localdiscord.control.client import Control
from localdiscord.options import InvalidOption
from tests.world import CohortWorld


def callbacks(world: CohortWorld) -> int:
    return sum(r.path.startswith("/interactions/") for r in world.sandbox.requests)


@pytest.mark.parametrize(("command", "options", "why"), [
    ("outreach log", {"who": "Dana", "channel": "linkedin"},
     "channel: choose one of linkedin_note, linkedin_message, email"),
    ("outreach log", {"channel": "email"}, "/outreach log needs who"),
    ("outreach log", {"who": "", "channel": "email"}, "who: must be between 1 and 200"),
    ("outreach log", {"who": "Dana", "channel": "email", "mood": "hopeful"},
     "/outreach log has no option 'mood'"),
    ("outreach shout", {}, "/outreach has no subcommand 'shout'"),
    ("outreach", {}, "/outreach needs a subcommand"),
    ("critique", {"example": 11}, "example: must be between 1 and 10"),
    ("critique", {"example": "2"}, "example: expected a whole number, found '2'"),
    ("critique", {"example": True}, "example: expected a whole number"),
    ("critique", {"run": 2**60}, "out of Discord's range"),
    ("export", {"format": "pdf"}, "format: choose one of html, json, markdown, csv"),
])
async def test_an_option_discord_would_refuse_never_reaches_the_bot(
    world: CohortWorld, command: str, options: dict[str, Any], why: str,
) -> None:
    before = callbacks(world)
    member = world.mod if command == "export" else world.ada
    with pytest.raises(InvalidOption) as refused:
        await member.slash(command, options, channel=world.lessons)
    assert why in str(refused.value)
    # Through the control API (another process's client) the same, as a 400.
    control = Control.in_process(world.sandbox.local)
    with pytest.raises(ControlError) as answered:
        await control.member(member.name).slash(command, options)
    assert answered.value.status == 400 and why in answered.value.message
    await world.sandbox.settle()
    assert callbacks(world) == before


async def test_a_channel_of_a_type_the_option_does_not_take_is_refused(
    world: CohortWorld,
) -> None:
    """/lesson post's channel takes a text channel or a forum: a thread is not one."""
    await world.mod.slash("lesson post", channel=world.lessons)
    thread = world.sandbox.threads(world.lessons)[0]
    with pytest.raises(InvalidOption, match="channel: that channel's type"):
        await world.mod.slash("lesson post", {"channel": thread}, channel=world.lessons)


async def test_an_autocomplete_may_hold_partial_text_and_leave_required_options_out(
    world: CohortWorld,
) -> None:
    typed = await world.ada.autocomplete("outreach replied", "who", {"who": "D"})
    assert typed.choices == []
