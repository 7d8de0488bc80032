// Checkout.tsx - checkout (/checkout) and the order placed (/checkout/:id).
//
// Checkout: the billing details POST /api/v1/checkout takes (billing_name,
// country, state in India, an optional GSTIN), the cart priced for them,
// and "Pay ₹X". One Idempotency-Key per checkout attempt, kept while the
// page lives, so a double click or a retry is the same order. Then the
// payment by the answer's provider: the in-page sandbox panel (what
// web/sandbox/pay.js does: POST /payments/sandbox/pay, then the triple to
// /payments/razorpay/verify), or Razorpay Checkout (loaded only then).
//
// OrderPlaced: the order as GET /api/v1/me/orders/{id} has it: paid (items,
// the invoice, the e-mail), pending (polled while the payment is
// confirmed), failed or cancelled.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, ApiError, type Get } from '../api/ApiService';
import type { components } from '../api/types';
import { GST_STATES, TotalsList, explain, lastOrderOnce, placeQuery, usePlace, type Place } from '../components/CartTotals';
import { SelectField } from '../components/CheckoutFields';
import { openRazorpay, type RazorpaySuccess } from '../components/RazorpayCheckout';
import { day, rupees, rupeesExact } from '../lib/format';
import { Link, navigate } from '../lib/router';
import { cartCount, loadCartCount, user, type User } from '../lib/store';
import { Button, ErrorBox, Field, FormError, Notice, Price, Spinner, useAction, useAsync, useTitle } from '../lib/ui';
import '../styles/checkout.css';

type Order = components['schemas']['Order'];
type Payment = components['schemas']['CheckoutPayment'];
type CartDoc = Get<'/api/v1/cart'>;

export const PAYMENT_FAILED = 'The payment failed; you have not been charged. Try again.';

