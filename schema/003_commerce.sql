-- 003: commerce (coupons, orders, items, payments, webhooks, entitlements, downloads, invoices)
--
-- Orders and invoices must outlive everything they point at: users are anonymised, never
-- deleted, and products are archived, so those FKs are ON DELETE RESTRICT. Only the parts
-- of an order (order_items) cascade with it.

CREATE TABLE coupons (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code            citext NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9_-]{3,40}$'),
    kind            text NOT NULL CHECK (kind IN ('percent', 'fixed')),
    -- percent: basis points (1000 = 10 %); fixed: paise off the pre-tax subtotal
    value           bigint NOT NULL CHECK (value > 0),
    currency        char(3) NOT NULL DEFAULT 'INR' CHECK (currency ~ '^[A-Z]{3}$'),
    max_redemptions integer CHECK (max_redemptions > 0),             -- NULL = unlimited
    redemptions     integer NOT NULL DEFAULT 0 CHECK (redemptions >= 0),
    valid_from      timestamptz,
    valid_until     timestamptz,
    active          boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (kind <> 'percent' OR value <= 10000),
    CHECK (max_redemptions IS NULL OR redemptions <= max_redemptions),
    CHECK (valid_until IS NULL OR valid_from IS NULL OR valid_until > valid_from)
);
CREATE TRIGGER coupons_set_updated_at BEFORE UPDATE ON coupons
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Amounts: subtotal = sum of item prices; discount comes off the subtotal; GST is charged on
-- (subtotal - discount); total = subtotal - discount + tax is what the buyer pays.
CREATE TABLE orders (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    public_id         uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE,
    user_id           bigint NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    status            text NOT NULL DEFAULT 'pending'
                      CHECK (status IN ('pending', 'paid', 'failed', 'refunded', 'cancelled')),
    subtotal_paise    bigint NOT NULL CHECK (subtotal_paise >= 0),
    tax_paise         bigint NOT NULL DEFAULT 0 CHECK (tax_paise >= 0),
    discount_paise    bigint NOT NULL DEFAULT 0 CHECK (discount_paise >= 0),
    total_paise       bigint NOT NULL CHECK (total_paise >= 0),
    currency          char(3) NOT NULL DEFAULT 'INR' CHECK (currency ~ '^[A-Z]{3}$'),
    coupon_id         bigint REFERENCES coupons (id) ON DELETE RESTRICT,
    -- 'sandbox' is the built-in fake provider of `./souk up`; production is 'razorpay'
    provider          text NOT NULL DEFAULT 'razorpay' CHECK (provider IN ('razorpay', 'sandbox')),
    provider_order_id text UNIQUE,                 -- Razorpay order_xxx, NULL until created
    gstin             text CHECK (gstin ~ '^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]$'),
    billing_name      text CHECK (length(billing_name) <= 200),
    billing_state     text CHECK (length(billing_state) <= 100),  -- place of supply for GST
    paid_at           timestamptz,
    refunded_at       timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CHECK (discount_paise <= subtotal_paise),
    CHECK (total_paise = subtotal_paise - discount_paise + tax_paise),
    CHECK (status NOT IN ('paid', 'refunded') OR paid_at IS NOT NULL),
    CHECK (status <> 'refunded' OR refunded_at IS NOT NULL)
);
CREATE INDEX orders_user_id_idx ON orders (user_id, created_at DESC);    -- "my orders"
CREATE INDEX orders_status_created_idx ON orders (status, created_at DESC);  -- admin list
CREATE INDEX orders_created_at_idx ON orders (created_at DESC);
CREATE INDEX orders_coupon_id_idx ON orders (coupon_id);
CREATE TRIGGER orders_set_updated_at BEFORE UPDATE ON orders
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Lines of an order, with title/price/tax snapshotted at checkout. A digital product is
-- at most once in an order (quantity is kept for completeness; normally 1).
CREATE TABLE order_items (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id         bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    product_id       bigint NOT NULL REFERENCES products (id) ON DELETE RESTRICT,
    title            text NOT NULL,
    unit_price_paise bigint NOT NULL CHECK (unit_price_paise >= 0),
    tax_rate_bp      integer NOT NULL CHECK (tax_rate_bp BETWEEN 0 AND 10000),
    tax_paise        bigint NOT NULL DEFAULT 0 CHECK (tax_paise >= 0),   -- after any discount
    quantity         integer NOT NULL DEFAULT 1 CHECK (quantity > 0),
    UNIQUE (order_id, product_id)             -- also the FK index for order_id
);
CREATE INDEX order_items_product_id_idx ON order_items (product_id);

