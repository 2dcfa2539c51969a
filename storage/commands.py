"""The slash commands as last synced: one hash of their definitions per application and scope
(a guild id, or 0 for the global commands)."""

from __future__ import annotations

from storage.db import Database

GLOBAL_SCOPE = 0


async def synced_hash(db: Database, application_id: int, scope: int) -> str | None:
    value = await db.fetchval(
        "SELECT payload_hash FROM command_syncs WHERE application_id = ? AND scope = ?",
        (application_id, scope),
    )
    return str(value) if value is not None else None


async def record_sync(db: Database, application_id: int, scope: int, payload_hash: str,
                      now_ms: int) -> None:
    await db.execute(
        "INSERT INTO command_syncs (application_id, scope, payload_hash, synced_at)"
        " VALUES (?, ?, ?, ?) ON CONFLICT (application_id, scope) DO UPDATE SET"
        " payload_hash = excluded.payload_hash, synced_at = excluded.synced_at",
        (application_id, scope, payload_hash, now_ms),
    )
