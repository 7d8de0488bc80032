-- 007: an e-mail change waits here until the new address is verified.
--
-- Login, one-time codes, password reset and Google/GitHub linking all look a user up by
-- users.email, so an unverified address must never be written there: otherwise anyone
-- could park an account on somebody else's address before its owner signs up.
ALTER TABLE users ADD COLUMN pending_email citext
    CHECK (pending_email ~ '^[^@\s]+@[^@\s]+$' AND length(pending_email) <= 254);
