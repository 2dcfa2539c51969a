-- A summary posted for everyone quotes members' critiques, so /forget-me must always find it
-- to redo it. Its row is now written BEFORE it is posted (message_id NULL until Discord has
-- it), and the post carries the row's id in its footer ("summary #<id>"): a post whose id
-- could not be noted (the write failed, the bot died) is found again by that mark. Before,
-- the row was written after the post, and a failed write left a public post no row named.
ALTER TABLE summary_posts RENAME TO summary_posts_0007;

CREATE TABLE summary_posts (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id INTEGER UNIQUE,   -- NULL while it is being posted
    run_id     INTEGER NOT NULL REFERENCES lesson_runs (id) ON DELETE CASCADE,
    channel_id INTEGER NOT NULL, -- where it goes; once posted, where it is (a forum post's thread)
    final      INTEGER NOT NULL CHECK (final IN (0, 1)),
    posted_at  INTEGER NOT NULL
);

INSERT INTO summary_posts (message_id, run_id, channel_id, final, posted_at)
    SELECT message_id, run_id, channel_id, final, posted_at FROM summary_posts_0007
    ORDER BY message_id;

DROP TABLE summary_posts_0007;
CREATE INDEX summary_posts_run ON summary_posts (run_id);
