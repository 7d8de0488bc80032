-- 015: checkout. What an order needs to be created once, paid once and invoiced.
--
-- - idempotency_key + request_hash: POST /checkout with the same Idempotency-Key (per
--   user) returns the same order; the same key with a different body is refused.
-- - billing_country and supply (intra_state, inter_state, export) with the GST split
--   as the buyer was charged; billing_state holds the GST state code (place of supply).
-- - flag: why staff must look at an order (a payment whose amount or currency did not
--   match, a second payment for a paid order, a payment for a cancelled order).
-- - order_items.discount_paise: each line's share of the coupon, so that an invoice line's
--   taxable value is unit_price_paise - discount_paise.
-- - sandbox_payments: the payments of the built-in sandbox provider (no Razorpay keys,
--   never in production), which checkout verifies exactly as it verifies Razorpay's.

ALTER TABLE orders
    ADD COLUMN billing_country char(2) NOT NULL DEFAULT 'IN' CHECK (billing_country ~ '^[A-Z]{2}$'),
    ADD COLUMN supply text NOT NULL DEFAULT 'intra_state'
        CHECK (supply IN ('intra_state', 'inter_state', 'export')),
    ADD COLUMN cgst_paise bigint NOT NULL DEFAULT 0 CHECK (cgst_paise >= 0),
    ADD COLUMN sgst_paise bigint NOT NULL DEFAULT 0 CHECK (sgst_paise >= 0),
    ADD COLUMN igst_paise bigint NOT NULL DEFAULT 0 CHECK (igst_paise >= 0),
    ADD COLUMN idempotency_key text CHECK (length(idempotency_key) BETWEEN 1 AND 100),
    ADD COLUMN request_hash text CHECK (request_hash ~ '^[0-9a-f]{64}$'),
    ADD COLUMN flag text CHECK (length(flag) <= 1000),
    ADD CONSTRAINT orders_user_idempotency_key UNIQUE (user_id, idempotency_key);

-- pending orders by age: expire-orders and reconcile
CREATE INDEX orders_pending_created_idx ON orders (created_at) WHERE status = 'pending';

ALTER TABLE order_items
    ADD COLUMN discount_paise bigint NOT NULL DEFAULT 0 CHECK (discount_paise >= 0),
    ADD CONSTRAINT order_items_discount_check CHECK (discount_paise <= unit_price_paise * quantity);

CREATE TABLE sandbox_payments (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    provider_payment_id text NOT NULL UNIQUE,      -- pay_sbx...
    provider_order_id   text NOT NULL REFERENCES orders (provider_order_id) ON DELETE RESTRICT,
    status              text NOT NULL CHECK (status IN ('captured', 'failed')),
    amount_paise        bigint NOT NULL CHECK (amount_paise >= 0),
    currency            char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    created_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sandbox_payments_order_idx ON sandbox_payments (provider_order_id);
