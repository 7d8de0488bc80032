// Cart.tsx - the cart (/cart), for guests and signed-in buyers alike (the API
// keys a guest's cart by its cookie and merges it at sign-in). Every answer
// of the cart routes is the cart priced again by the API for the buyer's
// place of supply; this page only shows it: the lines, what the API took out
// (notices), the coupon, the GST breakdown, and the way to checkout.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, type Get } from '../api/ApiService';
import { TotalsList, GST_STATES, explain, placeQuery, usePlace, type Place } from '../components/CartTotals';
import { rupeesExact, plural } from '../lib/format';
import { Link, navigate } from '../lib/router';
import { cartCount, cartNotices, user } from '../lib/store';
import { Button, ErrorBox, Field, Notice, Price, Spinner, useAction, useAsync, useTitle } from '../lib/ui';
import '../styles/checkout.css';

type CartDoc = Get<'/api/v1/cart'>;
type Line = CartDoc['items'][number];

/** The select's value for a place: a state code, "outside", or "" (not chosen). */
function placeValue(p: Place | null): string {
  if (!p) return '';
  return p.country === 'IN' ? p.state ?? '' : 'outside';
}

export function PlaceSelect({ place, onChange, id = 'cart-place' }: { place: Place | null; onChange: (p: Place) => void; id?: string }) {
  return (
    <div class="field">
      <label for={id}>Your state (for GST)</label>
      <select id={id} value={placeValue(place)} aria-describedby={`${id}-hint`}
        onChange={(e) => {
          const v = e.currentTarget.value;
          if (v === 'outside') onChange({ country: place && place.country !== 'IN' ? place.country : '' });
          else if (v) onChange({ country: 'IN', state: v });
        }}>
        {!place && <option value="">Choose your state…</option>}
        {GST_STATES.map(([code, name]) => <option key={code} value={code}>{name}</option>)}
        <option value="outside">Outside India</option>
      </select>
      <p class="field-hint" id={`${id}-hint`}>The total is the same anywhere in India; your state decides whether the GST is CGST + SGST or IGST. Outside India there is no GST.</p>
    </div>
  );
}

interface Shown { key: string; text: string }

