"""The document an export renders: runs, their examples, critiques, messages and participation.

Plain data. Everything but the messages is small (a few rows per member and example) and is
held here whole; the messages can be a million, so each example holds a function that streams
them from storage when a renderer gets there, and never a list. Times are UTC epoch
milliseconds; `Document.calendar` formats them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from bot.critiques import Likely, Tally
from bot.display import plural
from bot.export.times import Calendar
from bot.export.verdicts import ReviewerView

# 2: reactions on members' messages (emoji_id, users, counts.reactions); 3: mentions shown as
# names in `content`, `participation_lists`.
SCHEMA_VERSION = 3


class Format(StrEnum):
    CSV = "csv"
    JSON = "json"
    MARKDOWN = "markdown"
    HTML = "html"

    @property
    def extension(self) -> str:
        return {"csv": "csv", "json": "json", "markdown": "md", "html": "html"}[self.value]


class Table(StrEnum):
    """The CSV export's tables: one file each."""

    MESSAGES = "messages"
    CRITIQUES = "critiques"
    PARTICIPATION = "participation"
    EXAMPLES = "examples"


# The endings of a file an export writes, per what it writes (the first is the usual one).
_SUFFIXES = {"csv": (".csv",), "zip": (".zip",), "json": (".json",),
             "markdown": (".md", ".markdown"), "html": (".html", ".htm")}


def file_suffixes(fmt: Format, table: Table | None) -> tuple[str, ...]:
    """The name endings that say what this export is: CSV is a zip of its tables unless one
    table is asked for."""
    return _SUFFIXES["zip" if fmt is Format.CSV and table is None else fmt.value]


def contradicting_suffix(name: str, fmt: Format, table: Table | None) -> str | None:
    """Why a file `name` would lie about this export ("run.csv" for a zip of the CSV tables,
    "x.html" for JSON), or None when its ending says nothing else (no ending, ".txt")."""
    ending = "." + name.rsplit(".", 1)[1].lower() if "." in name else ""
    wanted = file_suffixes(fmt, table)
    known = {s for suffixes in _SUFFIXES.values() for s in suffixes}
    if ending not in known or ending in wanted:
        return None
    stem = name[: len(name) - len(ending)]
    if fmt is Format.CSV and table is None:
        tables = ", ".join(t.value for t in Table)
        return (f"--format csv writes all {len(Table)} tables in a zip: name it {stem}.zip, or "
                f"write one table as CSV with --table NAME ({tables}).")
    what = {"csv": "one CSV table", "json": "JSON", "markdown": "Markdown", "html": "HTML"}
    return f"--format {fmt.value} writes {what[fmt.value]}: name it {stem}{wanted[0]}."


@dataclass(frozen=True, slots=True)
class Scope:
    """What goes into an export. `until_ms` is exclusive; None bounds are open."""

    run_ids: tuple[int, ...]
    example: int | None = None
    since_ms: int | None = None
    until_ms: int | None = None
    # The bot's own posts in the threads (the critiques as it posted them) among the messages.
    include_bot_messages: bool = False


class Attachment(NamedTuple):
    id: int
    filename: str
    size: int
    url: str


class Reactor(NamedTuple):
    id: int
    name: str


class Reaction(NamedTuple):
    """One emoji on a message: how many, and who where the bot knows (never all of them
    after downtime, see bot/discussion.py; never a member who used /forget-me)."""

    emoji: str  # the unicode emoji, or a custom emoji's name
    total: int
    emoji_id: int | None = None  # a custom emoji's id
    users: tuple[Reactor, ...] = ()  # at most `total`

    def describe(self) -> str:
        """"👍 3 (Ada, Ben and 1 more)", ":blob: 1", "🎉 2 (Ada, Cy)". storage/export.py
        builds the same text in SQL for the CSV messages table."""
        shown = f":{self.emoji}:" if self.emoji_id is not None else self.emoji
        if not self.users:
            return f"{shown} {self.total}"
        unnamed = self.total - len(self.users)
        more = f" and {unnamed} more" if unnamed > 0 else ""
        return f"{shown} {self.total} ({', '.join(u.name for u in self.users)}{more})"


class ReplyTo(NamedTuple):
    """What a message answers, when that is still stored."""

    message_id: int
    author_name: str
    excerpt: str
    # False when it is outside this export (another example, or outside the date range).
    in_export: bool


class Message(NamedTuple):
    """One message of a thread's conversation. A NamedTuple: a million of them stream by."""

    message_id: int
    kind: str  # "member", or "bot" for the bot's post of a critique
    author_id: int | None
    author_name: str
    content: str
    created_ms: int
    edited_ms: int | None
    reply_to: ReplyTo | None
    # It answers a message no longer stored: deleted, or its author used /forget-me.
    reply_missing: bool = False
    attachments: tuple[Attachment, ...] = ()
    reactions: tuple[Reaction, ...] = ()
    critique_id: int | None = None


