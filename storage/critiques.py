"""Structured critiques (one per member per example) and their thumbs-up votes."""

from __future__ import annotations

import hashlib
import hmac
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from bot.critiques import Likely
from storage.db import Database, Transaction


@dataclass(frozen=True)
class CritiqueRow:
    id: int
    run_id: int
    example_no: int
    author_id: int
    author_name: str
    works: str
    doesnt: str
    likely: Likely
    message_id: int | None
    created_at: int
    updated_at: int
    votes: int


def _critique(row: sqlite3.Row) -> CritiqueRow:
    return CritiqueRow(
        id=row["id"], run_id=row["run_id"], example_no=row["example_no"],
        author_id=row["author_id"], author_name=row["author_name"], works=row["works"],
        doesnt=row["doesnt"], likely=Likely(row["likely"]), message_id=row["message_id"],
        created_at=row["created_at"], updated_at=row["updated_at"],
        votes=row["votes"],
    )


# Critiques with their current vote counts.
_CRITIQUES = (
    "SELECT c.*, (SELECT COUNT(*) FROM critique_votes v WHERE v.critique_id = c.id) AS votes"
    " FROM critiques c"
)


async def author_key(source: Database | Transaction, author_id: int) -> bytes:
    """What stands for a member in a take-down once they used /forget-me: HMAC-SHA256 of their
    id under the database's own random key (storage/migrations/0019_takedowns_outlive_forget
    .sql). It holds nothing of them, but the same member gives the same key again."""
    key = await source.fetchval("SELECT key FROM member_keys WHERE name = 'moderation'")
    return hmac.new(key, str(author_id).encode(), hashlib.sha256).digest()


async def take_down(db: Database, message_id: int, now_ms: int) -> int | None:
    """The critique whose post this was, taken down (its post deleted by a moderator): it and
    its votes deleted, and noted as taken down (storage/migrations/0018_critique_removals.sql)
    so that it is refused again, after its author's /forget-me too (0019). Returns its run,
    None when the message was no critique's post."""
    async with db.transaction() as tx:
        rows = await tx.fetchall(
            "DELETE FROM critiques WHERE message_id = ? RETURNING run_id, example_no, author_id",
            (message_id,))
        await tx.executemany(
            "INSERT OR IGNORE INTO critique_removals (run_id, example_no, author_id,"
            " removed_at) VALUES (?, ?, ?, ?)", [(*tuple(r), now_ms) for r in rows])
    return rows[0]["run_id"] if rows else None


_TAKEN_DOWN = ("SELECT 1 FROM critique_removals WHERE run_id = ? AND example_no = ?"
               " AND (author_id = ? OR author_key = ?)")


async def taken_down(source: Database | Transaction, run_id: int, example_no: int,
                     author_id: int) -> bool:
    """Whether the member's critique of this example was taken down by a moderator (before
    or after they used /forget-me)."""
    key = await author_key(source, author_id)
    return bool(await source.fetchval(_TAKEN_DOWN, (run_id, example_no, author_id, key)))


async def takedowns_for_run(db: Database, run_id: int) -> list[tuple[int, int]]:
    """(author id, example number) of the run's take-downs whose author has not used
    /forget-me (after it, only the keyed hash is left, which names no one)."""
    rows = await db.fetchall("SELECT author_id, example_no FROM critique_removals"
                             " WHERE run_id = ? AND author_id IS NOT NULL", (run_id,))
    return [(row[0], row[1]) for row in rows]


@dataclass(frozen=True)
class SavedCritique:
    id: int
    message_id: int | None  # the bot's embed for it; None until one has been noted
    existed: bool  # sent before (an edit, or a retry after the bot died mid-way)
    removed: bool = False  # taken down by a moderator: nothing was written


# One statement: the member's critique of this example is inserted, or edited in place (the
# UNIQUE key is one critique per member per example).
_SAVE_CRITIQUE = (
    "INSERT INTO critiques (run_id, example_no, author_id, author_name, works, doesnt, likely,"
    " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (run_id, example_no, author_id) DO UPDATE SET works = excluded.works,"
    " doesnt = excluded.doesnt, likely = excluded.likely, author_name = excluded.author_name,"
    " updated_at = excluded.updated_at"
    " RETURNING id, message_id"
)


