-- A group of captured messages and reaction changes stored by ONE statement: inserting one
-- row into the view `discussion_groups` runs the trigger below, which does what
-- storage/discussion.py: save_group did in a transaction of four statements.
--
-- Why: live capture writes a group while a burst keeps the event loop busy, and every trip to
-- the database's thread waits a turn of that loop (tens of milliseconds under a burst) and a
-- hand-back of the GIL. BEGIN, the messages, the reactions and COMMIT were six such trips; a
-- lone statement is one, and SQLite commits it atomically on its own, triggers and all (a
-- failure anywhere in the trigger leaves nothing of the group). The statements are those of
-- the transaction, in its order; `NULL` for a part the group does not have.
--
--   messages    JSON array of DiscussionRow (fields in its order: id, thread, author id and
--               name, content, reply to, created, edited; the rest is not read here)
--   attachments JSON array of [message_id, attachment_id, filename, url, size]
--   unreacted   JSON array of message ids that history shows without a reaction
--   changes     JSON array of reaction changes for `discussion_reaction_changes` (0008), in
--               the order they are to be applied
CREATE VIEW discussion_groups (messages, attachments, unreacted, changes) AS
    SELECT NULL, NULL, NULL, NULL WHERE 0;

CREATE TRIGGER discussion_group_saved INSTEAD OF INSERT ON discussion_groups
BEGIN
    -- A re-read message (backfill after a live capture) only refreshes what can change; a
    -- message already marked deleted stays deleted.
    INSERT INTO discussion_messages (message_id, thread_id, author_id, author_name, content,
                                     reply_to_id, created_at, edited_at)
        SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5,
               value ->> 6, value ->> 7
        FROM json_each(NEW.messages) WHERE true
        ON CONFLICT (message_id) DO UPDATE SET
            content = CASE WHEN deleted_at IS NULL THEN excluded.content ELSE NULL END,
            edited_at = COALESCE(excluded.edited_at, edited_at);
    INSERT OR IGNORE INTO discussion_attachments (message_id, attachment_id, filename, url, size)
        SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4
        FROM json_each(NEW.attachments);
    DELETE FROM discussion_reactions
        WHERE message_id IN (SELECT value FROM json_each(NEW.unreacted));
    INSERT INTO discussion_reaction_changes (kind, message_id, emoji, name, user_id, user_name,
                                             counts)
        SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5,
               value ->> 6
        FROM json_each(NEW.changes) ORDER BY key;
END;
