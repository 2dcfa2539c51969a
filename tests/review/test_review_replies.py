"""A DM that is not a draft (F9): a member writing back to a reminder, "help", a command
typed as text. Each gets a pointer to where it is done, never a draft review; every real
draft is still reviewed."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.review.replies import MAX_ANSWER_WORDS, NotADraft, may_be_a_word_to_me, not_a_draft
from bot.review.text import WORD_RE
from cogs.review._cog import MAYBE_AN_ANSWER
from tests.followups.helpers import a_week_later, labels
from tests.world import STRONG_DRAFT, CohortWorld, review_of

CORPUS = Path(__file__).resolve().parents[1] / "data" / "outreach_corpus.jsonl"
# Never the rows kept back for the scorer's last evaluation (split "frozen").
ROWS = [row for row in map(json.loads, filter(None, CORPUS.read_text("utf-8").splitlines()))
        if row["split"] != "frozen"]
DRAFTS = [row["text"] for row in ROWS]


def _salutations() -> list[str]:
    """How the corpus's real drafts open, whom they are to and its punctuation ("Hi Dana,",
    "Dear Mr. Cuban,", "Kim —", "Professor:"), and the same without the greeting ("Dana,"):
    the opening of a LinkedIn note or a follow-up that goes straight to the name."""
    subject = re.compile(r"\A\s*(subject|title)\s*:[^\n]*\n+", re.IGNORECASE)
    opening = re.compile(r"\A\s*([^\n,:—–!?]{1,40}?)\s*([,:—–]| -)")
    greeting = re.compile(r"\A(hi|hello|hey|dear|good (morning|afternoon|evening)|greetings)"
                          r"\s+", re.IGNORECASE)
    whom = re.compile(r"(mr|mrs|ms|miss|dr|prof|professor)\.?|[A-Z][\w'.-]*", re.IGNORECASE)
    found = set()
    for draft in DRAFTS:
        start = opening.match(subject.sub("", draft))
        if start is None:
            continue
        words = greeting.sub("", start[1]).split()
        if 1 <= len(words) <= 3 and words != ["I"] and all(
                whom.fullmatch(w) and w[0].isupper() for w in words):
            found.update((start[0].strip(), greeting.sub("", start[0].strip())))
    return sorted(found)


SALUTATIONS = _salutations()
# What a follow-up or a referral says of a reply, in words an answer to the bot uses too
# (review 6's finding 3: each of these, after "Dana —", was refused as "a word to me").
REPLY_MENTIONS = [
    "following up on my note from last week in case it got buried. No reply yet is "
    "completely fine",
    "Priya Shah answered my questions on dbt last year and said you know testing best",
    "my mentor Priya replied to my post saying you lead pricing at Halden",
    "I have heard back from the admissions office, and they suggested I contact you",
    "no more reminders needed from my side: I'll be brief",
    "she got back to me and said you are the one to ask",
    "I sent the email to your team last week",
    "no reply yet, so here is a shorter version",
]
# The questions real drafts ask.
QUESTIONS = sorted({q.strip() for d in DRAFTS for q in re.findall(
    r"(?:^|(?<=[.!?\n]))\s*([A-Z][^.!?\n]{10,140}\?)", d) if len(q.split()) <= 25})

ANSWERS = [
    "They replied yesterday, thanks! We have a call booked with Dana next week to talk about "
    "her work at Acme.",
    "stop reminding me please, I don't want to follow up with Dana Lee at all anymore, thank "
    "you.",
    "yes I sent it", "Yes, sent it.", "I've already sent the email", "they replied",
    "Dana answered!", "she hasn't replied yet", "no reply yet", "ok", "thanks!", "done",
    "Not following up with this one", "remind me later", "He got back to me today",
    "Update: Dana replied", "Thanks, she got back to me", "Yes, sent it. Thank you!",
    "Sadly no reply yet from Sam", "Good news: Dana replied!", "Great news — Sam answered",
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
    assert len(DRAFTS) > 300 and len(SALUTATIONS) > 100 and len(QUESTIONS) > 100
    assert [d for d in DRAFTS if not_a_draft(d) is not None] == []


@given(st.sampled_from(SALUTATIONS), st.sampled_from(REPLY_MENTIONS),
       st.sampled_from(["", *QUESTIONS]))
def test_a_draft_that_opens_with_whom_it_is_to_is_reviewed_whatever_reply_it_mentions(
    salutation: str, mention: str, question: str,
) -> None:
    """A real draft's opening, a reply mentioned, and maybe a real draft's question: under 40
    words, no "Hi", and still a draft, reviewed with no doubt raised."""
    draft = f"{salutation} {mention}. {question}".strip()
    assert not_a_draft(draft) is None, draft
    assert not may_be_a_word_to_me(draft), draft


@pytest.mark.parametrize("draft", [  # the tester's, word for word
    "Dana — following up on my note from last week in case it got buried. No reply yet is "
    "completely fine; could I ask one quick question about your PyCon talk?",
    "Dana, Priya Shah answered my questions on dbt last year and said you know testing best. "
    "Could I ask you one question about your PyCon talk?",
    "Ms. Lee, my mentor Priya replied to my post saying you lead pricing at Halden. Could I "
    "ask one question about your bandit experiments?",
    "Professor Okafor, I have heard back from the admissions office, and they suggested I "
    "contact you about the lab. Could I ask one question?",
    "Dana, no more reminders needed from my side: I'll be brief. Could I ask one question "
    "about your PyCon talk?",
])
def test_the_drafts_review_6_saw_refused_are_reviewed(draft: str) -> None:
    assert not_a_draft(draft) is None and not may_be_a_word_to_me(draft)


@given(st.sampled_from(REPLY_MENTIONS), st.sampled_from(QUESTIONS))
def test_in_doubt_a_text_is_reviewed_with_the_pointers_under_it(
    mention: str, question: str,
) -> None:
    """No greeting or name, but a question (to them, or to me?): reviewed, and the review
    says where an answer to me goes, unless it is too long to be one."""
    text = f"{mention[0].upper()}{mention[1:]}. {question}"
    assert not_a_draft(text) is None, text
    short = len(WORD_RE.findall(text)) <= MAX_ANSWER_WORDS
    assert may_be_a_word_to_me(text) is short, text


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


async def test_a_follow_up_that_opens_with_the_name_and_mentions_no_reply_is_reviewed(
    world: CohortWorld,
) -> None:
    """Review 6's finding 3, through the bot: the DM gets the review it gets through
    `/review`, not "I read that as a word to me"; a text in doubt gets both."""
    await world.ada.dm("Dana — following up on my note from last week in case it got "
                       "buried. No reply yet is completely fine; could I ask one quick "
                       "question about your PyCon talk?")
    review = review_of(world, world.ada)
    (embed,) = review.embeds
    assert "word to me" not in (review.content or "") and review.components
    assert MAYBE_AN_ANSWER not in [f["name"] for f in embed["fields"]]
    await world.ada.dm("No reply yet from Dana. Should I follow up with you on this?")
    doubt = review_of(world, world.ada)
    (embed,) = doubt.embeds
    (pointers,) = [f["value"] for f in embed["fields"] if f["name"] == MAYBE_AN_ANSWER]
    assert "`/outreach replied`" in pointers and "`/outreach log`" in pointers
