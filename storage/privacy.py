"""Everything stored about one member, for /forget-me."""

from __future__ import annotations

from dataclasses import astuple, dataclass, fields

from storage.critiques import author_key
from storage.db import Database
from storage.discussion import ADVANCE_ALL_CURSORS, forget_reactions


@dataclass(frozen=True)
class MemberRecords:
    """How many rows of each kind the bot holds about one member."""

    outreaches: int
    followups: int
    settings: int  # member_settings (the timezone)
    reviews: int  # review_usage timestamps, for the hourly limit
    critiques: int
    votes: int
    discussion_messages: int
    reactions: int  # on thread messages (the 👍 on critiques are the votes)
    run_places: int  # on the member lists of the runs posted while they were in the cohort
    runs_posted: int  # lesson runs they posted as a moderator: their id is taken off
    # Take-downs of their critiques by a moderator: kept, their id replaced by a keyed hash.
    takedowns: int

    @property
    def total(self) -> int:
        return sum(astuple(self))

    @property
    def deleted(self) -> int:
        """The rows that go (the take-downs stay, without the member's id)."""
        return self.total - self.takedowns

    def counts(self) -> list[tuple[str, int]]:
        """(field name, count) of every kind, in the order above."""
        return [(f.name, getattr(self, f.name)) for f in fields(self)]


@dataclass(frozen=True)
class Forgotten:
    records: MemberRecords  # what was deleted
    # The bot's own posts that carried the member's critiques: (thread id, message id), so the
    # Discord side can delete them too.
    critique_posts: tuple[tuple[int, int], ...]
    # Their critiques whose post was never noted (the write failed after Discord took it, or
    # the bot died between): (thread id, critique id), to be found by the post's mark.
    unnoted_posts: tuple[tuple[int, int], ...] = ()
    # Runs whose summaries counted the member's critiques or votes: posted ones are redone.
    runs: tuple[int, ...] = ()


_COUNTS = (
    "SELECT"
    " (SELECT COUNT(*) FROM outreaches WHERE user_id = ?),"
    " (SELECT COUNT(*) FROM followups WHERE user_id = ?),"
    " (SELECT COUNT(*) FROM member_settings WHERE user_id = ?),"
    " (SELECT COUNT(*) FROM review_usage WHERE user_id = ?),"
    " (SELECT COUNT(*) FROM critiques WHERE author_id = ?),"
    " (SELECT COUNT(*) FROM critique_votes WHERE voter_id = ?),"
    " (SELECT COUNT(*) FROM discussion_messages WHERE author_id = ?),"
    " (SELECT COUNT(*) FROM discussion_reactors WHERE user_id = ?),"
    " (SELECT COUNT(*) FROM run_members WHERE member_id = ?),"
    " (SELECT COUNT(*) FROM lesson_runs WHERE posted_by = ?),"
    " (SELECT COUNT(*) FROM critique_removals WHERE author_id = ? OR author_key = ?)"
)

# Every column that holds a member's id, and what /forget-me does to it: the row goes, or
# (where the row is not theirs: a run a moderator posted) the id is cleared, or (a
# moderator's take-down of their critique, which must outlive the forget, else the member
# forgets themselves and posts it again) the id is replaced by a keyed hash of it, kept for
# moderation (storage/critiques.py: author_key), which holds nothing of them. The test walks
# the schema (sqlite_master) for columns that can hold one and fails on any not listed here,
# and checks after a forget that no listed column holds the id any more.
MEMBER_COLUMNS = (
    ("outreaches", "user_id", "deleted"),
    ("followups", "user_id", "deleted"),
    ("member_settings", "user_id", "deleted"),
    ("review_usage", "user_id", "deleted"),
    ("critiques", "author_id", "deleted"),
    ("critique_removals", "author_id", "hashed"),  # taken down by a moderator: kept,
    ("critique_removals", "author_key", "kept for moderation"),  # as this keyed hash
    ("critique_votes", "voter_id", "deleted"),
    ("discussion_messages", "author_id", "deleted"),
    ("discussion_reactors", "user_id", "deleted"),
    ("run_members", "member_id", "deleted"),
    ("posting_answers", "user_id", "deleted"),  # a /lesson post still waiting for its answer
    ("lesson_runs", "posted_by", "cleared"),
)


