"""Outreach a member logged as sent. The draft is kept only if the member agreed."""

from __future__ import annotations

from dataclasses import dataclass

from storage.db import Database, as_row


@dataclass(frozen=True)
class OutreachRow:
    id: int
    user_id: int
    recipient: str
    channel: str
    draft: str | None
    sent_at: int
    status: str
    created_at: int


async def log_outreach(
    db: Database,
    *,
    user_id: int,
    recipient: str,
    channel: str,
    draft: str | None,
    sent_at: int,
    now_ms: int,
) -> int:
    async with db.transaction() as tx:
        return await tx.insert(
            "INSERT INTO outreaches (user_id, recipient, channel, draft, sent_at, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (user_id, recipient, channel, draft, sent_at, now_ms),
        )


async def outreaches_for(db: Database, user_id: int) -> list[OutreachRow]:
    rows = await db.fetchall(
        "SELECT * FROM outreaches WHERE user_id = ? ORDER BY sent_at DESC, id DESC", (user_id,)
    )
    return [as_row(OutreachRow, r) for r in rows]
