"""Draft review end to end: a DM or /review gets a review with its buttons (All findings,
Revise, I sent it, Forget), refusals with clear messages, and the hourly limit.

What "I sent it" logs is the follow-ups feature's: tests/followups/."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from bot.errors import UserError
from bot.review import review
from bot.review.model import MAX_ATTEMPT
from cogs.review._render import quote
from localdiscord import errors
from tests.markdown import shows_as_typed
from tests.world import (
    STRONG_DRAFT,
    WEAK_DRAFT,
    CohortWorld,
    draft_button,
    fields,
    modal_values,
    review_of,
    said,
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
    revised = await world.ada.submit_modal(opened, {"draft": STRONG_DRAFT, "channel": "detect",
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


async def test_greetings_files_empty_and_long_text_get_clear_messages(
    world: CohortWorld,
) -> None:
    await world.ada.dm("hi!")
    assert "Send me a draft" in review_of(world, world.ada).content
    # A draft in Chinese is refused as not English, and is no greeting to answer with help.
    await world.ada.dm("你好，Priya Shah 建议我联系你。我可以问一个关于你帖子的问题吗？")
    refused = review_of(world, world.ada).content
    assert "English only" in refused and "Send me a draft" not in refused
    await world.ada.dm("", attachments=[("cv.pdf", b"%PDF-1.4")])
    refused = review_of(world, world.ada).content
    assert "`cv.pdf`: it is a PDF, and I read text only" in refused and "`.md`" in refused
    # Discord caps a member's message at 2,000 characters; longer drafts come as a file.
    await world.ada.dm("", attachments=[("long.txt", ("word " * 900).encode())])
    assert "4,000" in review_of(world, world.ada).content
    await world.ada.dm("", attachments=[("draft.txt", STRONG_DRAFT.encode())])
    assert review_of(world, world.ada).embeds, "a .txt draft is reviewed"
    await world.ada.dm("", attachments=[("draft.txt", b"\xff\xfe\x00bad")])
    assert "UTF-8" in review_of(world, world.ada).content


async def test_a_draft_in_german_is_refused_for_its_language(world: CohortWorld) -> None:
    """Finding 18: it is an outreach message addressed to someone; only its language is wrong."""
    await world.ada.dm("Hallo Frau Schmidt, ich habe Ihren Vortrag auf der PyCon über "
                       "Datenqualität gesehen. Hätten Sie 15 Minuten für eine Frage zu Ihrem "
                       "Wechsel in die Datenanalyse?")
    answer = review_of(world, world.ada)
    assert not answer.embeds
    assert "English only" in answer.content and "German" in answer.content
    assert "does not read like an outreach" not in answer.content


@pytest.mark.parametrize("name", ["draft.md", "Draft.MARKDOWN", "draft.txt", "draft.text"])
async def test_a_markdown_or_text_file_is_reviewed(world: CohortWorld, name: str) -> None:
    """Finding 24: Markdown is plain text."""
    await world.ada.dm("", attachments=[(name, f"# Draft\n\n{STRONG_DRAFT}\n".encode())])
    assert review_of(world, world.ada).embeds, name


async def test_a_word_document_is_refused_for_what_it_is(world: CohortWorld) -> None:
    await world.ada.dm("", attachments=[("draft.docx", b"PK\x03\x04\x14\x00\x06\x00")])
    answer = review_of(world, world.ada)
    assert not answer.embeds and "it is a Word document, and I read text only" in answer.content


async def test_a_draft_cannot_reverse_the_review_lines_that_quote_it(world: CohortWorld) -> None:
    text = WEAK_DRAFT.replace("Hi, I came", "Hi, \u202eI came")
    await world.ada.dm(text)
    embed = review_of(world, world.ada).embeds[0]
    shown = "\n".join([embed["description"], *fields(embed).values()])
    assert "\u202e" not in shown, shown
    # Every line that quotes the span with the control in it isolates it (since round 9 the
    # wording finding outranks the whole-body one in the embed, so it is checked directly).
    spans = [f for f in review(text).findings if f.start <= text.index("\u202e") < f.end]
    assert spans and all("\u2068" in quote(text, f) for f in spans)


async def test_a_binary_file_named_txt_is_refused_not_reviewed(world: CohortWorld) -> None:
    words = " ".join(["outreach"] * 20).encode()
    await world.ada.dm("", attachments=[("draft.txt", b"\x7fELF\x02\x01\x00\x00" + words)])
    answer = review_of(world, world.ada)
    assert not answer.embeds and "binary" in answer.content


async def test_review_command_in_the_server_is_private(world: CohortWorld) -> None:
    opened = await world.ada.slash("review", channel=world.lessons)
    assert opened.modal is not None
    result = await world.ada.submit_modal(opened, {"draft": WEAK_DRAFT, "channel": "linkedin_note",
                                                   "attempt": "1"})
    assert result.ephemeral and result.response.embeds
    assert "LinkedIn connection note" in result.response.embeds[0]["description"]
    assert not world.posts(world.lessons)  # nothing public


async def test_review_command_offers_the_channels_and_attempts_to_pick(
    world: CohortWorld,
) -> None:
    opened = await world.ada.slash("review", channel=world.lessons)
    assert opened.modal is not None
    picks = {top["component"]["custom_id"]: [o["value"] for o in top["component"]["options"]]
             for top in opened.modal["components"] if top["component"]["type"] == 3}
    assert picks == {"channel": ["detect", "linkedin_note", "linkedin_message", "email"],
                     # `cohortbot review --attempt` takes the same (review 4, finding 12)
                     "attempt": [str(n) for n in range(1, MAX_ATTEMPT + 1)]}
    assert MAX_ATTEMPT == 3  # 1, the one follow-up, and "3 or more"
    assert modal_values(opened.modal) == {"draft": "", "channel": "detect", "attempt": "1"}
    for bad in ({"channel": "pigeon"}, {"attempt": "99"}, {"attempt": "0"}):
        with pytest.raises(ValueError, match="no option"):
            await world.ada.submit_modal(opened, {"draft": WEAK_DRAFT, **bad})
    result = await world.ada.submit_modal(opened, {"draft": WEAK_DRAFT, "channel": "email"})
    assert "as an **email** (as you said)" in result.response.embeds[0]["description"]


async def test_a_refused_review_form_keeps_the_draft(world: CohortWorld) -> None:
    config = replace(world.config, review=replace(world.config.review, rate_limit_per_hour=1))
    await world.restart(config)
    await world.ada.dm(WEAK_DRAFT)
    await world.clock.advance(timedelta(minutes=50))  # 10 minutes to wait: the button outlives it
    opened = await world.ada.slash("review", channel=world.lessons)
    refused = await world.ada.submit_modal(opened, {"draft": STRONG_DRAFT, "attempt": "2"})
    assert "Try again in" in refused.response.content
    again = await world.ada.click(refused.response, refused.response.components[0][
        "components"][0]["custom_id"])
    assert again.modal is not None
    assert modal_values(again.modal) == {"draft": STRONG_DRAFT, "channel": "detect",
                                         "attempt": "2"}


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


async def test_the_rate_limit_counts_and_times_in_words(world: CohortWorld) -> None:
    config = replace(world.config, review=replace(world.config.review, rate_limit_per_hour=1))
    await world.restart(config)
    await world.ada.dm(WEAK_DRAFT)
    await world.clock.advance(timedelta(minutes=59, seconds=59))
    await world.ada.dm(STRONG_DRAFT)
    answer = review_of(world, world.ada).content
    assert "You've had 1 review in the last hour" in answer, answer
    assert "Try again in 1 second" in answer and "1 seconds" not in answer, answer
    assert "min" not in answer, answer  # no "about 1 min" beside "1 second"
    await world.clock.advance(timedelta(seconds=1))
    await world.ada.dm(STRONG_DRAFT)
    assert review_of(world, world.ada).embeds


async def test_review_command_in_a_dm(world: CohortWorld) -> None:
    dm = world.sandbox.world.dm_channel(world.ben.id)
    opened = await world.ben.slash("review", channel=dm)
    assert opened.modal is not None
    result = await world.ben.submit_modal(opened, {"draft": STRONG_DRAFT})
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


async def test_a_file_name_with_backticks_is_shown_as_typed(world: CohortWorld) -> None:
    """The name went between single backticks: one in the name closed the code span, and
    the rest rendered as Markdown."""
    name = "cv`**bold** <@1>`.pdf"
    await world.ada.dm("", attachments=[(name, b"%PDF-1.4")])
    refused = review_of(world, world.ada).content
    assert "it is a PDF" in refused and shows_as_typed(refused, name), refused


async def test_a_dm_that_starts_by_mentioning_the_bot_is_reviewed_and_nothing_is_logged(
    world: CohortWorld,
) -> None:
    """The bot's mention was a text-command prefix: such a DM was looked up as a command,
    and discord.py logged "Command ... is not found" as an error, with the member's words
    (the world fails a test on any error the bot logs)."""
    await world.ada.dm(f"<@{world.bot.user.id}> {STRONG_DRAFT}")
    assert review_of(world, world.ada).embeds


async def test_a_file_discord_does_not_give_back_is_asked_for_again(world: CohortWorld) -> None:
    """Reading the upload from Discord's CDN failed (a link gone, a network error): an
    unexpected error, logged with its traceback, and the member shown an error id."""
    sent = await world.ada.dm("", attachments=[("draft.txt", STRONG_DRAFT.encode())],
                              settle=False)
    sent.attachments.clear()  # gone from the CDN before the bot reads it
    await world.sandbox.settle()
    answer = review_of(world, world.ada).content
    assert "I couldn't download `draft.txt` from Discord; send it again" in answer, answer


@pytest.mark.parametrize("text", [STRONG_DRAFT, "hi"])
async def test_a_dm_the_bot_cannot_answer_is_logged_and_told_at_the_next_command(
    world: CohortWorld, caplog: pytest.LogCaptureFixture, text: str,
) -> None:
    """A member whose DMs are closed to the bot (Discord's 403 50007) still DMs it a draft,
    or a greeting: no traceback (the world fails on any error logged), one WARNING line with
    ids only, and a private word at their next command, once."""
    dee = world.guild.handle.add_member("dee", dms_closed=True)
    await world.sandbox.settle()
    with caplog.at_level(logging.INFO):
        await dee.dm(text)
    refused = [r for r in world.sandbox.requests
               if r.method == "POST" and r.path.endswith("/messages") and r.status == 403]
    assert len(refused) == 1
    (warning,) = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert str(dee.id) in warning.getMessage() and "DMs are closed" in warning.getMessage()
    assert not any(text in r.getMessage() for r in caplog.records)  # no member content
    told = await dee.slash("help", channel=world.lessons)
    (notice,) = told.followups
    assert notice.ephemeral and "couldn't answer it" in notice.content
    assert "`/review`" in notice.content
    again = await dee.slash("help", channel=world.lessons)
    assert again.followups == []  # told once


async def test_a_dm_whose_channel_is_gone_is_logged_not_raised(
    world: CohortWorld, caplog: pytest.LogCaptureFixture,
) -> None:
    world.sandbox.faults.error("POST /channels/*/messages", errors.unknown_channel(), times=1)
    with caplog.at_level(logging.WARNING):
        await world.ada.dm(STRONG_DRAFT)
    (line,) = [r.getMessage() for r in caplog.records]
    assert line.startswith(f"DM review for member {world.ada.id}: not sent, the channel is "
                           "gone (404 10003); error id ")
    told = await world.ada.slash("help", channel=world.lessons)
    assert told.followups == []  # not a closed DM: nothing to tell
    await world.ada.dm(STRONG_DRAFT)  # the next DM is answered as ever
    assert review_of(world, world.ada).embeds


DM_SEND = "POST /channels/*/messages"


def dm_answers(world: CohortWorld, member: Any) -> list[Any]:
    return [m for m in world.sandbox.dm_messages(member) if m.author_id == world.bot.user.id]


async def test_a_dm_review_discord_fails_is_logged_with_an_id_and_told_at_the_next_command(
    world: CohortWorld, caplog: pytest.LogCaptureFixture,
) -> None:
    """F20: a 503 during an outage (every try, the retry too) dropped the review with an
    unhandled exception; the member never heard. Now: one WARNING line with an error id and
    ids only, and the member told at their next command, with that id, once."""
    world.sandbox.faults.server_error(DM_SEND, status=503, times=None)
    with caplog.at_level(logging.WARNING):
        await world.ada.dm(STRONG_DRAFT)
    world.sandbox.faults.clear()
    assert dm_answers(world, world.ada) == []
    (line,) = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert line.startswith(f"DM review for member {world.ada.id}: not sent, Discord failed")
    error_id = line.rsplit(" ", 1)[1]
    assert STRONG_DRAFT[:20] not in line
    told = await world.ada.slash("help", channel=world.lessons)
    (notice,) = told.followups
    assert notice.ephemeral and f"error id `{error_id}`" in notice.content
    assert "send it again by DM, or use `/review`" in notice.content
    assert (await world.ada.slash("help", channel=world.lessons)).followups == []  # once


async def test_a_dm_review_refused_once_is_told_with_the_next_dms_answer(
    world: CohortWorld, caplog: pytest.LogCaptureFixture,
) -> None:
    """A 400 is not sent again (it would be refused again); the member's next DM gets its
    own answer and the word about the one that failed."""
    world.sandbox.faults.error(DM_SEND, errors.invalid_form({"embeds": ("BASE", "bad")}))
    with caplog.at_level(logging.WARNING):
        await world.ada.dm(STRONG_DRAFT)
    assert dm_answers(world, world.ada) == []
    assert [r for r in world.sandbox.requests if r.method == "POST" and r.status == 400]
    await world.ada.dm(STRONG_DRAFT)
    (answer,) = dm_answers(world, world.ada)
    assert answer.embeds and "couldn't answer the last draft" in answer.content
    await world.ada.dm("hi")
    assert "couldn't answer" not in dm_answers(world, world.ada)[-1].content  # told once


@pytest.mark.parametrize("fault", ["server_error", "answer_lost"])
async def test_a_dm_review_is_sent_again_once_and_arrives_once(world: CohortWorld,
                                                                fault: str) -> None:
    """A 503, or a connection dropped after Discord posted the answer: sent again with the
    same enforced nonce, so the member gets exactly one review."""
    if fault == "server_error":
        world.sandbox.faults.server_error(DM_SEND, status=503)
    else:
        world.sandbox.faults.disconnect(DM_SEND, after=True)
    await world.ada.dm(STRONG_DRAFT)
    (answer,) = dm_answers(world, world.ada)
    assert answer.embeds and not answer.content
    assert len([r for r in world.sandbox.requests
                if r.method == "POST" and r.path.endswith("/messages")]) == 2


async def test_a_review_form_over_the_limit_offers_a_retry_only_within_its_life(
    world: CohortWorld,
) -> None:
    config = replace(world.config, review=replace(world.config.review, rate_limit_per_hour=1))
    await world.restart(config)
    await world.ada.dm(WEAK_DRAFT)  # the hour's one review: the next one in 60 minutes
    opened = await world.ada.slash("review", channel=world.lessons)
    refused = await world.ada.submit_modal(opened, {"draft": STRONG_DRAFT})
    refusal, given_back = said(refused)
    assert "Try again in 1 hour" in refusal.content, refusal.content
    assert not refusal.components  # "Edit and send again" dies in 15 minutes: no use here
    assert given_back.content.endswith(STRONG_DRAFT)
    await world.clock.advance(timedelta(minutes=50))  # 10 minutes to go: worth a retry
    opened = await world.ada.slash("review", channel=world.lessons)
    [refusal] = said(await world.ada.submit_modal(opened, {"draft": STRONG_DRAFT}))
    assert refusal.components[0]["components"][0]["label"] == "Edit and send again"
