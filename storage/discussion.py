"""Member messages in a run's threads (the discussion), and their attachments."""

from __future__ import annotations

import json
from collections.abc import Sequence

from bot.discussion import AttachmentRow, DiscussionRow
from storage.db import Database

# One statement for a whole group: the rows travel as one JSON array and SQLite unpacks them
# with json_each. With executemany, the sqlite3 module drops and retakes the GIL for every row,
# and that hand-off with the event loop's thread cost more than the inserts themselves.
_SAVE_MESSAGES = (
    "INSERT INTO discussion_messages (message_id, thread_id, author_id, author_name, content,"
    " reply_to_id, created_at, edited_at)"
    " SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5,"
    " value ->> 6, value ->> 7 FROM json_each(?) WHERE true"
    # A re-read message (backfill after a live capture) only refreshes what can change; a
    # message already marked deleted stays deleted.
    " ON CONFLICT (message_id) DO UPDATE SET"
    " content = CASE WHEN deleted_at IS NULL THEN excluded.content ELSE NULL END,"
    " edited_at = COALESCE(excluded.edited_at, edited_at)"
)


async def save_messages(db: Database, rows: Sequence[DiscussionRow]) -> None:
    """Upsert a group of messages in one transaction (idempotent: the message id is the key)."""
    if not rows:
        return
    # Field order = the column order the statement reads (value ->> 0 .. 7); the trailing
    # attachments field is ignored there.
    packed = json.dumps(rows)
    attachments = [
        (r.message_id, a.attachment_id, a.filename, a.url, a.size)
        for r in rows
        for a in r.attachments
    ]
    async with db.transaction() as tx:
        await tx.execute(_SAVE_MESSAGES, (packed,))
        if attachments:
            await tx.executemany(
                "INSERT OR IGNORE INTO discussion_attachments"
                " (message_id, attachment_id, filename, url, size) VALUES (?, ?, ?, ?, ?)",
                attachments,
            )


# The update-only twin of _SAVE_MESSAGES: what the backfill re-reads below its cursor may
# refresh a stored message but never bring one back (a forgotten member's, say).
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
        packed = json.dumps([(r.message_id, r.content, r.edited_at) for r in rows])
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


async def delete_message(db: Database, message_id: int, deleted_at: int) -> bool:
    """The member deleted it on Discord: keep the row (order, replies) but drop the content."""
    async with db.transaction() as tx:
        changed = await tx.execute(_DELETE, (deleted_at, message_id))
        await tx.execute(_DELETE_FILES, (message_id,))
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


async def count_messages(db: Database) -> int:
    return int(await db.fetchval("SELECT COUNT(*) FROM discussion_messages") or 0)
