"""A review's buttons once its draft is gone from memory (a restart, or a day): every button
still leads somewhere. "I sent it" logs the outreach without the draft, "Forget this draft"
takes the review's quote of it down, Revise opens the form to paste it again, and All findings
says which of those to use. "Edit and send again" under a refused form says how to open it
again once the form it held is gone."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from storage import followups as followups_store
from tests.world import STRONG_DRAFT, WEAK_DRAFT, CohortWorld, draft_button, modal_values, review_of


async def forget_the_draft(world: CohortWorld, how: str) -> None:
    if how == "restart":
        await world.restart()
    else:
        await world.clock.advance(timedelta(hours=25))


@pytest.fixture(params=["restart", "a day"])
def how(request: pytest.FixtureRequest) -> str:
    return str(request.param)


async def reviewed_then_forgotten(world: CohortWorld, how: str, draft: str = WEAK_DRAFT) -> Any:
    await world.ada.dm(draft)
    reply = review_of(world, world.ada)
    await forget_the_draft(world, how)
    return reply


async def test_i_sent_it_logs_the_outreach_without_the_draft(world: CohortWorld,
                                                             how: str) -> None:
    reply = await reviewed_then_forgotten(world, how, STRONG_DRAFT)
    opened = await world.ada.click(reply, draft_button(reply, "sent"))
    assert opened.modal is not None, opened.response
    # Nothing to keep: the form asks who, how and when, and has no channel picked for them.
    assert modal_values(opened.modal) == {"recipient": "", "channel": "", "sent_on": ""}
    done = await world.ada.submit_modal(opened, {"recipient": "Dana Lee", "channel": "email"})
    assert "📨 Logged: your email to **Dana Lee**" in done.response.content, done.response
    ((row, _),) = await followups_store.member_log(world.bot.db, world.ada.id)
    assert row.recipient == "Dana Lee" and row.draft is None
    # One outreach per review, as with the draft held.
    again = await world.ada.click(reply, draft_button(reply, "sent"))
    assert "already logged" in again.response.content


async def test_forget_this_draft_still_takes_the_review_down(world: CohortWorld,
                                                             how: str) -> None:
    reply = await reviewed_then_forgotten(world, how)
    result = await world.ada.click(reply, draft_button(reply, "forget"))
    assert result.updated_message is not None, result.response
    assert result.updated_message.embeds == []
    assert "Forgotten" in result.updated_message.content
    assert result.updated_message.components == []


async def test_revise_opens_the_form_to_paste_the_draft_again(world: CohortWorld,
                                                               how: str) -> None:
    reply = await reviewed_then_forgotten(world, how)
    opened = await world.ada.click(reply, draft_button(reply, "revise"))
    assert opened.modal is not None, opened.response
    assert modal_values(opened.modal)["draft"] == ""
    revised = await world.ada.submit_modal(opened, {"draft": STRONG_DRAFT})
    assert revised.updated_message is not None and revised.updated_message.id == reply.id
    assert "Likely" in revised.updated_message.embeds[0]["title"]
    # The new review holds its draft again.
    findings = await world.ada.click(revised.updated_message,
                                     draft_button(revised.updated_message, "all"))
    assert "findings" in findings.response.content


async def test_all_findings_says_what_still_works(world: CohortWorld, how: str) -> None:
    reply = await reviewed_then_forgotten(world, how)
    result = await world.ada.click(reply, draft_button(reply, "all"))
    answer = result.response.content
    assert result.ephemeral and "no longer hold" in answer
    assert "Revise" in answer and "I sent it" in answer and "Forget this draft" in answer


async def test_edit_and_send_again_after_a_restart_says_how_to_start_over(
    world: CohortWorld,
) -> None:
    opened = await world.ada.slash("review")
    refused = await world.ada.submit_modal(opened, {"draft": "hi!", "attempt": "1"})
    button = refused.response.components[0]["components"][0]["custom_id"]
    await world.restart()
    late = await world.ada.click(refused.response, button)
    assert not late.failed, late
    assert late.ephemeral and "no longer hold that form" in late.response.content
