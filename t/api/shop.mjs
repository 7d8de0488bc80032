// shop.mjs - helpers of the commerce API tests (checkout, refunds, jobs): products and
// signed-in customers made straight in the database, the cart, checkout with an
// Idempotency-Key, the Razorpay stand-in's controls (t/fakes/razorpay.mjs) and what
// fulfilment left behind for an order.
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { HTTP, ROOT, api, sql, tokenFor, call } from './lib.mjs';

export const FAKE = process.env.SOUK_TEST_FAKE_RAZORPAY;
export const KEY_SECRET = 'souk-test-razorpay-secret';
export const WEBHOOK = `${HTTP}/api/v1/webhooks/razorpay`;
export const count = (q) => Number(sql(q).stdout);
let run = 0;
export const tag = () => `co-${process.pid}-${Date.now() % 1e7}-${++run}`;
export const hmac = (secret, text) => createHmac('sha256', secret).update(text).digest('hex');

/** n published products straight in the database. */
export function products(n, price = 49900, rate = 1800) {
  const t = tag();
  const r = sql(`insert into products (slug, title, price_paise, tax_rate_bp, status, published_at)
    select '${t}-' || i, 'Checkout test ${t} ' || i, ${price}, ${rate}, 'published', now()
    from generate_series(1, ${n}) i returning public_id || ' ' || slug || ' ' || id`);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.split('\n').map((l) => { const [id, slug, dbid] = l.split(' '); return { id, slug, dbid }; });
}

/** n customers made in the database with the seed customer's password hash, signed in. */
export async function customers(n) {
  const t = tag();
  const r = sql(`insert into users (email, name, password_hash, email_verified_at, role_id)
    select '${t}-' || i || '@example.com', 'Buyer ' || i, u.password_hash, now(), u.role_id
    from generate_series(1, ${n}) i, users u where u.email = 'customer@souk.test'
    returning id || ' ' || email`);
  assert.equal(r.code, 0, r.stderr);
  const rows = r.stdout.split('\n').map((l) => { const [id, email] = l.split(' '); return { id, email }; });
  for (const c of rows) c.token = await tokenFor(c.email);
  return rows;
}
export const customer = async () => (await customers(1))[0];

export const add = (c, product) => call(c.token, 'POST', '/api/v1/cart/items', { product });
export const HOME = { billing_name: 'Asha Rao', country: 'IN', state: '29' };

export function checkout(c, key, body = HOME) {
  const headers = { authorization: `Bearer ${c.token}`, 'content-type': 'application/json' };
  if (key !== null) headers['idempotency-key'] = key;
  return api('/api/v1/checkout', { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

export async function fake(path, body) {
  const r = await fetch(FAKE + path, body === undefined ? {} : {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = await r.json();
  assert.equal(r.status, 200, JSON.stringify(json));
  return json;
}
export const fakeMode = (mode) => fake('/_fake/mode', { mode });
export const fakePay = (orderId, extra = {}) => fake('/_fake/pay', { order_id: orderId, ...extra });
export const webhook = (event, extra) => fake('/_fake/webhook', { url: WEBHOOK, event, ...extra });
export const verify = (c, triple) => call(c.token, 'POST', '/api/v1/payments/razorpay/verify', triple);

/** A customer with the given products in the cart, checked out: {c, r (the answer), order, key}. */
export async function checkedOut(items, body = HOME) {
  const c = await customer();
  for (const p of items) assert.equal((await add(c, p.id)).status, 200);
  const key = randomUUID();
  const r = await checkout(c, key, body);
  assert.equal(r.status, 201, r.text);
  return { c, r, order: r.json.order, key };
}

/** What fulfilment left for one order: payments, entitlements, invoices, e-mails. */
export function effects(orderPublicId) {
  const row = sql(`select o.status,
      (select count(*) from payments p where p.order_id = o.id and p.status = 'captured'),
      (select count(*) from entitlements e where e.order_id = o.id),
      (select count(*) from invoices v where v.order_id = o.id),
      (select count(*) from email_outbox m where m.template = 'order_confirmation'
         and m.dedupe_key = 'order_paid:' || o.public_id),
      coalesce(o.flag, '')
    from orders o where o.public_id = '${orderPublicId}'`).stdout.split('|');
  return { status: row[0], payments: Number(row[1]), entitlements: Number(row[2]),
    invoices: Number(row[3]), emails: Number(row[4]), flag: row[5] };
}

/** Runs souk-jobs JOB... on the test stack as the service user; returns {code, stdout, stderr}. */
export function jobs(...names) {
  const r = spawnSync(`${ROOT}/souk`, ['stack-ctl', 'test', 'jobs', ...names], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A customer who bought items (checked out, paid at the stand-in, verified): {c, order, pay}. */
export async function bought(items, body = HOME) {
  const { c, r } = await checkedOut(items, body);
  const pay = await fakePay(r.json.payment.order_id);
  const v = await verify(c, pay);
  assert.equal(v.status, 200, v.text);
  return { c, order: v.json.order, pay };
}
