// data.test.mjs - schema, migrations, seed data and the admin CLI (souk-admin).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, appendFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { admin, sql, ROOT } from './lib.mjs';

const TABLES = [
  'users', 'roles', 'permissions', 'role_permissions', 'oauth_identities', 'refresh_tokens',
  'user_tokens', 'categories', 'products', 'product_files', 'orders', 'order_items', 'payments',
  'webhook_events', 'entitlements', 'download_log', 'coupons', 'invoices', 'enquiries',
  'feedback', 'cms_pages', 'blog_posts', 'team_members', 'seo_rules', 'seo_metrics_daily',
  'email_outbox', 'audit_log', 'schema_migrations',
];

const counts = () => Object.fromEntries(TABLES.map((t) => [t, Number(sql(`select count(*) from ${t}`).stdout)]));

/** Expects SQL to fail with the given SQLSTATE class message fragment. */
function rejects(query, fragment) {
  const r = sql(query);
  assert.notEqual(r.code, 0, `accepted: ${query}`);
  assert.match(r.stderr, fragment);
}

describe('migrations', () => {
  test('every table of the data model exists', () => {
    const have = new Set(sql("select tablename from pg_tables where schemaname = 'public'").stdout.split('\n'));
    assert.deepEqual(TABLES.filter((t) => !have.has(t)), []);
  });

  test('migrate twice is a no-op', () => {
    const before = sql('select name, checksum, applied_at from schema_migrations order by name').stdout;
    const r = admin(['migrate']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /up to date/);
    assert.equal(sql('select name, checksum, applied_at from schema_migrations order by name').stdout, before);
  });

  test('--status lists every migration as applied', () => {
    const r = admin(['migrate', '--status']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.ok(lines.length >= 6);
    assert.ok(lines.every((l) => l.startsWith('applied  ')), r.stdout);
  });

  test('an applied migration that changed is refused, and nothing is applied', () => {
    const dir = mkdtempSync(join(tmpdir(), 'souk-schema-'));
    try {
      cpSync(join(ROOT, 'schema'), dir, { recursive: true });
      appendFileSync(join(dir, '002_catalog.sql'), '\n-- edited after it was applied\n');
      writeFileSync(join(dir, '900_new_table.sql'), 'CREATE TABLE must_not_exist (id int);\n');
      const r = admin(['migrate'], { env: { SOUK_SCHEMA_DIR: dir } });
      assert.equal(r.code, 3);
      assert.match(r.stdout + r.stderr, /002_catalog\.sql was changed after it was applied/);
      assert.equal(sql("select to_regclass('must_not_exist') is null").stdout, 't');
      const s = admin(['migrate', '--status'], { env: { SOUK_SCHEMA_DIR: dir } });
      assert.equal(s.code, 3);
      assert.match(s.stdout, /CHANGED  002_catalog\.sql/);
      assert.match(s.stdout, /pending  900_new_table\.sql/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a new migration numbered before an applied one is refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'souk-schema-'));
    try {
      cpSync(join(ROOT, 'schema'), dir, { recursive: true });
      writeFileSync(join(dir, '000_too_early.sql'), 'CREATE TABLE must_not_exist (id int);\n');
      const r = admin(['migrate'], { env: { SOUK_SCHEMA_DIR: dir } });
      assert.equal(r.code, 3);
      assert.match(r.stdout + r.stderr, /000_too_early\.sql is new but sorts before/);
      assert.equal(sql("select to_regclass('must_not_exist') is null").stdout, 't');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('constraints in the schema', () => {
  test('a negative price is rejected', () => {
    rejects(`insert into products (slug, title, price_paise, category_id)
             select 'neg-price', 'Negative', -1, id from categories limit 1`, /check constraint/);
  });

  test('a rating of 6 is rejected', () => {
    rejects(`insert into feedback (user_id, rating, comment)
             select id, 6, 'too good' from users limit 1`, /check constraint/);
  });

  test('a duplicate slug is rejected', () => {
    rejects(`insert into products (slug, title, price_paise, category_id)
             select slug, 'Copy', 100, category_id from products limit 1`, /duplicate key value/);
  });

  test('an order item for a missing product is rejected', () => {
    rejects(`insert into order_items (order_id, product_id, title, unit_price_paise, tax_rate_bp, tax_paise)
             select id, 999999999, 'Ghost', 100, 1800, 18 from orders limit 1`, /foreign key constraint/);
  });

  test('an order whose total does not add up is rejected', () => {
    rejects(`update orders set total_paise = total_paise + 1 where id = (select min(id) from orders)`,
      /check constraint/);
  });
});

describe('seed data', () => {
  test('the demo shop is complete', () => {
    const c = counts();
    assert.ok(c.products >= 40, `products ${c.products}`);
    assert.ok(c.categories >= 6);
    assert.ok(c.blog_posts >= 5);
    assert.ok(c.team_members >= 4);
    assert.ok(c.enquiries > 0 && c.feedback > 0 && c.seo_rules > 0);
    const pages = sql('select slug from cms_pages order by slug').stdout.split('\n');
    for (const p of ['about', 'home', 'pricing']) assert.ok(pages.includes(p), p);
    const statuses = sql(`select distinct o.status from orders o join users u on u.id = o.user_id
                          where u.email = 'customer@souk.test' order by 1`).stdout.split('\n');
    assert.deepEqual(statuses, ['cancelled', 'failed', 'paid', 'pending', 'refunded']);
    const roles = sql(`select r.name from users u join roles r on r.id = u.role_id
                       where u.email like '%@souk.test' and u.email in
                       ('admin@souk.test','editor@souk.test','support@souk.test','customer@souk.test')
                       order by 1`).stdout.split('\n');
    assert.deepEqual(roles, ['admin', 'customer', 'editor', 'support']);
    assert.ok(Number(sql("select count(*) from products where price_paise = 0 and status = 'published'").stdout) > 0);
    // every product of the seed (its public ids are derived from the slug) ships files;
    // products other tests create may be file-less drafts
    assert.equal(sql(`select count(*) from products p
      where p.public_id = overlay(overlay(md5('souk-seed:product:' || p.slug) placing '4' from 13) placing '8' from 17)::uuid
      and not exists (select 1 from product_files f where f.product_id = p.id)`).stdout, '0');
    assert.ok(Number(sql(`select count(*) from products p
      where p.public_id = overlay(overlay(md5('souk-seed:product:' || p.slug) placing '4' from 13) placing '8' from 17)::uuid`).stdout) >= 40);
  });

  test('seed twice gives the same rows', () => {
    const before = counts();
    const digest = sql("select md5(string_agg(slug || price_paise || updated_at, ',' order by slug)) from products").stdout;
    const r = admin(['seed']);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.deepEqual(counts(), before);
    assert.equal(sql("select md5(string_agg(slug || price_paise || updated_at, ',' order by slug)) from products").stdout, digest);
  });

  test('seed is refused in production', () => {
    // production wants https for Razorpay; the test stack points it at the local stand-in
    const r = admin(['seed'], { env: { SOUK_ENV: 'production', SOUK_RAZORPAY_API_URL: 'https://api.razorpay.com' } });
    assert.equal(r.code, 3);
    assert.match(r.stdout + r.stderr, /refusing/);
  });

  test('the dev passwords are real argon2id hashes', () => {
    const h = sql("select password_hash from users where email = 'customer@souk.test'").stdout;
    assert.match(h, /^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$/);
  });
});

describe('admin CLI', () => {
  test('create-admin with a generated password, then refused for the same e-mail', () => {
    const email = `ops-${process.pid}@example.com`;
    const r = admin(['create-admin', email]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /password: [A-Za-z0-9]{20}/);
    assert.equal(sql(`select r.name from users u join roles r on r.id = u.role_id where u.email = '${email}'`).stdout, 'admin');
    assert.equal(sql(`select count(*) from audit_log where action = 'user.create_admin'
                      and entity_id = (select public_id::text from users where email = '${email}')`).stdout, '1');
    const again = admin(['create-admin', email.toUpperCase()], { input: 'another-long-password\n' });
    assert.equal(again.code, 3);
    assert.match(again.stderr, /already has an account/);
  });

  test('create-admin refuses a short password and a bad e-mail', () => {
    assert.equal(admin(['create-admin', 'short@example.com'], { input: 'short\n' }).code, 3);
    assert.equal(admin(['create-admin', 'not-an-email'], { input: 'long-enough-password\n' }).code, 3);
    assert.equal(sql("select count(*) from users where email = 'short@example.com'").stdout, '0');
  });

  test('user-role changes a role; unknown user or role are clear errors', () => {
    const r = admin(['user-role', 'customer@souk.test', 'support']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(sql(`select r.name from users u join roles r on r.id = u.role_id where u.email = 'customer@souk.test'`).stdout, 'support');
    assert.equal(admin(['user-role', 'customer@souk.test', 'customer']).code, 0);
    const nobody = admin(['user-role', 'nobody@example.com', 'editor']);
    assert.equal(nobody.code, 3);
    assert.match(nobody.stderr, /no user/);
    const badRole = admin(['user-role', 'customer@souk.test', 'wizard']);
    assert.equal(badRole.code, 3);
    assert.match(badRole.stderr, /no role/);
    assert.equal(admin(['frobnicate']).code, 2);
  });
});
