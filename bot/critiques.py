"""Structured critiques of the lesson's examples, and the summary of a run.

A critique answers the lesson's question about one example: what works, what doesn't, and
whether the note is likely to get a response. This module holds the rules only: validating
what a member typed, and summarising stored critiques (counts, the yes/no/unsure tally, the
most-voted critiques, who has not taken part yet). Storage hands in plain records; nothing
here knows about Discord or the database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from bot.errors import UserError
from bot.visible import is_blank

# Each field is one modal text input (Discord allows up to 4,000), but a critique is read in
# a thread and quoted in summaries: 1,000 characters is a long paragraph, enough to argue a
# point, short enough that the thread stays readable.
MAX_WORKS = 1000
MAX_DOESNT = 1000
# Summaries show this many critiques per example, as the lesson's board would at a glance.
TOP_CRITIQUES = 3
# An excerpt fits on one line of an embed field (1,024 chars max) with room for the author.
EXCERPT_LENGTH = 160

# A 👍 on a critique's post is a vote. Discord sends the emoji as the member picked it: with
# their skin tone (U+1F3FB..U+1F3FF) or the emoji presentation selector (U+FE0F), each shown
# as a reaction of its own; every one of them is the same vote.
VOTE_EMOJI = "\N{THUMBS UP SIGN}"
_EMOJI_VARIANT = re.compile("[\ufe0f\U0001f3fb-\U0001f3ff]")


def is_vote(emoji: str) -> bool:
    """Whether a reaction's emoji (as Discord names it: the unicode text, or a custom emoji's
    `<:name:id>`) is the vote, in any of its variants. The one test for every place that
    reads reactions on critique posts (live events and the catch-up at READY)."""
    return _EMOJI_VARIANT.sub("", emoji) == VOTE_EMOJI


class Likely(StrEnum):
    """The member's answer to "Is this note likely to get a response?"."""

    YES = "yes"
    NO = "no"
    UNSURE = "unsure"


@dataclass(frozen=True, slots=True)
class Author:
    """Who wrote a critique, as it is shown with it."""

    id: int
    name: str
    avatar_url: str


@dataclass(frozen=True, slots=True)
class CritiqueInput:
    """A validated critique, ready to store: texts stripped, at least one of them non-empty."""

    works: str
    doesnt: str
    likely: Likely


def validate_critique(works: str, doesnt: str, likely: str | Likely) -> CritiqueInput:
    """Clean what a member typed, or raise `UserError` saying what to fix.

    One of the two texts may be blank (a note can be all good or all bad), not both. `likely`
    is a `Likely` or its value in any case ("Yes", " no ").
    """
    works = _clean(works)
    doesnt = _clean(doesnt)
    if not works and not doesnt:
        raise UserError(
            "Your critique is empty: say what works, what doesn't, or both, then send it again."
        )
    for label, value, limit in (
        ("What works", works, MAX_WORKS),
        ("What doesn't", doesnt, MAX_DOESNT),
    ):
        if len(value) > limit:
            raise UserError(
                f"“{label}” is {len(value)} characters; please keep it to {limit} or fewer."
            )
    return CritiqueInput(works, doesnt, parse_likely(likely))


def parse_likely(value: str | Likely) -> Likely:
    """`value` as a `Likely`; `UserError` naming the accepted answers if it is none of them."""
    if isinstance(value, Likely):
        return value
    try:
        return Likely(str(value).strip().lower())
    except ValueError:
        accepted = ", ".join(likely.value for likely in Likely)
        raise UserError(
            f"“{value}” is not an answer to “likely to get a response?”: use one of {accepted}."
        ) from None


def _clean(text: str) -> str:
    # Windows and some mobile keyboards send CRLF; counting those as two characters would make
    # the limit depend on the member's device.
    # A text that shows nothing (zero-width characters, a Hangul filler) is no text.
    cleaned = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    return "" if is_blank(cleaned) else cleaned


@dataclass(frozen=True, slots=True)
class Tally:
    yes: int = 0
    no: int = 0
    unsure: int = 0

    @property
    def total(self) -> int:
        return self.yes + self.no + self.unsure

    def count(self, likely: Likely) -> int:
        return {Likely.YES: self.yes, Likely.NO: self.no, Likely.UNSURE: self.unsure}[likely]

    @classmethod
    def of(cls, answers: Iterable[Likely]) -> Tally:
        counts = dict.fromkeys(Likely, 0)
        for answer in answers:
            counts[answer] += 1
        return cls(counts[Likely.YES], counts[Likely.NO], counts[Likely.UNSURE])


@dataclass(frozen=True, slots=True)
class CritiqueRecord:
    """A stored critique as storage hands it over. Times are UTC epoch milliseconds."""

    id: int
    example_no: int
    author_id: int
    works: str
    doesnt: str
    likely: Likely
    votes: int
    created_at_ms: int


@dataclass(frozen=True, slots=True)
class TopCritique:
    critique_id: int
    author_id: int
    votes: int
    excerpt: str


@dataclass(frozen=True, slots=True)
class ExampleSummary:
    example_no: int
    title: str
    critique_count: int
    tally: Tally
    # Most-voted first, ties broken by the earliest posted; only critiques with votes.
    top_critiques: tuple[TopCritique, ...]
    # Members' messages in the example's thread: the prompt's other way to critique.
    thread_messages: int = 0


