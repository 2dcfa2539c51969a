"""A form that nothing the member could edit would get through (its run closed meanwhile, its
reminder decided) is refused without "Edit and send again", which could only be refused again,
and what they typed is given back instead (review 6, finding 14)."""

from __future__ import annotations

from typing import Any

from cogs._given_back import SENT_BACK
from tests.followups.helpers import a_week_later
from tests.world import CohortWorld, component, example_messages, post, said

WORKS, DOESNT = "LOSTTEXT my long critique", "more text"


async def form_opened(world: CohortWorld) -> tuple[Any, Any]:
    """A run posted, and ada's critique form open on its first example: (example, form)."""
    await post(world)
    first = example_messages(world)[0]
    opened = await world.ada.click(first, first.components[0]["components"][0]["custom_id"])
    assert opened.modal is not None
    return first, opened


async def test_a_critique_for_a_run_closed_meanwhile_is_given_back_with_no_retry(
    world: CohortWorld,
) -> None:
    _, opened = await form_opened(world)
    closed = await world.mod.slash("lesson close", channel=world.lessons)
    assert "Closed run #1" in closed.followups[-1].content
    sent = await world.ada.submit_modal(opened, {"works": WORKS, "doesnt": DOESNT,
                                                 "likely": "no"})
    refusal, given_back = said(sent)
    assert refusal.content == ("⚠️ The thread of Outreach 1 is locked: this run is closed, "
                               "so critiques are no longer collected.")
    assert not refusal.components  # no "Edit and send again"
    assert given_back.content == f"{SENT_BACK}\n\n{WORKS}\n\n{DOESNT}"


async def test_a_critique_for_a_closed_run_points_at_the_open_one(world: CohortWorld) -> None:
    first, opened = await form_opened(world)
    await post(world, another=True)  # run #2, beside the open run #1
    await world.mod.slash("lesson close", {"run": 1}, channel=world.lessons)
    sent = await world.ada.submit_modal(opened, {"works": WORKS, "likely": "yes"})
    refusal, given_back = said(sent)
    assert refusal.content.endswith(
        f"Run #2 is open: critique its examples with the buttons under them in "
        f"<#{world.lessons.id}>, or `/critique`.")
    assert not refusal.components and given_back.content == f"{SENT_BACK}\n\n{WORKS}"
    again = await world.ada.click(first, first.components[0]["components"][0]["custom_id"])
    assert again.modal is None and "Run #1 is closed" in again.response.content


async def test_a_follow_up_review_for_a_decided_outreach_is_given_back_with_no_retry(
    world: CohortWorld,
) -> None:
    reminder = await a_week_later(world)
    opened = await world.ada.click(reminder, component(reminder, "Review my follow-up"))
    await world.ada.click(reminder, component(reminder, "They replied"))
    draft = "Hi Dana, following up on my note: could I ask one question?"
    sent = await world.ada.submit_modal(opened, {"draft": draft})
    refusal, given_back = said(sent)
    assert "Dana Lee already replied" in refusal.content, refusal.content
    assert not refusal.components
    assert given_back.content == f"{SENT_BACK}\n\n{draft}"


async def test_a_refusal_an_edit_can_fix_still_offers_edit_and_send_again(
    world: CohortWorld,
) -> None:
    _, opened = await form_opened(world)
    sent = await world.ada.submit_modal(opened, {"works": " ", "doesnt": "", "likely": "no"})
    [refusal] = said(sent)
    assert refusal.components[0]["components"][0]["label"] == "Edit and send again"
