-- 016: after the sale. Refunds with their credit notes, payment disputes, and what the
-- jobs (souk-jobs) need to find their work.
--
-- - orders.payment_id: the payment that paid the order (set by fulfilment). A refund of it
--   gets a credit note and, when it makes the refunds reach the total, makes the order
--   refunded and revokes its entitlements; a refund of another payment (a second payment
--   for a paid order, a wrong amount) only gives that money back.
-- - orders.refunded_paise: the processed refunds of orders.payment_id, never above the total.
-- - refunds: one row per refund asked for (staff, Idempotency-Key per order) or learnt from
--   Razorpay (a refund made in its dashboard). 'pending' until Razorpay says processed or
--   failed; pending and processed refunds together never exceed what the payment took.
-- - credit_notes: the GST credit note of a processed refund of the paying payment, numbered
--   in its own gap-free series per financial year (CN2627-000001) from credit_note_counters,
--   rendered to PDF by `souk-jobs invoices` like the invoices.
-- - disputes: chargebacks Razorpay reports (payment.dispute.*). While one is open on an
--   order its entitlements are suspended (entitlements.suspended_at); won or closed in the
--   shop's favour restores them, lost revokes them.
-- - webhook_events.order_id and attempts: which order an event was about (staff order
--   detail) and how often processing was tried (souk-jobs webhooks backs off).
-- - orders.checked_at: when souk-jobs reconcile last asked the provider about a pending
--   order (it asks less often as the order ages); invoices.pdf_failed_at and
--   credit_notes.pdf_failed_at: a document that could not be rendered is tried again a
--   day later, not on every run.

ALTER TABLE orders
    ADD COLUMN payment_id bigint REFERENCES payments (id) ON DELETE RESTRICT,
    ADD COLUMN refunded_paise bigint NOT NULL DEFAULT 0 CHECK (refunded_paise >= 0),
    ADD COLUMN checked_at timestamptz,
    ADD CONSTRAINT orders_refunded_within_total CHECK (refunded_paise <= total_paise);

ALTER TABLE invoices ADD COLUMN pdf_failed_at timestamptz;

-- orders paid before this migration: the first captured payment of the order's amount
UPDATE orders o SET payment_id = (
    SELECT p.id FROM payments p WHERE p.order_id = o.id AND p.status IN ('captured', 'refunded')
       AND p.amount_paise = o.total_paise AND p.currency = o.currency ORDER BY p.id LIMIT 1)
 WHERE o.status IN ('paid', 'refunded') AND o.payment_id IS NULL;

ALTER TABLE payments
    ADD COLUMN refunded_paise bigint NOT NULL DEFAULT 0 CHECK (refunded_paise >= 0),
    ADD CONSTRAINT payments_refunded_within_amount CHECK (refunded_paise <= amount_paise);

ALTER TABLE entitlements ADD COLUMN suspended_at timestamptz;

CREATE TABLE refunds (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    public_id          uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE,
    order_id           bigint NOT NULL REFERENCES orders (id) ON DELETE RESTRICT,
    payment_id         bigint NOT NULL REFERENCES payments (id) ON DELETE RESTRICT,
    provider_refund_id text UNIQUE CHECK (length(provider_refund_id) <= 100),  -- rfnd_xxx
    amount_paise       bigint NOT NULL CHECK (amount_paise > 0),
    currency           char(3) NOT NULL DEFAULT 'INR' CHECK (currency ~ '^[A-Z]{3}$'),
    status             text NOT NULL DEFAULT 'pending'
                       CHECK (status IN ('pending', 'processed', 'failed')),
    reason             text NOT NULL DEFAULT '' CHECK (length(reason) <= 500),
    requested_by       bigint REFERENCES users (id) ON DELETE RESTRICT,  -- NULL: from Razorpay
    idempotency_key    text CHECK (length(idempotency_key) BETWEEN 1 AND 100),
    request_hash       text CHECK (request_hash ~ '^[0-9a-f]{64}$'),
    error              text CHECK (length(error) <= 1000),
    processed_at       timestamptz,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    UNIQUE (order_id, idempotency_key),
    CHECK ((status = 'processed') = (processed_at IS NOT NULL))
);
CREATE INDEX refunds_payment_id_idx ON refunds (payment_id);
CREATE TRIGGER refunds_set_updated_at BEFORE UPDATE ON refunds
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE credit_note_counters (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    financial_year text NOT NULL UNIQUE CHECK (financial_year ~ '^[0-9]{4}-[0-9]{2}$'),
    last_sequence  integer NOT NULL CHECK (last_sequence >= 0)
);

