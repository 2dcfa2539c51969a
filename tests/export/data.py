"""A run written straight through the storage layer (no Discord): for the tests that need a
real database with exactly the messages they name, and fast."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.clock import ManualClock
from bot.critiques import Likely
from bot.discussion import (
    AttachmentRow,
    DiscussionRow,
    ReactionChange,
    ReactionCount,
    ReactionKind,
)
from bot.lessons import load_lessons
from bot.runs import RunExample
from bot.services.export import ExportService
from storage import Database
from storage import critiques as critiques_store
from storage import discussion as discussion_store
from storage import runs as runs_store
from storage.db import MIGRATIONS

ROOT = Path(__file__).resolve().parents[2]
GUILD, CHANNEL = 900, 901
START_MS = 1_767_603_600_000  # 2026-01-05 09:00 UTC
# The schema just before reactions were captured.
BEFORE_REACTIONS = next(
    n for n, name, _ in MIGRATIONS if name.endswith("_discussion_reactions.sql")) - 1
# The schema just before runs kept what they posted.
BEFORE_SNAPSHOTS = next(
    n for n, name, _ in MIGRATIONS if name.endswith("_run_snapshots.sql")) - 1
# The schema just before a capture group became one statement (through a view).
BEFORE_GROUPS = next(
    n for n, name, _ in MIGRATIONS if name.endswith("_discussion_groups.sql")) - 1
THREADS = (1001, 1002, 1003)


Reacted = tuple[str, str, int, Sequence[tuple[int, str]]]


@dataclass
class Said:
    """A thread message to store: who, what, and its place in time (ms after START_MS)."""

    author_id: int
    author_name: str
    content: str
    after_ms: int = 0
    example: int = 1
    reply_to: int | None = None  # the index in the list of an earlier message
    edited_after_ms: int | None = None
    deleted: bool = False
    files: Sequence[tuple[str, int, str]] = field(default_factory=tuple)
    # (emoji key, name, count, (member id, name) of those known): see bot/discussion.py.
    reactions: Sequence[Reacted] = field(default_factory=tuple)


def message_id(index: int, after_ms: int) -> int:
    # A real snowflake shape: the time in the high bits, so ids sort like the messages.
    return ((START_MS + after_ms - 1_420_070_400_000) << 22) + index


async def posted_run(db: Database, schema: int | None) -> int:
    """The run and its three examples, as a bot at that schema wrote them; as posted before
    runs kept their text (the lesson file gives it) at every schema."""
    def examples(run_id: int) -> list[RunExample]:
        return [RunExample(run_id, n, f"Outreach {n}", 5000 + n, THREADS[n - 1])
                for n in (1, 2, 3)]

    if schema is None or schema > BEFORE_SNAPSHOTS:
        run_id = await runs_store.create_run(
            db, guild_id=GUILD, channel_id=CHANNEL, lesson_key="networking-with-professionals",
            lesson_title=None, prompt=None, posted_by=1, now_ms=START_MS)
        assert run_id is not None
        await runs_store.record_posting(db, run_id, 5000, examples(run_id))
        return run_id
    # Today's storage names columns an older schema lacks: the rows that bot wrote.
    async with db.transaction() as tx:
        run_id = await tx.insert(
            "INSERT INTO lesson_runs (guild_id, channel_id, lesson_key, prompt_message_id,"
            " status, posted_by, created_at) VALUES (?, ?, ?, 5000, 'open', 1, ?)",
            (GUILD, CHANNEL, "networking-with-professionals", START_MS))
        await tx.executemany(
            "INSERT INTO run_examples (run_id, example_no, title, message_id, thread_id)"
            " VALUES (?, ?, ?, ?, ?)",
            [(e.run_id, e.example_no, e.title, e.message_id, e.thread_id)
             for e in examples(run_id)])
    return run_id


async def older_messages(db: Database, rows: Sequence[DiscussionRow],
                         live: Sequence[ReactionChange]) -> None:
    """Messages as a bot before the group view wrote them (today's storage writes through
    the view); reactions are not written at such a schema here."""
    assert not live and all(r.reactions is None for r in rows), "no reactions at an old schema"
    async with db.transaction() as tx:
        await tx.executemany(
            "INSERT INTO discussion_messages (message_id, thread_id, author_id, author_name,"
            " content, reply_to_id, created_at, edited_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [r[:8] for r in rows])
        await tx.executemany(
            "INSERT INTO discussion_attachments (message_id, attachment_id, filename, url, size)"
            " VALUES (?, ?, ?, ?, ?)", [(r.message_id, *a) for r in rows for a in r.attachments])


async def store_run(path: Path, said: Sequence[Said], *, critiques: Sequence[tuple] = (),
                    schema: int | None = None) -> tuple[int, list[int]]:
    """A posted run with three examples (the lesson's) and `said` in their threads, in a
    database at the current schema or at version `schema`.

    `critiques`: (example, author_id, author_name, works, doesnt, likely, voter ids).
    Returns the run id and the message ids, in the order of `said`."""
    db = await Database.open(path, migrate=False)
    try:
        await db.migrate(schema)
        run_id = await posted_run(db, schema)
        ids = [message_id(i, s.after_ms) for i, s in enumerate(said)]
        rows = [
            DiscussionRow(
                ids[i], THREADS[s.example - 1], s.author_id, s.author_name, s.content,
                ids[s.reply_to] if s.reply_to is not None else None, START_MS + s.after_ms,
                START_MS + s.edited_after_ms if s.edited_after_ms is not None else None,
                attachments=tuple(AttachmentRow(ids[i] + 7 + k, name, url, size)
                                  for k, (name, size, url) in enumerate(s.files)),
                # The reactions the backfill counted, then the known members, seen live.
                reactions=tuple(ReactionCount(key, name, total - len(users))
                                for key, name, total, users in s.reactions
                                if total > len(users)) if s.reactions else None,
            )
            for i, s in enumerate(said)
        ]
        live = [ReactionChange(ReactionKind.ADDED, ids[i], key, name, user_id, user_name)
                for i, s in enumerate(said) for key, name, _, users in s.reactions
                for user_id, user_name in users]
        if schema is None or schema > BEFORE_GROUPS:
            await discussion_store.save_group(db, [*rows, *live])
        else:
            await older_messages(db, rows, live)
        for i, s in enumerate(said):
            if s.deleted:
                await discussion_store.delete_message(db, ids[i], START_MS + s.after_ms + 1)
        for n, (example, author_id, name, works, doesnt, likely, voters) in enumerate(critiques):
            saved = await critiques_store.save_critique(
                db, run_id=run_id, example_no=example, author_id=author_id, author_name=name,
                works=works, doesnt=doesnt, likely=Likely(likely), now_ms=START_MS + 1000 * n)
            await critiques_store.set_critique_message(db, saved.id,
                                                       message_id(900 + n, 1000 * n))
            for voter in voters:
                await critiques_store.add_vote(db, saved.id, voter)
    finally:
        await db.close()
    return run_id, ids


def service(path: Path, timezone: str = "Europe/Berlin") -> ExportService:
    return ExportService(path, timezone=ZoneInfo(timezone),
                         lessons=partial(load_lessons, ROOT / "lessons"), clock=ManualClock())
