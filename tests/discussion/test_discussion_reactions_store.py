"""Reactions in storage: live changes and counts read from history, applied in their order,
whatever groups they are written in; deleted messages and /forget-me take theirs along."""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.discussion import (
    DiscussionRow,
    MessageReaction,
    ReactionChange,
    ReactionCount,
    ReactionKind,
)
from bot.runs import RunExample
from storage import Database
from storage import discussion as discussion_store
from storage import privacy as privacy_store
from storage import runs as runs_store

THREAD = 1001
ADA, BEN, CY = 11, 12, 13
THUMBS, PARTY, BLOB_ID = "👍", "🎉", "880000000000000001"  # a custom emoji is keyed by its id
Change = DiscussionRow | ReactionChange


async def open_thread(db: Database) -> None:
    run_id = await runs_store.create_run(db, guild_id=1, channel_id=2, lesson_key="l",
                                         lesson_title="L", prompt="P", posted_by=1, now_ms=0)
    assert run_id is not None
    await runs_store.record_posting(db, run_id, 5000, [RunExample(run_id, 1, "One", 5001,
                                                                  THREAD)])


def said(message_id: int, author: int = ADA,
         reactions: tuple[ReactionCount, ...] | None = None) -> DiscussionRow:
    return DiscussionRow(message_id, THREAD, author, f"member {author}", f"text {message_id}",
                         None, message_id, reactions=reactions)


def added(message_id: int, user: int, emoji: str = THUMBS) -> ReactionChange:
    return ReactionChange(ReactionKind.ADDED, message_id, emoji, _name(emoji), user,
                          f"member {user}")


def removed(message_id: int, user: int, emoji: str = THUMBS) -> ReactionChange:
    return ReactionChange(ReactionKind.REMOVED, message_id, emoji, _name(emoji), user)


def cleared(message_id: int, emoji: str | None = None) -> ReactionChange:
    return ReactionChange(ReactionKind.CLEARED, message_id, emoji,
                          _name(emoji) if emoji else None)


def counted(message_id: int, **totals: int) -> DiscussionRow:
    """The message as the backfill reads it from history: counts, no names."""
    emojis = {"thumbs": THUMBS, "party": PARTY, "blob": BLOB_ID}
    return said(message_id, reactions=tuple(
        ReactionCount(emojis[k], _name(emojis[k]), n) for k, n in totals.items()))


def _name(emoji: str) -> str:
    return "blob" if emoji == BLOB_ID else emoji


async def stored(db: Database) -> dict[int, list[MessageReaction]]:
    """The thread's reactions, after checking the running totals the database keeps."""
    off = await db.fetchval(
        "SELECT count(*) FROM discussion_messages m WHERE m.reactions != coalesce("
        "(SELECT sum(r.count) FROM discussion_reactions r WHERE r.message_id = m.message_id), 0)"
        " OR EXISTS (SELECT 1 FROM discussion_reactions r WHERE r.message_id = m.message_id"
        " AND r.named != (SELECT count(*) FROM discussion_reactors u"
        " WHERE u.message_id = r.message_id AND u.emoji = r.emoji))")
    assert off == 0, "a running total drifted from the rows it counts"
    return await discussion_store.thread_reactions(db, THREAD)


async def test_live_reactions_count_each_member_once_and_name_them(db: Database) -> None:
    await open_thread(db)
    await discussion_store.save_group(db, [
        said(1), added(1, BEN), added(1, CY), added(1, BEN),  # a repeated event adds nothing
        added(1, CY, BLOB_ID), added(1, BEN, PARTY), removed(1, BEN, PARTY),
    ])
    assert await stored(db) == {1: [MessageReaction(BLOB_ID, "blob", 1, (CY,)),
                                    MessageReaction(THUMBS, THUMBS, 2, (BEN, CY))]}
    await discussion_store.save_group(db, [removed(1, CY), cleared(1, BLOB_ID)])
    assert await stored(db) == {1: [MessageReaction(THUMBS, THUMBS, 1, (BEN,))]}
    await discussion_store.save_group(db, [cleared(1)])
    assert await stored(db) == {}


async def test_a_group_is_stored_whole_or_not_at_all(db: Database) -> None:
    await open_thread(db)
    await discussion_store.save_group(db, [said(1), added(1, ADA)])
    stray = DiscussionRow(2, THREAD + 1, BEN, "member 12", "in no run's thread", None, 2)
    with pytest.raises(sqlite3.IntegrityError):  # the last part of the group fails
        await discussion_store.save_group(db, [said(3), added(1, BEN), added(3, CY), stray])
    assert [r.message_id for r in await discussion_store.thread_messages(db, THREAD)] == [1]
    assert await stored(db) == {1: [MessageReaction(THUMBS, THUMBS, 1, (ADA,))]}


async def test_reactions_on_messages_not_stored_are_ignored(db: Database) -> None:
    await open_thread(db)
    # 99: the bot's own post (its 👍 are critique votes), or a message never captured.
    await discussion_store.save_group(db, [said(1), added(99, BEN), added(1, BEN)])
    assert list(await stored(db)) == [1]


async def test_history_counts_keep_the_names_they_can_still_include(db: Database) -> None:
    await open_thread(db)
    await discussion_store.save_group(db, [said(1), added(1, ADA), added(1, BEN),
                                           said(2), added(2, ADA, PARTY)])
    # Back after downtime: two more 👍 on 1 (names unknown); the 🎉 on 2 was taken back.
    await discussion_store.save_group(db, [counted(1, thumbs=4), counted(2)])
    assert await stored(db) == {1: [MessageReaction(THUMBS, THUMBS, 4, (ADA, BEN))]}
    # Later history shows one 👍 fewer than the names known: someone left, nobody knows who.
    await discussion_store.save_group(db, [counted(1, thumbs=1, blob=2)])
    assert await stored(db) == {1: [MessageReaction(BLOB_ID, "blob", 2, ()),
                                    MessageReaction(THUMBS, THUMBS, 1, ())]}


