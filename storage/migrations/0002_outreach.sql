-- Outreach a member logged as sent ("I sent it"), the one follow-up the lesson allows, and the
-- review rate limit. Drafts are private: stored only when the member chose to keep them.

CREATE TABLE outreaches (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL,
    recipient  TEXT    NOT NULL,
    channel    TEXT    NOT NULL CHECK (channel IN ('linkedin_note', 'linkedin_message', 'email')),
    draft      TEXT,                -- NULL unless the member agreed to keep it
    sent_at    INTEGER NOT NULL,
    -- awaiting: no reply yet; replied: done; followed_up: the one follow-up was sent (the
    -- lesson's last attempt); closed: the member gave up or asked to stop.
    status     TEXT    NOT NULL DEFAULT 'awaiting'
               CHECK (status IN ('awaiting', 'replied', 'followed_up', 'closed')),
    created_at INTEGER NOT NULL
);
CREATE INDEX outreaches_user ON outreaches (user_id, status);

-- One row per reminder that is due. The database is the source of truth; the scheduler's
-- in-memory jobs are rebuilt from these rows at start-up.
CREATE TABLE followups (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    outreach_id INTEGER NOT NULL REFERENCES outreaches (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL,
    due_at      INTEGER NOT NULL,
    status      TEXT    NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'sending', 'sent', 'cancelled', 'failed')),
    nonce       TEXT    NOT NULL,   -- fixed per reminder, so a retried send is not doubled
    sent_at     INTEGER
);
CREATE INDEX followups_due ON followups (status, due_at);

-- Timestamps of reviews, for the per-member hourly limit. Old rows are pruned.
CREATE TABLE review_usage (
    user_id     INTEGER NOT NULL,
    reviewed_at INTEGER NOT NULL
);
CREATE INDEX review_usage_user ON review_usage (user_id, reviewed_at);
