"""Everything stored about one member, for /forget-me."""

from __future__ import annotations

from dataclasses import dataclass

from storage.db import Database
from storage.discussion import ADVANCE_ALL_CURSORS


@dataclass(frozen=True)
class Forgotten:
    outreaches: int
    followups: int
    reviews: int
    critiques: int
    votes: int
    discussion_messages: int
    # The bot's own posts that carried the member's critiques: (thread id, message id), so the
    # Discord side can delete them too.
    critique_posts: tuple[tuple[int, int], ...]

    @property
    def total(self) -> int:
        return (self.outreaches + self.followups + self.reviews + self.critiques + self.votes
                + self.discussion_messages)


async def stored_counts(db: Database, user_id: int) -> dict[str, int]:
    queries = {
        "outreaches": "SELECT COUNT(*) FROM outreaches WHERE user_id = ?",
        "followups": "SELECT COUNT(*) FROM followups WHERE user_id = ?",
        "reviews": "SELECT COUNT(*) FROM review_usage WHERE user_id = ?",
        "critiques": "SELECT COUNT(*) FROM critiques WHERE author_id = ?",
        "votes": "SELECT COUNT(*) FROM critique_votes WHERE voter_id = ?",
        "discussion_messages": "SELECT COUNT(*) FROM discussion_messages WHERE author_id = ?",
    }
    return {name: int(await db.fetchval(sql, (user_id,)) or 0) for name, sql in queries.items()}


async def forget_member(db: Database, user_id: int) -> Forgotten:
    """Delete every row about the member, in one transaction."""
    async with db.transaction() as tx:
        # First move every backfill cursor past what is stored, so the next start does not
        # read the member's old messages back in from Discord's history.
        await tx.execute(ADVANCE_ALL_CURSORS)
        posts = await tx.fetchall(
            "SELECT e.thread_id, c.message_id FROM critiques c JOIN run_examples e"
            " ON e.run_id = c.run_id AND e.example_no = c.example_no"
            " WHERE c.author_id = ? AND c.message_id IS NOT NULL",
            (user_id,),
        )
        followups = await tx.execute("DELETE FROM followups WHERE user_id = ?", (user_id,))
        outreaches = await tx.execute("DELETE FROM outreaches WHERE user_id = ?", (user_id,))
        reviews = await tx.execute("DELETE FROM review_usage WHERE user_id = ?", (user_id,))
        votes = await tx.execute("DELETE FROM critique_votes WHERE voter_id = ?", (user_id,))
        critiques = await tx.execute("DELETE FROM critiques WHERE author_id = ?", (user_id,))
        messages = await tx.execute(
            "DELETE FROM discussion_messages WHERE author_id = ?", (user_id,)
        )
    return Forgotten(
        outreaches=outreaches, followups=followups, reviews=reviews, critiques=critiques,
        votes=votes, discussion_messages=messages,
        critique_posts=tuple((r[0], r[1]) for r in posts),
    )
