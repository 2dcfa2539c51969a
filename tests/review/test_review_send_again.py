""""Edit and send again" under a refused /review, Revise or "I sent it" form, pressed again
after the corrected form went through: it opens what went through, and that works too."""

from __future__ import annotations

from typing import Any

from storage import followups as followups_store
from tests.world import STRONG_DRAFT, WEAK_DRAFT, CohortWorld, draft_button, modal_values, review_of


def again_button(refusal: Any) -> str:
    """The "Edit and send again" button's custom_id on a refusal message."""
    return str(refusal.components[0]["components"][0]["custom_id"])


async def test_review_form_sent_again_after_it_went_through(world: CohortWorld) -> None:
    opened = await world.ada.slash("review")
    refused = await world.ada.submit_modal(opened, {"draft": "hi!", "attempt": "1"})
    assert "a greeting or a one-liner" in refused.response.content
    first = await world.ada.click(refused.response, again_button(refused.response))
    assert first.modal is not None
    done = await world.ada.submit_modal(first, {"draft": WEAK_DRAFT})
    assert done.response.embeds, done
    reopened = await world.ada.click(refused.response, again_button(refused.response))
    assert reopened.modal is not None
    assert modal_values(reopened.modal)["draft"] == WEAK_DRAFT
    second = await world.ada.submit_modal(reopened, {"draft": STRONG_DRAFT})
    assert not second.failed and second.response.embeds, second


async def test_revise_form_that_went_through_leaves_no_stale_button(world: CohortWorld) -> None:
    await world.ada.dm(WEAK_DRAFT)
    reply = review_of(world, world.ada)
    opened = await world.ada.click(reply, draft_button(reply, "revise"))
    refused = await world.ada.submit_modal(opened, {"draft": "hi!"})
    # The form is acknowledged before the review runs (a deferred update of the review it
    # came from), so the refusal comes as a follow-up message and the review stays as it was.
    assert refused.callback_type == 6
    [refusal] = refused.followups
    assert "a greeting or a one-liner" in refusal.content
    first = await world.ada.click(refusal, again_button(refusal))
    assert first.modal is not None
    assert modal_values(first.modal)["draft"] == "hi!"
    done = await world.ada.submit_modal(first, {"draft": STRONG_DRAFT})
    # Revise edits the message it was sent from: the refusal became the review, so no
    # "Edit and send again" is left to press, and the review's own Revise holds the draft.
    assert done.updated_message is not None and done.updated_message.id == refusal.id
    labels = [c["label"] for row in done.updated_message.components for c in row["components"]]
    assert "Edit and send again" not in labels and "Revise" in labels
    again = await world.ada.click(done.updated_message,
                                  draft_button(done.updated_message, "revise"))
    assert again.modal is not None and modal_values(again.modal)["draft"] == STRONG_DRAFT


async def test_i_sent_it_sent_again_after_it_went_through_says_it_is_logged(
    world: CohortWorld,
) -> None:
    await world.ada.dm(STRONG_DRAFT)
    reply = review_of(world, world.ada)
    opened = await world.ada.click(reply, draft_button(reply, "sent"))
    refused = await world.ada.submit_modal(opened, {"recipient": "Dana", "channel": "email",
                                                    "sent_on": "tomorrow", "keep": "no"})
    assert "⚠️" in refused.response.content
    first = await world.ada.click(refused.response, again_button(refused.response))
    assert first.modal is not None
    done = await world.ada.submit_modal(first, {"recipient": "Dana", "sent_on": ""})
    assert "Dana" in done.response.content
    reopened = await world.ada.click(refused.response, again_button(refused.response))
    assert reopened.modal is not None
    assert modal_values(reopened.modal) == {"recipient": "Dana", "channel": "email",
                                            "sent_on": "", "keep": "no"}
    late = await world.ada.submit_modal(reopened, {"recipient": "Sam", "sent_on": ""})
    assert not late.failed and "already logged" in late.response.content
    ((row, _),) = await followups_store.member_log(world.bot.db, world.ada.id)
    assert row.recipient == "Dana"
