-- How far the backfill has read each thread. It moves only forward, and only the backfill
-- (which reads the thread's history itself) and /forget-me move it: live capture does not,
-- so a group of live messages that failed to commit is re-read at the next start, and a
-- forgotten member's old messages are not.
CREATE TABLE capture_cursors (
    thread_id  INTEGER PRIMARY KEY REFERENCES run_examples (thread_id) ON DELETE CASCADE,
    message_id INTEGER NOT NULL
);