export function Cart() {
  useTitle('Your cart');
  const u = user.use();
  const { place, setPlace, ready } = usePlace(u === undefined ? undefined : !!u);
  const query = placeQuery(place);
  const qkey = JSON.stringify(query);
  const cart = useAsync<CartDoc | null>(
    (signal) => (ready ? api.get('/api/v1/cart', { query, signal }) : new Promise<null>(() => undefined)),
    [qkey, ready, u?.id],
  );
  const doc = cart.data ?? undefined;

  // what the API took out of the cart: reported once, so kept here until the page is left
  const [notices, setNotices] = useState<Shown[]>([]);
  const titles = useRef(new Map<string, string>());
  useEffect(() => {
    if (!doc) return;
    cartCount.set(doc.items.length);
    // notices a header count read got first (page load, sign-in merge) are shown here too
    const pending = [...cartNotices.value, ...doc.notices];
    if (cartNotices.value.length) cartNotices.set([]);
    if (pending.length) {
      setNotices((old) => {
        const add = pending.map((n) => {
          const title = n.product ? titles.current.get(n.product) : undefined;
          return { key: `${n.code}:${n.product ?? ''}:${n.message}`, text: title ? `${title}: ${n.message}` : n.message };
        }).filter((n) => !old.some((o) => o.key === n.key));
        return [...old, ...add];
      });
    }
    doc.items.forEach((l) => titles.current.set(l.product, l.title));
  }, [doc]);

  // the one cart action at a time (remove a line, the coupon)
  const [removing, setRemoving] = useState<string | null>(null);
  const act = useAction(async (fn: () => Promise<CartDoc>) => {
    const next = await fn();
    cart.set(next);
    return next;
  });

  const remove = async (l: Line) => {
    setRemoving(l.product);
    await act.run(() => api.delete('/api/v1/cart/items/{product}', { path: { product: l.product }, query }));
    setRemoving(null);
  };

  const checkout = () => {
    if (u === null) navigate('/signin?next=/checkout');
    else navigate('/checkout');
  };

  const stateName = place?.country === 'IN' ? GST_STATES.find(([c]) => c === place.state)?.[1] ?? null : null;

  return (
    <div class="cart-page">
      <h1>Your cart</h1>
      {notices.length > 0 && (
        <Notice kind="warning">
          <p><strong>Your cart changed:</strong></p>
          <ul>{notices.map((n) => <li key={n.key}>{n.text}</li>)}</ul>
          <button type="button" class="btn btn-link" onClick={() => setNotices([])}>Dismiss</button>
        </Notice>
      )}
      {cart.error ? <ErrorBox error={new ApiError(cart.error.status, cart.error.code, explain(cart.error))} retry={cart.reload} />
        : !doc ? <Spinner label="Loading your cart" />
          : doc.items.length === 0 ? (
            <section class="empty-state card">
              <h2>Your cart is empty</h2>
              <p>Find templates, e-books and code in the catalog.</p>
              <p><Link href="/products" class="btn btn-primary">Browse the catalog</Link></p>
            </section>
          ) : (
            <div class="two-col cart-layout">
              <section aria-labelledby="cart-items-h">
                <h2 id="cart-items-h">{plural(doc.items.length, 'product')}</h2>
                <ul class="cart-lines">
                  {doc.items.map((l) => (
                    <li key={l.product} class="cart-line card">
                      <div class="cart-line-main">
                        <Link href={`/products/${encodeURIComponent(l.slug)}`} class="cart-line-title">{l.title}</Link>
                        {l.discount_paise > 0 && <span class="small muted">Coupon −{rupeesExact(l.discount_paise)}</span>}
                      </div>
                      <div class="cart-line-side">
                        <Price paise={l.price_paise} />
                        <Button kind="link" class="btn-small" busy={removing === l.product} disabled={act.busy} onClick={() => void remove(l)}>
                          Remove<span class="visually-hidden"> {l.title}</span>
                        </Button>
                      </div>
                    </li>
                  ))}
                </ul>
                <p><Link href="/products">Continue shopping</Link></p>
              </section>

              <aside class="card cart-summary" aria-labelledby="cart-summary-h">
                <h2 id="cart-summary-h">Summary</h2>
                <PlaceSelect place={place} onChange={setPlace} />
                <CouponBox doc={doc} query={query} onCart={(c) => cart.set(c)} disabled={act.busy} />
                {cart.loading && <p class="small muted" role="status"><span class="spinner-dot" aria-hidden="true" /> Updating prices…</p>}
                <TotalsList t={doc} rates={doc.items.map((l) => l.tax_rate_bp)} coupon={doc.coupon?.code} stateName={stateName} />
                {act.error && <ErrorBox error={new ApiError(act.error.status, act.error.code, explain(act.error))} />}
                <button type="button" class="btn btn-primary btn-block" onClick={checkout} disabled={cart.loading || act.busy}>Checkout</button>
                {u === null && <p class="small muted">You will sign in (or create an account) first; your cart stays.</p>}
              </aside>
            </div>
          )}
    </div>
  );
}

/** The coupon: apply (PUT /cart/coupon: a 422 says why beside the field) or take it off. */
function CouponBox({ doc, query, onCart, disabled }: { doc: CartDoc; query: { country?: string; state?: string }; onCart: (c: CartDoc) => void; disabled: boolean }) {
  const [code, setCode] = useState('');
  const apply = useAction(async () => {
    const c = await api.put('/api/v1/cart/coupon', { query, body: { code: code.trim() } });
    onCart(c);
    setCode('');
  });
  const clear = useAction(async () => onCart(await api.delete('/api/v1/cart/coupon', { query })));
  const e = apply.error;
  // the field's message is a predicate ("has expired"): say which code
  const fieldError = e && e.fields.code
    ? new ApiError(e.status, e.code, e.message, { code: `${code.trim() || 'This coupon'} ${e.fields.code}.` })
    : null;

  if (doc.coupon) {
    return (
      <div class="coupon-applied">
        <p>
          <span class="pill pill-paid">Coupon {doc.coupon.code}</span>{' '}
          {doc.coupon.description && <span class="small">{doc.coupon.description}</span>}
        </p>
        <Button kind="secondary" class="btn-small" busy={clear.busy} disabled={disabled} onClick={() => void clear.run()}>Remove coupon</Button>
        {clear.error && <ErrorBox error={new ApiError(clear.error.status, clear.error.code, explain(clear.error))} />}
      </div>
    );
  }
  return (
    <form class="coupon-form" onSubmit={(ev) => { ev.preventDefault(); if (code.trim()) void apply.run(); }} noValidate>
      <div class="coupon-row">
        <Field label="Coupon code" name="code" error={fieldError} value={code} autocomplete="off" maxLength={40}
          onInput={(ev) => { setCode(ev.currentTarget.value); if (apply.error) apply.setError(null); }} />
        <Button type="submit" kind="secondary" busy={apply.busy} disabled={disabled || !code.trim()}>Apply</Button>
      </div>
      {e && !e.fields.code && <ErrorBox error={new ApiError(e.status, e.code, explain(e))} />}
    </form>
  );
}
