-- A moderator's take-down (0018) outlives its author's /forget-me: until then the row names
-- the author by id, as every row of theirs does; /forget-me replaces the id with a keyed hash
-- of it (HMAC-SHA256 under `member_keys.moderation`, a random key made here and kept in the
-- database alone), which holds nothing of the member but lets the bot refuse the critique
-- when the same member sends it again. storage/privacy.py lists it as kept for moderation.
CREATE TABLE member_keys (
    name TEXT PRIMARY KEY,
    key  BLOB NOT NULL
) WITHOUT ROWID;
INSERT INTO member_keys (name, key) VALUES ('moderation', randomblob(32));

CREATE TABLE critique_takedowns (
    run_id     INTEGER NOT NULL,
    example_no INTEGER NOT NULL,
    author_id  INTEGER,  -- the author; NULL once they used /forget-me
    author_key BLOB,     -- then the keyed hash of their id instead
    removed_at INTEGER NOT NULL,
    CHECK ((author_id IS NULL) != (author_key IS NULL)),
    UNIQUE (run_id, example_no, author_id),
    UNIQUE (run_id, example_no, author_key),
    FOREIGN KEY (run_id, example_no) REFERENCES run_examples (run_id, example_no)
        ON DELETE CASCADE
);
INSERT INTO critique_takedowns (run_id, example_no, author_id, removed_at)
    SELECT run_id, example_no, author_id, removed_at FROM critique_removals;
DROP TABLE critique_removals;
ALTER TABLE critique_takedowns RENAME TO critique_removals;
CREATE INDEX critique_removals_author ON critique_removals (author_id);
