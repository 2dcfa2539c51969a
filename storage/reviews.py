"""Review usage, for the per-member hourly rate limit. Only timestamps: never the draft."""

from __future__ import annotations

from storage.db import Database


async def reviews_since(db: Database, user_id: int, since_ms: int) -> list[int]:
    rows = await db.fetchall(
        "SELECT reviewed_at FROM review_usage WHERE user_id = ? AND reviewed_at > ?"
        " ORDER BY reviewed_at",
        (user_id, since_ms),
    )
    return [r[0] for r in rows]


async def record_review(db: Database, user_id: int, at_ms: int, prune_before_ms: int) -> None:
    async with db.transaction() as tx:
        await tx.execute(
            "INSERT INTO review_usage (user_id, reviewed_at) VALUES (?, ?)", (user_id, at_ms)
        )
        # Older rows can never matter to the limit again.
        await tx.execute(
            "DELETE FROM review_usage WHERE user_id = ? AND reviewed_at <= ?",
            (user_id, prune_before_ms),
        )
