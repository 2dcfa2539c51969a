"""Lesson runs, their examples' messages and threads, the parts of unfinished postings, the
answers moderators wait for, and the summaries posted for everyone."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from bot.runs import (
    PendingAnswer,
    PostedLesson,
    PostingPart,
    Run,
    RunExample,
    RunStatus,
    SummaryPost,
)
from storage.db import Database, as_row


def _run(row: sqlite3.Row) -> Run:
    return Run(
        id=row["id"], guild_id=row["guild_id"], channel_id=row["channel_id"],
        lesson_key=row["lesson_key"], prompt_message_id=row["prompt_message_id"],
        status=RunStatus(row["status"]), occurrence=row["occurrence"],
        created_at=row["created_at"], closed_at=row["closed_at"],
        lesson_title=row["lesson_title"], prompt=row["prompt"], token=row["token"],
    )


def _example(row: sqlite3.Row) -> RunExample:
    return as_row(RunExample, row)


async def create_run(
    db: Database,
    *,
    guild_id: int,
    channel_id: int,
    lesson_key: str,
    lesson_title: str | None,  # None only for a run as posted before runs kept them
    prompt: str | None,
    posted_by: int | None,
    now_ms: int,
    occurrence: str | None = None,
    answer: PendingAnswer | None = None,
    token: str | None = None,
) -> int | None:
    """A new run in 'posting' state, with the lesson's title and prompt as it posts them and
    the answer its moderator waits for (one transaction: no run without it). None when this
    scheduled occurrence already has a run."""
    async with db.transaction() as tx:
        if occurrence is not None and await tx.fetchval(
            "SELECT id FROM lesson_runs WHERE occurrence = ?", (occurrence,)
        ):
            return None
        run_id = await tx.insert(
            "INSERT INTO lesson_runs (guild_id, channel_id, lesson_key, lesson_title, prompt,"
            " posted_by, occurrence, created_at, token) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (guild_id, channel_id, lesson_key, lesson_title, prompt, posted_by, occurrence,
             now_ms, token),
        )
        if answer is not None:
            await tx.execute(
                "INSERT INTO posting_answers (run_id, application_id, token, user_id, asked_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (run_id, answer.application_id, answer.token, answer.user_id, answer.asked_at),
            )
        return run_id


async def answer_of(db: Database, run_id: int) -> PendingAnswer | None:
    """The answer this run's moderator still waits for, if any."""
    row = await db.fetchone(
        "SELECT application_id, token, user_id, asked_at FROM posting_answers WHERE run_id = ?",
        (run_id,),
    )
    return PendingAnswer(row[0], row[1], row[2], row[3]) if row else None


async def unanswered_runs(db: Database) -> list[Run]:
    """Open runs whose moderator was never told they were posted (the bot died first)."""
    rows = await db.fetchall(
        "SELECT r.* FROM lesson_runs r JOIN posting_answers a ON a.run_id = r.id"
        " WHERE r.status != 'posting' ORDER BY r.id"
    )
    return [_run(r) for r in rows]


async def drop_answer(db: Database, run_id: int) -> None:
    """The moderator has their answer: the token is not kept a moment longer."""
    await db.execute("DELETE FROM posting_answers WHERE run_id = ?", (run_id,))


async def record_posting(
    db: Database,
    run_id: int,
    prompt_message_id: int | None,
    examples: Iterable[RunExample],
    members: Iterable[tuple[int, str]] = (),
) -> None:
    """Everything the posting created (each example with the text it posted), stored at
    once; the run becomes 'open'. `members`: (id, display name) of the cohort it was posted
    to (storage/migrations/0012_run_members.sql)."""
    async with db.transaction() as tx:
        await tx.execute(
            "UPDATE lesson_runs SET prompt_message_id = ?, status = 'open' WHERE id = ?",
            (prompt_message_id, run_id),
        )
        await tx.executemany(
            "INSERT INTO run_examples (run_id, example_no, title, text, message_id, thread_id)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [(run_id, e.example_no, e.title, e.text, e.message_id, e.thread_id)
             for e in examples],
        )
        if rows := [(run_id, member_id, name) for member_id, name in members]:
            await tx.executemany("INSERT OR IGNORE INTO run_members (run_id, member_id,"
                                 " member_name) VALUES (?, ?, ?)", rows)
        await tx.execute("DELETE FROM posting_parts WHERE run_id = ?", (run_id,))


