"""/forget-me empties what the bot holds IN MEMORY about the member, not only its database:
the refused forms kept for "Edit and send again", the forms open on their screen (a Revise
holding their draft, an "I sent it" that could keep it), the drafts under their reviews.
Every such store registers with the privacy service (`Forgettable`); a stale button or form
afterwards says plainly that it was deleted."""

from __future__ import annotations

import gc
from typing import Any

from cogs._ui import CohortModal
from storage import followups as followups_store
from storage import privacy as privacy_store
from tests.world import (
    STRONG_DRAFT,
    WEAK_DRAFT,
    CohortWorld,
    component,
    draft_button,
    review_of,
)


async def forget(world: CohortWorld, member: Any) -> None:
    asked = await member.slash("forget-me")
    done = await member.click(asked.response, component(asked.response, "Delete everything"))
    assert "Done: deleted" in done.updated_message.content or done.acknowledged


def said(result: Any) -> str:
    return "\n".join(m.content for m in (result.response, *result.followups) if m is not None)


async def test_a_refused_form_kept_for_edit_and_send_again_is_deleted(
    world: CohortWorld,
) -> None:
    private = "Hi Dana, a private line only ada wrote"
    opened = await world.ada.slash("review")
    refused = await world.ada.submit_modal(opened, {"draft": private[:12]})
    assert "⚠️" in refused.response.content
    again = component(refused.response, "Edit and send again")
    await forget(world, world.ada)

    stale = await world.ada.click(refused.response, again)
    assert stale.modal is None and stale.ephemeral
    text = said(stale)
    assert "deleted that form when you used /forget-me" in text, text
    assert private[:12] not in text and "went wrong" not in text
    assert not world.sandbox.bot_errors


async def test_a_form_open_during_forget_me_holds_nothing_and_is_refused(
    world: CohortWorld,
) -> None:
    """ada opens "I sent it" under her review (it could keep her draft with the log) and
    Revise (holding the draft), then /forget-me, then sends both: neither is taken, and
    nothing about her is written."""
    await world.ada.dm(STRONG_DRAFT)
    reply = review_of(world, world.ada)
    sent_form = await world.ada.click(reply, draft_button(reply, "sent"))
    revise_form = await world.ada.click(reply, draft_button(reply, "revise"))
    assert sent_form.modal is not None and revise_form.modal is not None
    await forget(world, world.ada)
    assert world.bot.services.review.held(reply.id, world.ada.id) is None

    logged = await world.ada.submit_modal(sent_form, {"recipient": "Dana", "channel": "email",
                                                      "sent_on": "", "keep": "yes"})
    revised = await world.ada.submit_modal(revise_form, {"draft": WEAK_DRAFT})
    for late in (logged, revised):
        text = said(late)
        assert late.ephemeral and "You used /forget-me while this form was open" in text, text
        assert "Edit and send again" not in str(late.response.components)
    # Refused, the forms are let go: discord.py holds neither any more.
    ids = {sent_form.modal["custom_id"], revise_form.modal["custom_id"]}
    assert not [form for form in gc.get_objects() if isinstance(form, CohortModal)
                and form.custom_id in ids and not form.is_finished()]
    assert await followups_store.member_log(world.bot.db, world.ada.id) == []
    assert (await privacy_store.stored_counts(world.bot.db, world.ada.id)).total == 0
    assert not world.sandbox.bot_errors


async def test_a_review_s_all_findings_after_forget_me_says_the_draft_was_deleted(
    world: CohortWorld,
) -> None:
    """/review in the server answers privately (an ephemeral message /forget-me cannot take
    down): its "All findings" afterwards says the draft was deleted, and shows none of it."""
    opened = await world.ada.slash("review", channel=world.lessons)
    review = (await world.ada.submit_modal(opened, {"draft": STRONG_DRAFT})).response
    assert review is not None and review.ephemeral
    await forget(world, world.ada)
    late = await world.ada.click(review, draft_button(review, "all"))
    text = said(late)
    assert "deleted that draft when you used /forget-me" in text, text
    assert "Priya" not in text


async def test_the_bot_caches_no_message_a_member_sent(world: CohortWorld) -> None:
    """discord.py's message cache would hold every DM draft as it came; the bot keeps none
    (every listener reads the raw event), so there is nothing there for /forget-me to miss."""
    await world.ada.dm(STRONG_DRAFT)
    assert review_of(world, world.ada).embeds
    assert list(world.bot.cached_messages) == []


async def test_forget_me_leaves_other_members_forms_alone(world: CohortWorld) -> None:
    opened = await world.ben.slash("review")
    refused = await world.ben.submit_modal(opened, {"draft": "hi!"})
    again = component(refused.response, "Edit and send again")
    await world.ada.dm(STRONG_DRAFT)
    await forget(world, world.ada)
    reopened = await world.ben.click(refused.response, again)
    assert reopened.modal is not None


async def test_a_log_waiting_on_is_this_the_same_person_is_deleted(world: CohortWorld) -> None:
    """The "is this the same person?" question holds the log as cy typed it (recipient,
    note) until she answers: /forget-me empties it, and the answer then records nothing."""
    await world.cy.slash("outreach log", {"who": "Dana Lee", "channel": "email",
                                          "sent_on": "3 days ago"})
    asked = await world.cy.slash("outreach log", {"who": "Dana J. Lee", "channel": "email",
                                                  "note": "a private note only cy wrote"})
    question = asked.response
    assert "same person" in question.content
    await forget(world, world.cy)

    late = await world.cy.click(question, component(question, "Yes, the same person"))
    text = said(late) + (late.updated_message.content if late.updated_message else "")
    assert "no longer hold that log" in text, text
    assert "a private note only cy wrote" not in text
    assert await followups_store.member_log(world.bot.db, world.cy.id) == []
    assert not world.sandbox.bot_errors
