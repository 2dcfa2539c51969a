-- The sandbox's world kept with its database (`cohortbot sandbox --db FILE`), so that a
-- second session on the file builds the same guild, channels and members and goes on where
-- the first stopped: the snowflake worker its ids carry, the guild's id (the check that the
-- world built again is that one), the last id the world made and its clock. One row, written
-- by the sandbox only (bot/demo/world.py); a real bot's database never has one.
CREATE TABLE demo_world (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    worker    INTEGER NOT NULL,
    guild_id  INTEGER NOT NULL,
    last_id   INTEGER NOT NULL,
    clock_ms  INTEGER NOT NULL
);
