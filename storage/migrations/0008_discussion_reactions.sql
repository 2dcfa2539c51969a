-- Reactions on members' messages in a run's threads: per message and emoji, Discord's count,
-- and who reacted where the bot saw it happen.
--
-- What the bot can know: live, every reaction event names the member (add, remove) or the
-- message and emoji (a moderator's remove-all and remove-emoji). After downtime the backfill
-- reads the messages' history, and Discord's history gives each emoji's count but not who.
-- So `count` is Discord's count as last seen, the reactors are the members seen reacting,
-- and a count is never below the members it names: when a count read from history is lower
-- than the members known for it, one of them removed theirs while the bot was away, and no
-- one can tell which, so the names for that emoji are dropped and the count stays.
--
-- Changes are applied in the order they happened, by inserting them into the view
-- `discussion_reaction_changes` (one statement for a whole group, as for the messages): its
-- triggers apply each row in turn. Order matters because a count read from history and a
-- live event on the same message may land in one group.

-- How many reactions a message has in all (every emoji's count): the export reads it for every
-- message, so it is kept here rather than summed from the table below each time.
ALTER TABLE discussion_messages ADD COLUMN reactions INTEGER NOT NULL DEFAULT 0;

CREATE TABLE discussion_reactions (
    message_id INTEGER NOT NULL REFERENCES discussion_messages (message_id) ON DELETE CASCADE,
    emoji      TEXT    NOT NULL,  -- the unicode emoji, or a custom emoji's id
    name       TEXT    NOT NULL,  -- what it shows: the unicode emoji, or the custom emoji's name
    count      INTEGER NOT NULL CHECK (count > 0),
    named      INTEGER NOT NULL DEFAULT 0,  -- how many of them discussion_reactors names
    PRIMARY KEY (message_id, emoji)
) WITHOUT ROWID;

CREATE TABLE discussion_reactors (
    message_id INTEGER NOT NULL,
    emoji      TEXT    NOT NULL,
    user_id    INTEGER NOT NULL,
    user_name  TEXT,              -- the display name when they reacted
    PRIMARY KEY (message_id, emoji, user_id),
    FOREIGN KEY (message_id, emoji) REFERENCES discussion_reactions (message_id, emoji)
        ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX discussion_reactors_user ON discussion_reactors (user_id);

-- The two running totals above follow every change.
CREATE TRIGGER discussion_reactions_added AFTER INSERT ON discussion_reactions
BEGIN
    UPDATE discussion_messages SET reactions = reactions + NEW.count
        WHERE message_id = NEW.message_id;
END;
CREATE TRIGGER discussion_reactions_recounted AFTER UPDATE OF count ON discussion_reactions
BEGIN
    UPDATE discussion_messages SET reactions = reactions + NEW.count - OLD.count
        WHERE message_id = NEW.message_id;
END;
CREATE TRIGGER discussion_reactions_gone AFTER DELETE ON discussion_reactions
BEGIN
    UPDATE discussion_messages SET reactions = reactions - OLD.count
        WHERE message_id = OLD.message_id;
END;
CREATE TRIGGER discussion_reactors_added AFTER INSERT ON discussion_reactors
BEGIN
    UPDATE discussion_reactions SET named = named + 1
        WHERE message_id = NEW.message_id AND emoji = NEW.emoji;
END;
CREATE TRIGGER discussion_reactors_gone AFTER DELETE ON discussion_reactors
BEGIN
    UPDATE discussion_reactions SET named = named - 1
        WHERE message_id = OLD.message_id AND emoji = OLD.emoji;
END;

-- A count never names more members than it counts (see above).
CREATE TRIGGER discussion_reactions_names_fit AFTER UPDATE OF count ON discussion_reactions
WHEN NEW.count < NEW.named
BEGIN
    DELETE FROM discussion_reactors WHERE message_id = NEW.message_id AND emoji = NEW.emoji;
END;

-- One change per row, applied by the triggers below:
--   'added'   a member reacted (emoji, name, user_id, user_name)
--   'removed' a member took theirs back (emoji, user_id)
--   'cleared' a moderator removed every reaction, or every one of `emoji` (emoji NULL: all)
--   'counted' the message as history shows it: `counts` is a JSON array of
--             [emoji, name, count]; an emoji missing there has no reactions left
-- Reactions are kept only on stored messages that are not deleted.
CREATE VIEW discussion_reaction_changes (kind, message_id, emoji, name, user_id, user_name,
                                         counts) AS
    SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL WHERE 0;

CREATE TRIGGER discussion_reaction_added INSTEAD OF INSERT ON discussion_reaction_changes
WHEN NEW.kind = 'added' AND EXISTS (SELECT 1 FROM discussion_messages
                                    WHERE message_id = NEW.message_id AND deleted_at IS NULL)
BEGIN
    -- Counted once per member: a repeated event for a reaction already known adds nothing.
    INSERT INTO discussion_reactions (message_id, emoji, name, count)
        SELECT NEW.message_id, NEW.emoji, NEW.name, 1
        WHERE NOT EXISTS (SELECT 1 FROM discussion_reactors WHERE message_id = NEW.message_id
                          AND emoji = NEW.emoji AND user_id = NEW.user_id)
        ON CONFLICT (message_id, emoji) DO UPDATE SET name = excluded.name, count = count + 1;
    INSERT INTO discussion_reactors (message_id, emoji, user_id, user_name)
        VALUES (NEW.message_id, NEW.emoji, NEW.user_id, NEW.user_name)
        ON CONFLICT (message_id, emoji, user_id) DO UPDATE SET user_name = excluded.user_name;
END;

CREATE TRIGGER discussion_reaction_removed INSTEAD OF INSERT ON discussion_reaction_changes
WHEN NEW.kind = 'removed'
BEGIN
    -- Whether or not the bot knew who it was, Discord counts one fewer.
    DELETE FROM discussion_reactors
        WHERE message_id = NEW.message_id AND emoji = NEW.emoji AND user_id = NEW.user_id;
    DELETE FROM discussion_reactions
        WHERE message_id = NEW.message_id AND emoji = NEW.emoji AND count <= 1;
    UPDATE discussion_reactions SET count = count - 1
        WHERE message_id = NEW.message_id AND emoji = NEW.emoji;
END;

CREATE TRIGGER discussion_reaction_cleared INSTEAD OF INSERT ON discussion_reaction_changes
WHEN NEW.kind = 'cleared'
BEGIN
    DELETE FROM discussion_reactions
        WHERE message_id = NEW.message_id AND (NEW.emoji IS NULL OR emoji = NEW.emoji);
END;

CREATE TRIGGER discussion_reaction_counted INSTEAD OF INSERT ON discussion_reaction_changes
WHEN NEW.kind = 'counted' AND EXISTS (SELECT 1 FROM discussion_messages
                                      WHERE message_id = NEW.message_id AND deleted_at IS NULL)
BEGIN
    DELETE FROM discussion_reactions WHERE message_id = NEW.message_id
        AND emoji NOT IN (SELECT value ->> 0 FROM json_each(NEW.counts) WHERE value ->> 2 > 0);
    INSERT INTO discussion_reactions (message_id, emoji, name, count)
        SELECT NEW.message_id, value ->> 0, value ->> 1, value ->> 2
        FROM json_each(NEW.counts) WHERE value ->> 2 > 0
        ON CONFLICT (message_id, emoji) DO UPDATE SET name = excluded.name,
                                                      count = excluded.count;
END;
