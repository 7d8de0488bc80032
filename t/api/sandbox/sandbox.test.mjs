// sandbox.test.mjs - the sandbox payment provider, as `./souk up` runs with no Razorpay
// keys: checkout hands out a sandbox order and the nginx-served payment page; paying
// there goes through the same signature check and fulfilment as a Razorpay payment.
// t/api/run runs this file on a pool started without SOUK_RAZORPAY_KEY_ID.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { api, sql, tokenFor, call, expectError } from '../lib.mjs';

const tag = `sbx-${process.pid}-${Date.now() % 1e7}`;

async function buyer() {
  const email = `${tag}-${randomUUID().slice(0, 8)}@example.com`;
  sql(`insert into users (email, name, password_hash, email_verified_at, role_id)
    select '${email}', 'Sandbox Buyer', password_hash, now(), role_id from users
    where email = 'customer@souk.test'`);
  return { email, token: await tokenFor(email) };
}

async function checkedOut() {
  const slug = `${tag}-${randomUUID().slice(0, 8)}`;
  const id = sql(`insert into products (slug, title, price_paise, status, published_at)
    values ('${slug}', 'Sandbox ${slug}', 29900, 'published', now()) returning public_id`).stdout;
  const c = await buyer();
  assert.equal((await call(c.token, 'POST', '/api/v1/cart/items', { product: id })).status, 200);
  const r = await api('/api/v1/checkout', { method: 'POST', headers: {
    authorization: `Bearer ${c.token}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
  body: JSON.stringify({ billing_name: 'Sandbox Buyer', country: 'IN', state: '07' }) });
  assert.equal(r.status, 201, r.text);
  return { c, r, slug };
}

const pay = (c, orderId, outcome) => call(c.token, 'POST', '/api/v1/payments/sandbox/pay',
  { razorpay_order_id: orderId, outcome });

test('checkout gives a sandbox order and the page to pay it on', async () => {
  const { r } = await checkedOut();
  const p = r.json.payment;
  assert.equal(p.provider, 'sandbox');
  assert.match(p.order_id, /^order_sbx[0-9a-f]{16}$/);
  assert.equal(p.checkout_url, `/sandbox/pay.html?order=${p.order_id}&id=${r.json.order.id}`);
  const page = await api(p.checkout_url);
  assert.equal(page.status, 200);
  assert.match(page.text, /Pay for your order/);
  assert.doesNotMatch(page.text, /<script[^>]+src="(https?:)?\/\//, 'the page loads no outside script');
  assert.match(page.headers.get('content-security-policy'), /script-src 'self'/);
  assert.equal((await api('/sandbox/pay.js')).status, 200);
});

test('paying in the sandbox and verifying fulfils the order; paying again is 409', async () => {
  const { c, r, slug } = await checkedOut();
  const triple = await pay(c, r.json.payment.order_id, 'pay');
  assert.equal(triple.status, 201, triple.text);
  assert.match(triple.json.razorpay_payment_id, /^pay_sbx/);
  const v = await call(c.token, 'POST', '/api/v1/payments/razorpay/verify', triple.json);
  assert.equal(v.status, 200, v.text);
  assert.equal(v.json.order.status, 'paid');
  assert.match(v.json.order.invoice.number, /^SK\d{4}-\d{6}$/);
  assert.equal(v.json.order.supply, 'inter_state');
  const lib = await call(c.token, 'GET', '/api/v1/me/library');
  assert.deepEqual(lib.json.items.map((i) => i.slug), [slug]);
  expectError(await pay(c, r.json.payment.order_id, 'pay'), 409, 'conflict');
});

test('a failed sandbox payment is 422 and the order stays pending; a forged signature is 400', async () => {
  const { c, r } = await checkedOut();
  const failed = await pay(c, r.json.payment.order_id, 'fail');
  assert.equal(failed.status, 201, failed.text);
  expectError(await call(c.token, 'POST', '/api/v1/payments/razorpay/verify', failed.json), 422, 'validation_failed');
  const ok = await pay(c, r.json.payment.order_id, 'pay');
  const forged = { ...ok.json, razorpay_signature: '0'.repeat(64) };
  expectError(await call(c.token, 'POST', '/api/v1/payments/razorpay/verify', forged), 400, 'malformed_request');
  assert.equal(sql(`select status from orders where public_id = '${r.json.order.id}'`).stdout, 'pending');
  expectError(await pay(c, r.json.payment.order_id, 'maybe'), 422, 'validation_failed');
  const other = await buyer();
  expectError(await pay(other, r.json.payment.order_id, 'pay'), 404, 'not_found');
});

test('a sandbox order is refunded without Razorpay; reconcile fulfils a sandbox payment never verified', async () => {
  const { spawnSync } = await import('node:child_process');
  const admin = await tokenFor('admin@souk.test');
  const a = await checkedOut();
  const triple = await pay(a.c, a.r.json.payment.order_id, 'pay');
  assert.equal((await call(a.c.token, 'POST', '/api/v1/payments/razorpay/verify', triple.json)).status, 200);
  const r = await api(`/api/v1/admin/orders/${a.r.json.order.id}/refunds`, { method: 'POST', headers: {
    authorization: `Bearer ${admin}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
  body: JSON.stringify({ reason: 'sandbox refund' }) });
  assert.equal(r.status, 201, r.text);
  assert.match(r.json.refund.provider_refund_id, /^rfnd_sbx/);
  assert.equal(r.json.order.status, 'refunded');
  // paid in the sandbox, the tab closed before verify: reconcile finds the payment
  const b = await checkedOut();
  assert.equal((await pay(b.c, b.r.json.payment.order_id, 'pay')).status, 201);
  sql(`update orders set created_at = now() - interval '15 minutes' where public_id = '${b.r.json.order.id}'`);
  const j = spawnSync(`${process.env.SOUK_TEST_ROOT}/souk`, ['stack-ctl', 'test', 'jobs', 'reconcile'], { encoding: 'utf8' });
  assert.equal(j.status, 0, j.stderr);
  assert.equal(sql(`select status from orders where public_id = '${b.r.json.order.id}'`).stdout, 'paid');
});
