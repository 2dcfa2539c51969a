-- What `cohortbot restore` leaves on Discord: the runs, critiques and replies the bot posted
-- after the backup was taken are still there, and the restored database knows nothing of them.
--
-- Each run gets a random token that its buttons and forms carry beside its number
-- (`cohort:critique:<run>:<example>:<token>`): a run posted after the backup keeps its buttons
-- while a new run takes its number; the token tells the two apart, so the old buttons are
-- refused instead of filing critiques under the new run. NULL for runs posted before this
-- migration: their buttons carry no token and keep working.
ALTER TABLE lesson_runs ADD COLUMN token TEXT;

-- Each restore into this database, noted in the restored copy by `cohortbot restore`, so
-- /forget-me can say that what was posted for a member before it may still be on Discord.
CREATE TABLE restores (
    restored_at INTEGER NOT NULL
);
