"""The sandbox's world kept in its database (0016_demo_world.sql), and whether the file holds
another world's data."""

from __future__ import annotations

from dataclasses import dataclass

from storage.db import Database, as_row


@dataclass(frozen=True)
class KeptWorld:
    worker: int
    guild_id: int
    last_id: int
    clock_ms: int


async def kept_world(db: Database) -> KeptWorld | None:
    row = await db.fetchone("SELECT worker, guild_id, last_id, clock_ms FROM demo_world")
    return as_row(KeptWorld, row) if row is not None else None


async def keep_world(db: Database, world: KeptWorld) -> None:
    await db.execute_alone(
        "INSERT INTO demo_world (id, worker, guild_id, last_id, clock_ms)"
        " VALUES (1, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET worker = excluded.worker,"
        " guild_id = excluded.guild_id, last_id = excluded.last_id,"
        " clock_ms = excluded.clock_ms",
        (world.worker, world.guild_id, world.last_id, world.clock_ms))


async def holds_members_data(db: Database) -> bool:
    """Whether anything of a guild's members is stored: runs, critiques, outreaches,
    settings (what a world whose ids are not these would leave unreachable)."""
    return bool(await db.fetchval(
        "SELECT EXISTS (SELECT 1 FROM lesson_runs) OR EXISTS (SELECT 1 FROM critiques)"
        " OR EXISTS (SELECT 1 FROM outreaches) OR EXISTS (SELECT 1 FROM member_settings)"))
