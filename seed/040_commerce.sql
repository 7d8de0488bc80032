-- Seed 040: coupons, orders in every status, payments, webhook events, entitlements,
-- downloads and one invoice. DEV / DEMO DATA ONLY.
--
-- Orders have fixed, readable public_ids (d0000000-0000-4000-8000-0000000000NN) so tests
-- and docs can refer to them. Amounts follow the orders CHECK:
--   total = subtotal - discount + tax, tax = 18 % of (subtotal - discount), rounded half up.
--
--   NN  user       status     items                                    sub     disc   tax    total
--   01  customer   paid       sell-what-you-know + notion-budget-tracker 94800     0  17064  111864
--   02  customer   paid       razorpay-checkout-starter (WELCOME10)    199900 19990  32384  212294
--   03  customer   pending    rekha-line-icons                         129900     0  23382  153282
--   04  customer   failed     django-saas-boilerplate                  499900     0  89982  589882
--   05  customer   refunded   warm-film-luts                            99900     0  17982  117882
--   06  customer   cancelled  startup-pitch-deck                       149900     0  26982  176882
--   07  asha.k     paid       bazaar-ecommerce-ui-kit + rekha-line-icons 379800    0  68364  448164
--   08  rohan.das  paid       postgresql-for-app-developers (FLAT200)  129900 20000  19782  129682

CREATE OR REPLACE FUNCTION pg_temp.seed_uuid(k text) RETURNS uuid
LANGUAGE sql IMMUTABLE
RETURN overlay(overlay(md5('souk-seed:' || k) PLACING '4' FROM 13) PLACING '8' FROM 17)::uuid;

INSERT INTO coupons (code, kind, value, max_redemptions, redemptions, valid_from, valid_until,
                     active, created_at, updated_at) VALUES
    ('WELCOME10', 'percent', 1000,  NULL, 1, '2026-01-01 00:00:00+05:30', NULL, true,
     '2025-12-20 10:00:00+05:30', '2025-12-20 10:00:00+05:30'),
    ('FLAT200',   'fixed',   20000, 500,  1, '2026-06-01 00:00:00+05:30', '2027-03-31 23:59:59+05:30', true,
     '2026-05-28 10:00:00+05:30', '2026-05-28 10:00:00+05:30'),
    ('DIWALI25',  'percent', 2500,  1000, 0, '2026-10-15 00:00:00+05:30', '2026-11-05 23:59:59+05:30', true,
     '2026-10-10 10:00:00+05:30', '2026-10-10 10:00:00+05:30')
ON CONFLICT (code) DO NOTHING;

