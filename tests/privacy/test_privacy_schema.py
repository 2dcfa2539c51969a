"""/forget-me against the schema: every column that can hold a member's id is one the forget
covers (found by walking sqlite_master, so the next such column fails here until it is), and
after a moderator who did everything is forgotten no column anywhere holds their id."""

from __future__ import annotations

import re
from pathlib import Path

from storage import Database
from storage import critiques as critiques_store
from storage import privacy as privacy_store
from tests.world import CohortWorld, component, critique, example_messages, post

# A column can hold a member's id when it says who did something: `posted_by`, `closed_by`,
# `user_id`, `author_id`, `voter_id`, `member_id`, `moderator_id`, ... or what stands for
# one (`author_key`: the keyed hash a take-down keeps after /forget-me).
WHO = re.compile(r"(^|_)(user|author|voter|member|moderator|owner|actor|reporter)_(id|key)$"
                 r"|_by$")
# Names that look so but hold no member, each with what it holds.
NOT_A_MEMBER = {("followups", "claimed_by"): "which bot process claimed the reminder"}


async def _columns(db: Database) -> list[tuple[str, str]]:
    tables = await db.fetchall("SELECT name FROM sqlite_master WHERE type = 'table'"
                               " AND name NOT LIKE 'sqlite_%' ORDER BY name")
    found = []
    for (table,) in tables:
        for column in await db.fetchall(f"SELECT name FROM pragma_table_info('{table}')"):
            found.append((table, column[0]))
    return found


async def test_every_column_that_can_hold_a_member_id_is_covered_by_the_forget(
    db: Database,
) -> None:
    holding = {(t, c) for t, c in await _columns(db)
               if WHO.search(c) and (t, c) not in NOT_A_MEMBER}
    covered = {(t, c) for t, c, _ in privacy_store.MEMBER_COLUMNS}
    assert holding == covered, (f"not forgotten: {sorted(holding - covered)}; "
                                f"listed but not in the schema: {sorted(covered - holding)}")


async def test_a_forgotten_moderator_s_id_is_in_no_column_of_the_database(
    world: CohortWorld,
) -> None:
    """The moderator posts a run, critiques, votes, logs an outreach, sets their timezone,
    writes and reacts in a thread; after their /forget-me not one cell holds their id (the
    runs they posted stay, without it)."""
    run_id = await post(world)
    first = example_messages(world)[0]
    await critique(world, world.ada, first, "Polite", "Vague", "no")
    await critique(world, world.mod, first, "Short", "No ask", "yes")
    thread = world.sandbox.threads(world.lessons)[0]
    ada_post = world.posts(thread)[0]
    await world.mod.react(ada_post, "👍")
    await world.mod.slash("outreach log", {"who": "Dana Lee", "channel": "email"})
    await world.mod.slash("settings timezone", {"zone": "Europe/Paris"})
    said = await world.ada.say(thread, "What do you think?")
    await world.mod.say(thread, "Looks fine to me")
    await world.mod.react(said, "🎉")
    await world.bot.services.discussion.flush()

    asked = await world.mod.slash("forget-me")
    assert "1 lesson run you posted" in asked.response.content, asked.response.content
    await world.mod.click(asked.response, component(asked.response, "Delete everything"))

    db = world.bot.db
    left = [(t, c) for t, c in await _columns(db)
            if await db.fetchval(f'SELECT COUNT(*) FROM "{t}" WHERE "{c}" = ?', (world.mod.id,))]
    assert left == []
    assert await db.fetchval("SELECT COUNT(*) FROM lesson_runs WHERE id = ?", (run_id,)) == 1
    assert (await privacy_store.stored_counts(db, world.mod.id)).total == 0


async def test_a_take_down_noted_before_migration_0019_is_kept_and_outlives_a_forget(
    tmp_path: Path,
) -> None:
    """A database at 0018 holds take-downs by the author's id: migrated, they still refuse
    the critique, before the author's /forget-me and after it."""
    path = tmp_path / "cohort.db"
    old = await Database.open(path, migrate=False)
    await old.migrate(18)
    await old.execute("INSERT INTO lesson_runs (id, guild_id, channel_id, lesson_key, status,"
                      " created_at) VALUES (1, 10, 20, 'l', 'open', 0)")
    await old.execute("INSERT INTO run_examples (run_id, example_no, title) VALUES (1, 1, 't')")
    await old.execute("INSERT INTO critique_removals VALUES (1, 1, 4242, 0)")
    await old.close()
    db = await Database.open(path)
    try:
        assert await critiques_store.taken_down(db, 1, 1, 4242)
        assert not await critiques_store.taken_down(db, 1, 1, 4243)
        forgotten = await privacy_store.forget_member(db, 4242)
        assert forgotten.records.takedowns == 1 and forgotten.records.deleted == 0
        assert await critiques_store.taken_down(db, 1, 1, 4242)
        assert not await db.fetchval("SELECT COUNT(*) FROM critique_removals"
                                     " WHERE author_id = 4242")
    finally:
        await db.close()
