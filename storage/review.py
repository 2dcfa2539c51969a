"""Review usage, for the per-member hourly rate limit. Only timestamps: never the draft."""

from __future__ import annotations

from storage.db import Database


async def take_review_slot(
    db: Database, user_id: int, now_ms: int, window_ms: int, limit: int
) -> int | None:
    """Count the member's reviews in the window and record this one, atomically.

    Returns None when the review may go ahead, else the time (ms) the oldest review in the
    window leaves it, i.e. when to try again. One transaction, so concurrent DMs from one
    member cannot all pass the check before any of them is recorded.
    """
    since = now_ms - window_ms
    async with db.transaction() as tx:
        rows = await tx.fetchall(
            "SELECT reviewed_at FROM review_usage WHERE user_id = ? AND reviewed_at > ?"
            " ORDER BY reviewed_at",
            (user_id, since),
        )
        if len(rows) >= limit:
            return int(rows[len(rows) - limit][0]) + window_ms
        await tx.execute(
            "INSERT INTO review_usage (user_id, reviewed_at) VALUES (?, ?)", (user_id, now_ms)
        )
        # Older rows can never matter to the limit again.
        await tx.execute(
            "DELETE FROM review_usage WHERE user_id = ? AND reviewed_at <= ?", (user_id, since)
        )
    return None
