-- A moderator takes a critique down by deleting the bot's post of it (an abusive or spam
-- critique): the row stays as a marker, its text emptied and its votes gone, so that it is
-- out of the summaries, the votes and the exports, and its author's next form is refused
-- instead of posting it again. NULL = standing.
ALTER TABLE critiques ADD COLUMN removed_at INTEGER;
