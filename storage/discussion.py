"""Member messages in a run's threads (the discussion), their attachments and reactions."""

from __future__ import annotations

from collections.abc import Sequence

from bot.discussion import (
    AttachmentRow,
    DiscussionRow,
    MessageReaction,
    ReactionChange,
    ReactionKind,
)
from storage.db import Database, Transaction, json_text

# Reaction changes go into a view whose triggers apply each row in turn, in the group's order
# (storage/migrations/0008_discussion_reactions.sql): one statement for many changes.
_APPLY_REACTIONS = (
    "INSERT INTO discussion_reaction_changes (kind, message_id, emoji, name, user_id,"
    " user_name, counts)"
    " SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5,"
    " value ->> 6 FROM json_each(?) ORDER BY key"
)

# One statement for a whole group (storage/migrations/0015_discussion_groups.sql): its parts
# travel as JSON arrays that SQLite unpacks with json_each. With executemany, the sqlite3
# module drops and retakes the GIL for every row, and that hand-off with the event loop's
# thread cost more than the inserts themselves.
_SAVE_GROUP = (
    "INSERT INTO discussion_groups (messages, attachments, unreacted, changes)"
    " VALUES (?, ?, ?, ?)"
)


async def save_group(db: Database, rows: Sequence[DiscussionRow | ReactionChange]) -> None:
    """Store a group of captured messages and reaction changes, all or nothing.

    Messages first (idempotent: the message id is the key), then the reaction changes in the
    order they came: a backfilled message's reactions as history showed them, where they came
    among the live events."""
    if not rows:
        return
    messages: list[DiscussionRow] = []
    changes: list[tuple[object, ...]] = []
    live = False
    for row in rows:
        if isinstance(row, DiscussionRow):
            messages.append(row)
            if row.reactions is not None:
                changes.append(("counted", row.message_id, None, None, None, None,
                                row.reactions))
        else:
            changes.append(row)
            live = True
    unreacted: list[object] = []
    if not live:
        # Only counts read from history: their order does not matter, and the messages that
        # history shows without a reaction (most of them) are cleared as one set (through the
        # view, each costs about as much as storing the message itself).
        unreacted = [c[1] for c in changes if not c[6]]
        changes = [c for c in changes if c[6]]
    # A DiscussionRow's field order is the column order the trigger reads (value ->> 0 .. 7);
    # its trailing attachments and reactions fields are ignored there.
    attachments = [(r.message_id, *a) for r in messages for a in r.attachments]
    await db.execute_alone(_SAVE_GROUP, [json_text(part) if part else None for part in
                                         (messages, attachments, unreacted, changes)])


# The update-only twin of a group's insert of messages (0015): what the backfill re-reads
# below its cursor may refresh a stored message but never bring one back (a forgotten
# member's, say).
_REFRESH_MESSAGES = (
    "UPDATE discussion_messages SET content = j.value ->> 1,"
    " edited_at = COALESCE(j.value ->> 2, edited_at)"
    " FROM (SELECT value FROM json_each(?)) AS j"
    " WHERE message_id = j.value ->> 0 AND deleted_at IS NULL"
    " AND (content IS NOT j.value ->> 1 OR edited_at IS NOT COALESCE(j.value ->> 2, edited_at))"
)


async def refresh_messages(db: Database, rows: Sequence[DiscussionRow]) -> None:
    """Stored messages as Discord has them now (edited while the bot was away); rows the
    database does not hold are ignored."""
    if rows:
        packed = json_text([(r.message_id, r.content, r.edited_at) for r in rows])
        await db.execute(_REFRESH_MESSAGES, (packed,))


async def stored_ids(db: Database, thread_id: int, up_to: int) -> set[int]:
    """The thread's stored messages not marked deleted, with ids up to `up_to`."""
    rows = await db.fetchall(
        "SELECT message_id FROM discussion_messages WHERE thread_id = ? AND message_id <= ?"
        " AND deleted_at IS NULL", (thread_id, up_to))
    return {r[0] for r in rows}


async def delete_messages(db: Database, message_ids: Sequence[int], deleted_at: int) -> None:
    """Several messages deleted on Discord (while the bot was away), in one transaction."""
    async with db.transaction() as tx:
        for message_id in message_ids:
            await tx.execute(_DELETE, (deleted_at, message_id))
            await tx.execute(_DELETE_FILES, (message_id,))
            await tx.execute(_DELETE_REACTIONS, (message_id,))


async def edit_message(db: Database, message_id: int, content: str, edited_at: int) -> bool:
    return (
        await db.execute(
            "UPDATE discussion_messages SET content = ?, edited_at = ?"
            " WHERE message_id = ? AND deleted_at IS NULL",
            (content, edited_at, message_id),
        )
        == 1
    )


