-- What a run posted, as it posted it: the lesson's title and prompt, and each example's text.
-- The lesson file can change under an open run (`/lesson example` edits it), and the summary,
-- the final summary and the export must judge what members were shown. NULL in runs posted
-- before this migration, which have only the lesson file to go by (bot/runs.py: as_posted);
-- start-up writes that down for them (bot/services/runs.py: resume).
ALTER TABLE lesson_runs ADD COLUMN lesson_title TEXT;
ALTER TABLE lesson_runs ADD COLUMN prompt TEXT;
ALTER TABLE run_examples ADD COLUMN text TEXT;
