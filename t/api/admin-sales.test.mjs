// admin-sales.test.mjs - the back office's sales report (GET /api/v1/admin/metrics/sales,
// metrics:read) and the order confirmation sent again (POST
// /api/v1/admin/orders/{id}/confirmation, orders:read), through nginx against the
// Razorpay stand-in. Amounts are compared as deltas of today's numbers (IST), so the
// shop's other orders do not matter while no other test file runs at the same time.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { api, sql, tokenFor, call, expectError } from './lib.mjs';
import { count, products, fake, fakeMode, bought, checkedOut } from './shop.mjs';

let adminT, supportT, editorT;
before(async () => {
  adminT = await tokenFor('admin@souk.test');
  supportT = await tokenFor('support@souk.test');
  editorT = await tokenFor('editor@souk.test');
  await fakeMode('ok');
  await fake('/_fake/refund-mode', { status: 'processed' });
});
after(async () => {
  await fakeMode('ok');
  await fake('/_fake/refund-mode', { status: 'processed' });
});

/** Today in the shop's time zone (IST, +05:30, no summer time). */
const today = () => new Date(Date.now() + 19800e3).toISOString().slice(0, 10);
const sales = (token, query = '') => call(token, 'GET', `/api/v1/admin/metrics/sales${query}`);
const resend = (token, id) => call(token, 'POST', `/api/v1/admin/orders/${id}/confirmation`);
const lineRevenue = (order, product) => order.items.filter((i) => i.product === product.id)
  .reduce((s, i) => s + i.price_paise - i.discount_paise + i.tax_paise, 0);
const statusCount = (report, status) => report.by_status.find((s) => s.status === status).count;

function refund(orderId) {
  return api(`/api/v1/admin/orders/${orderId}/refunds`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminT}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    body: JSON.stringify({ reason: 'Sales report test' }),
  });
}

describe('sales report (metrics:read)', () => {
  test('a sale shows in today, by_status, top_products and totals; a refund in refunded', async () => {
    const p = products(2, 49900, 1800);
    const day = today();
    const q = `?from=${day}&to=${day}&limit=100`;
    const before0 = await sales(adminT, q);
    assert.equal(before0.status, 200, before0.text);
    const b = before0.json;

    const a1 = (await bought([p[0], p[1]])).order;
    const a2 = (await bought([p[0]])).order;
    await checkedOut([p[1]]); // one pending order, created today
    const r1 = await sales(adminT, q);
    assert.equal(r1.status, 200, r1.text);
    const s = r1.json;
    assert.equal(s.from, day);
    assert.equal(s.to, day);
    assert.equal(s.days.length, 1);
    assert.equal(s.days[0].day, day);
    assert.equal(s.days[0].orders - b.days[0].orders, 2);
    assert.equal(s.days[0].revenue_paise - b.days[0].revenue_paise, a1.total_paise + a2.total_paise);
    assert.equal(s.days[0].tax_paise - b.days[0].tax_paise, a1.tax_paise + a2.tax_paise);
    assert.equal(s.days[0].refunded_paise, b.days[0].refunded_paise);
    assert.deepEqual(s.by_status.map((x) => x.status), ['pending', 'paid', 'failed', 'refunded', 'cancelled']);
    assert.equal(statusCount(s, 'paid') - statusCount(b, 'paid'), 2);
    assert.equal(statusCount(s, 'pending') - statusCount(b, 'pending'), 1);
    // 49900 + 18 % GST = 58882 a line
    const top0 = s.top_products.find((x) => x.product === p[0].id);
    const top1 = s.top_products.find((x) => x.product === p[1].id);
    assert.deepEqual(top0, { product: p[0].id, slug: p[0].slug, title: top0.title, orders: 2,
      revenue_paise: lineRevenue(a1, p[0]) + lineRevenue(a2, p[0]) });
    assert.equal(top0.revenue_paise, 2 * 58882);
    assert.deepEqual(top1, { product: p[1].id, slug: p[1].slug, title: top1.title, orders: 1, revenue_paise: 58882 });
    assert.ok(s.top_products.indexOf(top0) < s.top_products.indexOf(top1), 'sorted by revenue');
    assert.equal(s.totals.orders - b.totals.orders, 2);
    assert.equal(s.totals.revenue_paise - b.totals.revenue_paise, a1.total_paise + a2.total_paise);
    assert.equal(s.totals.tax_paise - b.totals.tax_paise, a1.tax_paise + a2.tax_paise);
    assert.equal(s.totals.net_paise, s.totals.revenue_paise - s.totals.refunded_paise);

    // a full refund of the second order: refunded and net move, revenue stays
    const rf = await refund(a2.id);
    assert.equal(rf.status, 201, rf.text);
    assert.equal(rf.json.refund.status, 'processed');
    const r2 = await sales(adminT, q);
    assert.equal(r2.status, 200, r2.text);
    const t = r2.json;
    assert.equal(t.days[0].refunded_paise - b.days[0].refunded_paise, a2.total_paise);
    assert.equal(t.days[0].revenue_paise, s.days[0].revenue_paise);
    assert.equal(t.totals.refunded_paise - b.totals.refunded_paise, a2.total_paise);
    assert.equal(t.totals.net_paise, t.totals.revenue_paise - t.totals.refunded_paise);
    assert.equal(t.totals.net_paise - b.totals.net_paise, a1.total_paise);
    assert.equal(statusCount(t, 'paid') - statusCount(b, 'paid'), 1);
    assert.equal(statusCount(t, 'refunded') - statusCount(b, 'refunded'), 1);
    // a refunded order was still a sale of its day
    assert.equal(t.top_products.find((x) => x.product === p[0].id).orders, 2);
  });

  test('every day of the range, zeros included, ascending; limit; the defaults', async () => {
    const r = await sales(adminT, '?from=2001-03-30&to=2001-04-02&limit=1');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.days, ['2001-03-30', '2001-03-31', '2001-04-01', '2001-04-02'].map((day) => (
      { day, orders: 0, revenue_paise: 0, tax_paise: 0, refunded_paise: 0 })));
    assert.deepEqual(r.json.top_products, []);
    assert.deepEqual(r.json.totals, { orders: 0, revenue_paise: 0, tax_paise: 0, refunded_paise: 0, net_paise: 0 });
    assert.ok(r.json.by_status.every((x) => x.count === 0));
    const d = await sales(adminT);
    assert.equal(d.status, 200, d.text);
    assert.equal(d.json.days.length, 30);
    assert.equal(d.json.to, today());
    const one = await sales(adminT, `?from=${today()}&limit=1`);
    assert.ok(one.json.top_products.length <= 1);
  });

  test('422 for a bad from, to or limit; 403 without metrics:read (support, a customer)', async () => {
    for (const [query, field] of [['?from=yesterday', 'from'], ['?to=2026-13', 'to'], ['?limit=0', 'limit'],
      ['?limit=101', 'limit'], ['?from=2026-02-01&to=2026-01-01', 'from'], ['?from=2024-01-01&to=2026-01-01', 'from']]) {
      const r = await sales(adminT, query);
      expectError(r, 422, 'validation_failed');
      assert.ok(r.json.error.fields[field], `${query}: ${r.text}`);
    }
    expectError(await sales(supportT), 403, 'forbidden');
    const c = (await checkedOut(products(1))).c;
    expectError(await sales(c.token), 403, 'forbidden');
    expectError(await api('/api/v1/admin/metrics/sales'), 401, 'unauthenticated');
  });
});

