// checkout.test.mjs - checkout, Razorpay payments and webhooks through nginx against
// the Razorpay stand-in (t/fakes/razorpay.mjs): an order is created once per
// Idempotency-Key, the stand-in going down is a 502 that a retry completes, a payment is
// verified by its signature and read back from Razorpay, and fulfilment (payment row,
// entitlements, coupon redemption, invoice number, e-mail) happens exactly once whichever
// path (verify, webhook) arrives first and however often.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  api, postJson, sql, call, expectError, stackCtl, until, allPages,
} from './lib.mjs';
import {
  FAKE, KEY_SECRET, WEBHOOK, count, tag, hmac, products, customers, customer, add, HOME,
  checkout, fake, fakeMode, fakePay, webhook, verify, checkedOut, effects,
} from './shop.mjs';

describe('checkout', () => {
  let p;
  before(async () => { p = products(3); await fakeMode('ok'); });
  after(() => fakeMode('ok'));

  test('needs a session (401), an Idempotency-Key (400) and a cart with something in it (422)', async () => {
    expectError(await api('/api/v1/checkout', { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': 'k1' }, body: JSON.stringify(HOME) }), 401, 'unauthenticated');
    const c = await customer();
    expectError(await checkout(c, null), 400, 'malformed_request');
    expectError(await checkout(c, 'x'.repeat(101)), 400, 'malformed_request');
    const empty = await checkout(c, randomUUID());
    expectError(empty, 422, 'validation_failed');
    assert.match(empty.json.error.fields.cart, /empty/);
    assert.equal(count(`select count(*) from orders where user_id = ${c.id}`), 0);
  });

  test('bad billing details are 422 with the field: country, state for India, GSTIN checksum and state', async () => {
    const c = await customer();
    await add(c, p[0].id);
    const cases = [
      [{ ...HOME, billing_name: '' }, 'billing_name'],
      [{ ...HOME, country: 'IND' }, 'country'],
      [{ billing_name: 'A', country: 'IN' }, 'state'],
      [{ ...HOME, state: '99' }, 'state'],
      [{ ...HOME, gstin: '29AAGCB7383J1Z5' }, 'gstin'], // wrong check character
      [{ ...HOME, gstin: '27AAPFU0939F1ZV' }, 'gstin'], // valid, of Maharashtra
      [{ billing_name: 'A', country: 'US', gstin: '29AAGCB7383J1Z4' }, 'gstin'],
      [{ ...HOME, price_paise: 1 }, 'price_paise'], // nothing the client says about money counts
    ];
    for (const [body, field] of cases) {
      const r = await checkout(c, randomUUID(), body);
      expectError(r, 422, 'validation_failed');
      assert.ok(r.json.error.fields[field], `${JSON.stringify(body)}: ${r.text}`);
    }
    expectError(await checkout(c, randomUUID(), '{"billing_name":'), 400, 'malformed_request');
    assert.equal(count(`select count(*) from orders where user_id = ${c.id}`), 0);
  });

  test('creates a pending order with snapshotted lines and a Razorpay order at the stand-in', async () => {
    const { c, r, order } = await checkedOut([p[0], p[1]], { ...HOME, gstin: '29aagcb7383j1z4' });
    const cart = await call(c.token, 'GET', '/api/v1/cart?state=29');
    assert.equal(order.status, 'pending');
    assert.deepEqual([order.subtotal_paise, order.tax_paise, order.total_paise, order.supply],
      [cart.json.subtotal_paise, cart.json.tax_paise, cart.json.total_paise, 'intra_state']);
    assert.equal(order.cgst_paise + order.sgst_paise, order.tax_paise);
    assert.equal(order.igst_paise, 0);
    assert.deepEqual(order.billing, { name: 'Asha Rao', country: 'IN', state: '29', gstin: '29AAGCB7383J1Z4' });
    assert.deepEqual(order.items.map((i) => [i.product, i.price_paise, i.tax_rate_bp]).sort(),
      [[p[0].id, 49900, 1800], [p[1].id, 49900, 1800]].sort());
    const pay = r.json.payment;
    assert.deepEqual([pay.provider, pay.key_id, pay.amount, pay.currency, pay.prefill.email],
      ['razorpay', 'rzp_test_souk', order.total_paise, 'INR', c.email]);
    assert.equal(pay.order_id, order.provider_order_id);
    const at = (await fake('/_fake/orders')).find((o) => o.id === pay.order_id);
    assert.ok(at, 'no order at the stand-in');
    assert.deepEqual([at.amount, at.currency, at.receipt, at.notes.souk_order],
      [order.total_paise, 'INR', order.id, order.id]);
    // the snapshot: a price change later does not touch the order
    sql(`update products set price_paise = 99900, title = 'Renamed' where id = ${p[0].dbid}`);
    const mine = await call(c.token, 'GET', `/api/v1/me/orders/${order.id}`);
    assert.equal(mine.status, 200, mine.text);
    assert.equal(mine.json.total_paise, order.total_paise);
    assert.ok(mine.json.items.every((i) => i.price_paise === 49900 && !i.title.includes('Renamed')));
    sql(`update products set price_paise = 49900 where id = ${p[0].dbid}`);
  });

  test('another state is IGST, abroad is an export with no GST, as the cart said', async () => {
    const away = await checkedOut([p[2]], { billing_name: 'B', country: 'IN', state: '27' });
    assert.deepEqual([away.order.supply, away.order.cgst_paise, away.order.igst_paise],
      ['inter_state', 0, 8982]);
    const abroad = await checkedOut([p[2]], { billing_name: 'C', country: 'us' });
    assert.deepEqual([abroad.order.supply, abroad.order.tax_paise, abroad.order.total_paise, abroad.order.billing.country],
      ['export', 0, 49900, 'US']);
  });

  test('the same key again returns the same order; the same key with another body is 422', async () => {
    const { c, r, order, key } = await checkedOut([p[0]]);
    const again = await checkout(c, key);
    assert.equal(again.status, 200, again.text);
    assert.equal(again.json.order.id, order.id);
    assert.equal(again.json.payment.order_id, r.json.payment.order_id);
    const other = await checkout(c, key, { ...HOME, billing_name: 'Someone Else' });
    expectError(other, 422, 'validation_failed');
    assert.ok(other.json.error.fields['Idempotency-Key']);
    // ten at once with one key: one order, and one Razorpay order given out (racing
    // requests may each create one at Razorpay; only the first stored is ever answered,
    // the others expire there unpaid)
    const key2 = randomUUID();
    const all = await Promise.all(Array.from({ length: 10 }, () => checkout(c, key2)));
    assert.ok(all.every((x) => x.status === 201 || x.status === 200), all.map((x) => x.text).join('\n'));
    assert.equal(new Set(all.map((x) => x.json.order.id)).size, 1);
    assert.equal(new Set(all.map((x) => x.json.payment.order_id)).size, 1);
    const receipts = (await fake('/_fake/orders')).filter((o) => o.receipt === all[0].json.order.id);
    assert.ok(receipts.some((o) => o.id === all[0].json.payment.order_id));
    assert.equal(sql(`select provider_order_id from orders where public_id = '${all[0].json.order.id}'`).stdout,
      all[0].json.payment.order_id);
    assert.equal(count(`select count(*) from orders where user_id = ${c.id}`), 2);
  });

  test('Razorpay down or slow is 502 with the order kept pending; a retry with the key completes it', async () => {
    for (const mode of ['down', 'slow']) {
      const c = await customer();
      await add(c, p[1].id);
      const key = randomUUID();
      await fakeMode(mode);
      const failed = await checkout(c, key);
      await fakeMode('ok');
      expectError(failed, 502, 'upstream_unavailable');
      assert.match(failed.json.error.message, /Idempotency-Key/);
      assert.equal(sql(`select status || ' ' || coalesce(provider_order_id, '-') from orders where user_id = ${c.id}`).stdout, 'pending -');
      const retry = await checkout(c, key);
      assert.equal(retry.status, 200, retry.text);
      assert.equal(retry.json.order.status, 'pending');
      assert.match(retry.json.payment.order_id, /^order_/);
      assert.equal(count(`select count(*) from orders where user_id = ${c.id}`), 1);
    }
  });

  test('a product that cannot be sold any more is dropped at checkout with a 422 saying so', async () => {
    const [gone] = products(1);
    const c = await customer();
    await add(c, gone.id);
    await add(c, p[0].id);
    sql(`update products set status = 'archived' where id = ${gone.dbid}`);
    const r = await checkout(c, randomUUID());
    expectError(r, 422, 'validation_failed');
    assert.ok(r.json.error.fields.cart);
    const again = await checkout(c, randomUUID());
    assert.equal(again.status, 201, again.text);
    assert.deepEqual(again.json.order.items.map((i) => i.product), [p[0].id]);
  });
});

describe('payments', () => {
  let p;
  before(async () => { p = products(4); await fakeMode('ok'); });

  test('verify with a good signature fulfils once: paid, entitlements, invoice, e-mail, cart emptied', async () => {
    const { c, order } = await checkedOut([p[0], p[1]]);
    const triple = await fakePay(order.provider_order_id);
    assert.equal(triple.razorpay_signature, hmac(KEY_SECRET, `${order.provider_order_id}|${triple.razorpay_payment_id}`));
    const r = await verify(c, triple);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.order.status, 'paid');
    assert.match(r.json.order.invoice.number, /^SK\d{4}-\d{6}$/);
    assert.deepEqual(effects(order.id), { status: 'paid', payments: 1, entitlements: 2, invoices: 1, emails: 1, flag: '' });
    const again = await verify(c, triple);
    assert.equal(again.status, 200, again.text);
    assert.deepEqual(effects(order.id), { status: 'paid', payments: 1, entitlements: 2, invoices: 1, emails: 1, flag: '' });
    const cart = await call(c.token, 'GET', '/api/v1/cart');
    assert.deepEqual([cart.json.items, cart.json.notices], [[], []]);
    const lib = await call(c.token, 'GET', '/api/v1/me/library');
    assert.deepEqual(lib.json.items.map((i) => [i.slug, i.source]).sort(),
      [[p[0].slug, 'purchase'], [p[1].slug, 'purchase']].sort());
  });

  test('a bad or missing signature is 400 and changes nothing; a payment of another order is 422', async () => {
    const { c, order } = await checkedOut([p[2]]);
    const triple = await fakePay(order.provider_order_id);
    const bad = { ...triple, razorpay_signature: triple.razorpay_signature.replace(/.$/, (x) => (x === '0' ? '1' : '0')) };
    expectError(await verify(c, bad), 400, 'malformed_request');
    expectError(await verify(c, { ...triple, razorpay_signature: undefined }), 422, 'validation_failed');
    // signed for this order with the right secret, but the payment is of another order
    const other = await checkedOut([p[3]]);
    const theirs = await fakePay(other.order.provider_order_id);
    const forged = { razorpay_order_id: order.provider_order_id, razorpay_payment_id: theirs.razorpay_payment_id,
      razorpay_signature: hmac(KEY_SECRET, `${order.provider_order_id}|${theirs.razorpay_payment_id}`) };
    expectError(await verify(c, forged), 422, 'validation_failed');
    assert.equal(effects(order.id).status, 'pending');
    assert.equal(effects(order.id).payments, 0);
    // someone else's order is 404, even with its valid triple
    expectError(await verify(c, theirs), 404, 'not_found');
    assert.equal(effects(other.order.id).status, 'pending');
  });

  test('a payment for the wrong amount is never fulfilled and the order is flagged', async () => {
    const { c, order } = await checkedOut([p[0]]);
    const triple = await fakePay(order.provider_order_id, { amount: order.total_paise - 100 });
    expectError(await verify(c, triple), 422, 'validation_failed');
    const e = effects(order.id);
    assert.deepEqual([e.status, e.entitlements, e.invoices, e.emails], ['pending', 0, 0, 0]);
    assert.match(e.flag, /does not match/);
  });

  test('a failed payment is recorded, the buyer told once, and a later payment still succeeds', async () => {
    const { c, order } = await checkedOut([p[1]]);
    const failed = await fakePay(order.provider_order_id, { status: 'failed' });
    expectError(await verify(c, failed), 422, 'validation_failed');
    expectError(await verify(c, failed), 422, 'validation_failed');
    assert.equal(sql(`select status from payments where provider_payment_id = '${failed.razorpay_payment_id}'`).stdout, 'failed');
    assert.equal(count(`select count(*) from email_outbox where template = 'payment_failed' and recipient = '${c.email}'`), 1);
    assert.equal(effects(order.id).status, 'pending');
    const ok = await fakePay(order.provider_order_id, { status: 'authorized' });
    const r = await verify(c, ok); // authorized: Souk captures it
    assert.equal(r.status, 200, r.text);
    assert.equal(effects(order.id).status, 'paid');
    assert.equal(sql(`select status from payments where provider_payment_id = '${ok.razorpay_payment_id}'`).stdout, 'captured');
  });

  test('a new checkout supersedes a pending order of the same items: a payment for the old one is not taken', async () => {
    const [x, y] = products(2);
    const { c, order: old } = await checkedOut([x]);
    await add(c, y.id);
    const r = await checkout(c, randomUUID()); // "back to checkout": a new key, the cart still holds x
    assert.equal(r.status, 201, r.text);
    assert.equal(effects(old.id).status, 'cancelled');
    assert.equal(effects(r.json.order.id).status, 'pending');
    // the old order's Razorpay Checkout was still open in another tab: the payment is authorized only
    const late = await fakePay(old.provider_order_id, { status: 'authorized' });
    const v = await verify(c, late);
    expectError(v, 409, 'conflict');
    assert.match(v.json.error.message, /not taken/);
    const at = await fetch(`${FAKE}/v1/payments/${late.razorpay_payment_id}`, {
      headers: { authorization: `Basic ${Buffer.from(`rzp_test_souk:${KEY_SECRET}`).toString('base64')}` } });
    assert.equal((await at.json()).status, 'authorized', 'Souk must not capture it');
    assert.deepEqual([effects(old.id).status, effects(old.id).payments, effects(old.id).entitlements], ['cancelled', 0, 0]);
    // the new order pays as usual; x is paid for once
    const ok = await verify(c, await fakePay(r.json.payment.order_id));
    assert.equal(ok.status, 200, ok.text);
    assert.equal(count(`select count(*) from entitlements e join products p on p.id = e.product_id
      where e.user_id = ${c.id} and p.public_id = '${x.id}'`), 1);
    // an order of other products is not touched by a checkout
    const other = await checkedOut([y]);
    const [z] = products(1);
    await call(other.c.token, 'DELETE', `/api/v1/cart/items/${y.id}`);
    await add(other.c, z.id);
    assert.equal((await checkout(other.c, randomUUID())).status, 201);
    assert.equal(effects(other.order.id).status, 'pending');
  });

  test('checkouts racing in several tabs leave one pending order: each supersedes the one before', async () => {
    const [x] = products(1);
    const c = await customer();
    await add(c, x.id);
    const all = await Promise.all(Array.from({ length: 6 }, () => checkout(c, randomUUID())));
    assert.ok(all.every((r) => r.status === 201), all.map((r) => r.text).join('\n'));
    assert.equal(count(`select count(*) from orders where user_id = ${c.id}`), 6);
    assert.equal(count(`select count(*) from orders where user_id = ${c.id} and status = 'pending'`), 1);
  });

  test('a pending order paid meanwhile is fulfilled, not superseded, and the new checkout is 409', async () => {
    const [x] = products(1);
    const { c, order: old } = await checkedOut([x]);
    await fakePay(old.provider_order_id); // captured; the callback never came back
    const r = await checkout(c, randomUUID());
    expectError(r, 409, 'conflict');
    assert.match(r.json.error.message, /just been paid/);
    assert.deepEqual([effects(old.id).status, effects(old.id).entitlements], ['paid', 1]);
    assert.equal(count(`select count(*) from orders where user_id = ${c.id}`), 1);
    const cart = await call(c.token, 'GET', '/api/v1/cart');
    assert.deepEqual(cart.json.items, []);
  });

  test('the buyer sees their orders only: list paged, another user\'s order is 404', async () => {
    const a = await checkedOut([p[2]]);
    const key2 = randomUUID();
    await add(a.c, p[3].id);
    const second = await checkout(a.c, key2);
    assert.equal(second.status, 201, second.text);
    const { items, pages } = await allPages(a.c.token, '/api/v1/me/orders', { limit: 1 });
    assert.equal(pages, 2);
    assert.deepEqual(items.map((o) => o.id), [second.json.order.id, a.order.id]);
    const b = await customer();
    expectError(await call(b.token, 'GET', `/api/v1/me/orders/${a.order.id}`), 404, 'not_found');
    expectError(await call(b.token, 'GET', '/api/v1/me/orders/not-a-uuid'), 404, 'not_found');
    assert.deepEqual((await call(b.token, 'GET', '/api/v1/me/orders')).json.items, []);
    expectError(await call(null, 'GET', '/api/v1/me/orders'), 401, 'unauthenticated');
  });

  test('a free order (a 100 % coupon) is paid at once with no provider and no tax invoice', async () => {
    const c0 = `FREE${process.pid}${Date.now() % 1e6}`;
    sql(`insert into coupons (code, kind, value) values ('${c0}', 'percent', 10000)`);
    const c = await customer();
    await add(c, p[3].id);
    assert.equal((await call(c.token, 'PUT', '/api/v1/cart/coupon', { code: c0 })).status, 200);
    const r = await checkout(c, randomUUID());
    assert.equal(r.status, 201, r.text);
    assert.deepEqual([r.json.order.status, r.json.order.total_paise, r.json.payment, r.json.order.invoice],
      ['paid', 0, null, null]);
    const e = effects(r.json.order.id);
    assert.deepEqual([e.entitlements, e.invoices, e.emails, e.payments], [1, 0, 1, 0]);
    assert.equal(count(`select redemptions from coupons where code = '${c0}'`), 1);
  });

  test('Redis stopped: the cart is 503, orders are still readable', async () => {
    const { c, order } = await checkedOut([p[0]]);
    stackCtl('stop', 'redis');
    try {
      expectError(await call(c.token, 'GET', '/api/v1/cart'), 503, 'dependency_unavailable');
      const r = await call(c.token, 'GET', `/api/v1/me/orders/${order.id}`);
      assert.equal(r.status, 200, r.text);
      assert.equal((await call(c.token, 'GET', '/api/v1/me/orders')).status, 200);
    } finally {
      stackCtl('start', 'redis');
    }
    await until(async () => (await call(c.token, 'GET', '/api/v1/cart')).status === 200);
  });
});

describe('coupons at checkout', () => {
  test('the last redemption of a coupon goes to one of two racing checkouts; it counts when paid', async () => {
    const [prod] = products(1);
    const code = `LAST${process.pid}${Date.now() % 1e6}`;
    sql(`insert into coupons (code, kind, value, max_redemptions) values ('${code}', 'percent', 1000, 1)`);
    const [a, b] = await customers(2);
    for (const c of [a, b]) {
      await add(c, prod.id);
      const r = await call(c.token, 'PUT', '/api/v1/cart/coupon', { code });
      assert.equal(r.status, 200, r.text);
    }
    const [ra, rb] = await Promise.all([checkout(a, randomUUID()), checkout(b, randomUUID())]);
    const won = [ra, rb].filter((r) => r.status === 201);
    const lost = [ra, rb].filter((r) => r.status !== 201);
    assert.equal(won.length, 1, `${ra.text}\n${rb.text}`);
    expectError(lost[0], 422, 'validation_failed');
    assert.match(lost[0].json.error.fields.coupon, /used up/);
    assert.equal(won[0].json.order.coupon, code);
    assert.equal(count(`select redemptions from coupons where code = '${code}'`), 0);
    const winner = ra.status === 201 ? a : b;
    const triple = await fakePay(won[0].json.order.provider_order_id);
    assert.equal((await verify(winner, triple)).status, 200);
    assert.equal(count(`select redemptions from coupons where code = '${code}'`), 1);
  });
});

describe('webhooks', () => {
  let p;
  before(async () => { p = products(2); await fakeMode('ok'); });

  test('a bad or missing signature is 400 and nothing is stored', async () => {
    const { order } = await checkedOut([p[0]]);
    const triple = await fakePay(order.provider_order_id);
    const before = count('select count(*) from webhook_events');
    const bad = await webhook('payment.captured', { payment_id: triple.razorpay_payment_id, secret: 'not-the-secret' });
    assert.equal(bad.status, 400, bad.body);
    const none = await postJson('/api/v1/webhooks/razorpay', { event: 'payment.captured' }, { 'x-razorpay-event-id': 'evt_x' });
    expectError(none, 400, 'malformed_request');
    assert.equal(count('select count(*) from webhook_events'), before);
    assert.equal(effects(order.id).status, 'pending');
  });

  test('the same event delivered 10 times fulfils once', async () => {
    const { order } = await checkedOut([p[0], p[1]]);
    const triple = await fakePay(order.provider_order_id);
    const first = await webhook('order.paid', { payment_id: triple.razorpay_payment_id });
    assert.equal(first.status, 200, first.body);
    assert.equal(JSON.parse(first.body).status, 'processed');
    const again = await Promise.all(Array.from({ length: 9 }, () => webhook('order.paid', { event_id: first.event_id })));
    assert.ok(again.every((r) => r.status === 200 && JSON.parse(r.body).status === 'duplicate'), JSON.stringify(again));
    assert.deepEqual(effects(order.id), { status: 'paid', payments: 1, entitlements: 2, invoices: 1, emails: 1, flag: '' });
    assert.equal(count(`select count(*) from webhook_events where provider_event_id = '${first.event_id}' and processed_at is not null`), 1);
  });

  test('payment.failed after order.paid changes nothing', async () => {
    const { c, order } = await checkedOut([p[0]]);
    const triple = await fakePay(order.provider_order_id);
    assert.equal((await webhook('payment.captured', { payment_id: triple.razorpay_payment_id })).status, 200);
    const late = await webhook('payment.failed', { payment_id: triple.razorpay_payment_id, payment: { status: 'failed' } });
    assert.equal(late.status, 200, late.body);
    assert.deepEqual(effects(order.id), { status: 'paid', payments: 1, entitlements: 1, invoices: 1, emails: 1, flag: '' });
    assert.equal(count(`select count(*) from email_outbox where template = 'payment_failed' and recipient = '${c.email}'`), 0);
  });

  test('a webhook for the wrong amount never fulfils and flags the order', async () => {
    const { order } = await checkedOut([p[1]]);
    const triple = await fakePay(order.provider_order_id);
    const r = await webhook('payment.captured', { payment_id: triple.razorpay_payment_id, payment: { amount: 100 } });
    assert.equal(r.status, 200, r.body);
    const e = effects(order.id);
    assert.deepEqual([e.status, e.entitlements, e.invoices], ['pending', 0, 0]);
    assert.match(e.flag, /does not match/);
  });

  test('an event for no known order is kept with its error, unprocessed', async () => {
    const r = await webhook('payment.captured', { payment: { id: 'pay_Unknown0000001', entity: 'payment', amount: 100,
      currency: 'INR', status: 'captured', order_id: 'order_Unknown000001' } });
    assert.equal(r.status, 200, r.body);
    assert.match(sql(`select error from webhook_events where provider_event_id = '${r.event_id}' and processed_at is null`).stdout, /no order/);
  });

  test('verify and webhook racing (20 rounds): one payment, one entitlement, one invoice, one e-mail', async () => {
    for (let i = 0; i < 20; i += 1) {
      const { c, order } = await checkedOut([p[i % 2]]);
      const triple = await fakePay(order.provider_order_id);
      const [v, w1, w2] = await Promise.all([
        verify(c, triple),
        webhook('payment.captured', { payment_id: triple.razorpay_payment_id }),
        webhook('order.paid', { payment_id: triple.razorpay_payment_id }),
      ]);
      assert.equal(v.status, 200, v.text);
      assert.equal(w1.status, 200, w1.body);
      assert.equal(w2.status, 200, w2.body);
      assert.deepEqual(effects(order.id), { status: 'paid', payments: 1, entitlements: 1, invoices: 1, emails: 1, flag: '' }, `round ${i}`);
    }
  });

  test('50 checkouts paid at once get consecutive invoice numbers with no gap or duplicate', async () => {
    const [prod] = products(1);
    const buyers = await customers(50);
    await Promise.all(buyers.map((c) => add(c, prod.id)));
    const made = await Promise.all(buyers.map((c) => checkout(c, randomUUID())));
    assert.ok(made.every((r) => r.status === 201), made.filter((r) => r.status !== 201).map((r) => r.text).join('\n'));
    const triples = await Promise.all(made.map((r) => fakePay(r.json.order.provider_order_id)));
    const paid = await Promise.all(buyers.map((c, i) => (i % 2
      ? verify(c, triples[i]).then((r) => r.status)
      : webhook('payment.captured', { payment_id: triples[i].razorpay_payment_id }).then((r) => r.status))));
    assert.ok(paid.every((s) => s === 200), JSON.stringify(paid));
    const ids = made.map((r) => `'${r.json.order.id}'`).join(',');
    const seq = sql(`select v.sequence from invoices v join orders o on o.id = v.order_id
      where o.public_id in (${ids}) order by v.sequence`).stdout.split('\n').map(Number);
    assert.equal(seq.length, 50);
    assert.equal(new Set(seq).size, 50);
    assert.equal(seq[49] - seq[0], 49, `not consecutive: ${seq}`);
    const numbers = sql(`select number from invoices v join orders o on o.id = v.order_id where o.public_id in (${ids})`).stdout.split('\n');
    assert.ok(numbers.every((n) => /^SK\d{4}-\d{6}$/.test(n) && n.length <= 16), numbers.join(' '));
  });
});
