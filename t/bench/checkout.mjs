// checkout.mjs - the driver of `./souk bench checkout` (t/bench/run starts the stack,
// the Razorpay stand-in and this): concurrent buyers through nginx, each doing, again
// and again with a product it has never bought,
//
//   POST /api/v1/cart/items {product}                       200
//   POST /api/v1/checkout   (Idempotency-Key, billing)      201, a Razorpay order
//   POST <stand-in>/_fake/pay {order_id}                    200, what Razorpay Checkout
//                                                           hands the browser
//   POST /api/v1/payments/razorpay/verify {the triple}      200, the order paid
//
// One lane per buyer (a buyer's cart is one cart: two lanes on it would mix their
// orders), each signed in once through POST /api/v1/auth/login with a Bearer token.
// A warm-up of the same loop comes first and is not counted. Every loop is bounded: a
// lane stops at the end of the phase, after its buyer's last product, or after
// MAX_LANE_FAILURES failed orders; every request has a timeout.
//
//   node t/bench/checkout.mjs --base http://127.0.0.1:28080 --razorpay http://127.0.0.1:28094 \
//     --buyers FILE --products FILE [--connections 16] [--duration 10] [--warmup 3]
//
// --buyers: one e-mail a line (at least --connections of them), all with the password
// in SOUK_BENCH_PASSWORD; --products: one product public id a line, all published and
// priced above zero; buyer i starts at its own place in the list and goes round once.
//
// Prints, for the measured phase, one line per call (add, checkout, pay, verify) in the
// key=value form of t/bench/rotate.lua (latencies in ms, from the request to the end of
// its body; rps = answers / seconds; non2xx = answers that are not 2xx; errors = no
// answer (timeout, reset) or a 2xx that is not the answer the flow needs), one for whole
// orders (rps = paid orders / seconds, latency from add-to-cart to the verify's answer,
// errors = orders not paid), and the paid orders of both phases:
//
//   BENCH step=add rps=... p50=... p95=... p99=... non2xx=... errors=...
//   BENCH step=order rps=... p50=... p95=... p99=... non2xx=0 errors=... seconds=... orders=...
//   BENCH paid_total=...
//
// The seconds of a phase run from its start until its last lane ended. What went wrong,
// if anything, goes to stderr. Exit status 0 when it ran (with errors or not), 1 when it
// could not start (sign-in failed, bad arguments).
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

const MAX_LANE_FAILURES = 50;
const REQUEST_TIMEOUT_MS = 10000;
// a buyer in the seller's state (CGST + SGST), as t/api/checkout.test.mjs buys
const BILLING = { billing_name: 'Bench Buyer', country: 'IN', state: '29' };

function die(message) {
  console.error(`checkout.mjs: ${message}`);
  process.exit(1);
}

function positive(name, text) {
  const v = Number(text);
  if (!Number.isFinite(v) || v <= 0) die(`--${name} must be a positive number`);
  return v;
}

const lines = (file) => readFileSync(file, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean);

/** Latencies and outcomes of one kind of call in one phase. */
class Step {
  constructor(name) {
    this.name = name;
    this.ms = [];
    this.non2xx = 0;
    this.errors = 0;
    this.statuses = new Map(); // "HTTP status [code]" or what failed -> count, for stderr
  }

  /** An answer after ms; code is the API error's code of a non-2xx, if it has one. */
  answered(ms, status, code) {
    this.ms.push(ms);
    if (status < 200 || status > 299) {
      this.non2xx += 1;
      this.note(code ? `HTTP ${status} ${code}` : `HTTP ${status}`);
    }
  }

  failed(what) {
    this.errors += 1;
    this.note(what);
  }

  note(what) { this.statuses.set(what, (this.statuses.get(what) ?? 0) + 1); }

  /** The nearest-rank percentile p (0-100) of the latencies, in ms. */
  percentile(p) {
    if (this.ms.length === 0) return 0;
    const sorted = this.sorted ??= [...this.ms].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
  }

  line(seconds) {
    const f = (v) => v.toFixed(2);
    return `BENCH step=${this.name} rps=${(this.ms.length / seconds).toFixed(0)} p50=${f(this.percentile(50))} ` +
      `p95=${f(this.percentile(95))} p99=${f(this.percentile(99))} non2xx=${this.non2xx} errors=${this.errors}`;
  }
}

const newSteps = () => ({ add: new Step('add'), checkout: new Step('checkout'), pay: new Step('pay'),
  verify: new Step('verify'), order: new Step('order') });

/**
 * One timed JSON request; records it in step. Resolves to {status, json} for an answer
 * (any status), null when there was none (the error is recorded).
 */
async function timed(step, url, { method = 'POST', headers = {}, body } = {}) {
  const t0 = performance.now();
  try {
    const res = await fetch(url, {
      method, redirect: 'manual', signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const ms = performance.now() - t0;
    let json;
    try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
    step.answered(ms, res.status, json?.error?.code);
    return { status: res.status, json };
  } catch (e) {
    step.failed(e?.name === 'TimeoutError' ? 'timeout' : String(e?.cause?.code ?? e?.message ?? e));
    return null;
  }
}

/** True when r is the answer wanted; a 2xx that is not is recorded as an error. */
function wanted(step, r, status, check = () => true) {
  if (r === null) return false;
  if (r.status === status && check(r.json)) return true;
  if (r.status >= 200 && r.status <= 299) step.failed(`unexpected ${r.status} answer`);
  return false;
}

async function signIn(base, email, password) {
  const r = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password, mode: 'token' }), signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await r.text();
  if (r.status !== 200) die(`sign-in of ${email}: ${r.status} ${text}`);
  return JSON.parse(text).access_token;
}