@dataclass(frozen=True, slots=True)
class Critique:
    id: int
    example_no: int
    author_id: int
    author_name: str
    works: str
    doesnt: str
    likely: Likely
    voter_ids: tuple[int, ...]
    message_id: int | None
    created_ms: int
    updated_ms: int
    voter_names: tuple[str, ...] = ()  # beside voter_ids, once the export knows the names

    @property
    def votes(self) -> int:
        return len(self.voter_ids)

    @property
    def voters(self) -> str:
        """Who gave the votes, for the text formats: "Ben, Cy" ("" for none)."""
        return ", ".join(self.voter_names)


@dataclass(frozen=True, slots=True)
class Participant:
    member_id: int
    name: str
    critiques: int = 0
    messages: int = 0
    votes_given: int = 0
    votes_received: int = 0
    first_ms: int | None = None
    last_ms: int | None = None

    @property
    def took_part(self) -> bool:
        """Wrote, critiqued or voted (a row of the roster may hold only zeros)."""
        return bool(self.critiques or self.messages or self.votes_given)


@dataclass(frozen=True)
class ExampleSection:
    number: int
    title: str
    text: str | None  # as the run posted it (bot/runs.py: as_posted); None: not kept, not loaded
    thread_id: int | None
    # Members' messages and their files, as stored; counted only when the output shows them
    # (a lone CSV messages or critiques table does not).
    message_count: int
    attachment_count: int
    reaction_count: int  # on the members' messages (the bot's posts' 👍 are the votes)
    bot_message_count: int  # the bot's posts among the messages (include_bot_messages)
    critiques: tuple[Critique, ...]
    tally: Tally
    reviewer: ReviewerView | None
    messages: Callable[[], Iterator[Message]]


@dataclass(frozen=True, slots=True)
class Counts:
    examples: int
    messages: int
    bot_messages: int
    critiques: int
    votes: int
    attachments: int
    reactions: int
    participants: int

    def describe(self) -> str:
        """"4 critiques, 5 thread messages, 3 reactions, 1 vote, 2 members taking part"."""
        return (f"{plural(self.critiques, 'critique')}, "
                f"{plural(self.messages, 'thread message')}, "
                f"{plural(self.reactions, 'reaction')}, {plural(self.votes, 'vote')}, "
                f"{plural(self.participants, 'member')} taking part")


@dataclass(frozen=True)
class RunSection:
    id: int
    guild_id: int
    channel_id: int
    lesson_key: str
    lesson_title: str | None  # the title and prompt as the run posted them, like the texts
    prompt: str | None
    status: str
    created_ms: int
    closed_ms: int | None
    examples: tuple[ExampleSection, ...]
    participants: tuple[Participant, ...]
    # The participants are the whole cohort the run was posted to (kept since migration
    # 0012_run_members), with zeros for who did nothing; else only the members who took part.
    whole_cohort: bool
    # The messages table as CSV lines, built (and UTF-8 encoded) by SQLite: bot/export/csv.py.
    csv_message_lines: Callable[[], Iterator[bytes]]

    @property
    def participation_note(self) -> str:
        """Who the participation table lists, said in the export itself."""
        if self.whole_cohort:
            return ("Every member of the cohort this lesson was posted to (the server's "
                    "members but moderators and bots, at posting), with zeros for what they "
                    "did not do, and anyone else who took part; not a member who used "
                    "/forget-me.")
        return ("Only the members who wrote, critiqued or voted: the bot did not keep whom "
                "this run was posted to (it was posted before it did), so a member who did "
                "nothing is not listed.")

    @property
    def title(self) -> str:
        return f"Run #{self.id} — {self.lesson_title or self.lesson_key}"

    @property
    def counts(self) -> Counts:
        return Counts(
            examples=len(self.examples),
            messages=sum(e.message_count for e in self.examples),
            bot_messages=sum(e.bot_message_count for e in self.examples),
            critiques=sum(len(e.critiques) for e in self.examples),
            votes=sum(c.votes for e in self.examples for c in e.critiques),
            attachments=sum(e.attachment_count for e in self.examples),
            reactions=sum(e.reaction_count for e in self.examples),
            participants=sum(p.took_part for p in self.participants),
        )

    @property
    def tally(self) -> Tally:
        return Tally(sum(e.tally.yes for e in self.examples),
                     sum(e.tally.no for e in self.examples),
                     sum(e.tally.unsure for e in self.examples))


@dataclass(frozen=True)
class Document:
    generated_ms: int
    calendar: Calendar
    scope: Scope
    runs: tuple[RunSection, ...]

    @property
    def timezone(self) -> str:
        return self.calendar.tz.key


def critique_post_text(critique: Critique) -> str:
    """What the bot's post of a critique says, as a message of the conversation."""
    return (f"Critique by {critique.author_name}\n"
            f"What works: {critique.works or '—'}\n"
            f"What doesn't: {critique.doesnt or '—'}\n"
            f"Likely to get a response? {critique.likely}")
