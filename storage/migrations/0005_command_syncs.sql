-- What the bot last synced as its slash commands, per application and scope, so a start with
-- unchanged command definitions does not sync again (Discord limits how many commands an
-- application may create a day, and discord.py advises syncing only on change).

CREATE TABLE command_syncs (
    application_id INTEGER NOT NULL,
    scope          INTEGER NOT NULL,  -- a guild id, or 0 for the global commands
    payload_hash   TEXT    NOT NULL,  -- sha256 of the command definitions as sent
    synced_at      INTEGER NOT NULL,
    PRIMARY KEY (application_id, scope)
);