-- billing_state is the GST state code (the place of supply); the seller is in Karnataka
-- (29, SOUK_SELLER_STATE's default), so a buyer there pays CGST + SGST, half each with the
-- odd paisa to CGST, and a buyer in another state IGST (src/commerce/gst.c).
INSERT INTO orders (public_id, user_id, status, subtotal_paise, tax_paise, discount_paise,
                    total_paise, currency, coupon_id, provider, provider_order_id, gstin,
                    billing_name, billing_state, billing_country, supply, cgst_paise,
                    sgst_paise, igst_paise, paid_at, refunded_at, created_at, updated_at)
SELECT v.public_id::uuid, u.id, v.status, v.subtotal, v.tax, v.discount,
       v.subtotal - v.discount + v.tax, 'INR', c.id, 'razorpay', v.provider_order_id, v.gstin,
       v.billing_name, v.billing_state, 'IN',
       CASE WHEN v.billing_state = '29' THEN 'intra_state' ELSE 'inter_state' END,
       CASE WHEN v.billing_state = '29' THEN v.tax - v.tax / 2 ELSE 0 END,
       CASE WHEN v.billing_state = '29' THEN v.tax / 2 ELSE 0 END,
       CASE WHEN v.billing_state = '29' THEN 0 ELSE v.tax END,
       v.paid_at::timestamptz, v.refunded_at::timestamptz,
       v.created_at::timestamptz,
       greatest(v.created_at::timestamptz, v.paid_at::timestamptz, v.refunded_at::timestamptz)
  FROM (VALUES
    ('d0000000-0000-4000-8000-000000000001', 'customer@souk.test', 'paid',       94800,  17064,     0, NULL,
     'order_Sk01PaidArjun1', NULL, 'Arjun Iyer', '29',
     '2026-09-12 21:04:10+05:30', NULL, '2026-09-12 21:02:45+05:30'),
    ('d0000000-0000-4000-8000-000000000002', 'customer@souk.test', 'paid',      199900,  32384, 19990, 'WELCOME10',
     'order_Sk02PaidArjun2', NULL, 'Arjun Iyer', '29',
     '2026-10-05 11:31:55+05:30', NULL, '2026-10-05 11:30:02+05:30'),
    ('d0000000-0000-4000-8000-000000000003', 'customer@souk.test', 'pending',   129900,  23382,     0, NULL,
     'order_Sk03PendingAr', NULL, 'Arjun Iyer', '29',
     NULL, NULL, '2026-11-23 22:15:00+05:30'),
    ('d0000000-0000-4000-8000-000000000004', 'customer@souk.test', 'failed',    499900,  89982,     0, NULL,
     'order_Sk04FailedArj', NULL, 'Arjun Iyer', '29',
     NULL, NULL, '2026-10-21 14:40:00+05:30'),
    ('d0000000-0000-4000-8000-000000000005', 'customer@souk.test', 'refunded',   99900,  17982,     0, NULL,
     'order_Sk05RefundedA', NULL, 'Arjun Iyer', '29',
     '2026-08-02 19:12:30+05:30', '2026-08-04 10:05:00+05:30', '2026-08-02 19:11:00+05:30'),
    ('d0000000-0000-4000-8000-000000000006', 'customer@souk.test', 'cancelled', 149900,  26982,     0, NULL,
     NULL, NULL, 'Arjun Iyer', '29',
     NULL, NULL, '2026-07-14 09:20:00+05:30'),
    ('d0000000-0000-4000-8000-000000000007', 'asha.k@souk.test',   'paid',      379800,  68364,     0, NULL,
     'order_Sk07PaidAsha1', '27AAPFU0939F1ZV', 'Kulkarni Design Studio LLP', '27',
     '2026-06-03 16:48:20+05:30', NULL, '2026-06-03 16:46:00+05:30'),
    ('d0000000-0000-4000-8000-000000000008', 'rohan.das@souk.test', 'paid',     129900,  19782, 20000, 'FLAT200',
     'order_Sk08PaidRohan', NULL, 'Rohan Das', '19',
     '2026-07-22 08:05:41+05:30', NULL, '2026-07-22 08:03:10+05:30')
  ) AS v (public_id, email, status, subtotal, tax, discount, coupon_code, provider_order_id,
          gstin, billing_name, billing_state, paid_at, refunded_at, created_at)
  JOIN users u ON u.email = v.email
  LEFT JOIN coupons c ON c.code = v.coupon_code
ON CONFLICT (public_id) DO NOTHING;

-- an order with a coupon has one line, which carries the whole discount
INSERT INTO order_items (order_id, product_id, title, unit_price_paise, tax_rate_bp, tax_paise,
                         quantity, discount_paise)
SELECT o.id, p.id, p.title, v.unit_price, 1800, v.tax, 1, o.discount_paise
  FROM (VALUES
    ('d0000000-0000-4000-8000-000000000001', 'sell-what-you-know',             59900, 10782),
    ('d0000000-0000-4000-8000-000000000001', 'notion-budget-tracker',          34900,  6282),
    ('d0000000-0000-4000-8000-000000000002', 'razorpay-checkout-starter',     199900, 32384),
    ('d0000000-0000-4000-8000-000000000003', 'rekha-line-icons',              129900, 23382),
    ('d0000000-0000-4000-8000-000000000004', 'django-saas-boilerplate',       499900, 89982),
    ('d0000000-0000-4000-8000-000000000005', 'warm-film-luts',                 99900, 17982),
    ('d0000000-0000-4000-8000-000000000006', 'startup-pitch-deck',            149900, 26982),
    ('d0000000-0000-4000-8000-000000000007', 'bazaar-ecommerce-ui-kit',       249900, 44982),
    ('d0000000-0000-4000-8000-000000000007', 'rekha-line-icons',              129900, 23382),
    ('d0000000-0000-4000-8000-000000000008', 'postgresql-for-app-developers', 129900, 19782)
  ) AS v (order_public_id, product_slug, unit_price, tax)
  JOIN orders o ON o.public_id = v.order_public_id::uuid
  JOIN products p ON p.slug = v.product_slug
ON CONFLICT (order_id, product_id) DO NOTHING;

INSERT INTO payments (order_id, provider_payment_id, status, amount_paise, currency, method,
                      raw, created_at, updated_at)
SELECT o.id, v.pay_id, v.status, o.total_paise, 'INR', v.method,
       jsonb_build_object('id', v.pay_id, 'entity', 'payment', 'amount', o.total_paise,
                          'currency', 'INR', 'status', v.status, 'order_id', o.provider_order_id,
                          'method', v.method, 'captured', v.status IN ('captured', 'refunded'),
                          'email', u.email, 'contact', '+919800000000',
                          'created_at', extract(epoch FROM v.created_at::timestamptz)::bigint)
       || v.extra::jsonb,
       v.created_at::timestamptz, v.updated_at::timestamptz
  FROM (VALUES
    ('d0000000-0000-4000-8000-000000000001', 'pay_Sk01CapturedUpi', 'captured', 'upi',
     '{"vpa": "arjun@okhdfcbank"}',
     '2026-09-12 21:03:40+05:30', '2026-09-12 21:04:10+05:30'),
    ('d0000000-0000-4000-8000-000000000002', 'pay_Sk02CapturedCrd', 'captured', 'card',
     '{"card": {"network": "Visa", "last4": "1111", "type": "credit"}}',
     '2026-10-05 11:31:20+05:30', '2026-10-05 11:31:55+05:30'),
    ('d0000000-0000-4000-8000-000000000004', 'pay_Sk04FailedCard1', 'failed', 'card',
     '{"card": {"network": "MasterCard", "last4": "4444", "type": "debit"}, "error_code": "BAD_REQUEST_ERROR", "error_reason": "insufficient_funds", "error_description": "Payment failed because the card has insufficient funds."}',
     '2026-10-21 14:41:30+05:30', '2026-10-21 14:41:52+05:30'),
    ('d0000000-0000-4000-8000-000000000005', 'pay_Sk05RefundedUpi', 'refunded', 'upi',
     '{"vpa": "arjun@okhdfcbank", "amount_refunded": 117882, "refund_status": "full"}',
     '2026-08-02 19:12:00+05:30', '2026-08-04 10:05:00+05:30'),
    ('d0000000-0000-4000-8000-000000000007', 'pay_Sk07CapturedNb1', 'captured', 'netbanking',
     '{"bank": "HDFC"}',
     '2026-06-03 16:47:50+05:30', '2026-06-03 16:48:20+05:30'),
    ('d0000000-0000-4000-8000-000000000008', 'pay_Sk08CapturedUpi', 'captured', 'upi',
     '{"vpa": "rohan.das@ybl"}',
     '2026-07-22 08:05:10+05:30', '2026-07-22 08:05:41+05:30')
  ) AS v (order_public_id, pay_id, status, method, extra, created_at, updated_at)
  JOIN orders o ON o.public_id = v.order_public_id::uuid
  JOIN users u ON u.id = o.user_id
ON CONFLICT (provider_payment_id) DO NOTHING;

INSERT INTO webhook_events (provider, provider_event_id, event_type, payload, signature_valid,
                            received_at, processed_at, error)
SELECT 'razorpay', v.event_id, v.event_type,
       jsonb_build_object('entity', 'event', 'event', v.event_type,
                          'contains', jsonb_build_array(split_part(v.event_type, '.', 1)),
                          'payload', jsonb_build_object('payment', jsonb_build_object('entity', p.raw)),
                          'created_at', extract(epoch FROM v.received_at::timestamptz)::bigint),
       v.signature_valid, v.received_at::timestamptz, v.processed_at::timestamptz, v.error
  FROM (VALUES
    ('evt_Sk01Captured0001', 'pay_Sk01CapturedUpi', 'payment.captured', true,
     '2026-09-12 21:04:12+05:30', '2026-09-12 21:04:12+05:30', NULL),
    ('evt_Sk02Captured0002', 'pay_Sk02CapturedCrd', 'payment.captured', true,
     '2026-10-05 11:31:57+05:30', '2026-10-05 11:31:58+05:30', NULL),
    ('evt_Sk04Failed000004', 'pay_Sk04FailedCard1', 'payment.failed',   true,
     '2026-10-21 14:41:53+05:30', '2026-10-21 14:41:53+05:30', NULL),
    ('evt_Sk05Refund000005', 'pay_Sk05RefundedUpi', 'refund.processed', true,
     '2026-08-04 10:05:02+05:30', '2026-08-04 10:05:03+05:30', NULL),
    ('evt_Sk07Captured0007', 'pay_Sk07CapturedNb1', 'payment.captured', true,
     '2026-06-03 16:48:22+05:30', '2026-06-03 16:48:22+05:30', NULL),
    ('evt_Sk08Captured0008', 'pay_Sk08CapturedUpi', 'payment.captured', true,
     '2026-07-22 08:05:43+05:30', '2026-07-22 08:05:43+05:30', NULL),
    -- a forged delivery: stored for the record, never acted on
    ('evt_Sk99Forged000099', 'pay_Sk02CapturedCrd', 'payment.captured', false,
     '2026-10-05 13:00:00+05:30', '2026-10-05 13:00:00+05:30', 'signature mismatch')
  ) AS v (event_id, pay_id, event_type, signature_valid, received_at, processed_at, error)
  JOIN payments p ON p.provider_payment_id = v.pay_id
ON CONFLICT (provider, provider_event_id) DO NOTHING;

INSERT INTO entitlements (public_id, user_id, product_id, order_id, source, download_limit,
                          expires_at, revoked_at, created_at, updated_at)
SELECT pg_temp.seed_uuid('entitlement:' || v.email || ':' || v.product_slug), u.id, p.id, o.id,
       v.source, NULL, NULL, v.revoked_at::timestamptz, v.created_at::timestamptz,
       coalesce(v.revoked_at, v.created_at)::timestamptz
  FROM (VALUES
    ('customer@souk.test',  'sell-what-you-know',            'd0000000-0000-4000-8000-000000000001', 'purchase',   '2026-09-12 21:04:12+05:30', NULL),
    ('customer@souk.test',  'notion-budget-tracker',         'd0000000-0000-4000-8000-000000000001', 'purchase',   '2026-09-12 21:04:12+05:30', NULL),
    ('customer@souk.test',  'razorpay-checkout-starter',     'd0000000-0000-4000-8000-000000000002', 'purchase',   '2026-10-05 11:31:58+05:30', NULL),
    ('customer@souk.test',  'warm-film-luts',                'd0000000-0000-4000-8000-000000000005', 'purchase',   '2026-08-02 19:12:31+05:30', '2026-08-04 10:05:03+05:30'),
    ('customer@souk.test',  'notion-habit-tracker',          NULL,                                   'free_claim', '2026-03-08 07:15:00+05:30', NULL),
    ('asha.k@souk.test',    'bazaar-ecommerce-ui-kit',       'd0000000-0000-4000-8000-000000000007', 'purchase',   '2026-06-03 16:48:22+05:30', NULL),
    ('asha.k@souk.test',    'rekha-line-icons',              'd0000000-0000-4000-8000-000000000007', 'purchase',   '2026-06-03 16:48:22+05:30', NULL),
    ('asha.k@souk.test',    'festive-phone-wallpapers',      NULL,                                   'free_claim', '2026-10-20 20:00:00+05:30', NULL),
    ('rohan.das@souk.test', 'postgresql-for-app-developers', 'd0000000-0000-4000-8000-000000000008', 'purchase',   '2026-07-22 08:05:43+05:30', NULL),
    -- review copy granted by an admin
    ('meera.n@souk.test',   'gst-for-creators',              NULL,                                   'grant',      '2026-09-15 12:00:00+05:30', NULL)
  ) AS v (email, product_slug, order_public_id, source, created_at, revoked_at)
  JOIN users u ON u.email = v.email
  JOIN products p ON p.slug = v.product_slug
  LEFT JOIN orders o ON o.public_id = v.order_public_id::uuid
ON CONFLICT (user_id, product_id) DO NOTHING;

-- download_log has no natural key: a row counts as "already seeded" when the same
-- entitlement, file and instant exist.
INSERT INTO download_log (entitlement_id, product_file_id, user_id, ip, user_agent, at)
SELECT e.id, f.id, e.user_id, v.ip::inet, v.user_agent, v.at::timestamptz
  FROM (VALUES
    ('customer@souk.test', 'sell-what-you-know',        'PDF edition',     2, '203.0.113.24',
     'Mozilla/5.0 (X11; Linux x86_64) Firefox/132.0', '2026-09-12 21:06:00+05:30'),
    ('customer@souk.test', 'sell-what-you-know',        'PDF edition',     2, '203.0.113.24',
     'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) Safari/604.1', '2026-09-20 08:30:00+05:30'),
    ('customer@souk.test', 'notion-budget-tracker',     'Notion template', 1, '203.0.113.24',
     'Mozilla/5.0 (X11; Linux x86_64) Firefox/132.0', '2026-09-12 21:07:30+05:30'),
    ('customer@souk.test', 'razorpay-checkout-starter', 'Source code',     1, '198.51.100.7',
     'curl/8.5.0', '2026-10-05 11:35:00+05:30'),
    ('customer@souk.test', 'notion-habit-tracker',      'Notion template', 1, '203.0.113.24',
     'Mozilla/5.0 (X11; Linux x86_64) Firefox/123.0', '2026-03-08 07:16:00+05:30'),
    ('asha.k@souk.test',   'bazaar-ecommerce-ui-kit',   'Figma source',    1, '192.0.2.41',
     'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) Safari/605.1.15', '2026-06-03 16:50:00+05:30')
  ) AS v (email, product_slug, label, version, ip, user_agent, at)
  JOIN users u ON u.email = v.email
  JOIN products p ON p.slug = v.product_slug
  JOIN entitlements e ON e.user_id = u.id AND e.product_id = p.id
  JOIN product_files f ON f.product_id = p.id AND f.label = v.label AND f.version = v.version
 WHERE NOT EXISTS (SELECT 1 FROM download_log d
                    WHERE d.entitlement_id = e.id AND d.product_file_id = f.id
                      AND d.at = v.at::timestamptz);

-- One GST invoice (intra-state: seller and buyer both in Karnataka, so CGST 9 % + SGST 9 %).
-- pdf_storage_key is NULL so that `souk-jobs invoices` has a PDF to render in development.
INSERT INTO invoice_counters (financial_year, last_sequence) VALUES ('2026-27', 1)
ON CONFLICT (financial_year) DO UPDATE
    SET last_sequence = greatest(invoice_counters.last_sequence, EXCLUDED.last_sequence)
    WHERE invoice_counters.last_sequence < EXCLUDED.last_sequence;

INSERT INTO invoices (public_id, number, order_id, financial_year, sequence, seller_name,
                      seller_address, seller_gstin, seller_state, buyer_name, buyer_email,
                      buyer_gstin, buyer_state, place_of_supply, taxable_paise, cgst_paise,
                      sgst_paise, igst_paise, total_paise, currency, pdf_storage_key,
                      issued_at, created_at)
SELECT 'e0000000-0000-4000-8000-000000000001', 'SK2627-000001', o.id, '2026-27', 1,
       'Souk Digital Private Limited (demo)',
       '4th Floor, 12 Residency Road, Bengaluru 560025, Karnataka, India',
       '29AAACS1234K1Z5', '29',
       o.billing_name, u.email, o.gstin, o.billing_state, 'Karnataka (29)',
       o.subtotal_paise - o.discount_paise, o.cgst_paise, o.sgst_paise, o.igst_paise,
       o.total_paise, o.currency, NULL, o.paid_at, o.paid_at
  FROM orders o JOIN users u ON u.id = o.user_id
 WHERE o.public_id = 'd0000000-0000-4000-8000-000000000001'
ON CONFLICT (order_id) DO NOTHING;
