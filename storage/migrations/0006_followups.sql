-- Follow-up reminders: the outreach log grows the lesson's states and attempts, each outreach
-- gets one reminder row (the source of truth for delivering it exactly once), and members
-- get settings (their timezone).
--
-- SQLite cannot change a CHECK constraint in place, so both tables of 0002 are rebuilt. The
-- old ones are renamed first: renaming the parent moves the child's foreign key with it, so
-- dropping the old tables afterwards cascades into nothing new.

ALTER TABLE followups RENAME TO followups_0002;
ALTER TABLE outreaches RENAME TO outreaches_0002;

CREATE TABLE outreaches (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id           INTEGER NOT NULL,
    recipient         TEXT    NOT NULL,  -- as the member typed it
    -- Keys that recognize the same person again ('' = none; NULL = not computed yet, for rows
    -- logged before this migration: the bot fills them in at start-up).
    recipient_email   TEXT,
    recipient_url     TEXT,
    recipient_name    TEXT,
    channel           TEXT    NOT NULL
                      CHECK (channel IN ('linkedin_note', 'linkedin_message', 'email')),
    draft             TEXT,              -- NULL unless the member agreed to keep it
    note              TEXT,              -- the member's own note, if any
    sent_at           INTEGER NOT NULL,  -- attempt 1; the window ends 14 days later
    attempts          INTEGER NOT NULL DEFAULT 1 CHECK (attempts IN (1, 2)),
    followed_up_at    INTEGER,           -- attempt 2, the last one
    status            TEXT    NOT NULL DEFAULT 'awaiting'
                      CHECK (status IN ('awaiting', 'reminded', 'followed_up', 'replied',
                                        'dropped', 'expired')),
    closed_at         INTEGER,
    -- The review message "I sent it" was pressed under: one outreach per review.
    source_message_id INTEGER,
    created_at        INTEGER NOT NULL
);

INSERT INTO outreaches (id, user_id, recipient, channel, draft, sent_at, attempts, status,
                        created_at)
SELECT id, user_id, recipient, channel, draft, sent_at,
       CASE status WHEN 'followed_up' THEN 2 ELSE 1 END,
       CASE status WHEN 'closed' THEN 'dropped' ELSE status END,
       created_at
FROM outreaches_0002;

-- One reminder per outreach, never a drip: a snooze moves it (and counts a new delivery).
CREATE TABLE followups (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    outreach_id   INTEGER NOT NULL UNIQUE REFERENCES outreaches (id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL,
    due_at        INTEGER NOT NULL,
    timezone      TEXT,                  -- the zone due_at was planned in; NULL = not planned
    status        TEXT    NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'sending', 'sent', 'cancelled', 'undeliverable',
                                    'failed', 'expired')),
    delivery      INTEGER NOT NULL DEFAULT 1,  -- 1, then one more per snooze
    -- Newest message id in the member's DM before the send (0 = none): the delivery's reminder
    -- can only be newer. NULL while sending = the send never started.
    history_floor INTEGER,
    claimed_at    INTEGER,
    claimed_by    TEXT,                  -- which process claimed it, for diagnostics
    tries         INTEGER NOT NULL DEFAULT 0,  -- failed sends of this delivery
    sent_at       INTEGER,
    message_id    INTEGER,
    notified_at   INTEGER                -- when the member was told it never reached them
);

INSERT INTO followups (id, outreach_id, user_id, due_at, status, sent_at)
SELECT f.id, f.outreach_id, f.user_id, f.due_at,
       CASE f.status WHEN 'sending' THEN 'pending' ELSE f.status END, f.sent_at
FROM followups_0002 f
WHERE f.id IN (SELECT MAX(id) FROM followups_0002 GROUP BY outreach_id);

-- Outreach logged before reminders existed gets its reminder (planned at start-up).
INSERT INTO followups (outreach_id, user_id, due_at)
SELECT o.id, o.user_id, o.sent_at + 7 * 86400000
FROM outreaches o
WHERE o.status = 'awaiting' AND o.id NOT IN (SELECT outreach_id FROM followups);

DROP TABLE followups_0002;
DROP TABLE outreaches_0002;

CREATE INDEX outreaches_user ON outreaches (user_id, status);
CREATE INDEX outreaches_open ON outreaches (status, sent_at);
CREATE UNIQUE INDEX outreaches_source ON outreaches (source_message_id)
    WHERE source_message_id IS NOT NULL;
CREATE INDEX followups_due ON followups (status, due_at);
CREATE INDEX followups_user ON followups (user_id);

CREATE TABLE member_settings (
    user_id    INTEGER PRIMARY KEY,
    timezone   TEXT,                     -- IANA name; NULL = the cohort's
    updated_at INTEGER NOT NULL
);
