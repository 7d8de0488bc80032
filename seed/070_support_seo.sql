-- Seed 070: enquiries, feedback, SEO rules and daily SEO metrics. DEV / DEMO DATA ONLY.
-- Natural keys: fixed public_ids (enquiries, feedback), seo_rules.scope,
-- seo_metrics_daily (day, path).

CREATE OR REPLACE FUNCTION pg_temp.seed_uuid(k text) RETURNS uuid
LANGUAGE sql IMMUTABLE
RETURN overlay(overlay(md5('souk-seed:' || k) PLACING '4' FROM 13) PLACING '8' FROM 17)::uuid;

INSERT INTO enquiries (public_id, name, email, subject, message, status, assignee_id, user_id,
                       ip, created_at, updated_at)
SELECT pg_temp.seed_uuid('enquiry:' || v.key), v.name, v.email, v.subject, v.message, v.status,
       a.id, s.id, v.ip::inet, v.created_at::timestamptz, v.updated_at::timestamptz
  FROM (VALUES
    ('team-licence', 'Vikram Shah', 'vikram@example.com', 'Team licence for Bazaar UI kit',
     'Hi, we are a team of six designers. Do we need six licences for the Bazaar kit, or is there a team price? We would also need a GST invoice in our company name.',
     'new', NULL, NULL, '198.51.100.23', '2026-11-22 15:10:00+05:30', '2026-11-22 15:10:00+05:30'),
    ('payment-debited', 'Arjun Iyer', 'customer@souk.test', 'Money debited but order failed',
     'My card was charged for the Django SaaS Boilerplate but the order shows as failed. Can you check? Order d0000000-0000-4000-8000-000000000004.',
     'open', 'support@souk.test', 'customer@souk.test', '203.0.113.24', '2026-10-21 14:55:00+05:30', '2026-10-21 17:20:00+05:30'),
    ('refund-luts', 'Arjun Iyer', 'customer@souk.test', 'Refund for Warm Film LUTs',
     'The LUTs make my footage too orange. Could I get a refund please?',
     'closed', 'support@souk.test', 'customer@souk.test', '203.0.113.24', '2026-08-03 20:00:00+05:30', '2026-08-04 10:06:00+05:30'),
    ('sell-on-souk', 'Lakshmi Menon', 'lakshmi.menon@example.org', 'Selling my Kerala recipe e-book',
     'I have written an e-book of Kerala recipes in English and Malayalam. Can I sell it on Souk, and can buyers outside India pay?',
     'open', 'admin@souk.test', NULL, '192.0.2.77', '2026-11-18 11:30:00+05:30', '2026-11-19 09:45:00+05:30'),
    ('broken-link', 'Meera Nair', 'meera.n@souk.test', 'Download link expired',
     'The download link in my email says it expired. Where do I get a new one?',
     'closed', 'support@souk.test', 'meera.n@souk.test', '192.0.2.12', '2026-09-16 08:00:00+05:30', '2026-09-16 09:10:00+05:30')
  ) AS v (key, name, email, subject, message, status, assignee_email, sender_email, ip,
          created_at, updated_at)
  LEFT JOIN users a ON a.email = v.assignee_email
  LEFT JOIN users s ON s.email = v.sender_email
ON CONFLICT (public_id) DO NOTHING;

INSERT INTO feedback (public_id, user_id, product_id, rating, comment, status, moderated_by,
                      moderated_at, created_at, updated_at)
SELECT pg_temp.seed_uuid('feedback:' || v.email || ':' || coalesce(v.product_slug, 'site')),
       u.id, p.id, v.rating, v.comment, v.status, m.id, v.moderated_at::timestamptz,
       v.created_at::timestamptz, coalesce(v.moderated_at, v.created_at)::timestamptz
  FROM (VALUES
    ('customer@souk.test',  'sell-what-you-know',            5,
     'Practical and honest. The GST chapter alone was worth the price.',
     'approved', 'support@souk.test', '2026-09-25 10:00:00+05:30', '2026-09-24 22:10:00+05:30'),
    ('customer@souk.test',  'notion-budget-tracker',         4,
     'Great template; I wish the mobile view had a quick-add button.',
     'approved', 'support@souk.test', '2026-09-30 10:00:00+05:30', '2026-09-29 19:45:00+05:30'),
    ('customer@souk.test',  'warm-film-luts',                2,
     'Too orange on my Sony footage. Refund was quick, though.',
     'approved', 'support@souk.test', '2026-08-06 10:00:00+05:30', '2026-08-05 21:00:00+05:30'),
    ('customer@souk.test',  'razorpay-checkout-starter',     3,
     'Works, but the README assumes you already know Express well.',
     'pending', NULL, NULL, '2026-11-20 18:30:00+05:30'),
    ('asha.k@souk.test',    'bazaar-ecommerce-ui-kit',       5,
     'Best e-commerce kit I have used. Tokens make re-theming painless.',
     'approved', 'support@souk.test', '2026-06-12 10:00:00+05:30', '2026-06-11 13:00:00+05:30'),
    ('asha.k@souk.test',    'rekha-line-icons',              4,
     'Lovely, consistent icons. Would like a filled variant.',
     'pending', NULL, NULL, '2026-11-21 09:15:00+05:30'),
    ('rohan.das@souk.test', 'postgresql-for-app-developers', 5,
     'The chapter on indexes changed how I write queries.',
     'pending', NULL, NULL, '2026-11-23 23:40:00+05:30'),
    ('meera.n@souk.test',   'gst-for-creators',              4,
     'Clear examples. A section on exports would make it perfect.',
     'approved', 'admin@souk.test', '2026-09-28 10:00:00+05:30', '2026-09-27 16:00:00+05:30'),
    ('rohan.das@souk.test', NULL,                            1,
     'Get 10k followers fast, visit my page!!!',
     'rejected', 'support@souk.test', '2026-10-02 09:00:00+05:30', '2026-10-01 03:12:00+05:30'),
    ('customer@souk.test',  NULL,                            4,
     'Checkout with UPI is smooth. Please add a dark mode.',
     'pending', NULL, NULL, '2026-11-22 20:05:00+05:30')
  ) AS v (email, product_slug, rating, comment, status, moderator_email, moderated_at, created_at)
  JOIN users u ON u.email = v.email
  LEFT JOIN products p ON p.slug = v.product_slug
  LEFT JOIN users m ON m.email = v.moderator_email
