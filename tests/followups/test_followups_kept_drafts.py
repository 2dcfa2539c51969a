"""A draft kept with a logged outreach ("I sent it", keep: yes) can go on its own, the outreach
staying: "Forget this draft" under its review deletes it too, and "Forget my draft" under the
reminder that quotes it; each answer says what went and what stays (review 6, finding 12)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from storage import followups as followups_store
from tests.followups.helpers import labels, reminders
from tests.world import STRONG_DRAFT, CohortWorld, component, draft_button, review_of

MARKER = "KEPTMARKER"
DRAFT = STRONG_DRAFT.replace("survival analysis", f"{MARKER} survival analysis")
QUOTED = "Your first message"


async def logged_from_review(world: CohortWorld, keep: str) -> Any:
    """ada DMs a draft and logs it as sent to Dana Lee from its review; returns the review."""
    await world.ada.dm(DRAFT)
    review = review_of(world, world.ada)
    opened = await world.ada.click(review, draft_button(review, "sent"))
    logged = await world.ada.submit_modal(opened, {"recipient": "Dana Lee", "channel": "email",
                                                   "sent_on": "", "keep": keep})
    assert "Logged" in logged.response.content, logged.response.content
    return review


async def kept_draft(world: CohortWorld) -> str | None:
    ((outreach, reminder),) = await followups_store.member_log(world.bot.db, world.ada.id)
    assert reminder is not None and outreach.recipient == "Dana Lee"  # the record stays
    return outreach.draft


def quotes(message: Any) -> bool:
    return any(field["name"] == QUOTED for field in message.embeds[0].get("fields", []))


async def test_forget_this_draft_deletes_the_copy_kept_with_the_outreach(
    world: CohortWorld,
) -> None:
    review = await logged_from_review(world, keep="yes")
    assert await kept_draft(world) == DRAFT
    forgot = await world.ada.click(review, draft_button(review, "forget"))
    said = forgot.updated_message.content
    assert "deleted this draft from this review and from your logged outreach to **Dana Lee**" \
        in said
    assert "stays in your log (who, how, when) with its reminder, without the draft" in said
    assert await kept_draft(world) is None
    await world.clock.advance(timedelta(days=7))
    (reminder,) = reminders(world, world.ada)
    assert not quotes(reminder) and MARKER not in str(reminder.embeds)
    assert "Forget my draft" not in labels(reminder)


async def test_forget_this_draft_after_the_reminder_edits_the_reminder(
    world: CohortWorld,
) -> None:
    review = await logged_from_review(world, keep="yes")
    await world.clock.advance(timedelta(days=7))
    (reminder,) = reminders(world, world.ada)
    assert quotes(reminder) and MARKER in str(reminder.embeds)
    await world.ada.click(review, draft_button(review, "forget"))
    (reminder,) = reminders(world, world.ada)  # as the DM now shows it
    assert not quotes(reminder) and MARKER not in str(reminder.embeds)
    assert "I sent my follow-up" in labels(reminder)


async def test_forget_my_draft_under_the_reminder_keeps_the_outreach(
    world: CohortWorld,
) -> None:
    await logged_from_review(world, keep="yes")
    await world.clock.advance(timedelta(days=7))
    (reminder,) = reminders(world, world.ada)
    assert "Forget my draft" in labels(reminder)
    forgot = await world.ada.click(reminder, component(reminder, "Forget my draft"))
    shown = forgot.updated_message
    assert shown.content == ("🗑️ Forgotten: I deleted the draft you kept with your outreach "
                             "to Dana Lee. The outreach stays in your log (who, how, when) "
                             "with its reminder, without the draft.")
    assert not quotes(shown) and MARKER not in str(shown.embeds)
    assert "Forget my draft" not in labels(shown) and "I sent my follow-up" in labels(shown)
    assert await kept_draft(world) is None
    other = await world.ben.click(reminder, component(reminder, "They replied"))
    assert "another member's reminder" in other.response.content


async def test_forget_this_draft_says_the_outreach_stays_when_no_draft_was_kept(
    world: CohortWorld,
) -> None:
    review = await logged_from_review(world, keep="no")
    forgot = await world.ada.click(review, draft_button(review, "forget"))
    assert forgot.updated_message.content == (
        "🗑️ Forgotten: I no longer hold this draft. Your logged outreach to **Dana Lee** "
        "stays in your log (who, how, when), without the draft.")
    assert await kept_draft(world) is None


async def test_forget_this_draft_of_a_review_never_logged(world: CohortWorld) -> None:
    await world.ada.dm(DRAFT)
    review = review_of(world, world.ada)
    forgot = await world.ada.click(review, draft_button(review, "forget"))
    assert forgot.updated_message.content == (
        "🗑️ Forgotten: I no longer hold this draft (it was never stored on disk).")
    assert await followups_store.member_log(world.bot.db, world.ada.id) == []
