"""A form's answers are checked against the form the bot sent before any form reads them
(cogs/_ui.py: `CohortModal.interaction_check`, `wrong_answer`): an answer Discord's client
would not send (a select value the form did not offer, an empty required field, text beyond
its length) is refused in one line naming the field, never parsed into an "unexpected
error" (`int()` of an attempt, an unknown channel handed to the reviewer or logged).

Discord's client sends only what the form offers, and the local Discord refuses the rest
(`localdiscord/limits.py`: `picked`, `typed`), so these tests play a modified client: they
submit against a copy of the form that offers more than the bot's."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from storage import followups as followups_store
from tests.world import (
    STRONG_DRAFT,
    CohortWorld,
    critique,
    draft_button,
    example_messages,
    post,
    review_of,
)


def widened(modal: dict[str, Any], custom_id: str, **change: Any) -> dict[str, Any]:
    """A copy of the bot's form whose input `custom_id` takes more: `extra` adds an option
    to a select, anything else is set on the input (`max_length`, `required`)."""
    form = copy.deepcopy(modal)
    for top in form["components"]:
        inner = top.get("component") or {}
        if inner.get("custom_id") == custom_id:
            if "extra" in change:
                inner["options"].append({"label": change["extra"], "value": change["extra"]})
            else:
                inner.update(change)
            return form
    raise AssertionError(f"no input {custom_id!r}")


def refusal(result: Any) -> str:
    [message] = [m for m in (result.response, *result.followups) if m is not None]
    assert message.ephemeral
    return str(message.content)


@pytest.mark.parametrize(("field", "value", "said"), [
    ("channel", "fax", "“Channel” takes one of: Detect it from the draft, LinkedIn connection "
     "note, LinkedIn message, Email."),
    ("attempt", "9", "“Attempt” takes one of: 1: the first message, 2: the one follow-up, 3 "
     "or more (the lesson says stop at 2)."),
])
async def test_a_review_form_answer_it_did_not_offer_is_refused(
    world: CohortWorld, field: str, value: str, said: str,
) -> None:
    opened = await world.ada.slash("review")
    assert opened.modal is not None
    result = await world.ada.submit_modal(widened(opened.modal, field, extra=value),
                                          {"draft": STRONG_DRAFT, field: value})
    assert refusal(result) == f"⚠️ {said}"
    assert not world.sandbox.bot_errors


async def test_an_i_sent_it_channel_it_did_not_offer_is_not_logged(world: CohortWorld) -> None:
    await world.ada.dm(STRONG_DRAFT)
    reply = review_of(world, world.ada)
    opened = await world.ada.click(reply, draft_button(reply, "sent"))
    assert opened.modal is not None
    result = await world.ada.submit_modal(widened(opened.modal, "channel", extra="fax"), {
        "recipient": "Dana", "channel": "fax", "sent_on": "", "keep": "no"})
    assert refusal(result).startswith("⚠️ “Channel” takes one of: LinkedIn connection note")
    assert await followups_store.member_log(world.bot.db, world.ada.id) == []


async def test_a_critique_answer_it_did_not_offer_is_refused(world: CohortWorld) -> None:
    await post(world)
    first = example_messages(world)[0]
    opened = await world.ada.click(first, first.components[0]["components"][0]["custom_id"])
    assert opened.modal is not None
    result = await world.ada.submit_modal(widened(opened.modal, "likely", extra="maybe"), {
        "works": "Polite", "doesnt": "No ask", "likely": "maybe"})
    assert refusal(result) == "⚠️ “Likely to get a response?” takes one of: Yes, No, Unsure."
    assert not world.posts(world.sandbox.threads(world.lessons)[0])
    done = await critique(world, world.ada, first, "Polite", "No ask", "no")
    assert not done.failed


@pytest.mark.parametrize(("change", "draft", "said"), [
    ({"required": False}, "", "⚠️ “Your draft” is required."),
    ({"max_length": 9000}, "x" * 4001, "⚠️ “Your draft” is 4,001 characters; it takes 4,000 "
     "at most."),
])
async def test_a_text_answer_outside_the_form_is_refused(
    world: CohortWorld, change: dict[str, Any], draft: str, said: str,
) -> None:
    opened = await world.ada.slash("review")
    assert opened.modal is not None
    result = await world.ada.submit_modal(widened(opened.modal, "draft", **change),
                                          {"draft": draft})
    assert refusal(result) == said


async def test_the_local_discord_refuses_what_no_client_would_submit(
    world: CohortWorld,
) -> None:
    opened = await world.ada.slash("review")
    with pytest.raises(ValueError, match="'Your draft' is required"):
        await world.ada.submit_modal(opened, {"draft": ""})
    with pytest.raises(ValueError, match="takes at most 4000 characters"):
        await world.ada.submit_modal(opened, {"draft": "x" * 4001})
