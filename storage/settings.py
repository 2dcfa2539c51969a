"""Per-member settings (today: the timezone). One row per member who set something."""

from __future__ import annotations

from storage.db import Database


async def timezone_of(db: Database, user_id: int) -> str | None:
    """The member's own timezone, None if they never set one (the cohort's applies)."""
    value = await db.fetchval("SELECT timezone FROM member_settings WHERE user_id = ?",
                              (user_id,))
    return str(value) if value else None


async def set_timezone(db: Database, user_id: int, zone: str | None, now: int) -> None:
    await db.execute(
        "INSERT INTO member_settings (user_id, timezone, updated_at) VALUES (?, ?, ?)"
        " ON CONFLICT (user_id) DO UPDATE SET timezone = excluded.timezone,"
        " updated_at = excluded.updated_at",
        (user_id, zone, now),
    )
