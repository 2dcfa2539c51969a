"""What a member is owed a word about (a DMed draft the bot could not answer, a reminder that
never reached them) is told under the answer to their next interaction of any kind: a form
sent, a button pressed, not only a slash command answered with a message; once (review 6,
finding 18)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.followups.helpers import labels
from tests.world import (
    STRONG_DRAFT,
    CohortWorld,
    component,
    example_messages,
    post,
    said,
)

UNANSWERED = "couldn't answer it"
UNDELIVERED = "your DMs are closed to me"


async def dee_with_dms_closed(world: CohortWorld) -> Any:
    dee = world.guild.handle.add_member("dee", dms_closed=True)
    await world.sandbox.settle()
    return dee


async def test_an_unanswered_dm_is_told_when_the_next_command_opens_a_form(
    world: CohortWorld,
) -> None:
    dee = await dee_with_dms_closed(world)
    await dee.dm(STRONG_DRAFT)
    opened = await dee.slash("review", channel=world.lessons)
    assert opened.modal is not None and opened.followups == []  # a modal: nothing to add to
    review, notice = said(await dee.submit_modal(opened, {"draft": STRONG_DRAFT}))
    assert review.embeds and "/100" in review.embeds[0]["title"]
    assert notice.ephemeral and UNANSWERED in notice.content
    again = await dee.submit_modal(await dee.slash("review", channel=world.lessons),
                                   {"draft": STRONG_DRAFT})
    assert len(said(again)) == 1  # told once


async def test_an_unanswered_dm_is_told_under_a_critique_sent_from_its_button(
    world: CohortWorld,
) -> None:
    await post(world)
    dee = await dee_with_dms_closed(world)
    await dee.dm(STRONG_DRAFT)
    first = example_messages(world)[0]
    opened = await dee.click(first, first.components[0]["components"][0]["custom_id"])
    assert opened.modal is not None
    sent = await dee.submit_modal(opened, {"works": "Short.", "likely": "yes"})
    posted, notice = said(sent)
    assert "Posted your critique" in posted.content
    assert notice.ephemeral and UNANSWERED in notice.content


async def test_an_undelivered_reminder_is_told_under_a_button_s_answer(
    world: CohortWorld,
) -> None:
    await post(world)
    dee = await dee_with_dms_closed(world)
    await dee.slash("outreach log", {"who": "Dana Lee", "channel": "email"},
                    channel=world.lessons)
    await world.clock.advance(timedelta(days=8))  # the reminder, undeliverable
    first = example_messages(world)[0]
    opened = await dee.click(first, first.components[0]["components"][0]["custom_id"])
    sent = await dee.submit_modal(opened, {"works": "Short.", "likely": "yes"})
    posted, notice = said(sent)
    assert "Posted your critique" in posted.content
    assert notice.ephemeral and UNDELIVERED in str(notice.embeds[0])
    assert "I sent my follow-up" in labels(notice)
    later = await dee.slash("help", channel=world.lessons)
    assert later.followups == []  # told once


async def test_an_unanswered_dm_is_told_under_a_button_that_updates_its_message(
    world: CohortWorld,
) -> None:
    dee = await dee_with_dms_closed(world)
    await dee.slash("settings timezone", {"zone": "Europe/Paris"}, channel=world.lessons)
    asked = await dee.slash("forget-me", channel=world.lessons)  # before the DM: nothing owed
    assert asked.followups == []
    await dee.dm(STRONG_DRAFT)
    cancelled = await dee.click(asked.response, component(asked.response, "Cancel"))
    assert cancelled.updated_message.content == "Cancelled: nothing was deleted."
    (notice,) = cancelled.followups
    assert notice.ephemeral and UNANSWERED in notice.content