@dataclass(frozen=True, slots=True)
class RunSummary:
    examples: tuple[ExampleSummary, ...]
    total_critiques: int
    tally: Tally
    # Distinct members who critiqued at least one example.
    critic_count: int
    # Member ids (sorted) with no critique on any example and no message in any of its
    # threads; None when no member list was given.
    not_critiqued: tuple[int, ...] | None = None
    thread_messages: int = 0
    # Distinct members who wrote in at least one example's thread.
    discussant_count: int = 0
    # Critiques of examples that are no longer in the lesson (replaced pack); not counted above.
    unmatched_critiques: int = 0
    # (member id, example number) of each critique a moderator took down: its author is
    # refused that example again, so a moderator chasing `not_critiqued` is told.
    taken_down: tuple[tuple[int, int], ...] = ()


class ExampleLike(Protocol):
    """What a summary needs from an example; `bot.lessons.Example` fits."""

    @property
    def number(self) -> int: ...

    @property
    def title(self) -> str: ...


def summarize(
    examples: Sequence[ExampleLike],
    critiques: Iterable[CritiqueRecord],
    votes: Mapping[int, int] | None = None,
    members: Iterable[int] | None = None,
    thread_authors: Mapping[int, Sequence[int]] | None = None,
    taken_down: Iterable[tuple[int, int]] = (),
) -> RunSummary:
    """Summarise a run of the exercise.

    `votes` maps critique id to its current vote count when storage counts votes separately;
    it wins over `CritiqueRecord.votes` (a critique missing from it keeps its record's count).
    `members` is who was expected to take part; with it, the summary lists those who have not
    critiqued any example yet. `thread_authors` maps an example's number to the author of
    each member message in its thread: the prompt asks for a critique there too, so those
    members have taken part. `taken_down`: (member, example number) of the critiques a
    moderator took down. Every critique counts, including several by one member.
    """
    thread_authors = thread_authors or {}
    by_example: dict[int, list[CritiqueRecord]] = {example.number: [] for example in examples}
    unmatched = 0
    for critique in critiques:
        bucket = by_example.get(critique.example_no)
        if bucket is None:
            unmatched += 1
        else:
            bucket.append(critique)

    def vote_count(critique: CritiqueRecord) -> int:
        if votes is not None and critique.id in votes:
            return votes[critique.id]
        return critique.votes

    summaries: list[ExampleSummary] = []
    counted: list[CritiqueRecord] = []
    for example in sorted(examples, key=lambda e: e.number):
        these = by_example[example.number]
        counted.extend(these)
        ranked = sorted(
            (c for c in these if vote_count(c) > 0),
            # Ties go to the earliest critique: it made the point first. The id settles
            # critiques stored in the same millisecond, so the order is always the same.
            key=lambda c: (-vote_count(c), c.created_at_ms, c.id),
        )
        top = tuple(
            TopCritique(c.id, c.author_id, vote_count(c), excerpt(c))
            for c in ranked[:TOP_CRITIQUES]
        )
        summaries.append(
            ExampleSummary(
                example.number,
                example.title,
                len(these),
                Tally.of(c.likely for c in these),
                top,
                len(thread_authors.get(example.number, ())),
            )
        )

    critics = {c.author_id for c in counted}
    discussants = {a for ex in summaries for a in thread_authors.get(ex.example_no, ())}
    not_critiqued = (None if members is None
                     else tuple(sorted(set(members) - critics - discussants)))
    return RunSummary(
        examples=tuple(summaries),
        total_critiques=len(counted),
        tally=Tally.of(c.likely for c in counted),
        critic_count=len(critics),
        not_critiqued=not_critiqued,
        unmatched_critiques=unmatched,
        thread_messages=sum(ex.thread_messages for ex in summaries),
        discussant_count=len(discussants),
        taken_down=tuple(sorted(set(taken_down))),
    )


_WHITESPACE = re.compile(r"\s+")


def excerpt(critique: CritiqueRecord, limit: int = EXCERPT_LENGTH) -> str:
    """One line for a summary: both halves of the critique, whitespace folded, cut at `limit`."""
    parts = []
    if not is_blank(critique.works):
        parts.append(f"Works: {critique.works}")
    if not is_blank(critique.doesnt):
        parts.append(f"Doesn't: {critique.doesnt}")
    line = _WHITESPACE.sub(" ", " / ".join(parts)).strip()
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    # Cut at a word boundary when there is one in the last fifth, so words are not maimed.
    space = cut.rfind(" ")
    if space >= limit * 4 // 5:
        cut = cut[:space]
    return cut.rstrip() + "…"


@dataclass(frozen=True, slots=True)
class VoteChanges:
    """What the catch-up after downtime changes in one critique's votes."""

    added: frozenset[int]
    removed: frozenset[int]
    left_out: int  # 👍 not counted: they may be a forgotten member's, from before /forget-me


def vote_changes(stored: frozenset[int], on_discord: frozenset[int], author_id: int, *,
                 forgotten_votes: bool) -> VoteChanges:
    """Reconcile a critique's stored votes with the 👍 its post has on Discord now.

    Votes taken back are removed. New 👍 count, but never the author's own; on a post where
    a member who used /forget-me had voted, new 👍 are left out: Discord does not say when a
    reaction was made, so theirs could not be told apart, and it must never count again.
    """
    new = on_discord - stored - {author_id}
    removed = stored - on_discord
    if forgotten_votes:
        return VoteChanges(frozenset(), removed, len(new))
    return VoteChanges(new, removed, 0)