async def test_a_removal_the_bot_never_saw_added_still_lowers_the_count(db: Database) -> None:
    await open_thread(db)
    await discussion_store.save_group(db, [counted(1, thumbs=2), added(1, ADA)])
    assert await stored(db) == {1: [MessageReaction(THUMBS, THUMBS, 3, (ADA,))]}
    await discussion_store.save_group(db, [removed(1, CY), removed(1, BEN)])
    # Two the bot never saw added were taken back: ADA's is the one left.
    assert await stored(db) == {1: [MessageReaction(THUMBS, THUMBS, 1, (ADA,))]}


async def test_a_deleted_message_takes_its_reactions_along(db: Database) -> None:
    await open_thread(db)
    await discussion_store.save_group(db, [said(1), added(1, BEN), said(2), added(2, BEN)])
    assert await discussion_store.delete_message(db, 1, deleted_at=50)
    await discussion_store.save_group(db, [added(1, CY), counted(1, thumbs=3)])
    assert list(await stored(db)) == [2]


async def test_forgetting_a_member_takes_their_reactions_out_of_the_counts(
    db: Database,
) -> None:
    await open_thread(db)
    await discussion_store.save_group(db, [
        said(1, author=ADA), added(1, BEN), added(1, CY), added(1, BEN, PARTY),
        said(2, author=BEN), added(2, ADA), added(2, CY),  # on BEN's own message
    ])
    assert (await privacy_store.stored_counts(db, BEN)).reactions == 2
    gone = await privacy_store.forget_member(db, BEN)
    assert gone.records.reactions == 2 and gone.records.discussion_messages == 1
    assert (await privacy_store.stored_counts(db, BEN)).total == 0
    # BEN's message went with its reactions; on ADA's, only CY's 👍 is left.
    assert await stored(db) == {1: [MessageReaction(THUMBS, THUMBS, 1, (CY,))]}


# --- the order of changes, not the groups they are written in, decides --------------------

MESSAGES = (1, 2)
USERS = (ADA, BEN, CY)
EMOJIS = (THUMBS, PARTY, BLOB_ID)
CHANGES = st.one_of(
    st.builds(added, st.sampled_from(MESSAGES), st.sampled_from(USERS), st.sampled_from(EMOJIS)),
    st.builds(removed, st.sampled_from(MESSAGES), st.sampled_from(USERS),
              st.sampled_from(EMOJIS)),
    st.builds(cleared, st.sampled_from(MESSAGES), st.none() | st.sampled_from(EMOJIS)),
    st.builds(lambda m, t, p, b: counted(m, thumbs=t, party=p, blob=b),
              st.sampled_from(MESSAGES), *[st.integers(0, 4)] * 3),
)


def model(changes: Sequence[Change]) -> dict[int, list[MessageReaction]]:
    """The rules of storage/migrations/0008_discussion_reactions.sql, one change at a time,
    in plain Python."""
    state: dict[tuple[int, str], tuple[str, int, set[int]]] = {}
    for c in changes:
        if isinstance(c, DiscussionRow):
            assert c.reactions is not None
            totals = {r.emoji: r for r in c.reactions if r.total > 0}
            for key in [k for k in state if k[0] == c.message_id and k[1] not in totals]:
                del state[key]
            for r in totals.values():
                _, _, users = state.get((c.message_id, r.emoji), ("", 0, set()))
                state[(c.message_id, r.emoji)] = (r.name, r.total,
                                                  users if len(users) <= r.total else set())
            continue
        key = (c.message_id, c.emoji or "")
        if c.kind is ReactionKind.CLEARED:
            for k in [k for k in state if k[0] == c.message_id and c.emoji in (None, k[1])]:
                del state[k]
        elif c.kind is ReactionKind.ADDED:
            _, total, users = state.get(key, ("", 0, set()))
            if c.user_id not in users:
                state[key] = (c.name or "", total + 1, users | {c.user_id or 0})
        elif key in state:
            name, total, users = state[key]
            users = users - {c.user_id or 0}
            if total <= 1:
                del state[key]
            else:
                state[key] = (name, total - 1, users if len(users) <= total - 1 else set())
    found: dict[int, list[MessageReaction]] = {}
    for (message_id, emoji), (name, total, users) in sorted(state.items()):
        found.setdefault(message_id, []).append(
            MessageReaction(emoji, name, total, tuple(sorted(users))))
    return found


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(CHANGES, max_size=30), st.data())
async def test_any_grouping_of_changes_ends_where_applying_them_in_order_does(
    changes: list[Change], data: st.DataObject,
) -> None:
    cuts = sorted(data.draw(st.sets(st.integers(0, len(changes)), max_size=4)))
    groups = [changes[a:b] for a, b in zip([0, *cuts], [*cuts, len(changes)], strict=True)]
    with tempfile.TemporaryDirectory() as tmp:
        db = await Database.open(Path(tmp) / "c.db")
        try:
            await open_thread(db)
            await discussion_store.save_group(db, [said(m) for m in MESSAGES])
            for group in groups:
                await discussion_store.save_group(db, group)
            found = await stored(db)
        finally:
            await db.close()
    assert found == model(changes)
    for reactions in found.values():
        assert all(0 < len(r.user_ids) <= r.total or not r.user_ids for r in reactions)
