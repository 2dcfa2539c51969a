-- The answer a moderator's /lesson post waits for. The interaction is deferred ("thinking")
-- before the posting starts; its webhook (the application id and the interaction's token)
-- is kept with the run until the answer has gone out, so a bot that died mid-posting still
-- answers after its restart: by editing the deferred answer while the token lives (Discord:
-- 15 minutes after the interaction), else by a DM to the moderator. Deleted once answered,
-- and with its run.
CREATE TABLE posting_answers (
    run_id         INTEGER PRIMARY KEY REFERENCES lesson_runs (id) ON DELETE CASCADE,
    application_id INTEGER NOT NULL,
    token          TEXT    NOT NULL,
    user_id        INTEGER NOT NULL,
    asked_at       INTEGER NOT NULL  -- when the interaction was created: the token's birth
);
