"""A button another version of the bot posted, with an action this version does not have, is
answered in words (never "This interaction failed", never an error logged): the buttons'
custom_ids match any action, and the action is checked where it is used.

Each test makes the message one an older version posted, by renaming a button's custom_id in
the local Discord's copy of it, as a message sent before an upgrade would carry."""

from __future__ import annotations

from typing import Any

from tests.followups.helpers import a_week_later
from tests.world import STRONG_DRAFT, CohortWorld, draft_button, renamed, review_of


def said(result: Any) -> str:
    return "\n".join(m.content for m in (result.response, *result.followups) if m is not None)


async def test_a_review_button_of_another_version_says_so(world: CohortWorld) -> None:
    await world.ada.dm(STRONG_DRAFT)
    reply = review_of(world, world.ada)
    old = renamed(reply, draft_button(reply, "all"), "cohort:draft:share")
    result = await world.ada.click(reply, old)
    assert not result.failed and result.ephemeral
    assert "from another version of me" in said(result)
    assert not world.sandbox.bot_errors


async def test_a_reminder_button_of_another_version_says_so(world: CohortWorld) -> None:
    reminder = await a_week_later(world)
    first = reminder.components[0]["components"][0]["custom_id"]
    _, _, _, followup_id, delivery = first.split(":")
    old = renamed(reminder, first, f"cohort:fu:archive:{followup_id}:{delivery}")
    result = await world.ada.click(reminder, old)
    assert not result.failed and result.ephemeral
    assert "from an older version of me" in said(result)
    assert not world.sandbox.bot_errors
