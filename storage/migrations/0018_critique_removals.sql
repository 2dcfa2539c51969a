-- A moderator takes a critique down by deleting the bot's post of it (an abusive or spam
-- critique): the critique and its votes are deleted, so it is out of the summaries, the votes
-- and the exports, and this row remembers that it was taken down, so that its author's next
-- form for that example is refused instead of posting it again. No text is kept.
CREATE TABLE critique_removals (
    run_id     INTEGER NOT NULL,
    example_no INTEGER NOT NULL,
    author_id  INTEGER NOT NULL,
    removed_at INTEGER NOT NULL,
    PRIMARY KEY (run_id, example_no, author_id),
    FOREIGN KEY (run_id, example_no) REFERENCES run_examples (run_id, example_no)
        ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX critique_removals_author ON critique_removals (author_id);
