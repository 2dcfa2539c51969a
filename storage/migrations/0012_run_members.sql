-- Who a run was posted to: the cohort's members (the server's members but moderators and
-- bots) when the lesson was posted, with their display names then. The export's
-- participation table lists each of them, with zeros for a member who did nothing: the
-- moderator's grading sheet, as /lesson summary's "Not critiqued yet" names them. Taken once,
-- at posting, never refreshed: /forget-me deletes a member's rows, and a later look at the
-- server must not put them back. Deleted with the run.
CREATE TABLE run_members (
    run_id      INTEGER NOT NULL REFERENCES lesson_runs (id) ON DELETE CASCADE,
    member_id   INTEGER NOT NULL,
    member_name TEXT    NOT NULL,
    PRIMARY KEY (run_id, member_id)
) WITHOUT ROWID;
CREATE INDEX run_members_member ON run_members (member_id);
