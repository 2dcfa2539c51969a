-- When an outreach's window for a follow-up ends: two weeks of the member's calendar after
-- it was sent, at the time of day it was sent (bot.followups.window_end), which is not
-- always 14 x 24 hours (a DST change in between moves it by the change). It depends on the
-- member's timezone when it was logged, so it is worked out then and stored; the hourly
-- sweep closes windows by it. Outreach logged before this keeps the 14 x 24 hours it was
-- given (at most an hour off the calendar rule).
ALTER TABLE outreaches ADD COLUMN window_end_at INTEGER;
UPDATE outreaches SET window_end_at = sent_at + 14 * 86400000;
CREATE INDEX outreaches_window ON outreaches (status, window_end_at);
-- The recipient keys of 0006 (recipient_email, recipient_url, recipient_name) are no longer
-- read or written: who is the same person is decided from the recipient as typed, with the
-- rules of the day (bot.followups.same_person), so older rows follow them too.
