-- What the bot last told a guild's moderators about its set-up at start-up (the notice's
-- lines: channel mentions and permission names, nothing about a member), so a restart does
-- not say the same again; the row goes once the set-up is fixed, so a new problem is told.
CREATE TABLE setup_notices (
    guild_id INTEGER PRIMARY KEY,
    told     TEXT    NOT NULL,
    told_at  INTEGER NOT NULL
);
