-- The summaries the bot has posted for everyone to read: a moderator's shared /lesson summary
-- and the final summary at close. They quote critiques, so /forget-me re-renders them
-- without the member's; `channel_id` is the channel or thread the message is in.
CREATE TABLE summary_posts (
    message_id INTEGER PRIMARY KEY,
    run_id     INTEGER NOT NULL REFERENCES lesson_runs (id) ON DELETE CASCADE,
    channel_id INTEGER NOT NULL,
    final      INTEGER NOT NULL CHECK (final IN (0, 1)),
    posted_at  INTEGER NOT NULL
);
CREATE INDEX summary_posts_run ON summary_posts (run_id);
