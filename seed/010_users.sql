-- Seed 010: demo users. DEV / DEMO ONLY.
--
-- Seed files are loaded by `souk-admin seed`: every seed/*.sql in name order, in ONE
-- transaction, on one connection. They must stay idempotent (a second run changes
-- nothing: natural keys + ON CONFLICT) and must be plain SQL (no psql backslash commands,
-- no BEGIN/COMMIT).
--
-- !!! These accounts are for development and demos only. They all share the password
-- !!!   souk-dev-password
-- !!! Never load seed/ into a production database.
--
-- Hashes are argon2id PHC strings (m=32768 KiB, t=2, p=1), each with its own salt, made with
--   echo -n 'souk-dev-password' | argon2 "$(head -c16 /dev/urandom | base64 | tr -d '=+/' | head -c16)" -id -t 2 -m 15 -p 1 -e

-- Deterministic, RFC 4122 version-4-shaped UUIDs for seed rows, so that demo URLs and
-- tests can rely on them across database resets. (pg_temp: gone when the session ends.)
CREATE OR REPLACE FUNCTION pg_temp.seed_uuid(k text) RETURNS uuid
LANGUAGE sql IMMUTABLE
RETURN overlay(overlay(md5('souk-seed:' || k) PLACING '4' FROM 13) PLACING '8' FROM 17)::uuid;

INSERT INTO users (public_id, email, name, avatar_url, password_hash, email_verified_at,
                   status, role_id, last_login_at, created_at, updated_at)
SELECT pg_temp.seed_uuid('user:' || v.email), v.email, v.name, v.avatar_url, v.password_hash,
       v.created_at::timestamptz + interval '10 minutes', 'active', r.id,
       v.last_login_at::timestamptz, v.created_at::timestamptz, v.created_at::timestamptz
  FROM (VALUES
    ('admin@souk.test',    'Priya Raman (admin)',    NULL,
     '$argon2id$v=19$m=32768,t=2,p=1$ZERkeTlCWmgyUzQ3V09EMw$pp6pAXZidwxQZrWzKffNvRLVyPZIOm8McyPQeJZonkA',
     'admin',    '2025-11-01 09:00:00+05:30', '2026-11-20 10:12:00+05:30'),
    ('editor@souk.test',   'Kabir Mehta (editor)',   NULL,
     '$argon2id$v=19$m=32768,t=2,p=1$YXFlTTlpRTlZTlpNSUZJSg$KgDfLq7rj2PIUh1Pv2Pu1TZlsAYn0iTvivVuoSw80Yg',
     'editor',   '2025-11-01 09:30:00+05:30', '2026-11-22 18:40:00+05:30'),
    ('support@souk.test',  'Nisha Verma (support)',  NULL,
     '$argon2id$v=19$m=32768,t=2,p=1$UmxjelFHT0FQTExVTnBVSA$uD6Tox8OYWMILZZyNJ8eizN7yj0X/g/vIboec7fk7Ow',
     'support',  '2025-11-02 11:00:00+05:30', '2026-11-23 09:05:00+05:30'),
    ('customer@souk.test', 'Arjun Iyer',             NULL,
     '$argon2id$v=19$m=32768,t=2,p=1$aG9zV3ZPWVQ2ekFDNXNNRA$4Iw8G9i1bYdDbe2i44Jgbp3pDHqVNdxVTJVIc6jA9Oc',
     'customer', '2026-02-14 20:15:00+05:30', '2026-11-21 21:30:00+05:30'),
    ('asha.k@souk.test',   'Asha Kulkarni',          NULL,
     '$argon2id$v=19$m=32768,t=2,p=1$ZzY4QmlmR2xOM0tNWk5sQw$JrEcj5dOGQsLzLmM/foVS0ntHvwjJInlZe/f/9+AvsI',
     'customer', '2026-04-03 08:45:00+05:30', '2026-11-18 07:55:00+05:30'),
    ('rohan.das@souk.test', 'Rohan Das',             NULL,
     '$argon2id$v=19$m=32768,t=2,p=1$REpVWkV2dXh6NkJ3VTNpQw$w43S/SvPfxs9hKLkyZHRIZNpConHg/P8LlgcVgXGtjA',
     'customer', '2026-06-21 16:20:00+05:30', '2026-10-30 12:00:00+05:30'),
    ('meera.n@souk.test',  'Meera Nair',             NULL,
     '$argon2id$v=19$m=32768,t=2,p=1$MXZ0OVluTkkxc01RVmI4TQ$RyhmzRGFSI9BNGaSRWzLOE/cH5S4iMOM5KRH3pbL/iY',
     'customer', '2026-09-09 13:10:00+05:30', NULL)
  ) AS v (email, name, avatar_url, password_hash, role_name, created_at, last_login_at)
  JOIN roles r ON r.name = v.role_name
ON CONFLICT (email) DO NOTHING;