async def stored_counts(db: Database, user_id: int) -> MemberRecords:
    """What the bot holds about the member; their take-downs kept after a /forget-me too
    (under the keyed hash of their id)."""
    params = (user_id,) * (_COUNTS.count("?") - 1) + (await author_key(db, user_id),)
    (row,) = await db.fetchall(_COUNTS, params)  # (the key is the last)
    return MemberRecords(*(int(n) for n in row))


async def forget_member(db: Database, user_id: int) -> Forgotten:
    """Delete every row about the member, in one transaction."""
    async with db.transaction() as tx:
        # First move every backfill cursor past what is stored, so the next start does not
        # read the member's old messages back in from Discord's history.
        await tx.execute(ADVANCE_ALL_CURSORS)
        posts = await tx.fetchall(
            "SELECT e.thread_id, c.message_id, c.id FROM critiques c JOIN run_examples e"
            " ON e.run_id = c.run_id AND e.example_no = c.example_no"
            " WHERE c.author_id = ? AND e.thread_id IS NOT NULL",
            (user_id,),
        )
        runs = await tx.fetchall(
            "SELECT run_id FROM critiques WHERE author_id = ? UNION SELECT c.run_id"
            " FROM critique_votes v JOIN critiques c ON c.id = v.critique_id"
            " WHERE v.voter_id = ?",
            (user_id, user_id),
        )
        followups = await tx.execute("DELETE FROM followups WHERE user_id = ?", (user_id,))
        outreaches = await tx.execute("DELETE FROM outreaches WHERE user_id = ?", (user_id,))
        settings = await tx.execute("DELETE FROM member_settings WHERE user_id = ?", (user_id,))
        reviews = await tx.execute("DELETE FROM review_usage WHERE user_id = ?", (user_id,))
        # Their 👍 stays on Discord: the catch-up after downtime must not count it again.
        await tx.execute("UPDATE critiques SET forgotten_votes = 1 WHERE id IN (SELECT"
                         " critique_id FROM critique_votes WHERE voter_id = ?)", (user_id,))
        votes = await tx.execute("DELETE FROM critique_votes WHERE voter_id = ?", (user_id,))
        # Before their messages go: the counts come down with every reaction of theirs.
        reactions = await forget_reactions(tx, user_id)
        critiques = await tx.execute("DELETE FROM critiques WHERE author_id = ?", (user_id,))
        # A take-down stays, under the keyed hash instead of the id (MEMBER_COLUMNS); one
        # noted under that hash already needs no second row.
        takedowns = await tx.execute(
            "UPDATE OR IGNORE critique_removals SET author_id = NULL, author_key = ?"
            " WHERE author_id = ?", (await author_key(tx, user_id), user_id))
        takedowns += await tx.execute("DELETE FROM critique_removals WHERE author_id = ?",
                                      (user_id,))
        messages = await tx.execute(
            "DELETE FROM discussion_messages WHERE author_id = ?", (user_id,)
        )
        places = await tx.execute("DELETE FROM run_members WHERE member_id = ?", (user_id,))
        # The runs stay (they are the cohort's), without who posted them; a posting still
        # waiting for its answer is not answered after a restart (its token goes).
        runs_posted = await tx.execute("UPDATE lesson_runs SET posted_by = NULL"
                                       " WHERE posted_by = ?", (user_id,))
        await tx.execute("DELETE FROM posting_answers WHERE user_id = ?", (user_id,))
    # The rows are zeroed in their pages (secure_delete); the WAL still holds the pages as
    # they were until it is copied back and emptied.
    await db.checkpoint()
    return Forgotten(
        MemberRecords(outreaches=outreaches, followups=followups, settings=settings,
                      reviews=reviews, critiques=critiques, votes=votes,
                      discussion_messages=messages, reactions=reactions, run_places=places,
                      runs_posted=runs_posted, takedowns=takedowns),
        critique_posts=tuple((r[0], r[1]) for r in posts if r[1] is not None),
        unnoted_posts=tuple((r[0], r[2]) for r in posts if r[1] is None),
        runs=tuple(sorted(r[0] for r in runs)),
    )


async def last_restore(db: Database) -> int | None:
    """When `cohortbot restore` last put a backup in this database's place, if ever."""
    value = await db.fetchval("SELECT MAX(restored_at) FROM restores")
    return int(value) if value is not None else None
