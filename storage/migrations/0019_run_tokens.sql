-- Each run gets a random token that its buttons and forms carry beside its number
-- (`cohort:critique:<run>:<example>:<token>`): after `cohortbot restore`, a run posted after the
-- backup is still on Discord with its buttons, and a new run takes its number; the token tells
-- the two apart, so the old buttons are refused instead of filing critiques under the new run.
-- NULL for runs posted before this migration: their buttons carry no token and keep working.
ALTER TABLE lesson_runs ADD COLUMN token TEXT;
