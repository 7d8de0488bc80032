// razorpay.mjs - a stand-in for the parts of Razorpay's REST API Souk calls, following
// Razorpay's documented shapes (https://razorpay.com/docs/api/):
//
//   POST /v1/orders                   {amount, currency, receipt, notes}  -> order entity
//   GET  /v1/orders/:id               order entity
//   GET  /v1/orders/:id/payments      {entity:"collection", count, items:[payment]}
//   GET  /v1/payments/:id             payment entity
//   POST /v1/payments/:id/capture     {amount, currency}                  -> payment entity
//   POST /v1/payments/:id/refund      {amount?, speed?, notes?, receipt?}, X-Refund-Idempotency
//                                     -> refund entity (one per idempotency key; the same key
//                                     with another body is 400, as Razorpay answers)
//   GET  /v1/refunds/:id              refund entity
//
// Every API call needs HTTP basic auth with the one key pair (401 otherwise); errors are
// {"error":{"code":"BAD_REQUEST_ERROR","description":...}} as Razorpay sends them.
//
// Test controls (only on this loopback fake, no auth):
//   POST /_fake/pay     {order_id, status?:"captured"|"authorized"|"failed", amount?, currency?,
//                        method?}: what Razorpay Checkout does when the buyer pays; answers
//                       {razorpay_order_id, razorpay_payment_id, razorpay_signature}
//                       (signature = hex HMAC-SHA256(key secret, order_id|payment_id))
//   POST /_fake/mode    {mode: "ok" | "down" (503 to every API call) | "slow" (answers
//                       after 30 s, or when the caller hangs up)}
//   GET  /_fake/orders  every order created, newest last
//   POST /_fake/refund-mode {status: "processed" | "pending" | "refuse"}: what new refunds
//                       become ("refuse": 400 as for an amount over what was captured);
//                       POST /_fake/refund-settle {id, status} decides a pending one
//   GET  /_fake/refunds every refund made, with the idempotency key it came with
//   POST /_fake/webhook {url, event, payment_id?, payment?, order_id?, refund?, refund_id?,
//                        dispute?, event_id?, secret?, signature?}:
//                       builds the event Razorpay would send for that payment (and its
//                       order) and POSTs it to url, signed with the webhook secret
//                       (X-Razorpay-Signature) and named by X-Razorpay-Event-Id (a given
//                       event_id sends the same event again); answers {status, body, event_id}
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { readBody } from './http.mjs';

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const bad = (res, description, status = 400, code = 'BAD_REQUEST_ERROR') =>
  send(res, status, { error: { code, description, source: 'business', step: 'payment_initiation',
    reason: 'input_validation_failed', metadata: {} } });

const id = (prefix) => `${prefix}_${randomBytes(7).toString('base64url').replace(/[-_]/g, 'x')}`;
const now = () => Math.floor(Date.now() / 1000);

function same(a, b) {
  const x = Buffer.from(String(a ?? '')), y = Buffer.from(String(b ?? ''));
  return x.length === y.length && timingSafeEqual(x, y);
}

export const hmacHex = (secret, text) => createHmac('sha256', secret).update(text).digest('hex');

/**
 * Starts the fake on 127.0.0.1:port for one key pair and webhook secret.
 * Resolves to {server, url, close()}.
 */
