// refunds.test.mjs - after the sale, through nginx against the Razorpay stand-in: staff
// refunds (full and partial, idempotent, Razorpay down, refused or slow to decide) with
// their credit notes and revoked access; refund and dispute webhooks; the jobs that
// reconcile, expire and retry (souk-jobs); the invoice PDF (pdftotext); the staff order
// list and detail.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  HTTP, api, sql, tokenFor, call, expectError, allPages, outbox, conform,
} from './lib.mjs';
import {
  count, products, customer, add, HOME, checkout, fake, fakeMode, fakePay, webhook, verify,
  checkedOut, effects, jobs, bought,
} from './shop.mjs';

let adminT, supportT;
before(async () => {
  adminT = await tokenFor('admin@souk.test');
  supportT = await tokenFor('support@souk.test');
  await fakeMode('ok');
  await fake('/_fake/refund-mode', { status: 'processed' });
});
after(async () => {
  await fakeMode('ok');
  await fake('/_fake/refund-mode', { status: 'processed' });
});

function refund(token, orderId, body, key = randomUUID()) {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  if (key !== null) headers['idempotency-key'] = key;
  return api(`/api/v1/admin/orders/${orderId}/refunds`, { method: 'POST', headers, body: JSON.stringify(body) });
}

const one = (q) => sql(q).stdout;
const download = (c, slug) => call(c.token, 'POST', `/api/v1/products/${slug}/download`, {});
const access = (orderId) => sql(`select coalesce(revoked_at is not null, false) || ' ' ||
    coalesce(suspended_at is not null, false) from entitlements e join orders o on o.id = e.order_id
    where o.public_id = '${orderId}' order by e.id`).stdout.split('\n').filter(Boolean);

/** The bytes of a GET with a token (binary-safe). */
async function bytes(token, path) {
  const r = await fetch(HTTP + path, { headers: { authorization: `Bearer ${token}` }, redirect: 'manual' });
  const body = Buffer.from(await r.arrayBuffer());
  conform('GET', HTTP + path, r.status, r.headers.get('content-type'), body.toString('utf8'));
  return { status: r.status, headers: r.headers, body };
}