-- Payment attempts reported by the provider (one order may see several attempts).
CREATE TABLE payments (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id            bigint NOT NULL REFERENCES orders (id) ON DELETE RESTRICT,
    provider_payment_id text NOT NULL UNIQUE,          -- Razorpay pay_xxx
    status              text NOT NULL
                        CHECK (status IN ('created', 'authorized', 'captured', 'failed', 'refunded')),
    amount_paise        bigint NOT NULL CHECK (amount_paise >= 0),
    currency            char(3) NOT NULL DEFAULT 'INR' CHECK (currency ~ '^[A-Z]{3}$'),
    method              text,                            -- card, upi, netbanking, wallet ...
    raw                 jsonb NOT NULL DEFAULT '{}',     -- provider's payment entity as received
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payments_order_id_idx ON payments (order_id);
CREATE TRIGGER payments_set_updated_at BEFORE UPDATE ON payments
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Every webhook delivery, stored before it is processed; the unique key makes redelivery
-- idempotent (INSERT ... ON CONFLICT DO NOTHING, then process only if inserted).
CREATE TABLE webhook_events (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    provider          text NOT NULL CHECK (provider IN ('razorpay', 'sandbox')),
    provider_event_id text NOT NULL,               -- Razorpay: X-Razorpay-Event-Id header
    event_type        text NOT NULL,               -- payment.captured, refund.processed ...
    payload           jsonb NOT NULL,
    signature_valid   boolean NOT NULL,
    received_at       timestamptz NOT NULL DEFAULT now(),
    processed_at      timestamptz,
    error             text,
    UNIQUE (provider, provider_event_id)
);
CREATE INDEX webhook_events_unprocessed_idx ON webhook_events (received_at)
    WHERE processed_at IS NULL;

-- Who may download what. One row per (user, product): buying again after a refund, or a
-- grant on top of a purchase, updates the existing row. A purchase entitlement points at
-- its order; free claims and admin grants have no order.
CREATE TABLE entitlements (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    public_id      uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE,
    user_id        bigint NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    product_id     bigint NOT NULL REFERENCES products (id) ON DELETE RESTRICT,
    order_id       bigint REFERENCES orders (id) ON DELETE RESTRICT,
    source         text NOT NULL CHECK (source IN ('purchase', 'free_claim', 'grant')),
    -- downloads allowed PER FILE (see download_log); NULL = product's, then site default
    download_limit integer CHECK (download_limit > 0),
    expires_at     timestamptz,
    revoked_at     timestamptz,                   -- e.g. on refund
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (user_id, product_id),                  -- also the FK index for user_id
    CHECK ((source = 'purchase') = (order_id IS NOT NULL))
);
CREATE INDEX entitlements_product_id_idx ON entitlements (product_id);
CREATE INDEX entitlements_order_id_idx ON entitlements (order_id);
CREATE TRIGGER entitlements_set_updated_at BEFORE UPDATE ON entitlements
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- One row per download link issued. The download limit is counted PER FILE VERSION of an
-- entitlement: count(*) WHERE entitlement_id = $1 AND product_file_id = $2. So a buyer
-- with a limit of 5 may fetch each file of the product 5 times, and when the seller uploads
-- a new version (a new product_files row) the buyer gets a fresh allowance for it: fixing
-- a file should not cost the buyer downloads. (Counting per label across versions would be
-- a join on product_files.label; not chosen.)
CREATE TABLE download_log (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entitlement_id  bigint NOT NULL REFERENCES entitlements (id) ON DELETE RESTRICT,
    product_file_id bigint NOT NULL REFERENCES product_files (id) ON DELETE RESTRICT,
    user_id         bigint NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    ip              inet,
    user_agent      text CHECK (length(user_agent) <= 1000),
    at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX download_log_entitlement_file_idx ON download_log (entitlement_id, product_file_id);
CREATE INDEX download_log_product_file_id_idx ON download_log (product_file_id);
CREATE INDEX download_log_user_id_idx ON download_log (user_id, at DESC);

-- GST tax invoices, one per paid order. Numbers are consecutive per financial year
-- (April-March), as GST requires: take the next number from invoice_counters in the same
-- transaction that inserts the invoice:
--   INSERT INTO invoice_counters (financial_year, last_sequence) VALUES ($1, 1)
--   ON CONFLICT (financial_year) DO UPDATE SET last_sequence = invoice_counters.last_sequence + 1
--   RETURNING last_sequence;
-- (the row lock serialises concurrent issuers, and a rollback gives the number back).
CREATE TABLE invoice_counters (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    financial_year text NOT NULL UNIQUE CHECK (financial_year ~ '^[0-9]{4}-[0-9]{2}$'),
    last_sequence  integer NOT NULL CHECK (last_sequence >= 0)
);

CREATE TABLE invoices (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    public_id       uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE,
    number          text NOT NULL UNIQUE,                       -- SOUK/2026-27/000123
    order_id        bigint NOT NULL UNIQUE REFERENCES orders (id) ON DELETE RESTRICT,
    financial_year  text NOT NULL CHECK (financial_year ~ '^[0-9]{4}-[0-9]{2}$'),  -- 2026-27
    sequence        integer NOT NULL CHECK (sequence > 0),
    -- seller (the shop), copied from configuration at issue time
    seller_name     text NOT NULL,
    seller_address  text NOT NULL DEFAULT '',
    seller_gstin    text CHECK (seller_gstin ~ '^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]$'),
    seller_state    text NOT NULL,
    -- buyer, copied from the order
    buyer_name      text NOT NULL,
    buyer_email     citext,
    buyer_gstin     text CHECK (buyer_gstin ~ '^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]$'),
    buyer_state     text,
    place_of_supply text,
    -- amounts: intra-state supply is CGST + SGST, inter-state is IGST
    taxable_paise   bigint NOT NULL CHECK (taxable_paise >= 0),
    cgst_paise      bigint NOT NULL DEFAULT 0 CHECK (cgst_paise >= 0),
    sgst_paise      bigint NOT NULL DEFAULT 0 CHECK (sgst_paise >= 0),
    igst_paise      bigint NOT NULL DEFAULT 0 CHECK (igst_paise >= 0),
    total_paise     bigint NOT NULL CHECK (total_paise >= 0),
    currency        char(3) NOT NULL DEFAULT 'INR' CHECK (currency ~ '^[A-Z]{3}$'),
    pdf_storage_key text,                   -- NULL until `souk-jobs invoices` renders it
    issued_at       timestamptz NOT NULL DEFAULT now(),
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (financial_year, sequence),
    CHECK (total_paise = taxable_paise + cgst_paise + sgst_paise + igst_paise),
    CHECK (igst_paise = 0 OR (cgst_paise = 0 AND sgst_paise = 0))
);
CREATE INDEX invoices_issued_at_idx ON invoices (issued_at DESC);
CREATE INDEX invoices_pending_pdf_idx ON invoices (issued_at) WHERE pdf_storage_key IS NULL;
