-- 017: souk-mailer. What sending the outbox needs.
--
-- - A row is claimed by setting status 'sending' with next_attempt_at = the end of its
--   lease (now + 5 min): a mailer that dies mid-send leaves it 'sending', and once the
--   lease is over another mailer claims it again (at most one duplicate; receivers can
--   dedupe on the Message-ID, which is derived from the row's id).
-- - provider_message_id: what the transport says it sent (SES's MessageId, the file
--   written, the Message-ID for SMTP).
-- - A trigger NOTIFYs souk_mail after rows are inserted (or a failed one is sent again),
--   so souk-mailer --loop wakes at once instead of at its next 30 s poll.
-- - mail:read: staff who may see the outbox (failed messages) and send one again.

ALTER TABLE email_outbox ADD COLUMN provider_message_id text
    CHECK (length(provider_message_id) <= 500);

-- due rows: pending ones and expired leases, by when they are due
CREATE INDEX email_outbox_due_idx ON email_outbox (next_attempt_at)
    WHERE status IN ('pending', 'sending');

CREATE FUNCTION email_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('souk_mail', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER email_outbox_notify AFTER INSERT ON email_outbox
    FOR EACH STATEMENT EXECUTE FUNCTION email_outbox_notify();
-- a failed message that staff send again
CREATE TRIGGER email_outbox_notify_retry AFTER UPDATE OF status ON email_outbox
    FOR EACH ROW WHEN (OLD.status = 'failed' AND NEW.status = 'pending')
    EXECUTE FUNCTION email_outbox_notify();

INSERT INTO permissions (name, description)
VALUES ('mail:read', 'See the e-mail outbox and send a failed message again')
ON CONFLICT (name) DO NOTHING;
INSERT INTO role_permissions (role_id, permission_id)
SELECT r.id, p.id FROM roles r, permissions p
 WHERE r.name IN ('admin', 'support') AND p.name = 'mail:read'
ON CONFLICT DO NOTHING;
