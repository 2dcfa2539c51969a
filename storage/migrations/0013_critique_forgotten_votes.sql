-- Whether a member who used /forget-me had voted on the critique: their 👍 stays on its post
-- (a bot cannot remove another's reaction without Manage Messages), and Discord does not say
-- when a reaction was made, so the catch-up after downtime could not tell it from a vote cast
-- while the bot was away. On such a post it only takes back votes; live votes still count.
-- A flag on the critique, never the member's id: nothing of theirs is kept.
ALTER TABLE critiques ADD COLUMN forgotten_votes INTEGER NOT NULL DEFAULT 0;
