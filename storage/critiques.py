"""Structured critiques (one per member per example) and their thumbs-up votes."""

from __future__ import annotations

from dataclasses import dataclass

from storage.db import Database, as_row


@dataclass(frozen=True)
class CritiqueRow:
    id: int
    run_id: int
    example_no: int
    author_id: int
    author_name: str
    works: str
    doesnt: str
    likely: str
    message_id: int | None
    created_at: int
    updated_at: int
    votes: int = 0


@dataclass(frozen=True)
class SavedCritique:
    id: int
    created: bool  # False: the member's earlier critique was edited
    message_id: int | None  # the bot's embed for it, when one was posted before


async def save_critique(
    db: Database,
    *,
    run_id: int,
    example_no: int,
    author_id: int,
    author_name: str,
    works: str,
    doesnt: str,
    likely: str,
    now_ms: int,
) -> SavedCritique:
    """Insert, or edit the member's existing critique of this example."""
    async with db.transaction() as tx:
        rows = await tx.fetchall(
            "SELECT id, message_id FROM critiques"
            " WHERE run_id = ? AND example_no = ? AND author_id = ?",
            (run_id, example_no, author_id),
        )
        if rows:
            await tx.execute(
                "UPDATE critiques SET works = ?, doesnt = ?, likely = ?, author_name = ?,"
                " updated_at = ? WHERE id = ?",
                (works, doesnt, likely, author_name, now_ms, rows[0]["id"]),
            )
            return SavedCritique(rows[0]["id"], False, rows[0]["message_id"])
        critique_id = await tx.insert(
            "INSERT INTO critiques (run_id, example_no, author_id, author_name, works, doesnt,"
            " likely, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (run_id, example_no, author_id, author_name, works, doesnt, likely, now_ms, now_ms),
        )
        return SavedCritique(critique_id, True, None)


async def set_critique_message(db: Database, critique_id: int, message_id: int) -> None:
    await db.execute("UPDATE critiques SET message_id = ? WHERE id = ?", (message_id, critique_id))


async def critique_for_message(db: Database, message_id: int) -> CritiqueRow | None:
    row = await db.fetchone("SELECT * FROM critiques WHERE message_id = ?", (message_id,))
    return as_row(CritiqueRow, row) if row else None


async def add_vote(db: Database, critique_id: int, voter_id: int) -> None:
    await db.execute(
        "INSERT OR IGNORE INTO critique_votes (critique_id, voter_id) VALUES (?, ?)",
        (critique_id, voter_id),
    )


async def remove_vote(db: Database, critique_id: int, voter_id: int) -> None:
    await db.execute(
        "DELETE FROM critique_votes WHERE critique_id = ? AND voter_id = ?",
        (critique_id, voter_id),
    )


async def critiques_for_run(db: Database, run_id: int) -> list[CritiqueRow]:
    rows = await db.fetchall(
        "SELECT c.*, (SELECT COUNT(*) FROM critique_votes v WHERE v.critique_id = c.id) AS votes"
        " FROM critiques c WHERE c.run_id = ? ORDER BY c.example_no, c.created_at, c.id",
        (run_id,),
    )
    return [as_row(CritiqueRow, r) for r in rows]

