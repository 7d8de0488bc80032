-- Seed 080: a few already-sent e-mails and audit entries, so the admin screens are not
-- empty. DEV / DEMO DATA ONLY. Nothing here is 'pending', so a mailer started in
-- development sends nothing because of the seed.
-- Natural keys: email_outbox.dedupe_key; audit_log (action, entity, entity_id, at).
-- audit_log.entity_id holds the public id (uuid) of the entity, or the slug of a CMS page.

CREATE OR REPLACE FUNCTION pg_temp.seed_uuid(k text) RETURNS uuid
LANGUAGE sql IMMUTABLE
RETURN overlay(overlay(md5('souk-seed:' || k) PLACING '4' FROM 13) PLACING '8' FROM 17)::uuid;

INSERT INTO email_outbox (template, recipient, data, status, attempts, next_attempt_at,
                          last_error, dedupe_key, sent_at, created_at, updated_at)
SELECT v.template, v.recipient, v.data::jsonb, 'sent', 1, v.at::timestamptz, NULL, v.dedupe_key,
       v.at::timestamptz + interval '40 seconds', v.at::timestamptz,
       v.at::timestamptz + interval '40 seconds'
  FROM (VALUES
    ('verify_email', 'customer@souk.test', '{"name": "Arjun Iyer"}',
     'seed:verify_email:customer@souk.test', '2026-02-14 20:15:05+05:30'),
    ('order_paid', 'customer@souk.test',
     '{"name": "Arjun Iyer", "order_id": "d0000000-0000-4000-8000-000000000001", "total_paise": 111864, "currency": "INR"}',
     'order_paid:d0000000-0000-4000-8000-000000000001', '2026-09-12 21:04:12+05:30'),
    ('order_paid', 'customer@souk.test',
     '{"name": "Arjun Iyer", "order_id": "d0000000-0000-4000-8000-000000000002", "total_paise": 212294, "currency": "INR"}',
     'order_paid:d0000000-0000-4000-8000-000000000002', '2026-10-05 11:31:58+05:30'),
    ('order_refunded', 'customer@souk.test',
     '{"name": "Arjun Iyer", "order_id": "d0000000-0000-4000-8000-000000000005", "total_paise": 117882, "currency": "INR"}',
     'order_refunded:d0000000-0000-4000-8000-000000000005', '2026-08-04 10:05:03+05:30'),
    ('enquiry_received', 'vikram@example.com',
     '{"name": "Vikram Shah", "subject": "Team licence for Bazaar UI kit"}',
     'seed:enquiry_received:team-licence', '2026-11-22 15:10:00+05:30')
  ) AS v (template, recipient, data, dedupe_key, at)
ON CONFLICT (dedupe_key) DO NOTHING;

INSERT INTO audit_log (actor_id, action, entity, entity_id, data, ip, at)
SELECT u.id, v.action, v.entity, v.entity_id, v.data::jsonb, v.ip::inet, v.at::timestamptz
  FROM (VALUES
    ('editor@souk.test',  'product.publish', 'product', pg_temp.seed_uuid('product:akshar-display-font')::text, '{"status": {"from": "draft", "to": "published"}}',
     '10.0.0.5', '2026-10-06 10:00:00+05:30'),
    ('editor@souk.test',  'product_file.upload', 'product', pg_temp.seed_uuid('product:sell-what-you-know')::text, '{"label": "PDF edition", "version": 2}',
     '10.0.0.5', '2026-03-28 10:00:00+05:30'),
    ('support@souk.test', 'order.refund', 'order', 'd0000000-0000-4000-8000-000000000005', '{"amount_paise": 117882, "reason": "customer request"}',
     '10.0.0.9', '2026-08-04 10:04:30+05:30'),
    ('support@souk.test', 'feedback.reject', 'feedback', pg_temp.seed_uuid('feedback:rohan.das@souk.test:site')::text, '{"rating": 1}',
     '10.0.0.9', '2026-10-02 09:00:00+05:30'),
    ('admin@souk.test',   'entitlement.grant', 'user', pg_temp.seed_uuid('user:meera.n@souk.test')::text, '{"product": "gst-for-creators"}',
     '10.0.0.2', '2026-09-15 12:00:00+05:30'),
    ('editor@souk.test',  'cms_page.publish', 'cms_page', 'home', '{"version": 6}',
     '10.0.0.5', '2026-10-01 10:00:00+05:30')
  ) AS v (email, action, entity, entity_id, data, ip, at)
  JOIN users u ON u.email = v.email
 WHERE NOT EXISTS (SELECT 1 FROM audit_log a
                    WHERE a.action = v.action AND a.entity = v.entity
                      AND a.entity_id = v.entity_id AND a.at = v.at::timestamptz);
