"""Critique storage: one critique per member per example, saved by one UPSERT; typed rows."""

from __future__ import annotations

from bot.critiques import Likely
from bot.runs import RunExample
from storage import Database
from storage import critiques as critiques_store
from storage import runs as runs_store


async def a_run(db: Database) -> int:
    run_id = await runs_store.create_run(db, guild_id=1, channel_id=2, lesson_key="l",
                                         lesson_title="L", prompt="P", posted_by=None, now_ms=0)
    assert run_id is not None
    await runs_store.record_posting(db, run_id, 10, [RunExample(run_id, 1, "One", 11, 12)])
    return run_id


async def save(db: Database, run_id: int, author_id: int, works: str, likely: Likely,
               now_ms: int) -> critiques_store.SavedCritique:
    return await critiques_store.save_critique(
        db, run_id=run_id, example_no=1, author_id=author_id, author_name=f"m{author_id}",
        works=works, doesnt="", likely=likely, now_ms=now_ms)


async def test_saving_again_edits_the_members_critique_in_place(db: Database) -> None:
    run_id = await a_run(db)
    first = await save(db, run_id, 7, "polite", Likely.NO, now_ms=1)
    assert first.message_id is None  # not posted yet
    await critiques_store.set_critique_message(db, first.id, 99)
    again = await save(db, run_id, 7, "polite and short", Likely.YES, now_ms=2)
    assert (again.id, again.message_id) == (first.id, 99)
    (row,) = await critiques_store.critiques_for_run(db, run_id)
    assert (row.works, row.likely, row.created_at, row.updated_at) == (
        "polite and short", Likely.YES, 1, 2)
    assert isinstance(row.likely, Likely)


async def test_each_member_has_a_critique_of_their_own(db: Database) -> None:
    run_id = await a_run(db)
    ada = await save(db, run_id, 7, "a", Likely.NO, now_ms=1)
    ben = await save(db, run_id, 8, "b", Likely.UNSURE, now_ms=1)
    assert ada.id != ben.id
    rows = await critiques_store.critiques_for_run(db, run_id)
    assert [(r.author_id, r.likely) for r in rows] == [(7, Likely.NO), (8, Likely.UNSURE)]
