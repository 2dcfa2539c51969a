-- What a posting has put on Discord so far, written as each part is created. A posting that
-- finishes clears its parts; one cut short by a crash leaves them, and start-up removes those
-- messages and threads from Discord before dropping the run.
CREATE TABLE posting_parts (
    run_id     INTEGER NOT NULL REFERENCES lesson_runs (id) ON DELETE CASCADE,
    channel_id INTEGER NOT NULL,
    object_id  INTEGER NOT NULL,
    is_thread  INTEGER NOT NULL CHECK (is_thread IN (0, 1)),
    -- A thread started from a message has that message's id, so the kind is part of the key.
    PRIMARY KEY (run_id, object_id, is_thread)
);
