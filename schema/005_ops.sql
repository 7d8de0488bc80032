-- 005: operations (e-mail outbox, audit log)

-- Transactional outbox: a state change and the e-mail it causes are inserted in the same
-- transaction; `souk-mailer --once` sends them. Queue query:
--   SELECT ... FROM email_outbox
--    WHERE status = 'pending' AND next_attempt_at <= now()
--    ORDER BY next_attempt_at LIMIT n FOR UPDATE SKIP LOCKED;
-- Rows left in 'sending' by a crashed mailer can be found by (status, updated_at).
CREATE TABLE email_outbox (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    template        text NOT NULL CHECK (template ~ '^[a-z0-9_]+$'),   -- templates/<name>.*
    recipient       citext NOT NULL CHECK (recipient ~ '^[^@\s]+@[^@\s]+$'),
    data            jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(data) = 'object'),
    status          text NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    -- optional idempotency key, e.g. 'order_paid:<order public_id>', so that a webhook
    -- delivered twice queues one e-mail
    dedupe_key      text UNIQUE,
    sent_at         timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (status <> 'sent' OR sent_at IS NOT NULL)
);
CREATE INDEX email_outbox_queue_idx ON email_outbox (status, next_attempt_at);
CREATE TRIGGER email_outbox_set_updated_at BEFORE UPDATE ON email_outbox
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Who did what, for admin actions and security events. Append-only. The actor is kept
-- as NULL if a user row were ever deleted (ON DELETE SET NULL), so the trail survives.
CREATE TABLE audit_log (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    actor_id  bigint REFERENCES users (id) ON DELETE SET NULL,
    action    text NOT NULL CHECK (length(action) BETWEEN 1 AND 100),  -- product.update, user.login ...
    entity    text NOT NULL DEFAULT '' CHECK (length(entity) <= 100),  -- product, order, user ...
    entity_id text NOT NULL DEFAULT '' CHECK (length(entity_id) <= 100), -- usually a public_id
    data      jsonb NOT NULL DEFAULT '{}',
    ip        inet,
    at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, at);
CREATE INDEX audit_log_at_idx ON audit_log (at DESC);