_DELETE = "UPDATE discussion_messages SET content = NULL, deleted_at = ? WHERE message_id = ?"
_DELETE_FILES = "DELETE FROM discussion_attachments WHERE message_id = ?"
_DELETE_REACTIONS = "DELETE FROM discussion_reactions WHERE message_id = ?"


async def delete_message(db: Database, message_id: int, deleted_at: int) -> bool:
    """The member deleted it on Discord: keep the row (order, replies) but drop the content,
    the files and the reactions."""
    async with db.transaction() as tx:
        changed = await tx.execute(_DELETE, (deleted_at, message_id))
        await tx.execute(_DELETE_FILES, (message_id,))
        await tx.execute(_DELETE_REACTIONS, (message_id,))
    return changed == 1


async def backfill_cursor(db: Database, thread_id: int) -> int | None:
    """The last message id the backfill has read in this thread (None: read from the start)."""
    value = await db.fetchval(
        "SELECT message_id FROM capture_cursors WHERE thread_id = ?", (thread_id,)
    )
    return int(value) if value is not None else None


_ADVANCE = (
    " ON CONFLICT (thread_id) DO UPDATE SET message_id = MAX(message_id, excluded.message_id)"
)


async def advance_cursor(db: Database, thread_id: int, message_id: int) -> None:
    """Move the thread's cursor forward to `message_id` (never back)."""
    await db.execute(
        "INSERT INTO capture_cursors (thread_id, message_id) VALUES (?, ?)" + _ADVANCE,
        (thread_id, message_id),
    )


ADVANCE_ALL_CURSORS = (
    "INSERT INTO capture_cursors (thread_id, message_id)"
    " SELECT thread_id, MAX(message_id) FROM discussion_messages WHERE true GROUP BY thread_id"
    + _ADVANCE
)


async def thread_messages(db: Database, thread_id: int) -> list[DiscussionRow]:
    rows = await db.fetchall(
        "SELECT * FROM discussion_messages WHERE thread_id = ? ORDER BY message_id", (thread_id,)
    )
    files = await db.fetchall(
        "SELECT a.* FROM discussion_attachments a JOIN discussion_messages m"
        " ON m.message_id = a.message_id WHERE m.thread_id = ? ORDER BY a.attachment_id",
        (thread_id,),
    )
    by_message: dict[int, list[AttachmentRow]] = {}
    for f in files:
        by_message.setdefault(f["message_id"], []).append(
            AttachmentRow(f["attachment_id"], f["filename"], f["url"], f["size"])
        )
    return [
        DiscussionRow(
            message_id=r["message_id"], thread_id=r["thread_id"], author_id=r["author_id"],
            author_name=r["author_name"], content=r["content"], reply_to_id=r["reply_to_id"],
            created_at=r["created_at"], edited_at=r["edited_at"], deleted_at=r["deleted_at"],
            attachments=tuple(by_message.get(r["message_id"], ())),
        )
        for r in rows
    ]


async def thread_reactions(db: Database, thread_id: int) -> dict[int, list[MessageReaction]]:
    """The reactions on the thread's stored messages, by message id, each emoji with the
    members known to have reacted (in id order)."""
    rows = await db.fetchall(
        "SELECT r.message_id, r.emoji, r.name, r.count,"
        " (SELECT group_concat(u.user_id) FROM (SELECT user_id FROM discussion_reactors"
        "  WHERE message_id = r.message_id AND emoji = r.emoji ORDER BY user_id) u)"
        " FROM discussion_reactions r JOIN discussion_messages m ON m.message_id = r.message_id"
        " WHERE m.thread_id = ? ORDER BY r.message_id, r.emoji", (thread_id,))
    found: dict[int, list[MessageReaction]] = {}
    for message_id, emoji, name, count, users in rows:
        found.setdefault(message_id, []).append(MessageReaction(
            emoji, name, count, tuple(int(u) for u in users.split(",")) if users else ()))
    return found


async def forget_reactions(tx: Transaction, user_id: int) -> int:
    """Take back every reaction the member is known to have made (for /forget-me): the counts
    go down with the names. Returns how many."""
    rows = await tx.fetchall(
        "SELECT message_id, emoji FROM discussion_reactors WHERE user_id = ?", (user_id,))
    if rows:
        changes = [ReactionChange(ReactionKind.REMOVED, r[0], r[1], user_id=user_id)
                   for r in rows]
        await tx.execute(_APPLY_REACTIONS, (json_text(changes),))
    return len(rows)


async def count_messages(db: Database) -> int:
    return int(await db.fetchval("SELECT COUNT(*) FROM discussion_messages") or 0)
