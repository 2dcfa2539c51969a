"""Draft review end to end: a DM or /review gets a review with its buttons (All findings,
Revise, I sent it, Forget), refusals with clear messages, and the hourly limit.

What "I sent it" logs is the follow-ups feature's: tests/followups/."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from bot.errors import UserError
from tests.world import (
    STRONG_DRAFT,
    WEAK_DRAFT,
    CohortWorld,
    draft_button,
    fields,
    modal_values,
    review_of,
)


async def test_a_dm_draft_gets_a_review_with_buttons(world: CohortWorld) -> None:
    await world.ada.dm(WEAK_DRAFT)
    reply = review_of(world, world.ada)
    embed = reply.embeds[0]
    assert "Unlikely" in embed["title"] or "Maybe" in embed["title"]
    assert "/100" in embed["title"]
    assert any(name.startswith("Fix these first") for name in fields(embed))
    assert reply.allowed_mentions == {"parse": []}
    labels = [c["label"] for row in reply.components for c in row["components"]]
    assert labels == ["All findings", "Revise", "I sent it", "Forget this draft"]

    await world.ben.dm(STRONG_DRAFT)
    strong = review_of(world, world.ben).embeds[0]
    assert int(strong["title"].split("— ")[1].split("/")[0]) > int(
        embed["title"].split("— ")[1].split("/")[0])


async def test_all_findings_lists_every_finding_privately(world: CohortWorld) -> None:
    await world.ada.dm(WEAK_DRAFT)
    reply = review_of(world, world.ada)
    result = await world.ada.click(reply, draft_button(reply, "all"))
    assert result.ephemeral
    assert "findings" in result.response.content


async def test_revise_opens_the_draft_and_updates_the_review(world: CohortWorld) -> None:
    await world.ada.dm(WEAK_DRAFT)
    reply = review_of(world, world.ada)
    opened = await world.ada.click(reply, draft_button(reply, "revise"))
    assert opened.modal is not None
    assert modal_values(opened.modal)["draft"] == WEAK_DRAFT
    revised = await world.ada.submit_modal(opened, {"draft": STRONG_DRAFT, "channel": "",
                                                    "attempt": "1"})
    assert revised.updated_message is not None
    assert revised.updated_message.id == reply.id
    assert "Likely" in revised.updated_message.embeds[0]["title"]


async def test_forget_this_draft_removes_the_review(world: CohortWorld) -> None:
    await world.ada.dm(WEAK_DRAFT)
    reply = review_of(world, world.ada)
    result = await world.ada.click(reply, draft_button(reply, "forget"))
    assert result.updated_message is not None
    assert result.updated_message.embeds == [] and "Forgotten" in result.updated_message.content
    with pytest.raises(UserError, match="no longer hold"):
        world.bot.services.review.draft(reply.id, world.ada.id)


async def test_buttons_after_a_restart_say_the_draft_is_gone(world: CohortWorld) -> None:
    await world.ada.dm(WEAK_DRAFT)
    reply = review_of(world, world.ada)
    await world.restart()
    result = await world.ada.click(reply, draft_button(reply, "revise"))
    assert result.ephemeral and "no longer hold" in result.response.content


async def test_greetings_files_empty_and_long_text_get_clear_messages(
    world: CohortWorld,
) -> None:
    await world.ada.dm("hi!")
    assert "Send me a draft" in review_of(world, world.ada).content
    await world.ada.dm("", attachments=[("cv.pdf", b"%PDF-1.4")])
    assert "plain text" in review_of(world, world.ada).content
    # Discord caps a member's message at 2,000 characters; longer drafts come as a file.
    await world.ada.dm("", attachments=[("long.txt", ("word " * 900).encode())])
    assert "4,000" in review_of(world, world.ada).content
    await world.ada.dm("", attachments=[("draft.txt", STRONG_DRAFT.encode())])
    assert review_of(world, world.ada).embeds, "a .txt draft is reviewed"
    await world.ada.dm("", attachments=[("draft.txt", b"\xff\xfe\x00bad")])
    assert "UTF-8" in review_of(world, world.ada).content


async def test_review_command_in_the_server_is_private(world: CohortWorld) -> None:
    opened = await world.ada.slash("review", channel=world.lessons)
    assert opened.modal is not None
    result = await world.ada.submit_modal(opened, {"draft": WEAK_DRAFT, "channel": "linkedin_note",
                                                   "attempt": "1"})
    assert result.ephemeral and result.response.embeds
    assert "LinkedIn connection note" in result.response.embeds[0]["description"]
    assert not world.posts(world.lessons)  # nothing public


async def test_review_command_rejects_unknown_channel(world: CohortWorld) -> None:
    opened = await world.ada.slash("review", channel=world.lessons)
    result = await world.ada.submit_modal(opened, {"draft": WEAK_DRAFT, "channel": "pigeon",
                                                   "attempt": ""})
    assert "Unknown channel" in result.response.content


async def test_followup_review_counts_the_attempt(world: CohortWorld) -> None:
    opened = await world.ada.slash("review")
    result = await world.ada.submit_modal(opened, {
        "draft": "Hi Dana, just following up on my note from last week about survival "
                 "analysis. Totally understand if you're busy. Thanks!",
        "channel": "linkedin_message", "attempt": "3"})
    assert "attempt 3" in result.response.embeds[0]["description"]
    findings = " ".join(fields(result.response.embeds[0]).values()).lower()
    assert "third" in findings or "attempt" in findings


async def test_rate_limit_says_when_to_try_again(world: CohortWorld) -> None:
    config = replace(world.config, review=replace(world.config.review, rate_limit_per_hour=2))
    await world.restart(config)
    await world.ada.dm(WEAK_DRAFT)
    await world.ada.dm(STRONG_DRAFT)
    await world.ada.dm(WEAK_DRAFT)
    assert "Try again" in review_of(world, world.ada).content
    await world.clock.advance(timedelta(minutes=61))
    await world.ada.dm(WEAK_DRAFT)
    assert review_of(world, world.ada).embeds


async def test_review_command_in_a_dm(world: CohortWorld) -> None:
    dm = world.sandbox.world.dm_channel(world.ben.id)
    opened = await world.ben.slash("review", channel=dm)
    assert opened.modal is not None
    result = await world.ben.submit_modal(opened, {"draft": STRONG_DRAFT, "channel": "",
                                                   "attempt": "1"})
    assert result.response.embeds and "Likely" in result.response.embeds[0]["title"]
    labels = [c["label"] for row in result.response.components for c in row["components"]]
    assert "Revise" in labels


async def test_rate_limit_holds_under_concurrent_dms(world: CohortWorld) -> None:
    config = replace(world.config, review=replace(world.config.review, rate_limit_per_hour=1))
    await world.restart(config)
    for _ in range(4):
        await world.ada.dm(STRONG_DRAFT, settle=False)
    await world.sandbox.settle()
    replies = [m for m in world.sandbox.dm_messages(world.ada) if m.author_id != world.ada.id]
    assert sum(1 for m in replies if m.embeds) == 1
    assert sum(1 for m in replies if "Try again" in m.content) == 3
