"""A DM that is not a draft (F9): a member writing back to a reminder, "help", a command
typed as text. Each gets a pointer to where it is done, never a draft review; every real
draft is still reviewed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.review.replies import MAX_ANSWER_WORDS, NotADraft, not_a_draft
from tests.followups.helpers import a_week_later, labels
from tests.world import STRONG_DRAFT, CohortWorld, review_of

CORPUS = Path(__file__).resolve().parents[1] / "data" / "outreach_corpus.jsonl"
DRAFTS = [json.loads(line)["text"] for line in CORPUS.read_text("utf-8").splitlines() if line]

ANSWERS = [
    "They replied yesterday, thanks! We have a call booked with Dana next week to talk about "
    "her work at Acme.",
    "stop reminding me please, I don't want to follow up with Dana Lee at all anymore, thank "
    "you.",
    "yes I sent it", "Yes, sent it.", "I've already sent the email", "they replied",
    "Dana answered!", "she hasn't replied yet", "no reply yet", "ok", "thanks!", "done",
    "Not following up with this one", "remind me later", "He got back to me today",
]


@pytest.mark.parametrize("text", ANSWERS)
def test_an_answer_to_the_bot_is_not_a_draft(text: str) -> None:
    assert not_a_draft(text) is NotADraft.ANSWER


@pytest.mark.parametrize("text", ["help", "Help!", "?", "what can you do?", "commands"])
def test_a_call_for_help_is_not_a_draft(text: str) -> None:
    assert not_a_draft(text) is NotADraft.HELP


@given(st.text(max_size=200))
def test_anything_typed_after_a_slash_is_a_command(rest: str) -> None:
    assert not_a_draft(f"  /{rest}") is NotADraft.COMMAND


def test_no_draft_of_the_corpus_is_taken_for_an_answer() -> None:
    """326 real and written outreach drafts, good and bad, notes, messages, e-mails and
    follow-ups: each is reviewed."""
    assert [d for d in DRAFTS if not_a_draft(d) is not None] == []


@given(st.sampled_from(ANSWERS), st.sampled_from(["Hi Dana, ", "Hello Sam, ", "Dear Ms Lee, "]))
def test_a_text_that_greets_its_recipient_is_a_draft(answer: str, greeting: str) -> None:
    assert not_a_draft(greeting + answer + " Could I ask one question?") is None


@given(st.sampled_from(ANSWERS), st.integers(MAX_ANSWER_WORDS, 80))
def test_a_long_text_is_a_draft_whatever_it_says(answer: str, words: int) -> None:
    assert not_a_draft(answer + " and" + " more" * words) is None


async def test_a_member_answering_a_reminder_in_words_is_pointed_at_its_buttons(
    world: CohortWorld,
) -> None:
    """The tester's transcript: the reminder arrives, ada writes back. Before, she was told
    her note to the bot was "Ready to send: yes", under an "I sent it" button."""
    reminder = await a_week_later(world)
    assert "They replied" in labels(reminder)
    await world.ada.dm(ANSWERS[0])
    answer = review_of(world, world.ada)
    assert not answer.embeds and not answer.components  # no review, no "I sent it"
    assert "press that button under my reminder" in answer.content
    assert "`/outreach replied`" in answer.content
    await world.ada.dm("help")
    assert "`/help` lists them all" in review_of(world, world.ada).content
    await world.ada.dm("/outreach log who:Dana channel:email")
    typed = review_of(world, world.ada).content
    assert "pick `/outreach` from Discord's menu" in typed and "Ready to send" not in typed
    await world.ada.dm(STRONG_DRAFT)  # a real draft is reviewed as ever
    assert review_of(world, world.ada).embeds