/** A random UUID (v4), also where crypto.randomUUID is missing (plain http). */
function uuid(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** An ApiError with its message said for the buyer (429 wait, 503 cause). */
function told(e: ApiError | null): ApiError | null {
  return e ? new ApiError(e.status, e.code, explain(e), e.fields, e.retryAfter) : null;
}

// ISO 3166-1 alpha-2, for the billing country (names from Intl.DisplayNames)
const COUNTRY_CODES = 'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW';

function countries(): [string, string][] {
  let names: { of(code: string): string | undefined } | null = null;
  try { names = new Intl.DisplayNames(['en'], { type: 'region' }); } catch { names = null; }
  return COUNTRY_CODES.split(' ').map((c): [string, string] => [c, names?.of(c) ?? c]).sort((a, b) => a[1].localeCompare(b[1]));
}

const BILLING_FIELDS = ['billing_name', 'country', 'state', 'gstin'];
const SUBJECT: Record<string, string> = { billing_name: 'The name', country: 'The country', state: 'The state', gstin: 'The GSTIN' };

/** The billing fields' messages ("is required in India ...") as sentences. */
function billingError(e: ApiError | null): ApiError | null {
  if (!e || e.status !== 422) return null;
  const f: Record<string, string> = {};
  for (const k of BILLING_FIELDS) if (e.fields[k]) f[k] = `${SUBJECT[k]} ${e.fields[k]}.`.replace(/\.\.$/, '.');
  return Object.keys(f).length ? new ApiError(e.status, e.code, e.message, f) : null;
}

// ------------------------------------------------------------------ checkout

export function Checkout() {
  useTitle('Checkout');
  const u = user.use();
  useEffect(() => {
    if (u === null) navigate('/signin?next=/checkout', { replace: true });
  }, [u]);
  if (!u) {
    return (
      <div class="checkout-page">
        <h1>Checkout</h1>
        {u === undefined ? <Spinner label="Loading your account" />
          : <p>Checkout needs an account. <Link href="/signin?next=/checkout">Sign in</Link> and your cart will be waiting.</p>}
      </div>
    );
  }
  return <CheckoutForm u={u} />;
}

type Phase =
  | { kind: 'idle' }
  | { kind: 'opening' } // loading / opening Razorpay Checkout
  | { kind: 'open' } // Razorpay Checkout is open
  | { kind: 'paying'; outcome: 'pay' | 'fail' } // the sandbox payment is being made
  | { kind: 'verifying' }
  | { kind: 'failed'; reason: string | null }
  | { kind: 'dismissed' } // Razorpay Checkout closed before a payment
  | { kind: 'error'; error: ApiError; triple: RazorpaySuccess | null };

function CheckoutForm({ u }: { u: User }) {
  const { place, setPlace, ready } = usePlace(true);
  const [country, setCountry] = useState('IN');
  const [state, setState] = useState('');
  const [name, setName] = useState(u.name ?? '');
  const [gstin, setGstin] = useState('');
  const inited = useRef(false);
  useEffect(() => {
    if (!ready || inited.current) return;
    inited.current = true;
    if (place?.country === 'IN') { setCountry('IN'); setState(place.state ?? ''); } else if (place) setCountry(place.country);
    if (!u.name) void lastOrderOnce().then((o) => { if (o?.billing.name) { const b = o.billing.name; setName((n) => n || b); } });
  }, [ready]);

  const chosen: Place | null = country === 'IN' ? (state ? { country: 'IN', state } : null) : { country };
  const query = placeQuery(chosen);
  const qkey = JSON.stringify(query);
  const summary = useAsync<CartDoc | null>(
    (signal) => (ready ? api.get('/api/v1/cart', { query, signal }) : new Promise<null>(() => undefined)),
    [qkey, ready],
  );
  const cart = summary.data ?? undefined;
  useEffect(() => { if (cart) cartCount.set(cart.items.length); }, [cart]);

  const changeCountry = (c: string) => {
    setCountry(c);
    if (c === 'IN') { if (state) setPlace({ country: 'IN', state }); } else setPlace({ country: c });
  };
  const changeState = (s: string) => {
    setState(s);
    if (s) setPlace({ country: 'IN', state: s });
  };

  // one key per checkout attempt, kept while the page lives
  const key = useRef(uuid());
  const [attempt, setAttempt] = useState<{ order: Order; payment: Payment } | null>(null);
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const [changed, setChanged] = useState<string | null>(null);
  const shownTotal = useRef<number | null>(null);

  const body = () => ({
    billing_name: name.trim(),
    country: country || undefined,
    state: country === 'IN' ? state || null : null,
    gstin: country === 'IN' && gstin.trim() ? gstin.trim().toUpperCase() : null,
  });

  const submit = useAction(async () => {
    setChanged(null);
    setPhase({ kind: 'idle' });
    const post = () => api.post('/api/v1/checkout', { body: body(), headers: { 'Idempotency-Key': key.current } });
    let r: Awaited<ReturnType<typeof post>>;
    try {
      r = await post();
    } catch (e) {
      if (e instanceof ApiError && e.status === 422 && e.fields['Idempotency-Key']) {
        // the details changed after an order was made with this key: a new attempt
        key.current = uuid();
        r = await post();
      } else {
        if (e instanceof ApiError && (e.status === 409 || (e.status === 422 && (e.fields.cart || e.fields.coupon)))) summary.reload();
        throw e;
      }
    }
    if (r.order.status === 'pending' && r.payment && shownTotal.current !== null && r.order.total_paise !== shownTotal.current) {
      // the prices moved since the summary was read: show the new total first (same key: same order)
      summary.reload();
      setChanged(`The total changed since this page was loaded: it is now ${rupeesExact(r.order.total_paise)}. Check the summary, then press Pay again.`);
      return;
    }
    if (r.order.status !== 'pending' || !r.payment) {
      void loadCartCount();
      navigate(`/checkout/${r.order.id}`);
      return;
    }
    setAttempt({ order: r.order, payment: r.payment });
    if (r.payment.provider === 'razorpay') void razorpay(r.order, r.payment);
  });

  const newAttempt = () => {
    key.current = uuid();
    setAttempt(null);
    setPhase({ kind: 'idle' });
  };

  const verify = async (orderId: string, triple: RazorpaySuccess) => {
    setPhase({ kind: 'verifying' });
    try {
      await api.post('/api/v1/payments/razorpay/verify', { body: triple });
      void loadCartCount();
      navigate(`/checkout/${orderId}`);
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError(0, 'client', String(err));
      if (e.status === 422 && e.fields.razorpay_payment_id === 'failed') setPhase({ kind: 'failed', reason: null });
      // not completed yet: the order page waits for it; else (cancelled, paid already) the
      // shop's own words, which say what became of this payment
      else if (e.status === 409 && /not completed yet/.test(e.message)) navigate(`/checkout/${orderId}`);
      else setPhase({ kind: 'error', error: told(e)!, triple: e.status === 409 ? null : triple });
    }
  };

  const sandbox = async (outcome: 'pay' | 'fail') => {
    if (!attempt) return;
    setPhase({ kind: 'paying', outcome });
    let triple: RazorpaySuccess;
    try {
      triple = await api.post('/api/v1/payments/sandbox/pay', { body: { razorpay_order_id: attempt.payment.order_id, outcome } });
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError(0, 'client', String(err));
      if (e.status === 409) { navigate(`/checkout/${attempt.order.id}`); return; } // no longer pending
      setPhase({ kind: 'error', error: told(e)!, triple: null });
      return;
    }
    await verify(attempt.order.id, triple);
  };

  const razorpay = async (order: Order, payment: Payment) => {
    setPhase({ kind: 'opening' });
    try {
      await openRazorpay(payment, {
        onPaid: (t) => void verify(order.id, t),
        onFailed: (reason) => setPhase({ kind: 'failed', reason }),
        onDismissed: () => setPhase((p) => (p.kind === 'verifying' ? p : { kind: 'dismissed' })),
      });
      setPhase((p) => (p.kind === 'opening' ? { kind: 'open' } : p));
    } catch (err) {
      setPhase({ kind: 'error', error: new ApiError(0, 'razorpay', (err as Error).message), triple: null });
    }
  };

  // the payment panel takes the focus when it appears
  const panel = useRef<HTMLHeadingElement>(null);
  useEffect(() => { if (attempt) panel.current?.focus(); }, [attempt]);

  const err = submit.error;
  const fieldErr = billingError(err);
  const cartErr = err && err.status === 422 && (err.fields.cart || err.fields.coupon) ? err : null;
  const locked = attempt !== null;
  const stateName = GST_STATES.find(([c]) => c === state)?.[1] ?? null;
  const countryList = useMemo(countries, []);
  const busyPay = phase.kind === 'paying' || phase.kind === 'verifying' || phase.kind === 'opening';

  if (summary.error) {
    return <div class="checkout-page"><h1>Checkout</h1><ErrorBox error={told(summary.error)} retry={summary.reload} /></div>;
  }
  if (!cart) return <div class="checkout-page"><h1>Checkout</h1><Spinner label="Loading your order summary" /></div>;
  if (cart.items.length === 0 && !attempt) {
    return (
      <div class="checkout-page">
        <h1>Checkout</h1>
        <section class="empty-state card">
          <h2>Your cart is empty</h2>
          <p>There is nothing to pay for yet.</p>
          <p><Link href="/products" class="btn btn-primary">Browse the catalog</Link> <Link href="/account/orders" class="btn btn-secondary">Your orders</Link></p>
        </section>
      </div>
    );
  }
  shownTotal.current = cart.total_paise;
  const total = attempt ? attempt.order.total_paise : cart.total_paise;

  return (
    <div class="checkout-page">
      <h1>Checkout</h1>
      {cart.notices.length > 0 && (
        <Notice kind="warning"><p><strong>Your cart changed:</strong></p><ul>{cart.notices.map((n) => <li key={n.code + (n.product ?? '')}>{n.message}</li>)}</ul></Notice>
      )}
      {changed && <Notice kind="warning"><p>{changed}</p></Notice>}
      {cartErr && (
        <Notice kind="warning">
          <p>{cartErr.message}</p>
          {cartErr.fields.cart && <p>{cartErr.fields.cart}</p>}
          {cartErr.fields.coupon && <p>The coupon {cartErr.fields.coupon}.</p>}
          <p>The summary was read again. <Link href="/cart">Review your cart</Link></p>
        </Notice>
      )}
      <div class="two-col checkout-layout">
        <div>
          <form class="card billing-form" onSubmit={(e) => { e.preventDefault(); if (!locked) void submit.run(); }}>
            <h2>Billing details</h2>
            <fieldset disabled={locked || submit.busy} class="plain-fieldset">
              <legend class="visually-hidden">Billing details</legend>
              <Field label="Name on the invoice" name="billing_name" error={fieldErr} value={name} required autocomplete="name" maxLength={200}
                hint="A person or a business name." onInput={(e) => setName(e.currentTarget.value)} />
              <Field label="E-mail" name="email" value={u.email} readOnly type="email"
                hint="Your account's e-mail: the receipt, the invoice and the download links go there." />
              <SelectField label="Country" name="country" error={fieldErr} value={country} onChange={changeCountry} required>
                {country === '' && <option value="">Choose your country…</option>}
                <option value="IN">India</option>
                {countryList.filter(([c]) => c !== 'IN').map(([c, n]) => <option key={c} value={c}>{n}</option>)}
              </SelectField>
              {country === 'IN' ? (
                <>
                  <SelectField label="State" name="state" error={fieldErr} value={state} onChange={changeState} required
                    hint="Your place of supply: it decides CGST + SGST or IGST.">
                    {state === '' && <option value="">Choose your state…</option>}
                    {GST_STATES.map(([c, n]) => <option key={c} value={c}>{n}</option>)}
                  </SelectField>
                  <Field label="GSTIN (optional, for a business)" name="gstin" error={fieldErr} value={gstin} maxLength={15}
                    autocomplete="off" autocapitalize="characters" spellcheck={false}
                    hint={`15 characters; it must belong to the state chosen${state ? ` (it starts with ${state})` : ''}.`}
                    onInput={(e) => setGstin(e.currentTarget.value)} />
                </>
              ) : (
                <p class="small muted">Outside India the sale is an export of services: no GST is charged.</p>
              )}
            </fieldset>
            {err && !cartErr && (fieldErr ? <FormError error={fieldErr} shown={BILLING_FIELDS} /> : <ErrorBox error={told(err)} />)}
            {!locked && (
              <div class="actions">
                <Button type="submit" busy={submit.busy} disabled={summary.loading} class="btn-pay">Pay {rupees(total)}</Button>
                {submit.busy && <span class="small muted" role="status">Creating your order…</span>}
                {!submit.busy && summary.loading && <span class="small muted" role="status">Updating the total…</span>}
              </div>
            )}
            {locked && (
              <p class="small muted locked-note">
                Order {attempt.order.id} is waiting for its payment.{' '}
                <button type="button" class="btn btn-link" onClick={newAttempt} disabled={busyPay}>Change the billing details</button>
              </p>
            )}
          </form>

          {attempt && (
            <section class={`card payment-panel${attempt.payment.provider === 'sandbox' ? ' sandbox' : ''}`} aria-labelledby="pay-h">
              {attempt.payment.provider === 'sandbox' ? (
                <>
                  <h2 id="pay-h" ref={panel} tabIndex={-1}>Sandbox payment: no real money moves</h2>
                  <p>This shop has no Razorpay keys yet, so the payment of <strong>{rupeesExact(attempt.payment.amount)}</strong> for {attempt.payment.description.toLowerCase()} goes to Souk's built-in sandbox. Choose what happens:</p>
                  <div class="actions">
                    <Button busy={phase.kind === 'paying' && phase.outcome === 'pay' || (phase.kind === 'verifying')} disabled={busyPay} onClick={() => void sandbox('pay')}>Pay (succeeds)</Button>
                    <Button kind="secondary" busy={phase.kind === 'paying' && phase.outcome === 'fail'} disabled={busyPay} onClick={() => void sandbox('fail')}>Fail the payment</Button>
                  </div>
                </>
              ) : (
                <>
                  <h2 id="pay-h" ref={panel} tabIndex={-1}>Payment</h2>
                  <p>Pay {rupeesExact(attempt.payment.amount)} securely with Razorpay (UPI, cards, netbanking, wallets).</p>
                  <div class="actions">
                    <Button busy={phase.kind === 'opening' || phase.kind === 'verifying'} disabled={busyPay || phase.kind === 'open'} onClick={() => void razorpay(attempt.order, attempt.payment)}>
                      {phase.kind === 'failed' || phase.kind === 'error' || phase.kind === 'dismissed' ? 'Try again' : `Pay ${rupees(attempt.payment.amount)}`}
                    </Button>
                  </div>
                </>
              )}
              {phase.kind === 'opening' && <p class="small muted" role="status">Opening Razorpay Checkout…</p>}
              {phase.kind === 'open' && <p class="small muted" role="status">Razorpay Checkout is open: complete the payment there.</p>}
              {phase.kind === 'paying' && <p class="small muted" role="status">{phase.outcome === 'pay' ? 'Paying…' : 'Making the payment fail…'}</p>}
              {phase.kind === 'verifying' && <Spinner label="Confirming your payment" />}
              {phase.kind === 'failed' && (
                <div class="notice notice-error" role="alert">
                  <p><strong>{PAYMENT_FAILED}</strong></p>
                  {phase.reason && <p class="small">Razorpay said: {phase.reason}</p>}
                  <p class="small">{attempt.payment.provider === 'sandbox' ? 'Choose “Pay (succeeds)” to pay this order again.' : 'Press “Try again” to pay this order again.'}</p>
                </div>
              )}
              {phase.kind === 'dismissed' && (
                <div class="notice notice-warning" role="alert">
                  <p><strong>The payment window was closed before a payment was made.</strong></p>
                  <p class="small">Press “Try again” to pay this order. If you did complete a payment there, this order is confirmed once Razorpay tells the shop; nothing is charged twice.</p>
                </div>
              )}
              {phase.kind === 'error' && (
                <div class="notice notice-error" role="alert">
                  <p>{phase.error.message}</p>
                  {phase.triple && (
                    <button type="button" class="btn btn-small" onClick={() => void verify(attempt.order.id, phase.triple!)}>Check the payment again</button>
                  )}
                </div>
              )}
            </section>
          )}
        </div>

        <aside class="card order-summary" aria-labelledby="summary-h">
          <h2 id="summary-h">Order summary</h2>
          <ul class="summary-lines">
            {cart.items.map((l) => (
              <li key={l.product} class="summary-row"><span>{l.title}</span><Price paise={l.price_paise} /></li>
            ))}
          </ul>
          {summary.loading && <p class="small muted" role="status"><span class="spinner-dot" aria-hidden="true" /> Updating prices…</p>}
          <TotalsList t={cart} rates={cart.items.map((l) => l.tax_rate_bp)} coupon={cart.coupon?.code} stateName={stateName} />
          {!locked && <p class="small"><Link href="/cart">Edit your cart</Link></p>}
        </aside>
      </div>
    </div>
  );
}

// -------------------------------------------------------------- the order

const POLLS = 8;

/** Paid within the last hour: its confirmation e-mail is still on its way. */
function recent(iso: string | null): boolean {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isFinite(t) && Date.now() - t < 3600_000;
}

/** What the order is for, in a line: its products and its total. */
function OrderBrief({ o }: { o: Order }) {
  return (
    <section class="card order-brief" aria-labelledby="brief-h">
      <h2 id="brief-h">Order summary</h2>
      <ul class="summary-lines">
        {o.items.map((l) => <li key={l.product} class="summary-row"><span>{l.title}</span><Price paise={l.price_paise} /></li>)}
      </ul>
      <p class="summary-row total"><span>Total</span><span>{rupeesExact(o.total_paise)}</span></p>
    </section>
  );
}
const INVOICE_TRIES = 6;

export function OrderPlaced({ id, query: _query }: { id: string; query: URLSearchParams }) {
  const u = user.use();
  const [polls, setPolls] = useState(0);
  const order = useAsync<Order | null>(
    (signal) => (u ? api.get('/api/v1/me/orders/{id}', { path: { id }, signal }) : Promise.resolve(null)),
    [id, u?.id, polls],
  );
  const o = order.data ?? undefined;
  const status = o?.status;
  useTitle(status === 'paid' ? 'Thank you' : status === 'pending' ? 'Confirming your payment' : 'Your order');

  // pending: the payment is being confirmed (the webhook not seen yet): ask again a few times
  useEffect(() => {
    if (status !== 'pending' || polls >= POLLS || order.loading) return;
    const t = setTimeout(() => setPolls((n) => n + 1), 1500 + polls * 1000);
    return () => clearTimeout(t);
  }, [status, polls, order.loading]);

  // the cart lost what was bought
  useEffect(() => { if (status === 'paid') void loadCartCount(); }, [status]);

  if (u === undefined) return <div class="order-placed"><h1>Your order</h1><Spinner label="Loading your account" /></div>;
  if (u === null) {
    return (
      <div class="order-placed">
        <h1>Your order</h1>
        <p><Link href={`/signin?next=${encodeURIComponent('/checkout/' + id)}`}>Sign in</Link> to see this order.</p>
      </div>
    );
  }
  if (order.error) {
    return (
      <div class="order-placed">
        <h1>Your order</h1>
        {order.error.status === 404 ? <Notice kind="error"><p>You have no order with this id.</p><p><Link href="/account/orders">Your orders</Link></p></Notice>
          : <ErrorBox error={told(order.error)} retry={order.reload} />}
      </div>
    );
  }
  if (!o) return <div class="order-placed"><h1>Your order</h1><Spinner label="Loading your order" /></div>;

  if (o.status === 'paid' || o.status === 'refunded') {
    return (
      <div class="order-placed">
        {o.status === 'paid'
          ? <h1>Thank you: order <span class="order-id">{o.id}</span> is paid</h1>
          : <h1>Order <span class="order-id">{o.id}</span> was refunded</h1>}
        {o.status === 'paid' && (
          <Notice kind="success">
            {recent(o.paid_at)
              ? <p>A confirmation e-mail is on its way to <strong>{u.email}</strong>. Your products are in your library now.</p>
              : <p>A confirmation e-mail was sent to <strong>{u.email}</strong>{o.paid_at ? ` when it was paid (${day(o.paid_at)})` : ''}. Your products are in your library.</p>}
          </Notice>
        )}
        <div class="two-col">
          <section class="card" aria-labelledby="items-h">
            <h2 id="items-h">Your products</h2>
            <ul class="order-lines">
              {o.items.map((l) => (
                <li key={l.product} class="order-line">
                  <span class="order-line-title">{l.title}</span>
                  <span class="order-line-side">
                    <Price paise={l.price_paise} />
                    {o.status === 'paid' && <Link href="/account/library" class="btn btn-secondary btn-small">Download<span class="visually-hidden"> {l.title}</span></Link>}
                  </span>
                </li>
              ))}
            </ul>
            <p class="small"><Link href="/account/library">Go to your library</Link> · <Link href={`/account/orders/${o.id}`}>Order details</Link></p>
          </section>
          <aside class="card" aria-labelledby="totals-h">
            <h2 id="totals-h">Paid</h2>
            <TotalsList t={o} rates={o.items.map((l) => l.tax_rate_bp)} coupon={o.coupon} stateName={GST_STATES.find(([c]) => c === o.billing.state)?.[1] ?? o.billing.state} />
            {o.invoice ? <InvoiceLink order={o} number={o.invoice.number} /> : <p class="small muted">A free order has no tax invoice.</p>}
          </aside>
        </div>
      </div>
    );
  }

  if (o.status === 'pending') {
    const gaveUp = polls >= POLLS && !order.loading;
    return (
      <div class="order-placed">
        <h1>Your order <span class="order-id">{o.id}</span></h1>
        {!gaveUp ? (
          <div class="card confirming">
            <Spinner label="Confirming your payment" />
            <p class="small muted">This takes a few seconds once the payment provider tells the shop. Keep this page open.</p>
          </div>
        ) : (
          <Notice kind="warning">
            <p>We have not seen your payment for this order yet. If you paid, it will be confirmed within a few minutes and you will get an e-mail; nothing is charged twice.</p>
            <div class="actions">
              <Button kind="secondary" class="btn-small" onClick={() => setPolls(0)}>Check again</Button>
              <Link href="/checkout" class="btn btn-small btn-secondary">Start a new checkout</Link>
            </div>
            <p class="small">A new checkout closes this order first (after one more look for its payment), so the same items are never paid for twice.</p>
          </Notice>
        )}
        <OrderBrief o={o} />
      </div>
    );
  }

  return (
    <div class="order-placed">
      <h1>{o.status === 'failed' ? 'The payment failed' : 'This order was cancelled'}</h1>
      <Notice kind="error">
        <p><strong>{o.status === 'failed' ? PAYMENT_FAILED : 'This order was closed before it was paid.'}</strong></p>
        {o.status !== 'failed' && <p class="small">If you paid for it anyway, that payment is not kept: it is either never taken (the hold on your account is released) or refunded by the shop.</p>}
        <div class="actions">
          <Link href="/checkout" class="btn btn-primary btn-small">Back to checkout</Link>
          <Link href="/cart" class="btn btn-secondary btn-small">Your cart</Link>
        </div>
      </Notice>
      <OrderBrief o={o} />
    </div>
  );
}

/**
 * The invoice PDF: fetched with api.blob and saved; a 202 (being prepared)
 * is said, with a countdown, and tried again a few times by itself.
 */
function InvoiceLink({ order, number }: { order: Order; number: string }) {
  const href = `/api/v1/me/orders/${encodeURIComponent(order.id)}/invoice`;
  const [st, setSt] = useState<{ kind: 'idle' | 'busy' | 'done' | 'gaveup' } | { kind: 'wait'; left: number; tries: number } | { kind: 'error'; error: ApiError }>({ kind: 'idle' });
  const live = useRef(true);
  useEffect(() => () => { live.current = false; }, []);

  const fetchIt = async (tries: number) => {
    setSt({ kind: 'busy' });
    try {
      const r = await api.blob('/api/v1/me/orders/{id}/invoice', { path: { id: order.id } });
      if (!live.current) return;
      if ('pending' in r) {
        setSt(tries + 1 < INVOICE_TRIES ? { kind: 'wait', left: r.pending, tries: tries + 1 } : { kind: 'gaveup' });
        return;
      }
      const url = URL.createObjectURL(r.blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = r.filename ?? `${number}.pdf`;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 30000);
      setSt({ kind: 'done' });
    } catch (err) {
      if (!live.current) return;
      const e = err instanceof ApiError ? err : new ApiError(0, 'client', String(err));
      // a 302 to object storage cannot be fetched here (connect-src 'self'): let the browser follow it
      if (e.status === 0 && e.code === 'network') { window.location.assign(href); setSt({ kind: 'idle' }); return; }
      setSt({ kind: 'error', error: told(e)! });
    }
  };

  // the countdown of a 202, then the next try
  useEffect(() => {
    if (st.kind !== 'wait') return;
    if (st.left <= 0) { void fetchIt(st.tries); return; }
    const t = setTimeout(() => setSt({ ...st, left: st.left - 1 }), 1000);
    return () => clearTimeout(t);
  }, [st]);

  return (
    <div class="invoice-box">
      <p>
        <a href={href} class="btn btn-secondary btn-block" aria-busy={st.kind === 'busy' ? true : undefined}
          onClick={(e) => { if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return; e.preventDefault(); if (st.kind !== 'busy') void fetchIt(st.kind === 'wait' ? st.tries : 0); }}>
          {st.kind === 'busy' && <span class="spinner-dot" aria-hidden="true" />}
          Download invoice {number} (PDF)
        </a>
      </p>
      <div role="status" class="small invoice-status">
        {st.kind === 'busy' && <span>Getting the invoice…</span>}
        {st.kind === 'wait' && <span>The invoice is being prepared; trying again automatically (attempt {st.tries + 1} of {INVOICE_TRIES})<span aria-hidden="true"> in {st.left} s</span>.</span>}
        {st.kind === 'gaveup' && <span>The invoice is still being prepared. Try again in a minute; it is also in your order details.</span>}
        {st.kind === 'done' && <span>The invoice was downloaded.</span>}
      </div>
      {st.kind === 'error' && <ErrorBox error={st.error} retry={() => void fetchIt(0)} />}
    </div>
  );
}