ON CONFLICT (public_id) DO NOTHING;

-- Default SEO rules. Placeholders: {{site_name}} {{base_url}} {{title}} {{summary}}
-- {{excerpt}} {{name}} {{description}} {{slug}} {{category}} {{price}}.
INSERT INTO seo_rules (scope, title_template, description_template, canonical_template, robots,
                       enabled, created_at, updated_at) VALUES
    ('site',      '{{site_name}}: templates, e-books, code and design assets',
     'Buy templates, e-books, code and design assets from independent creators. Instant downloads, free updates, GST invoices.',
     '{{base_url}}/', 'index,follow', true, '2025-11-01 10:00:00+05:30', '2025-11-01 10:00:00+05:30'),
    ('product',   '{{title}} | {{category}} | {{site_name}}',
     '{{summary}} {{price}} with instant download.',
     '{{base_url}}/products/{{slug}}', 'index,follow', true, '2025-11-01 10:00:00+05:30', '2025-11-01 10:00:00+05:30'),
    ('category',  '{{name}} | {{site_name}}',
     '{{description}}',
     '{{base_url}}/categories/{{slug}}', 'index,follow', true, '2025-11-01 10:00:00+05:30', '2025-11-01 10:00:00+05:30'),
    ('blog_post', '{{title}} | {{site_name}} blog',
     '{{excerpt}}',
     '{{base_url}}/blog/{{slug}}', 'index,follow', true, '2025-11-01 10:00:00+05:30', '2025-11-01 10:00:00+05:30'),
    ('page',      '{{title}} | {{site_name}}',
     '{{description}}',
     '{{base_url}}/pages/{{slug}}', 'index,follow', true, '2025-11-01 10:00:00+05:30', '2025-11-01 10:00:00+05:30')
ON CONFLICT (scope) DO NOTHING;

-- 30 days of traffic for a few paths, deterministic (derived from md5 of day and path, no
-- random()), so a second run finds the same keys and inserts nothing.
INSERT INTO seo_metrics_daily (day, path, views, uniques, referrers)
SELECT d.day, v.path,
       (v.base * (CASE WHEN extract(isodow FROM d.day) IN (6, 7) THEN 13 ELSE 10 END) / 10
        + h.n % (v.base / 3 + 1))                                    AS views,
       (v.base * (CASE WHEN extract(isodow FROM d.day) IN (6, 7) THEN 13 ELSE 10 END) / 10
        + h.n % (v.base / 3 + 1)) * 7 / 10                           AS uniques,
       jsonb_build_object('google.com', v.base / 2 + h.n % 17,
                          'instagram.com', v.base / 6 + h.n % 7,
                          'direct', v.base / 4 + h.n % 11)           AS referrers
  FROM generate_series(date '2026-10-25', date '2026-11-23', interval '1 day') AS d0 (ts)
 CROSS JOIN LATERAL (SELECT d0.ts::date AS day) AS d
 CROSS JOIN (VALUES ('/', 900), ('/products', 420), ('/products/notion-budget-tracker', 160),
                    ('/products/sell-what-you-know', 120), ('/categories/ebooks', 75),
                    ('/blog/pricing-digital-products-in-india', 60), ('/pricing', 45)
            ) AS v (path, base)
 CROSS JOIN LATERAL (SELECT ('x' || substr(md5(d.day::text || v.path), 1, 6))::bit(24)::int AS n) AS h
ON CONFLICT (day, path) DO NOTHING;