async def unkept_runs(db: Database) -> list[Run]:
    """Runs posted before runs kept what they posted (migration 0011): their lesson's title,
    prompt or an example's text is NULL."""
    rows = await db.fetchall(
        "SELECT * FROM lesson_runs r WHERE r.status != 'posting' AND (r.lesson_title IS NULL"
        " OR EXISTS (SELECT 1 FROM run_examples e WHERE e.run_id = r.id AND e.text IS NULL))"
        " ORDER BY r.id"
    )
    return [_run(r) for r in rows]


async def keep_posted(db: Database, run_id: int, posted: PostedLesson) -> None:
    """Write down what a run posted where it was not yet kept (never over what was)."""
    async with db.transaction() as tx:
        await tx.execute(
            "UPDATE lesson_runs SET lesson_title = coalesce(lesson_title, ?),"
            " prompt = coalesce(prompt, ?) WHERE id = ?", (posted.title, posted.prompt, run_id))
        await tx.executemany(
            "UPDATE run_examples SET text = coalesce(text, ?) WHERE run_id = ? AND example_no = ?",
            [(text, run_id, number) for number, text in posted.texts.items()])


async def record_part(db: Database, run_id: int, part: PostingPart) -> None:
    """One message or thread a posting has created (so a crash can be cleaned up)."""
    await db.execute(
        "INSERT OR IGNORE INTO posting_parts (run_id, channel_id, object_id, is_thread)"
        " VALUES (?, ?, ?, ?)",
        (run_id, part.channel_id, part.object_id, int(part.is_thread)),
    )


async def posting_parts(db: Database, run_id: int) -> list[PostingPart]:
    """What an unfinished posting created, newest first."""
    rows = await db.fetchall(
        "SELECT channel_id, object_id, is_thread FROM posting_parts WHERE run_id = ?"
        " ORDER BY object_id DESC, is_thread DESC",  # a thread before its starter message
        (run_id,),
    )
    return [PostingPart(r[0], r[1], bool(r[2])) for r in rows]


async def discard_run(db: Database, run_id: int) -> None:
    """Forget a run whose posting failed half-way (nothing half-done stays behind)."""
    await db.execute("DELETE FROM lesson_runs WHERE id = ? AND status = 'posting'", (run_id,))


async def close_run(db: Database, run_id: int, now_ms: int) -> bool:
    return (
        await db.execute(
            "UPDATE lesson_runs SET status = 'closed', closed_at = ?"
            " WHERE id = ? AND status = 'open'",
            (now_ms, run_id),
        )
        == 1
    )


async def get_run(db: Database, run_id: int) -> Run | None:
    row = await db.fetchone("SELECT * FROM lesson_runs WHERE id = ?", (run_id,))
    return _run(row) if row else None


async def latest_run(db: Database, guild_id: int, *, open_only: bool = False) -> Run | None:
    status = "AND status = 'open'" if open_only else "AND status != 'posting'"
    row = await db.fetchone(
        f"SELECT * FROM lesson_runs WHERE guild_id = ? {status} ORDER BY id DESC LIMIT 1",
        (guild_id,),
    )
    return _run(row) if row else None


async def last_closed(db: Database, guild_id: int) -> Run | None:
    """The guild's run closed last."""
    row = await db.fetchone(
        "SELECT * FROM lesson_runs WHERE guild_id = ? AND status = 'closed'"
        " ORDER BY closed_at DESC, id DESC LIMIT 1",
        (guild_id,),
    )
    return _run(row) if row else None


async def unclosed_runs(db: Database, guild_id: int) -> list[Run]:
    """The guild's runs that are open or still being posted, oldest first."""
    rows = await db.fetchall(
        "SELECT * FROM lesson_runs WHERE guild_id = ? AND status != 'closed' ORDER BY id",
        (guild_id,),
    )
    return [_run(r) for r in rows]


async def runs_in_guild(db: Database, guild_id: int, limit: int = 25) -> list[Run]:
    rows = await db.fetchall(
        "SELECT * FROM lesson_runs WHERE guild_id = ? AND status != 'posting'"
        " ORDER BY id DESC LIMIT ?",
        (guild_id, limit),
    )
    return [_run(r) for r in rows]


