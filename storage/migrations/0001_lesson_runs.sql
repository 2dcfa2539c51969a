-- Lesson runs: one posting of a lesson's evaluation prompt and its examples, the threads where
-- members critique each example, everything said there, and the structured critiques.
-- Snowflakes are INTEGER; times are UTC epoch milliseconds.

CREATE TABLE lesson_runs (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id          INTEGER NOT NULL,
    channel_id        INTEGER NOT NULL,
    lesson_key        TEXT    NOT NULL,
    prompt_message_id INTEGER,
    -- 'posting' while the bot is creating messages and threads: a crash leaves a run that
    -- start-up can see was never finished.
    status            TEXT    NOT NULL DEFAULT 'posting'
                      CHECK (status IN ('posting', 'open', 'closed')),
    -- Scheduled posts carry their occurrence ("<lesson>@<ISO minute>"): UNIQUE makes "posted
    -- exactly once per occurrence" a database fact, not a hope, even across restarts.
    occurrence        TEXT UNIQUE,
    posted_by         INTEGER,
    created_at        INTEGER NOT NULL,
    closed_at         INTEGER
);
CREATE INDEX lesson_runs_guild ON lesson_runs (guild_id, status);

CREATE TABLE run_examples (
    run_id      INTEGER NOT NULL REFERENCES lesson_runs (id) ON DELETE CASCADE,
    example_no  INTEGER NOT NULL,
    title       TEXT    NOT NULL,
    message_id  INTEGER,
    thread_id   INTEGER UNIQUE,
    PRIMARY KEY (run_id, example_no)
);

-- Every member message in a run's threads. The message id is the key, so capture and backfill
-- are idempotent.
CREATE TABLE discussion_messages (
    message_id  INTEGER PRIMARY KEY,
    thread_id   INTEGER NOT NULL REFERENCES run_examples (thread_id) ON DELETE CASCADE,
    author_id   INTEGER NOT NULL,
    author_name TEXT    NOT NULL,
    content     TEXT,              -- NULL once deleted on Discord
    reply_to_id INTEGER,
    created_at  INTEGER NOT NULL,
    edited_at   INTEGER,
    deleted_at  INTEGER
);
CREATE INDEX discussion_messages_thread ON discussion_messages (thread_id, message_id);
CREATE INDEX discussion_messages_author ON discussion_messages (author_id);

CREATE TABLE discussion_attachments (
    message_id    INTEGER NOT NULL REFERENCES discussion_messages (message_id) ON DELETE CASCADE,
    attachment_id INTEGER NOT NULL,
    filename      TEXT    NOT NULL,
    url           TEXT    NOT NULL,
    size          INTEGER NOT NULL,
    PRIMARY KEY (message_id, attachment_id)
);

-- Structured critiques (the modal): one per member per example; resubmitting edits it.
CREATE TABLE critiques (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id      INTEGER NOT NULL,
    example_no  INTEGER NOT NULL,
    author_id   INTEGER NOT NULL,
    author_name TEXT    NOT NULL,
    works       TEXT    NOT NULL,
    doesnt      TEXT    NOT NULL,
    likely      TEXT    NOT NULL CHECK (likely IN ('yes', 'no', 'unsure')),
    message_id  INTEGER,            -- the bot's embed in the example's thread
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (run_id, example_no, author_id),
    FOREIGN KEY (run_id, example_no) REFERENCES run_examples (run_id, example_no)
        ON DELETE CASCADE
);
CREATE INDEX critiques_message ON critiques (message_id);
CREATE INDEX critiques_author ON critiques (author_id);

-- Padlet-style likes: a thumbs-up reaction on a critique's message.
CREATE TABLE critique_votes (
    critique_id INTEGER NOT NULL REFERENCES critiques (id) ON DELETE CASCADE,
    voter_id    INTEGER NOT NULL,
    PRIMARY KEY (critique_id, voter_id)
);
CREATE INDEX critique_votes_voter ON critique_votes (voter_id);