/** A buyer: its token, and where it is in the product list. */
class Lane {
  constructor({ base, razorpay, token, products, start }) {
    Object.assign(this, { base, razorpay, token, products, start });
    this.bought = 0; // products tried so far (each one at most once)
    this.paid = 0;
    this.failures = 0;
  }

  api(step, path, body, headers = {}) {
    return timed(step, this.base + path, { body, headers: { authorization: `Bearer ${this.token}`, ...headers } });
  }

  /** Counts a failed order and takes its product out of the cart, so the next starts empty. */
  async forget(product, steps) {
    this.failures += 1;
    steps.order.failed('order not paid');
    try {
      await fetch(`${this.base}/api/v1/cart/items/${product}`, { method: 'DELETE',
        headers: { authorization: `Bearer ${this.token}` }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })
        .then((r) => r.arrayBuffer());
    } catch { /* the next order's checkout will say so */ }
  }

  /** One purchase of the next product; records every call in steps. */
  async order(steps) {
    const product = this.products[(this.start + this.bought) % this.products.length];
    this.bought += 1;
    const t0 = performance.now();
    const add = await this.api(steps.add, '/api/v1/cart/items', { product });
    if (!wanted(steps.add, add, 200)) return this.forget(product, steps);
    const co = await this.api(steps.checkout, '/api/v1/checkout', BILLING, { 'idempotency-key': randomUUID() });
    if (!wanted(steps.checkout, co, 201, (j) => typeof j?.payment?.order_id === 'string')) return this.forget(product, steps);
    const paid = await timed(steps.pay, `${this.razorpay}/_fake/pay`, { body: { order_id: co.json.payment.order_id } });
    if (!wanted(steps.pay, paid, 200, (j) => typeof j?.razorpay_signature === 'string')) return this.forget(product, steps);
    const v = await this.api(steps.verify, '/api/v1/payments/razorpay/verify', paid.json);
    if (!wanted(steps.verify, v, 200, (j) => j?.order?.status === 'paid')) return this.forget(product, steps);
    steps.order.answered(performance.now() - t0, 200);
    this.paid += 1;
    return undefined;
  }

  /** Orders until the deadline (ms, performance.now()), the last product, or too many failures. */
  async run(deadline, steps) {
    while (performance.now() < deadline && this.bought < this.products.length &&
           this.failures < MAX_LANE_FAILURES) {
      await this.order(steps);
    }
  }
}

/** Runs every lane for seconds; resolves to {steps, seconds} (until the last lane ended). */
async function phase(lanes, seconds) {
  const steps = newSteps();
  const t0 = performance.now();
  await Promise.all(lanes.map((l) => l.run(t0 + seconds * 1000, steps)));
  return { steps, seconds: (performance.now() - t0) / 1000 };
}

function report(label, { steps, seconds }, out) {
  for (const s of Object.values(steps)) {
    for (const [what, n] of s.statuses) console.error(`checkout.mjs: ${label}: ${s.name}: ${what} x${n}`);
  }
  if (!out) return;
  for (const name of ['add', 'checkout', 'pay', 'verify']) console.log(steps[name].line(seconds));
  console.log(`${steps.order.line(seconds)} seconds=${seconds.toFixed(2)} orders=${steps.order.ms.length}`);
}

async function main() {
  const { values: o } = parseArgs({ options: {
    base: { type: 'string' }, razorpay: { type: 'string' }, buyers: { type: 'string' },
    products: { type: 'string' }, connections: { type: 'string', default: '16' },
    duration: { type: 'string', default: '10' }, warmup: { type: 'string', default: '3' },
  } });
  for (const k of ['base', 'razorpay', 'buyers', 'products']) if (!o[k]) die(`--${k} is required`);
  const password = process.env.SOUK_BENCH_PASSWORD ?? die('SOUK_BENCH_PASSWORD is required');
  const connections = positive('connections', o.connections);
  const duration = positive('duration', o.duration);
  const warmup = Number(o.warmup);
  if (!Number.isInteger(connections)) die('--connections must be a whole number');
  if (!Number.isFinite(warmup) || warmup < 0) die('--warmup must be 0 or more');
  const buyers = lines(o.buyers);
  const products = lines(o.products);
  if (buyers.length < connections) die(`${connections} connections need ${connections} buyers, ${buyers.length} given`);
  if (products.length === 0) die('no products');

  const t0 = performance.now();
  const lanes = [];
  for (let i = 0; i < connections; i += 1) {
    const token = await signIn(o.base, buyers[i], password);
    lanes.push(new Lane({ base: o.base, razorpay: o.razorpay, token, products,
      start: Math.floor((i * products.length) / connections) }));
  }
  console.error(`checkout.mjs: ${connections} buyers signed in in ${((performance.now() - t0) / 1000).toFixed(1)} s; ` +
    `${products.length} products, each bought at most once per buyer`);

  if (warmup > 0) {
    const w = await phase(lanes, warmup);
    report('warm-up', w, false);
    console.error(`checkout.mjs: warm-up: ${w.steps.order.ms.length} paid orders in ${w.seconds.toFixed(1)} s`);
  }
  const m = await phase(lanes, duration);
  report('measured', m, true);
  const spent = lanes.filter((l) => l.bought >= products.length).length;
  const stopped = lanes.filter((l) => l.failures >= MAX_LANE_FAILURES).length;
  console.log(`BENCH paid_total=${lanes.reduce((n, l) => n + l.paid, 0)}`);
  if (spent) console.error(`checkout.mjs: ${spent} buyers ran out of products before the end (give more)`);
  if (stopped) console.error(`checkout.mjs: ${stopped} buyers stopped after ${MAX_LANE_FAILURES} failed orders`);
}

await main();