async def run_examples(db: Database, run_id: int) -> list[RunExample]:
    rows = await db.fetchall(
        "SELECT * FROM run_examples WHERE run_id = ? ORDER BY example_no", (run_id,)
    )
    return [_example(r) for r in rows]


async def thread_authors(db: Database, run_id: int) -> dict[int, list[int]]:
    """By example number: the author of each member message still standing in its thread."""
    rows = await db.fetchall(
        "SELECT e.example_no, m.author_id FROM discussion_messages m"
        " JOIN run_examples e ON e.thread_id = m.thread_id"
        " WHERE e.run_id = ? AND m.deleted_at IS NULL ORDER BY m.message_id", (run_id,)
    )
    authors: dict[int, list[int]] = {}
    for r in rows:
        authors.setdefault(r["example_no"], []).append(r["author_id"])
    return authors


async def example_for_thread(db: Database, thread_id: int) -> tuple[Run, RunExample] | None:
    row = await db.fetchone("SELECT * FROM run_examples WHERE thread_id = ?", (thread_id,))
    if row is None:
        return None
    run = await get_run(db, row["run_id"])
    return (run, _example(row)) if run else None


async def open_thread_ids(db: Database) -> set[int]:
    rows = await db.fetchall(
        "SELECT e.thread_id FROM run_examples e JOIN lesson_runs r ON r.id = e.run_id"
        " WHERE r.status = 'open' AND e.thread_id IS NOT NULL"
    )
    return {r[0] for r in rows}


async def stale_postings(db: Database) -> list[Run]:
    rows = await db.fetchall("SELECT * FROM lesson_runs WHERE status = 'posting'")
    return [_run(r) for r in rows]


async def reserve_summary(db: Database, run_id: int, channel_id: int, *, final: bool,
                          now_ms: int) -> SummaryPost:
    """Write down a summary about to be posted in `channel_id` (before anything is posted:
    a write that fails leaves nothing on Discord that /forget-me could not find)."""
    async with db.transaction() as tx:
        post_id = await tx.insert(
            "INSERT INTO summary_posts (run_id, channel_id, final, posted_at)"
            " VALUES (?, ?, ?, ?)", (run_id, channel_id, int(final), now_ms))
    return SummaryPost(post_id, run_id, channel_id, None, final)


async def place_summary(db: Database, post: SummaryPost) -> None:
    """Where a reserved summary went on Discord."""
    await db.execute("UPDATE summary_posts SET channel_id = ?, message_id = ? WHERE id = ?",
                     (post.channel_id, post.message_id, post.id))


async def summary_posts(db: Database, run_ids: Iterable[int]) -> list[SummaryPost]:
    """The summaries posted (or being posted) for these runs, oldest first."""
    ids = sorted(set(run_ids))
    rows = await db.fetchall(
        "SELECT id, run_id, channel_id, message_id, final FROM summary_posts"
        f" WHERE run_id IN ({', '.join('?' * len(ids))}) ORDER BY id",
        ids,
    )
    return [SummaryPost(r[0], r[1], r[2], r[3], bool(r[4])) for r in rows]


async def drop_summary_post(db: Database, post_id: int) -> None:
    """A summary that is not (or no longer) on Discord: never posted, or deleted there."""
    await db.execute("DELETE FROM summary_posts WHERE id = ?", (post_id,))


async def setup_notice(db: Database, guild_id: int) -> str | None:
    """The set-up notice last told in this guild, if its problems are not fixed yet."""
    row = await db.fetchone("SELECT told FROM setup_notices WHERE guild_id = ?", (guild_id,))
    return str(row["told"]) if row else None


async def record_setup_notice(db: Database, guild_id: int, told: str | None,
                              now_ms: int) -> None:
    """Remember the notice told (None: the set-up is fine, nothing to remember)."""
    if told is None:
        await db.execute("DELETE FROM setup_notices WHERE guild_id = ?", (guild_id,))
    else:
        await db.execute(
            "INSERT INTO setup_notices (guild_id, told, told_at) VALUES (?, ?, ?)"
            " ON CONFLICT (guild_id) DO UPDATE SET told = excluded.told,"
            " told_at = excluded.told_at", (guild_id, told, now_ms))