CREATE TABLE credit_notes (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    public_id       uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE,
    number          text NOT NULL UNIQUE CHECK (length(number) <= 16),   -- CN2627-000001
    refund_id       bigint NOT NULL UNIQUE REFERENCES refunds (id) ON DELETE RESTRICT,
    invoice_id      bigint NOT NULL REFERENCES invoices (id) ON DELETE RESTRICT,
    financial_year  text NOT NULL CHECK (financial_year ~ '^[0-9]{4}-[0-9]{2}$'),
    sequence        integer NOT NULL CHECK (sequence > 0),
    taxable_paise   bigint NOT NULL CHECK (taxable_paise >= 0),
    cgst_paise      bigint NOT NULL DEFAULT 0 CHECK (cgst_paise >= 0),
    sgst_paise      bigint NOT NULL DEFAULT 0 CHECK (sgst_paise >= 0),
    igst_paise      bigint NOT NULL DEFAULT 0 CHECK (igst_paise >= 0),
    total_paise     bigint NOT NULL CHECK (total_paise > 0),
    currency        char(3) NOT NULL DEFAULT 'INR' CHECK (currency ~ '^[A-Z]{3}$'),
    reason          text NOT NULL DEFAULT '',
    pdf_storage_key text,
    pdf_failed_at   timestamptz,
    issued_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (financial_year, sequence),
    CHECK (total_paise = taxable_paise + cgst_paise + sgst_paise + igst_paise),
    CHECK (igst_paise = 0 OR (cgst_paise = 0 AND sgst_paise = 0))
);
CREATE INDEX credit_notes_invoice_id_idx ON credit_notes (invoice_id);
CREATE INDEX credit_notes_pending_pdf_idx ON credit_notes (issued_at) WHERE pdf_storage_key IS NULL;

CREATE TABLE disputes (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    provider_dispute_id text NOT NULL UNIQUE CHECK (length(provider_dispute_id) <= 100),
    order_id            bigint NOT NULL REFERENCES orders (id) ON DELETE RESTRICT,
    payment_id          bigint REFERENCES payments (id) ON DELETE RESTRICT,
    status              text NOT NULL CHECK (status IN ('open', 'won', 'lost', 'closed')),
    amount_paise        bigint NOT NULL DEFAULT 0 CHECK (amount_paise >= 0),
    currency            char(3) NOT NULL DEFAULT 'INR' CHECK (currency ~ '^[A-Z]{3}$'),
    reason_code         text CHECK (length(reason_code) <= 200),
    raw                 jsonb NOT NULL DEFAULT '{}',
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX disputes_order_id_idx ON disputes (order_id);
CREATE TRIGGER disputes_set_updated_at BEFORE UPDATE ON disputes
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

ALTER TABLE webhook_events
    ADD COLUMN order_id bigint REFERENCES orders (id) ON DELETE RESTRICT,
    ADD COLUMN attempts integer NOT NULL DEFAULT 1 CHECK (attempts >= 0);
CREATE INDEX webhook_events_order_id_idx ON webhook_events (order_id) WHERE order_id IS NOT NULL;

-- admin holds every permission: make sure it holds the refund one
INSERT INTO role_permissions (role_id, permission_id)
SELECT r.id, p.id FROM roles r, permissions p WHERE r.name = 'admin' AND p.name = 'orders:refund'
ON CONFLICT DO NOTHING;