export async function startRazorpay({ port, keyId, keySecret, webhookSecret }) {
  const orders = new Map();   // id -> order entity
  const payments = new Map(); // id -> payment entity
  const refunds = new Map();  // idempotency key -> {body, refund}
  const refundById = new Map(); // id -> refund entity
  let refundMode = 'processed';
  const events = new Map();   // event id -> raw body
  let mode = 'ok';
  const waiting = new Set();

  function authorised(req) {
    const h = req.headers.authorization ?? '';
    if (!h.startsWith('Basic ')) return false;
    const [k, s] = Buffer.from(h.slice(6), 'base64').toString('utf8').split(':');
    return same(k, keyId) && same(s, keySecret);
  }

  function json(text, res) {
    try {
      const v = text === '' ? {} : JSON.parse(text);
      if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
      return v;
    } catch {
      bad(res, 'The request body is not valid JSON.');
      return null;
    }
  }

  function createOrder(b, res) {
    if (!Number.isInteger(b.amount) || b.amount < 100) return bad(res, 'The amount must be atleast INR 1.00');
    if (b.currency !== 'INR') return bad(res, 'Currency is not supported');
    if (b.receipt !== undefined && (typeof b.receipt !== 'string' || b.receipt.length > 40)) {
      return bad(res, 'receipt: The receipt may not be greater than 40 characters.');
    }
    if (b.notes !== undefined && (typeof b.notes !== 'object' || Object.keys(b.notes).length > 15)) {
      return bad(res, 'notes: at most 15 key-value pairs');
    }
    const o = { id: id('order'), entity: 'order', amount: b.amount, amount_paid: 0, amount_due: b.amount,
      currency: b.currency, receipt: b.receipt ?? null, offer_id: null, status: 'created', attempts: 0,
      notes: b.notes ?? [], created_at: now() };
    orders.set(o.id, o);
    return send(res, 200, o);
  }

  function pay(b, res) {
    const o = orders.get(b.order_id);
    if (!o) return bad(res, 'no such order', 404);
    const status = b.status ?? 'captured';
    const p = { id: id('pay'), entity: 'payment', amount: b.amount ?? o.amount, currency: b.currency ?? o.currency,
      status, order_id: o.id, invoice_id: null, international: false, method: b.method ?? 'upi',
      amount_refunded: 0, refund_status: null, captured: status === 'captured', description: null,
      email: 'buyer@example.test', contact: '+919999999999', fee: null, tax: null,
      error_code: status === 'failed' ? 'BAD_REQUEST_ERROR' : null,
      error_description: status === 'failed' ? 'Payment failed' : null, notes: [], created_at: now() };
    payments.set(p.id, p);
    o.attempts += 1;
    if (status === 'captured') { o.status = 'paid'; o.amount_paid = p.amount; o.amount_due = 0; } else if (o.status === 'created') o.status = 'attempted';
    return send(res, 200, { razorpay_order_id: o.id, razorpay_payment_id: p.id,
      razorpay_signature: hmacHex(keySecret, `${o.id}|${p.id}`) });
  }

  function capture(p, b, res) {
    if (p.status !== 'authorized') return bad(res, 'This payment has already been captured');
    if (b.amount !== p.amount || b.currency !== p.currency) {
      return bad(res, 'Capture amount must be equal to the amount authorized');
    }
    p.status = 'captured';
    p.captured = true;
    const o = orders.get(p.order_id);
    if (o) { o.status = 'paid'; o.amount_paid = p.amount; o.amount_due = 0; }
    return send(res, 200, p);
  }

  function refund(p, b, key, res) {
    const body = JSON.stringify(b);
    if (key !== undefined && !/^[A-Za-z0-9_-]{10,}$/.test(key)) {
      return bad(res, 'The idempotency key must be at least 10 characters of letters, digits, - and _');
    }
    if (key && refunds.has(key)) {
      const prior = refunds.get(key);
      if (prior.body !== body) return bad(res, 'Different request with the same idempotency key has already been processed.');
      return send(res, 200, prior.refund);
    }
    if (refundMode === 'refuse') return bad(res, 'The refund amount provided is greater than amount captured');
    if (p.status !== 'captured' && p.status !== 'refunded') return bad(res, 'The payment has not been captured');
    const amount = b.amount ?? p.amount - p.amount_refunded;
    if (!Number.isInteger(amount) || amount < 100 || amount > p.amount - p.amount_refunded) {
      return bad(res, 'The refund amount provided is greater than amount captured');
    }
    p.amount_refunded += amount;
    p.refund_status = p.amount_refunded === p.amount ? 'full' : 'partial';
    if (p.amount_refunded === p.amount) p.status = 'refunded';
    const r = { id: id('rfnd'), entity: 'refund', amount, currency: p.currency, payment_id: p.id,
      notes: b.notes ?? [], receipt: b.receipt ?? null, acquirer_data: { arn: null }, created_at: now(),
      batch_id: null, status: refundMode, speed_processed: 'normal', speed_requested: b.speed ?? 'normal',
      idempotency_key: key ?? null };
    refundById.set(r.id, r);
    if (key) refunds.set(key, { body, refund: r });
    return send(res, 200, r);
  }

  async function webhook(b, res) {
    let raw = b.event_id ? events.get(b.event_id) : undefined;
    const eventId = b.event_id ?? id('evt');
    if (raw === undefined) {
      const p = payments.get(b.payment_id);
      const o = orders.get(b.order_id ?? p?.order_id);
      const payload = {};
      const contains = [];
      // b.payment changes the payment (or, with no payment_id, is the whole entity)
      const pe = p ? { ...p, ...(b.payment ?? {}) } : b.payment;
      if (pe) { payload.payment = { entity: pe }; contains.push('payment'); }
      if (o && b.event === 'order.paid') { payload.order = { entity: o }; contains.push('order'); }
      const re = b.refund_id ? { ...refundById.get(b.refund_id), ...(b.refund ?? {}) } : b.refund;
      if (re) { payload.refund = { entity: re }; contains.push('refund'); }
      if (b.dispute) { payload.dispute = { entity: b.dispute }; contains.push('dispute'); }
      raw = JSON.stringify({ entity: 'event', account_id: 'acc_SoukTestAcct01', event: b.event, contains,
        payload, created_at: now() });
      events.set(eventId, raw);
    }
    const signature = b.signature ?? hmacHex(b.secret ?? webhookSecret, raw);
    const r = await fetch(b.url, { method: 'POST', body: raw, headers: {
      'content-type': 'application/json', 'x-razorpay-signature': signature, 'x-razorpay-event-id': eventId,
      'user-agent': 'Razorpay-Webhook/v1' } });
    return send(res, 200, { status: r.status, body: await r.text(), event_id: eventId });
  }

  async function api(req, res, url, body) {
    if (mode === 'down') return send(res, 503, { error: { code: 'SERVER_ERROR', description: 'down for the test' } });
    if (mode === 'slow') {
      await new Promise((resolve) => {
        const t = setTimeout(resolve, 30000);
        const done = () => { clearTimeout(t); resolve(); };
        waiting.add(done);
        res.on('close', done);
      });
      if (res.destroyed) return undefined;
    }
    if (!authorised(req)) return bad(res, 'Authentication failed', 401, 'BAD_REQUEST_ERROR');
    const parts = url.pathname.split('/').filter(Boolean); // v1, orders, id, payments
    const b = req.method === 'POST' ? json(body, res) : {};
    if (b === null) return undefined;
    if (req.method === 'POST' && parts.length === 2 && parts[1] === 'orders') return createOrder(b, res);
    if (parts[1] === 'orders' && parts.length >= 3) {
      const o = orders.get(parts[2]);
      if (!o) return bad(res, 'The id provided does not exist', 400);
      if (parts.length === 3) return send(res, 200, o);
      if (parts[3] === 'payments') {
        const items = [...payments.values()].filter((p) => p.order_id === o.id);
        return send(res, 200, { entity: 'collection', count: items.length, items });
      }
    }
    if (parts[1] === 'payments' && parts.length >= 3) {
      const p = payments.get(parts[2]);
      if (!p) return bad(res, 'The id provided does not exist', 400);
      if (parts.length === 3 && req.method === 'GET') return send(res, 200, p);
      if (parts[3] === 'capture' && req.method === 'POST') return capture(p, b, res);
      if (parts[3] === 'refund' && req.method === 'POST') {
        return refund(p, b, req.headers['x-refund-idempotency'], res);
      }
    }
    if (parts[1] === 'refunds' && parts.length === 3 && req.method === 'GET') {
      const r = refundById.get(parts[2]);
      return r ? send(res, 200, r) : bad(res, 'The id provided does not exist', 400);
    }
    return bad(res, 'The requested URL was not found on the server.', 404);
  }

  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://127.0.0.1');
      const body = await readBody(req);
      if (url.pathname.startsWith('/v1/')) return await api(req, res, url, body);
      const b = req.method === 'POST' ? json(body, res) : {};
      if (b === null) return undefined;
      if (url.pathname === '/_fake/pay' && req.method === 'POST') return pay(b, res);
      if (url.pathname === '/_fake/mode' && req.method === 'POST') {
        if (!['ok', 'down', 'slow'].includes(b.mode)) return bad(res, 'mode: ok, down or slow');
        mode = b.mode;
        if (mode !== 'slow') for (const done of waiting) done();
        waiting.clear();
        return send(res, 200, { mode });
      }
      if (url.pathname === '/_fake/orders') return send(res, 200, [...orders.values()]);
      if (url.pathname === '/_fake/refunds') return send(res, 200, [...refundById.values()]);
      if (url.pathname === '/_fake/refund-mode' && req.method === 'POST') {
        if (!['processed', 'pending', 'refuse'].includes(b.status)) return bad(res, 'status: processed, pending or refuse');
        refundMode = b.status;
        return send(res, 200, { status: refundMode });
      }
      if (url.pathname === '/_fake/refund-settle' && req.method === 'POST') {
        const r = refundById.get(b.id);
        if (!r || !['processed', 'failed'].includes(b.status)) return bad(res, 'no such refund, or a bad status');
        r.status = b.status;
        if (b.status === 'failed') {
          const p = payments.get(r.payment_id);
          p.amount_refunded -= r.amount;
          if (p.status === 'refunded') p.status = 'captured';
        }
        return send(res, 200, r);
      }
      if (url.pathname === '/_fake/webhook' && req.method === 'POST') return await webhook(b, res);
      return bad(res, 'not found', 404);
    } catch (e) {
      if (!res.headersSent) send(res, 500, { error: { code: 'SERVER_ERROR', description: String(e?.message ?? e) } });
      return undefined;
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => {
      for (const done of waiting) done();
      server.closeAllConnections?.();
      server.close(() => resolve());
    }),
  };
}