/** The text of a PDF, by poppler's pdftotext. */
function pdfText(buf) {
  const dir = mkdtempSync(join(tmpdir(), 'souk-pdf-'));
  try {
    writeFileSync(join(dir, 'a.pdf'), buf);
    const r = spawnSync('pdftotext', ['-layout', join(dir, 'a.pdf'), '-'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

describe('refunds (orders:refund)', () => {
  let p;
  before(() => { p = products(12); });

  test('need orders:refund (customer and support 403), an Idempotency-Key (400) and a reason (422)', async () => {
    const { c, order } = await bought([p[0]]);
    expectError(await refund(c.token, order.id, { reason: 'x' }), 403, 'forbidden');
    expectError(await refund(supportT, order.id, { reason: 'x' }), 403, 'forbidden');
    expectError(await refund(adminT, order.id, { reason: 'x' }, null), 400, 'malformed_request');
    const cases = [[{}, 'reason'], [{ reason: 'x', amount_paise: 50 }, 'amount_paise'],
      [{ reason: 'x', amount_paise: '100' }, 'amount_paise'], [{ reason: 'x', bogus: 1 }, 'bogus'],
      [{ reason: 'x', payment: 'pay_nope1' }, 'payment']];
    for (const [body, field] of cases) {
      const r = await refund(adminT, order.id, body);
      expectError(r, 422, 'validation_failed');
      assert.ok(r.json.error.fields[field], `${field}: ${r.text}`);
    }
    expectError(await refund(adminT, randomUUID(), { reason: 'x' }), 404, 'not_found');
    expectError(await refund(adminT, 'nope', { reason: 'x' }), 404, 'not_found');
    assert.equal(count(`select count(*) from refunds r join orders o on o.id = r.order_id
      where o.public_id = '${order.id}'`), 0);
  });

  test('a full refund: Razorpay refunds once, the order is refunded, access revoked, a credit note, an e-mail', async () => {
    const { c, order, pay } = await bought([p[1], p[2]]);
    assert.equal(order.status, 'paid');
    const key = randomUUID();
    const r = await refund(adminT, order.id, { reason: 'Bought by mistake' }, key);
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.refund.status, 'processed');
    assert.equal(r.json.refund.amount_paise, order.total_paise);
    assert.match(r.json.refund.provider_refund_id, /^rfnd_/);
    assert.match(r.json.refund.credit_note.number, /^CN\d{4}-\d{6}$/);
    assert.equal(r.json.refund.credit_note.total_paise, order.total_paise);
    assert.equal(r.json.order.status, 'refunded');
    assert.equal(r.json.order.refunded_paise, order.total_paise);
    assert.ok(r.json.order.refunded_at);
    assert.deepEqual(access(order.id), ['true false', 'true false']);
    const dl = await download(c, p[1].slug);
    expectError(dl, 403, 'forbidden');
    // the stand-in got one refund, keyed by the refund's id, for the whole payment
    const at = (await fake('/_fake/refunds')).filter((x) => x.payment_id === pay.razorpay_payment_id);
    assert.equal(at.length, 1);
    assert.equal(at[0].idempotency_key, r.json.refund.id);
    assert.equal(at[0].notes.souk_refund, r.json.refund.id);
    // the same key again: the same refund, nothing new; another body with it: 422
    const again = await refund(adminT, order.id, { reason: 'Bought by mistake' }, key);
    assert.equal(again.status, 200, again.text);
    assert.equal(again.json.refund.id, r.json.refund.id);
    expectError(await refund(adminT, order.id, { reason: 'Other' }, key), 422, 'validation_failed');
    assert.equal((await fake('/_fake/refunds')).filter((x) => x.payment_id === pay.razorpay_payment_id).length, 1);
    // nothing left: 409
    expectError(await refund(adminT, order.id, { reason: 'again' }), 409, 'conflict');
    // credit note amounts are the invoice's exactly; one e-mail; audit entries
    assert.equal(one(`select (c.taxable_paise = v.taxable_paise and c.cgst_paise = v.cgst_paise
      and c.sgst_paise = v.sgst_paise and c.igst_paise = v.igst_paise)::text from credit_notes c
      join invoices v on v.id = c.invoice_id join orders o on o.id = v.order_id
      where o.public_id = '${order.id}'`), 'true');
    const mail = outbox('refund_issued', c.email);
    assert.equal(mail.amount_paise, order.total_paise);
    assert.equal(mail.full, true);
    assert.equal(count(`select count(*) from email_outbox where template = 'refund_issued'
      and recipient = '${c.email}'`), 1);
    assert.equal(count(`select count(*) from audit_log where entity_id = '${order.id}'
      and action in ('refund.requested', 'refund.processed')`), 2);
    // the buyer may buy it again
    assert.equal((await add(c, p[1].id)).status, 200);
  });

  test('partial refunds keep access until they reach the total; their credit notes add up to the invoice', async () => {
    const { c, order } = await bought([p[3], p[4], p[5]]);
    const total = order.total_paise; // 3 x 49900 + 18 % GST
    const r1 = await refund(adminT, order.id, { reason: 'goodwill', amount_paise: 10001 });
    assert.equal(r1.status, 201, r1.text);
    assert.equal(r1.json.order.status, 'paid');
    assert.deepEqual(access(order.id), ['false false', 'false false', 'false false']);
    const over = await refund(adminT, order.id, { reason: 'too much', amount_paise: total });
    expectError(over, 422, 'validation_failed');
    assert.match(over.json.error.fields.amount_paise, /left/);
    const r2 = await refund(adminT, order.id, { reason: 'more', amount_paise: 33333 });
    assert.equal(r2.status, 201, r2.text);
    const r3 = await refund(adminT, order.id, { reason: 'the rest' });
    assert.equal(r3.status, 201, r3.text);
    assert.equal(r3.json.refund.amount_paise, total - 10001 - 33333);
    assert.equal(r3.json.order.status, 'refunded');
    assert.deepEqual(access(order.id), ['true false', 'true false', 'true false']);
    const sums = one(`select sum(c.taxable_paise) = v.taxable_paise and sum(c.cgst_paise) = v.cgst_paise
      and sum(c.sgst_paise) = v.sgst_paise and sum(c.total_paise) = v.total_paise
      and bool_and(c.taxable_paise + c.cgst_paise + c.sgst_paise = c.total_paise), count(*)
      from credit_notes c join invoices v on v.id = c.invoice_id join orders o on o.id = v.order_id
      where o.public_id = '${order.id}' group by v.id`);
    assert.equal(sums, 't|3');
    assert.equal(outbox('refund_issued', c.email).full, true);
  });

  test('sales_count counts standing sales: +1 per paid order, once; a full refund takes it back', async () => {
    const [a, b] = products(2);
    const state = () => one(`select p.sales_count || ' ' || pp.sales_count || ' '
        || (pp.item::json->>'sales_count') || ' ' || (pp.detail::json->>'sales_count') || ' ' || s.sales_count || ' ' || (p.updated_at = p.created_at)
      from products p join product_pages pp on pp.product_id = p.id
      join product_search s on s.product_id = p.id where p.id = ${a.dbid}`);
    sql(`update products set created_at = updated_at where id in (${a.dbid}, ${b.dbid})`);
    assert.equal(state(), '0 0 0 0 0 true');
    const first = await bought([a, b]);
    // the webhook of the same payment and a second verify change nothing
    assert.equal((await webhook('payment.captured', { payment_id: first.pay.razorpay_payment_id })).status, 200);
    assert.equal((await verify(first.c, first.pay)).status, 200);
    const second = await bought([a]);
    // a sale is not an edit: updated_at stays
    assert.equal(state(), '2 2 2 2 2 true');
    assert.equal(count(`select sales_count from products where id = ${b.dbid}`), 1);
    // the storefront's product says so
    const item = await api(`/api/v1/products/${a.slug}`);
    assert.equal(item.status, 200, item.text);
    assert.equal(item.json.sales_count, 2);
    // a partial refund leaves the sale standing; the rest of it takes it back, once
    assert.equal((await refund(adminT, second.order.id, { reason: 'part', amount_paise: 100 })).status, 201);
    assert.equal(state(), '2 2 2 2 2 true');
    assert.equal((await refund(adminT, second.order.id, { reason: 'rest' })).status, 201);
    assert.equal(state(), '1 1 1 1 1 true');
    assert.equal((await refund(adminT, first.order.id, { reason: 'all' })).status, 201);
    assert.equal(state(), '0 0 0 0 0 true');
    assert.equal(count(`select sales_count from products where id = ${b.dbid}`), 0);
  });

  test('Razorpay down is 502 with the refund held pending; a retry with the key makes exactly one', async () => {
    const { order, pay } = await bought([p[6]]);
    const key = randomUUID();
    await fakeMode('down');
    const r = await refund(adminT, order.id, { reason: 'down' }, key);
    expectError(r, 502, 'upstream_unavailable');
    assert.equal(one(`select r.status || ' ' || o.status from refunds r join orders o on o.id = r.order_id
      where o.public_id = '${order.id}'`), 'pending paid');
    // the held amount cannot be refunded twice meanwhile
    await fakeMode('ok');
    expectError(await refund(adminT, order.id, { reason: 'another' }), 409, 'conflict');
    const again = await refund(adminT, order.id, { reason: 'down' }, key);
    assert.equal(again.status, 200, again.text);
    assert.equal(again.json.refund.status, 'processed');
    assert.equal(again.json.order.status, 'refunded');
    assert.equal((await fake('/_fake/refunds')).filter((x) => x.payment_id === pay.razorpay_payment_id).length, 1);
  });

  test('a refund Razorpay refuses is 422 with its reason and frees the amount', async () => {
    const { order } = await bought([p[7]]);
    await fake('/_fake/refund-mode', { status: 'refuse' });
    const r = await refund(adminT, order.id, { reason: 'refused' });
    await fake('/_fake/refund-mode', { status: 'processed' });
    expectError(r, 422, 'validation_failed');
    assert.match(r.json.error.message, /greater than amount captured/);
    assert.equal(one(`select r.status || ' ' || (r.error is not null) from refunds r join orders o
      on o.id = r.order_id where o.public_id = '${order.id}'`), 'failed true');
    const ok = await refund(adminT, order.id, { reason: 'now' });
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.json.order.status, 'refunded');
  });

  test('a refund Razorpay leaves pending is settled once by refund.processed; refund.failed frees it', async () => {
    const { order } = await bought([p[8]]);
    await fake('/_fake/refund-mode', { status: 'pending' });
    const r = await refund(adminT, order.id, { reason: 'slow', amount_paise: 20000 });
    const r2 = await refund(adminT, order.id, { reason: 'slow too', amount_paise: 10000 });
    await fake('/_fake/refund-mode', { status: 'processed' });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.refund.status, 'pending');
    assert.equal(r.json.order.refunded_paise, 0);
    const rid = r.json.refund.provider_refund_id;
    await fake('/_fake/refund-settle', { id: rid, status: 'processed' });
    for (let i = 0; i < 3; i++) {
      const w = await webhook('refund.processed', { refund_id: rid, payment_id: r.json.refund.payment });
      assert.equal(w.status, 200, w.body);
    }
    assert.equal(one(`select status from refunds where public_id = '${r.json.refund.id}'`), 'processed');
    assert.equal(one(`select refunded_paise from orders where public_id = '${order.id}'`), '20000');
    assert.equal(count(`select count(*) from credit_notes c join refunds r on r.id = c.refund_id
      where r.public_id = '${r.json.refund.id}'`), 1);
    // the second one fails at Razorpay: its amount is free again
    await fake('/_fake/refund-settle', { id: r2.json.refund.provider_refund_id, status: 'failed' });
    const w = await webhook('refund.failed', { refund_id: r2.json.refund.provider_refund_id });
    assert.equal(w.status, 200, w.body);
    assert.equal(one(`select status from refunds where public_id = '${r2.json.refund.id}'`), 'failed');
    const rest = await refund(adminT, order.id, { reason: 'the rest' });
    assert.equal(rest.status, 201, rest.text);
    assert.equal(rest.json.refund.amount_paise, order.total_paise - 20000);
    assert.equal(rest.json.order.status, 'refunded');
  });

  test('a refund made in the Razorpay Dashboard is recorded from its webhook, once', async () => {
    const { order, pay } = await bought([p[9]]);
    const entity = { id: `rfnd_Dash${Date.now()}`, entity: 'refund', amount: order.total_paise, currency: 'INR',
      payment_id: pay.razorpay_payment_id, notes: [], status: 'processed', created_at: 1 };
    for (let i = 0; i < 2; i++) {
      const w = await webhook('refund.processed', { refund: entity, payment_id: pay.razorpay_payment_id });
      assert.equal(w.status, 200, w.body);
    }
    assert.equal(one(`select count(*) || ' ' || min(r.status) || ' ' || min(o.status) from refunds r
      join orders o on o.id = r.order_id where o.public_id = '${order.id}'`), '1 processed refunded');
    assert.deepEqual(access(order.id), ['true false']);
  });

  test('a refund left pending by a 502 is completed by reconcile with the same idempotency key', async () => {
    const { order, pay } = await bought([p[11]]);
    await fakeMode('down');
    const r = await refund(adminT, order.id, { reason: 'left behind' });
    await fakeMode('ok');
    expectError(r, 502, 'upstream_unavailable');
    sql(`update refunds set created_at = now() - interval '10 minutes' where order_id =
      (select id from orders where public_id = '${order.id}')`);
    const j = jobs('reconcile');
    assert.equal(j.code, 0, j.stderr);
    assert.equal(one(`select r.status || ' ' || o.status from refunds r join orders o on o.id = r.order_id
      where o.public_id = '${order.id}'`), 'processed refunded');
    assert.equal((await fake('/_fake/refunds')).filter((x) => x.payment_id === pay.razorpay_payment_id).length, 1);
  });

  test('two paid orders of one product (two tabs): refunding one keeps the access the other paid for', async () => {
    const [q] = products(1);
    const c = await customer();
    assert.equal((await add(c, q.id)).status, 200);
    const a = await checkout(c, randomUUID());
    const b = await checkout(c, randomUUID());
    assert.equal(a.status, 201, a.text);
    assert.equal(b.status, 201, b.text);
    // b superseded a; two checkouts racing past each other's supersede leave both pending
    sql(`update orders set status = 'pending' where public_id = '${a.json.order.id}'`);
    for (const o of [a, b]) {
      const v = await verify(c, await fakePay(o.json.payment.order_id));
      assert.equal(v.status, 200, v.text);
    }
    const r = await refund(adminT, b.json.order.id, { reason: 'paid twice' });
    assert.equal(r.status, 201, r.text);
    assert.equal(one(`select (e.revoked_at is null)::text || ' ' || o.public_id from entitlements e
      join orders o on o.id = e.order_id where e.user_id = ${c.id}`), `true ${a.json.order.id}`);
    const r2 = await refund(adminT, a.json.order.id, { reason: 'and the other' });
    assert.equal(r2.status, 201, r2.text);
    assert.equal(one(`select (revoked_at is not null)::text from entitlements where user_id = ${c.id}`), 'true');
  });

  test('a payment with an open dispute is not refunded (409): the bank gives that money back', async () => {
    const [q] = products(1);
    const { order, pay } = await bought([q]);
    await webhook('payment.dispute.created', { payment_id: pay.razorpay_payment_id, dispute: {
      id: `disp_R${Date.now()}`, entity: 'dispute', payment_id: pay.razorpay_payment_id, amount: 100,
      currency: 'INR', reason_code: 'fraud', status: 'open' } });
    const r = await refund(adminT, order.id, { reason: 'x' });
    expectError(r, 409, 'conflict');
    assert.match(r.json.error.message, /dispute/);
  });

  test('a payment captured after the order was refunded is flagged for staff, once', async () => {
    const [q] = products(1);
    const { order, pay } = await bought([q]);
    assert.equal((await refund(adminT, order.id, { reason: 'x' })).status, 201);
    const providerOrder = one(`select provider_order_id from orders where public_id = '${order.id}'`);
    for (let i = 0; i < 3; i++) {
      const w = await webhook('payment.captured', { order_id: providerOrder, payment: { id: 'pay_Stray' + pay.razorpay_payment_id.slice(4),
        entity: 'payment', amount: order.total_paise, currency: 'INR', status: 'captured', order_id: providerOrder, method: 'upi' } });
      assert.equal(w.status, 200, w.body);
    }
    const flag = one(`select flag from orders where public_id = '${order.id}'`);
    assert.match(flag, /already paid: refund one of them/);
    assert.equal(flag.split('pay_Stray').length - 1, 1, flag);
  });

  test('an unpaid order has nothing to refund (409)', async () => {
    const { order } = await checkedOut([p[10]]);
    expectError(await refund(adminT, order.id, { reason: 'x' }), 409, 'conflict');
  });
});

describe('disputes', () => {
  let p;
  before(() => { p = products(3); });
  const dispute = (pay, id, extra = {}) => ({ id, entity: 'dispute', payment_id: pay.razorpay_payment_id,
    amount: 1000, currency: 'INR', amount_deducted: 0, reason_code: 'chargeback', status: 'open',
    phase: 'chargeback', respond_by: 1, created_at: 1, ...extra });

  test('an open dispute suspends access, a won one restores it; events out of order change nothing', async () => {
    const { c, order, pay } = await bought([p[0]]);
    const d = dispute(pay, `disp_A${Date.now()}`);
    let w = await webhook('payment.dispute.created', { payment_id: pay.razorpay_payment_id, dispute: d });
    assert.equal(w.status, 200, w.body);
    assert.deepEqual(access(order.id), ['false true']);
    const dl = await download(c, p[0].slug);
    expectError(dl, 403, 'forbidden');
    assert.match(dl.json.error.message, /dispute/);
    const lib = await call(c.token, 'GET', '/api/v1/me/library');
    assert.equal(lib.json.items.find((x) => x.slug === p[0].slug).suspended, true);
    assert.match(one(`select flag from orders where public_id = '${order.id}'`), /dispute/);
    w = await webhook('payment.dispute.won', { payment_id: pay.razorpay_payment_id, dispute: { ...d, status: 'won' } });
    assert.equal(w.status, 200, w.body);
    assert.deepEqual(access(order.id), ['false false']);
    assert.notEqual((await download(c, p[0].slug)).status, 403);
    // a late 'created' (a new delivery id) does not reopen a decided dispute
    w = await webhook('payment.dispute.created', { payment_id: pay.razorpay_payment_id, dispute: d });
    assert.equal(w.status, 200, w.body);
    assert.deepEqual(access(order.id), ['false false']);
    assert.equal(one(`select status from disputes where provider_dispute_id = '${d.id}'`), 'won');
  });

  test('a lost dispute revokes access; a closed one restores it', async () => {
    const a = await bought([p[1]]);
    const d1 = dispute(a.pay, `disp_L${Date.now()}`);
    await webhook('payment.dispute.created', { payment_id: a.pay.razorpay_payment_id, dispute: d1 });
    await webhook('payment.dispute.lost', { payment_id: a.pay.razorpay_payment_id, dispute: { ...d1, status: 'lost' } });
    assert.deepEqual(access(a.order.id), ['true false']);
    const b = await bought([p[2]]);
    const d2 = dispute(b.pay, `disp_C${Date.now()}`);
    await webhook('payment.dispute.created', { payment_id: b.pay.razorpay_payment_id, dispute: d2 });
    assert.deepEqual(access(b.order.id), ['false true']);
    await webhook('payment.dispute.closed', { payment_id: b.pay.razorpay_payment_id, dispute: { ...d2, status: 'closed' } });
    assert.deepEqual(access(b.order.id), ['false false']);
  });
});

describe('souk-jobs', () => {
  let p;
  before(() => { p = products(8); });

  test('reconcile fulfils an order whose verify and webhook were both lost, once; an authorized one is captured', async () => {
    const a = await checkedOut([p[0]]);
    const b = await checkedOut([p[1]]);
    await fakePay(a.r.json.payment.order_id);
    await fakePay(b.r.json.payment.order_id, { status: 'authorized' });
    // too young: a buyer may still be paying
    let j = jobs('reconcile');
    assert.equal(j.code, 0, j.stderr);
    assert.equal(effects(a.order.id).status, 'pending');
    sql(`update orders set created_at = now() - interval '20 minutes'
      where public_id in ('${a.order.id}', '${b.order.id}')`);
    for (let i = 0; i < 2; i++) {
      j = jobs('reconcile');
      assert.equal(j.code, 0, j.stderr);
    }
    for (const o of [a.order, b.order]) {
      const e = effects(o.id);
      assert.deepEqual([e.status, e.payments, e.entitlements, e.invoices, e.emails], ['paid', 1, 1, 1, 1], o.id);
    }
  });

  test('expire-orders cancels what stayed unpaid 24 hours, but fulfils one that was paid after all', async () => {
    const a = await checkedOut([p[2]]);
    const b = await checkedOut([p[3]]);
    await fakePay(b.r.json.payment.order_id);
    sql(`update orders set created_at = now() - interval '25 hours'
      where public_id in ('${a.order.id}', '${b.order.id}')`);
    const j = jobs('expire-orders');
    assert.equal(j.code, 0, j.stderr);
    assert.equal(effects(a.order.id).status, 'cancelled');
    assert.equal(effects(b.order.id).status, 'paid');
    // a payment that arrives for a cancelled order is never fulfilled: it is flagged for a refund
    const w = await webhook('payment.captured', { order_id: a.r.json.payment.order_id,
      payment: { id: `pay_Late${Date.now()}`,
      entity: 'payment', amount: a.order.total_paise, currency: 'INR', status: 'captured',
      order_id: a.r.json.payment.order_id, method: 'upi' } });
    assert.equal(w.status, 200, w.body);
    const e = effects(a.order.id);
    assert.equal(e.status, 'cancelled');
    assert.match(e.flag, /cancelled/);
  });

  test('webhooks retries a kept event once the order can be found, with back-off', async () => {
    const a = await checkedOut([p[4]]);
    const providerOrder = a.r.json.payment.order_id;
    const pay = await fakePay(providerOrder);
    // the event arrives while the order does not know its provider order id yet
    sql(`update orders set provider_order_id = null where public_id = '${a.order.id}'`);
    const w = await webhook('payment.captured', { payment_id: pay.razorpay_payment_id });
    assert.equal(JSON.parse(w.body).status, 'kept');
    sql(`update orders set provider_order_id = '${providerOrder}' where public_id = '${a.order.id}'`);
    let j = jobs('webhooks');
    assert.equal(j.code, 0, j.stderr);
    assert.equal(effects(a.order.id).status, 'pending'); // its back-off has not passed
    sql(`update webhook_events set received_at = now() - interval '10 minutes'
      where payload->'payload'->'payment'->'entity'->>'id' = '${pay.razorpay_payment_id}'`);
    j = jobs('webhooks');
    assert.equal(j.code, 0, j.stderr);
    const e = effects(a.order.id);
    assert.deepEqual([e.status, e.payments, e.invoices], ['paid', 1, 1]);
    assert.equal(one(`select (processed_at is not null)::text || ' ' || attempts || ' ' || (order_id is not null)
      from webhook_events where payload->'payload'->'payment'->'entity'->>'id' = '${pay.razorpay_payment_id}'`),
    'true 2 true');
  });

  test('an unknown job is refused (exit 2); two runs of one job at once do not overlap', () => {
    const r = jobs('no-such-job');
    assert.equal(r.code, 2);
    const both = [jobs('invoices'), jobs('invoices')];
    for (const x of both) assert.equal(x.code, 0, x.stderr);
  });

  test('the invoice PDF: 202 until rendered, then the document with the number, GSTINs and tax lines', async () => {
    const { c, order } = await bought([p[5], p[6]], { ...HOME, gstin: '29AAGCB7383J1Z4' });
    const path = `/api/v1/me/orders/${order.id}/invoice`;
    const early = await call(c.token, 'GET', path);
    assert.equal(early.status, 202, early.text);
    assert.equal(early.headers.get('retry-after'), '30');
    assert.equal(early.json.status, 'rendering');
    const j = jobs('invoices');
    assert.equal(j.code, 0, j.stderr);
    const pdf = await bytes(c.token, path);
    assert.equal(pdf.status, 200);
    assert.equal(pdf.headers.get('content-type'), 'application/pdf');
    assert.match(pdf.headers.get('content-disposition'), /attachment; filename="SK\d{4}-\d{6}\.pdf"/);
    assert.equal(pdf.body.subarray(0, 5).toString(), '%PDF-');
    const text = pdfText(pdf.body);
    const inv = order.invoice.number;
    const seller = one(`select seller_gstin from invoices where number = '${inv}'`);
    for (const want of [inv, '29AAGCB7383J1Z4', 'CGST', 'SGST', '9%', '998439', 'Karnataka',
      'Tax Invoice', 'Rupees One Thousand One Hundred Seventy-Seven and Sixty-Four Paise Only']) {
      assert.ok(text.includes(want), `${want} not in:\n${text}`);
    }
    if (seller) assert.ok(text.includes(seller));
    // another buyer's is 404; staff with orders:read may read it (both routes)
    const other = await customer();
    expectError(await call(other.token, 'GET', path), 404, 'not_found');
    assert.equal((await bytes(supportT, `/api/v1/admin/orders/${order.id}/invoice`)).status, 200);
    assert.equal((await bytes(adminT, path)).status, 200);
    expectError(await call(c.token, 'GET', `/api/v1/me/orders/${randomUUID()}/invoice`), 404, 'not_found');
  });

  test('IGST and export invoices print as such; a credit note is rendered too', async () => {
    const inter = await bought([p[7]], { billing_name: 'Ravi', country: 'IN', state: '27' });
    const abroad = await bought([products(1)[0]], { billing_name: 'Jane', country: 'US' });
    const r = await refund(adminT, inter.order.id, { reason: 'Duplicate purchase', amount_paise: 10000 });
    assert.equal(r.status, 201, r.text);
    const cn = r.json.refund.credit_note.number;
    const cnPath = `/api/v1/admin/orders/${inter.order.id}/credit-notes/${cn}`;
    const early = await call(supportT, 'GET', cnPath);
    assert.equal(early.status, 202, early.text);
    assert.equal(early.headers.get('retry-after'), '30');
    assert.equal(early.json.number, cn);
    const j = jobs('invoices');
    assert.equal(j.code, 0, j.stderr);
    const t1 = pdfText((await bytes(inter.c.token, `/api/v1/me/orders/${inter.order.id}/invoice`)).body);
    assert.ok(t1.includes('IGST') && t1.includes('18%') && !t1.includes('CGST'), t1);
    assert.ok(t1.includes('Maharashtra'), t1);
    const t2 = pdfText((await bytes(abroad.c.token, `/api/v1/me/orders/${abroad.order.id}/invoice`)).body);
    assert.match(t2, /[Ee]xport/);
    assert.equal(count(`select count(*) from credit_notes c join refunds f on f.id = c.refund_id
      where f.public_id = '${r.json.refund.id}' and c.pdf_storage_key like 'credit-notes/%'`), 1);
    // staff download it: the number, the invoice it credits, the reason and the IGST line
    const pdf = await bytes(supportT, cnPath);
    assert.equal(pdf.status, 200);
    assert.equal(pdf.headers.get('content-type'), 'application/pdf');
    assert.ok(pdf.headers.get('content-disposition').startsWith(`attachment; filename="${cn}.pdf"`));
    const t3 = pdfText(pdf.body);
    for (const want of [cn, inter.order.invoice.number, 'IGST']) assert.ok(t3.includes(want), `${want} not in:\n${t3}`);
    // the buyer is 403 here; another order's number, an unknown one and a bad id are 404
    expectError(await call(inter.c.token, 'GET', cnPath), 403, 'forbidden');
    expectError(await call(supportT, 'GET', `/api/v1/admin/orders/${abroad.order.id}/credit-notes/${cn}`), 404, 'not_found');
    expectError(await call(supportT, 'GET', `/api/v1/admin/orders/${inter.order.id}/credit-notes/CN1999-000001`), 404, 'not_found');
    expectError(await call(supportT, 'GET', `/api/v1/admin/orders/nope/credit-notes/${cn}`), 404, 'not_found');
  });
});

describe('staff orders (orders:read)', () => {
  let p, a, b;
  before(async () => {
    p = products(2);
    a = await bought([p[0]]);
    b = await checkedOut([p[1]]);
  });

  test('customers are 403; support may list and filter by status, buyer, product and date', async () => {
    expectError(await call(a.c.token, 'GET', '/api/v1/admin/orders'), 403, 'forbidden');
    const byEmail = await call(supportT, 'GET', `/api/v1/admin/orders?email=${encodeURIComponent(a.c.email.toUpperCase())}`);
    assert.equal(byEmail.status, 200, byEmail.text);
    assert.deepEqual(byEmail.json.items.map((o) => o.id), [a.order.id]);
    assert.equal(byEmail.json.items[0].buyer.email, a.c.email);
    assert.equal(byEmail.json.items[0].invoice, a.order.invoice.number);
    const byProduct = await call(supportT, 'GET', `/api/v1/admin/orders?product=${p[1].slug}`);
    assert.deepEqual(byProduct.json.items.map((o) => o.id), [b.order.id]);
    const byId = await call(supportT, 'GET', `/api/v1/admin/orders?product=${p[0].id}&status=paid`);
    assert.deepEqual(byId.json.items.map((o) => o.id), [a.order.id]);
    const none = await call(supportT, 'GET', `/api/v1/admin/orders?product=${p[0].id}&status=pending`);
    assert.deepEqual(none.json.items, []);
    const today = new Date(Date.now() + 5.5 * 3600e3).toISOString().slice(0, 10);
    const dated = await call(supportT, 'GET', `/api/v1/admin/orders?product=${p[1].slug}&from=${today}&to=${today}`);
    assert.deepEqual(dated.json.items.map((o) => o.id), [b.order.id]);
    const past = await call(supportT, 'GET', `/api/v1/admin/orders?product=${p[1].slug}&to=2020-01-01`);
    assert.deepEqual(past.json.items, []);
    for (const q of ['status=shipped', 'from=yesterday', 'to=2026-13-45', 'email=nobody', 'limit=0']) {
      expectError(await call(supportT, 'GET', `/api/v1/admin/orders?${q}`), 422, 'validation_failed');
    }
  });

  test('pages with a cursor cover every order once, newest first', async () => {
    const { items, pages } = await allPages(supportT, '/api/v1/admin/orders?status=paid', { limit: 4 });
    assert.ok(pages > 1, 'more than one page');
    const ids = items.map((o) => o.id);
    assert.equal(new Set(ids).size, ids.length);
    assert.equal(ids.length, count(`select count(*) from orders where status = 'paid'`));
    const cursor = (await call(supportT, 'GET', '/api/v1/admin/orders?status=paid&limit=1')).json.next_cursor;
    expectError(await call(supportT, 'GET', `/api/v1/admin/orders?status=pending&cursor=${cursor}`), 422, 'validation_failed');
  });

  test('the detail holds payments, refunds, credit notes, disputes and webhook events', async () => {
    await webhook('payment.captured', { payment_id: a.pay.razorpay_payment_id });
    const r0 = await refund(adminT, a.order.id, { reason: 'detail', amount_paise: 5000 });
    assert.equal(r0.status, 201, r0.text);
    const r = await call(supportT, 'GET', `/api/v1/admin/orders/${a.order.id}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.order.id, a.order.id);
    assert.equal(r.json.buyer.email, a.c.email);
    assert.equal(r.json.payments.length, 1);
    assert.equal(r.json.payments[0].paid_the_order, true);
    assert.equal(r.json.payments[0].refunded_paise, 5000);
    assert.equal(r.json.refunds[0].reason, 'detail');
    assert.equal(r.json.refunds[0].requested_by, 'admin@souk.test');
    assert.equal(r.json.credit_notes.length, 1);
    assert.deepEqual(r.json.disputes, []);
    assert.equal(r.json.events.length, 1);
    assert.equal(r.json.events[0].type, 'payment.captured');
    expectError(await call(supportT, 'GET', `/api/v1/admin/orders/${randomUUID()}`), 404, 'not_found');
    expectError(await call(a.c.token, 'GET', `/api/v1/admin/orders/${a.order.id}`), 403, 'forbidden');
  });
});
