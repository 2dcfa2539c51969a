"""Lesson runs: one posting of a lesson's evaluation prompt and examples, the critiques it
collects while open, and its closing. The lifecycle and its records as plain data; no discord,
no storage.

    posting --(every message and thread created)--> open --(/lesson close)--> closed
       \\--(Discord refused half-way, or the bot died)--> removed, as if never posted
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.lessons import Example, Lesson

# How long an interaction's token answers (Discord: 15 minutes), less a minute, so an edit
# that starts just before the end does not meet an expired token.
ANSWER_TOKEN_LIFETIME = timedelta(minutes=14)


class RunStatus(StrEnum):
    # The bot is still creating the run's messages and threads; nobody sees such a run, and a
    # crash leaves one behind that start-up removes.
    POSTING = "posting"
    OPEN = "open"  # critiques are collected
    CLOSED = "closed"  # threads locked, final summary posted


@dataclass(frozen=True, slots=True)
class Run:
    """A run as stored. Times are UTC epoch milliseconds."""

    id: int
    guild_id: int
    channel_id: int
    lesson_key: str
    prompt_message_id: int | None  # None in a forum, where each example is a post of its own
    status: RunStatus
    occurrence: str | None  # scheduled runs: see `occurrence_key`
    created_at: int
    closed_at: int | None
    # The lesson's title and prompt as the run posted them (None: posted before the bot kept
    # them; see `as_posted`).
    lesson_title: str | None = None
    prompt: str | None = None
    # Random, carried by the run's buttons and forms beside its number: see `carried_by`.
    # None for a run posted before runs had one.
    token: str | None = None

    def carried_by(self, token: str | None) -> bool:
        """Whether a button or form carrying `token` was posted with this very run. After
        `cohortbot restore`, a run posted after the backup keeps its buttons on Discord while
        a new run takes its number: only the token tells them apart. A button without one
        (posted before runs had tokens) is this run's only if the run has none either."""
        return token == self.token


RUN_TOKEN = "[0-9a-f]{8}"  # what `new_run_token` makes, as a custom_id pattern


def new_run_token() -> str:
    return secrets.token_hex(4)


@dataclass(frozen=True, slots=True)
class RunExample:
    """An example as posted in a run: its title and text then, its message and critique
    thread."""

    run_id: int
    example_no: int
    title: str
    message_id: int | None
    thread_id: int | None
    text: str | None = None  # None: posted before the bot kept it (see `as_posted`)

    @classmethod
    def posted(cls, run_id: int, example: Example, message_id: int | None,
               thread_id: int | None) -> RunExample:
        """`example` of the lesson, as just posted: the title and text members see."""
        return cls(run_id, example.number, example.title, message_id, thread_id, example.text)

    @property
    def number(self) -> int:
        """Its 1-based number, as members see it (what `bot.critiques.summarize` reads)."""
        return self.example_no


@dataclass(frozen=True, slots=True)
class PostingPart:
    """A message or thread an unfinished posting has created: what to remove if it fails."""

    channel_id: int
    object_id: int
    is_thread: bool


@dataclass(frozen=True, slots=True)
class PendingAnswer:
    """A moderator's deferred `/lesson post` ("thinking" until the posting is done): where it
    is answered, kept with the run until it was, so a restart mid-posting still answers.

    The interaction's webhook (application id and token) edits the deferred answer while the
    token lives; after that only a DM reaches the moderator."""

    application_id: int
    token: str
    user_id: int  # who asked
    asked_at: int  # when the interaction was created (UTC epoch ms): the token's birth

    def token_valid(self, now_ms: int) -> bool:
        return now_ms < self.asked_at + ANSWER_TOKEN_LIFETIME // timedelta(milliseconds=1)


@dataclass(frozen=True, slots=True)
class Posting:
    """What a finished posting put on Discord."""

    prompt_message_id: int | None
    examples: tuple[RunExample, ...]


@dataclass(frozen=True, slots=True)
class SummaryPost:
    """A summary the bot posts for everyone: where it is, and whether it is the final one.
    Written down before it is posted (`message_id` None until Discord has it), so /forget-me
    can always find it; its post carries `summary_mark(id)`."""

    id: int
    run_id: int
    channel_id: int  # where it goes; once posted, the channel or thread (a forum post) it is in
    message_id: int | None
    final: bool


def summary_mark(post_id: int) -> str:
    """How a summary's post ends its footer: its row's number, so a post whose message id
    was never noted (the write failed, the bot died) is found again."""
    return f"summary #{post_id}"


@dataclass(frozen=True, slots=True)
class PostedLesson:
    """A run's lesson as the run posted it: what members read and critiqued, so what its
    summary, its final summary and its export show and judge."""

    title: str | None  # None: neither kept nor loaded
    prompt: str | None
    texts: Mapping[int, str]  # by example number; an example missing has no text to show


def as_posted(title: str | None, prompt: str | None, texts: Mapping[int, str | None],
              lesson: Lesson | None) -> PostedLesson:
    """The one answer to "what did this run post?": the run's own copy (`title`, `prompt`,
    each example's text, written when it was posted), never the lesson file as it is now,
    which `/lesson example` may have edited since. Only what a run posted before the bot kept
    that copy (migration 0011: None) is taken from the lesson file, the one record left of it.
    """
    def kept(number: int) -> str | None:
        text = texts[number]
        if text is None and lesson is not None and number <= len(lesson.examples):
            return lesson.examples[number - 1].text
        return text

    numbered = {n: t for n in texts if (t := kept(n)) is not None}
    if lesson is not None:
        title = lesson.title if title is None else title
        prompt = lesson.prompt if prompt is None else prompt
    return PostedLesson(title, prompt, numbered)


def occurrence_key(lesson_key: str, when: datetime) -> str:
    """The key of a scheduled posting (`<lesson>@<ISO minute>`): the database keeps it UNIQUE,
    so an occurrence is posted once even across a restart at the scheduled minute."""
    return f"{lesson_key}@{when.isoformat(timespec='minutes')}"