describe('order confirmation sent again (orders:read)', () => {
  const confirmations = (id) => count(`select count(*) from email_outbox m join orders o
    on m.data->>'order_id' = o.public_id::text where o.public_id = '${id}'
    and m.template = 'order_confirmation'`);

  test('queues a second order_confirmation to the buyer, same data, audited; support may', async () => {
    const { c, order } = await bought(products(1));
    assert.equal(confirmations(order.id), 1);
    const r = await resend(adminT, order.id);
    assert.equal(r.status, 202, r.text);
    assert.deepEqual(r.json, { queued: true });
    assert.equal(confirmations(order.id), 2);
    const keys = sql(`select dedupe_key || ' ' || recipient from email_outbox
      where template = 'order_confirmation' and data->>'order_id' = '${order.id}' order by id`).stdout.split('\n');
    assert.deepEqual(keys, [`order_paid:${order.id} ${c.email}`, `order_resend:${order.id}:1 ${c.email}`]);
    // the same data as the first one
    assert.equal(count(`select count(distinct data) from email_outbox
      where template = 'order_confirmation' and data->>'order_id' = '${order.id}'`), 1);
    assert.equal(count(`select count(*) from audit_log where action = 'order.confirmation_resent'
      and entity = 'order' and entity_id = '${order.id}'
      and actor_id = (select id from users where email = 'admin@souk.test')`), 1);
    const s = await resend(supportT, order.id.toUpperCase());
    assert.equal(s.status, 202, s.text);
    assert.equal(confirmations(order.id), 3);
  });

  test('409 for a pending order, 404 for none, 403 for a customer and the editor', async () => {
    const { c, order } = await checkedOut(products(1));
    const r = await resend(adminT, order.id);
    expectError(r, 409, 'conflict');
    assert.match(r.json.error.message, /pending/);
    assert.equal(confirmations(order.id), 0);
    expectError(await resend(adminT, randomUUID()), 404, 'not_found');
    expectError(await resend(adminT, 'nope'), 404, 'not_found');
    const paid = (await bought(products(1))).order;
    expectError(await resend(c.token, paid.id), 403, 'forbidden');
    expectError(await resend(editorT, paid.id), 403, 'forbidden');
    assert.equal(confirmations(paid.id), 1);
  });

  test('at most 5 resends of an order in 24 hours: then 429 with Retry-After', async () => {
    const { order } = await bought(products(1));
    for (let i = 0; i < 5; i++) assert.equal((await resend(i % 2 ? supportT : adminT, order.id)).status, 202);
    const r = await resend(adminT, order.id);
    expectError(r, 429, 'rate_limited');
    assert.match(r.json.error.message, /5 times/);
    const wait = Number(r.headers.get('retry-after'));
    assert.ok(wait > 86000 && wait <= 86400, `Retry-After ${wait}`);
    assert.equal(confirmations(order.id), 6);
    // another order is not held back
    const other = (await bought(products(1))).order;
    assert.equal((await resend(adminT, other.id)).status, 202);
  });
});
