"""Text that shows nothing, typed into Discord (F8, the tester's c1/zw scripts): refused with
the words blank text gets, and nothing posted or logged."""

from __future__ import annotations

from tests.followups.helpers import text_of
from tests.world import CohortWorld, critique, example_messages, post

ZERO_WIDTH = "\u200b\u200c\u200d\ufeff"


async def test_an_invisible_critique_is_refused_and_nothing_is_posted(
    world: CohortWorld,
) -> None:
    await post(world)
    third = example_messages(world)[2]
    refused = await critique(world, world.ada, third, ZERO_WIDTH, "   ", "no")
    assert "Your critique is empty" in text_of(refused)
    thread = world.sandbox.threads(world.lessons)[2]
    assert [m for m in world.sandbox.bot_messages(thread) if m.embeds] == []
    half = await critique(world, world.ada, third, "\u3164\u2800", "No ask at all", "no")
    assert "Posted your critique" in text_of(half)
    (posted,) = [m for m in world.sandbox.bot_messages(thread) if m.embeds]
    works = next(f["value"] for f in posted.embeds[0]["fields"] if f["name"] == "What works")
    assert works == "—"  # shown as no text, not as an invisible one


async def test_an_outreach_to_an_invisible_name_is_refused_and_nothing_is_logged(
    world: CohortWorld,
) -> None:
    for who in ("\u200b\u200b", "\u200b", "\u3164", "\u2800 \u200e"):
        refused = await world.ada.slash("outreach log", {"who": who, "channel": "email"})
        assert "Say who you sent it to" in text_of(refused), who
    listed = await world.ada.slash("outreach list")
    assert "haven't logged any outreach" in text_of(listed)
