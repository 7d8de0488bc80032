// fixtures.mjs - what the browser tests set up through the API (as the API tests do),
// so that no test depends on the demo data: published products with a real file, a
// coupon, a buyer who owns a product, a browser context signed in as someone.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { api, call, sql, tokenFor, postJson } from '../api/lib.mjs';
import { customer } from '../api/shop.mjs';
import { newContext } from './lib.mjs';

export { customer };
export const PASSWORD = 'a long enough passphrase';
export const SEED_PASSWORD = 'souk-dev-password';

let seq = 0;
/** A short tag unique to this run and call. */
export const uniq = () => `${process.pid % 10000}${Date.now() % 1e6}${++seq}`;

const tokens = new Map();
/** A staff access token (cached per file). */
export async function staff(email = 'admin@souk.test') {
  if (!tokens.has(email)) tokens.set(email, await tokenFor(email));
  return tokens.get(email);
}

/** A small file of its own bytes: a PDF that names the product (and random bytes). */
export function pdfBytes(title) {
  return Buffer.concat([
    Buffer.from(`%PDF-1.4\n% ${title}\n1 0 obj << >> endobj\n% `),
    Buffer.from(randomBytes(48).toString('hex')),
    Buffer.from('\ntrailer << >>\n%%EOF\n'),
  ]);
}

/**
 * A published product made by the admin API with one uploaded file:
 * {id, slug, title, price_paise, bytes, filename}.
 */
export async function product({ title, price_paise = 49900, summary = 'Made by the browser tests.',
  description, category, tags = ['e2e'], filename = 'guide.pdf' } = {}) {
  const admin = await staff();
  title ??= `E2E product ${uniq()}`;
  const c = await call(admin, 'POST', '/api/v1/admin/products', {
    title, summary, price_paise, tags,
    ...(description ? { description } : {}), ...(category ? { category } : {}),
  });
  assert.equal(c.status, 201, c.text);
  const bytes = pdfBytes(title);
  const up = await api(`/api/v1/admin/products/${c.json.id}/files?label=${encodeURIComponent('Main file')}&filename=${encodeURIComponent(filename)}`, {
    method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/pdf' }, body: bytes,
  });
  assert.equal(up.status, 201, up.text);
  const p = await call(admin, 'POST', `/api/v1/admin/products/${c.json.id}/publish`, {});
  assert.equal(p.status, 200, p.text);
  return { id: c.json.id, slug: c.json.slug, title, price_paise, bytes, filename };
}

/** A category of its own: {slug, name}. */
export async function category(name = `E2E shelf ${uniq()}`) {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  const r = await call(await staff(), 'POST', '/api/v1/admin/categories', { slug, name });
  assert.equal(r.status, 201, r.text);
  return { slug, name };
}

/** A store-wide coupon: its code. */
export async function coupon({ kind = 'percent', value = 1000 } = {}) {
  const code = `E2E${uniq()}`;
  const r = await call(await staff(), 'POST', '/api/v1/admin/coupons', { code, kind, value, description: 'Browser test offer' });
  assert.equal(r.status, 201, r.text);
  return code;
}

/** A verified customer (made in the database, as t/api/shop.mjs does) who owns products. */
export async function owner(...products) {
  const c = await customer();
  for (const p of products) {
    const r = sql(`insert into entitlements (user_id, product_id, source)
      select ${c.id}, id, 'grant' from products where public_id = '${p.id}'`);
    assert.equal(r.code, 0, r.stderr);
  }
  return c;
}

/**
 * Signs the browser context in as email (a cookie session, as the sign-in page gets):
 * the context's own request client shares its cookie jar.
 */
/** A paid order of product p for the signed-in buyer who (sandbox provider, as
 * t/api/sandbox does): its public id. */
export async function paidOrder(who, p) {
  assert.equal((await call(who.token, 'POST', '/api/v1/cart/items', { product: p.id })).status, 200);
  const co = await api('/api/v1/checkout', {
    method: 'POST',
    headers: { authorization: `Bearer ${who.token}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    body: JSON.stringify({ billing_name: 'Asha Rao', country: 'IN', state: '29' }),
  });
  assert.equal(co.status, 201, co.text);
  const paid = await call(who.token, 'POST', '/api/v1/payments/sandbox/pay', { razorpay_order_id: co.json.payment.order_id, outcome: 'pay' });
  assert.equal(paid.status, 201, paid.text);
  const v = await call(who.token, 'POST', '/api/v1/payments/razorpay/verify', paid.json);
  assert.equal(v.status, 200, v.text);
  return co.json.order.id;
}

export async function signIn(context, email, password = SEED_PASSWORD) {
  const r = await context.request.post('/api/v1/auth/login', { data: { email, password } });
  assert.equal(r.status(), 200, `sign-in of ${email}: ${r.status()} ${await r.text()}`);
  const cookies = await context.cookies();
  assert.ok(cookies.some((c) => c.name === 'souk_csrf'), 'the session left its CSRF cookie');
}

/**
 * The cookies of one signed-in session of email, to share among the tests of a file
 * (context.addCookies(cookies)): one sign-in (one argon2id hash) instead of one a test.
 */
export async function sessionCookies(email, password = SEED_PASSWORD) {
  const context = await newContext();
  try {
    await signIn(context, email, password);
    return await context.cookies();
  } finally {
    await context.close();
  }
}

/** A fresh, verified account made through the API: {email, password, token}. */
export async function registered(email, name = 'E2E Buyer') {
  const r = await postJson('/api/v1/auth/register', { email, password: PASSWORD, name });
  assert.equal(r.status, 201, r.text);
  sql(`update users set email_verified_at = now() where email = '${email}'`);
  return { email, password: PASSWORD, token: await tokenFor(email, PASSWORD) };
}

/** The first link to the shop in a message's text (its path and query: the test stack's
 * public URL is https, the browser tests use http). */
export function linkIn(text, re) {
  const m = re.exec(text);
  assert.ok(m, `no link ${re} in:\n${text}`);
  const u = new URL(m[0]);
  return u.pathname + u.search;
}