async def save_critique(
    db: Database,
    *,
    run_id: int,
    example_no: int,
    author_id: int,
    author_name: str,
    works: str,
    doesnt: str,
    likely: Likely,
    now_ms: int,
) -> SavedCritique:
    """Insert, or edit the member's existing critique of this example."""
    params = (run_id, example_no, author_id, author_name, works, doesnt, likely.value, now_ms,
              now_ms)
    async with db.transaction() as tx:
        if await taken_down(tx, run_id, example_no, author_id):
            return SavedCritique(0, None, True, removed=True)  # not written again
        existed = await tx.fetchval(
            "SELECT 1 FROM critiques WHERE run_id = ? AND example_no = ? AND author_id = ?",
            (run_id, example_no, author_id))
        (row,) = await tx.fetchall(_SAVE_CRITIQUE, params)
    return SavedCritique(row["id"], row["message_id"], existed is not None)


async def set_critique_message(db: Database, critique_id: int, message_id: int) -> None:
    await db.execute("UPDATE critiques SET message_id = ? WHERE id = ?", (message_id, critique_id))


async def critique_for_message(db: Database, message_id: int) -> CritiqueRow | None:
    row = await db.fetchone(f"{_CRITIQUES} WHERE c.message_id = ?", (message_id,))
    return _critique(row) if row else None


async def add_vote(db: Database, critique_id: int, voter_id: int) -> None:
    await db.execute(
        "INSERT OR IGNORE INTO critique_votes (critique_id, voter_id) VALUES (?, ?)",
        (critique_id, voter_id),
    )


async def flag_forgotten_votes(db: Database, critique_id: int) -> None:
    """A forgotten member's 👍 may be on the critique's post (migration 0013)."""
    await db.execute("UPDATE critiques SET forgotten_votes = 1 WHERE id = ?", (critique_id,))


async def remove_vote(db: Database, critique_id: int, voter_id: int) -> None:
    await db.execute(
        "DELETE FROM critique_votes WHERE critique_id = ? AND voter_id = ?",
        (critique_id, voter_id),
    )


@dataclass(frozen=True)
class CritiquePost:
    """An open run's critique post."""

    critique_id: int
    author_id: int
    thread_id: int
    message_id: int
    forgotten_votes: bool  # a forgotten member's 👍 may still be on it (migration 0013)


_POSTS = (
    "SELECT c.id, c.author_id, e.thread_id, c.message_id, c.forgotten_votes"
    " FROM critiques c JOIN lesson_runs r ON r.id = c.run_id"
    " JOIN run_examples e ON e.run_id = c.run_id AND e.example_no = c.example_no"
    " WHERE c.message_id IS NOT NULL AND e.thread_id IS NOT NULL"
)


def _post(r: sqlite3.Row) -> CritiquePost:
    return CritiquePost(r["id"], r["author_id"], r["thread_id"], r["message_id"],
                        bool(r["forgotten_votes"]))


async def open_posts(db: Database) -> list[CritiquePost]:
    """The critique posts of every open run, oldest first."""
    rows = await db.fetchall(f"{_POSTS} AND r.status = 'open' ORDER BY c.id")
    return [_post(r) for r in rows]


async def post_of(db: Database, critique_id: int) -> CritiquePost | None:
    """Where one critique's post is, if it has one."""
    row = await db.fetchone(f"{_POSTS} AND c.id = ?", (critique_id,))
    return _post(row) if row else None


async def votes_of(db: Database, critique_id: int) -> frozenset[int]:
    """Who the critique's stored votes are from."""
    rows = await db.fetchall("SELECT voter_id FROM critique_votes WHERE critique_id = ?",
                             (critique_id,))
    return frozenset(r[0] for r in rows)


async def change_votes(db: Database, critique_id: int, added: Iterable[int],
                       removed: Iterable[int]) -> None:
    """Votes cast and taken back on one critique, in one transaction."""
    async with db.transaction() as tx:
        await tx.executemany("INSERT OR IGNORE INTO critique_votes (critique_id, voter_id)"
                             " VALUES (?, ?)", [(critique_id, v) for v in added])
        await tx.executemany("DELETE FROM critique_votes WHERE critique_id = ? AND voter_id = ?",
                             [(critique_id, v) for v in removed])


async def critiques_for_run(db: Database, run_id: int) -> list[CritiqueRow]:
    rows = await db.fetchall(
        f"{_CRITIQUES} WHERE c.run_id = ? ORDER BY c.example_no, c.created_at, c.id",
        (run_id,),
    )
    return [_critique(r) for r in rows]

