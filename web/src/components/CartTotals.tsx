// CartTotals.tsx - what the cart and checkout pages share: the GST states
// (as src/commerce/gst.c lists them), the buyer's place of supply (kept in
// localStorage, or taken from their last order), the query that prices the
// cart for it, the totals as the API computed them, and how an API error is
// said to the buyer.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../api/ApiService';
import type { components } from '../api/types';
import { percent, rupeesExact } from '../lib/format';

type Cart = components['schemas']['Cart'];
type Order = components['schemas']['Order'];

/** GST state codes and names (src/commerce/gst.c), alphabetical by name. */
export const GST_STATES: readonly (readonly [string, string])[] = ([
  ['01', 'Jammu and Kashmir'], ['02', 'Himachal Pradesh'], ['03', 'Punjab'], ['04', 'Chandigarh'],
  ['05', 'Uttarakhand'], ['06', 'Haryana'], ['07', 'Delhi'], ['08', 'Rajasthan'], ['09', 'Uttar Pradesh'],
  ['10', 'Bihar'], ['11', 'Sikkim'], ['12', 'Arunachal Pradesh'], ['13', 'Nagaland'], ['14', 'Manipur'],
  ['15', 'Mizoram'], ['16', 'Tripura'], ['17', 'Meghalaya'], ['18', 'Assam'], ['19', 'West Bengal'],
  ['20', 'Jharkhand'], ['21', 'Odisha'], ['22', 'Chhattisgarh'], ['23', 'Madhya Pradesh'], ['24', 'Gujarat'],
  ['26', 'Dadra and Nagar Haveli and Daman and Diu'], ['27', 'Maharashtra'], ['29', 'Karnataka'], ['30', 'Goa'],
  ['31', 'Lakshadweep'], ['32', 'Kerala'], ['33', 'Tamil Nadu'], ['34', 'Puducherry'],
  ['35', 'Andaman and Nicobar Islands'], ['36', 'Telangana'], ['37', 'Andhra Pradesh'], ['38', 'Ladakh'],
  ['97', 'Other Territory'],
] as const).slice().sort((a, b) => a[1].localeCompare(b[1]));

/** A state code from a code or a name (older orders store the name). */
export function stateCode(v: string | null | undefined): string | null {
  if (!v) return null;
  const s = v.trim();
  const hit = GST_STATES.find(([c, n]) => c === s || n.toLowerCase() === s.toLowerCase());
  return hit ? hit[0] : null;
}

/**
 * Where the buyer is: in India with a state code, or outside India
 * (country: an ISO code, or '' when only "outside India" is known).
 */
export type Place = { country: 'IN'; state: string } | { country: string; state?: undefined };

const KEY = 'souk.placeOfSupply';

export function loadPlace(): Place | null {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? 'null') as { country?: unknown; state?: unknown } | null;
    if (!v || typeof v.country !== 'string') return null;
    if (v.country === 'IN') {
      const s = stateCode(typeof v.state === 'string' ? v.state : null);
      return s ? { country: 'IN', state: s } : null;
    }
    return v.country === '' || /^[A-Z]{2}$/.test(v.country) ? { country: v.country } : null;
  } catch {
    return null;
  }
}

export function savePlace(p: Place): void {
  try { localStorage.setItem(KEY, JSON.stringify(p)); } catch { /* private mode: not remembered */ }
}

/**
 * The cart's ?country=&state= for a place (none: the shop's own state, the
 * API's default). Outside India with no country named yet, any code other
 * than IN prices it as an export (no GST); nothing is stored with it.
 */
export function placeQuery(p: Place | null): { country?: string; state?: string } {
  if (!p) return {};
  if (p.country === 'IN') return { country: 'IN', state: p.state };
  return { country: p.country || 'US' };
}

let lastOrder: Promise<Order | null> | null = null;
/** The signed-in buyer's newest order (its billing is the best default), once a page load. */
export function lastOrderOnce(): Promise<Order | null> {
  lastOrder ??= api.get('/api/v1/me/orders', { query: { limit: 1 } })
    .then((r) => r.items[0] ?? null, () => null);
  return lastOrder;
}

export function placeOfOrder(o: Order | null): Place | null {
  if (!o) return null;
  if (o.billing.country === 'IN') {
    const s = stateCode(o.billing.state);
    return s ? { country: 'IN', state: s } : null;
  }
  return /^[A-Z]{2}$/.test(o.billing.country) ? { country: o.billing.country } : null;
}

/**
 * The buyer's place of supply: what they chose before (localStorage), else
 * the billing of their last order (signed in), else none (the shop's state).
 * `ready` is false while that is being found out, so the cart is priced once.
 */
export function usePlace(signedIn: boolean | undefined): { place: Place | null; setPlace: (p: Place) => void; ready: boolean } {
  const [place, set] = useState<Place | null>(loadPlace);
  const [looked, setLooked] = useState(place !== null);
  useEffect(() => {
    if (looked || signedIn === undefined) return;
    if (!signedIn) { setLooked(true); return; }
    let live = true;
    void lastOrderOnce().then((o) => {
      if (!live) return;
      const p = placeOfOrder(o);
      if (p) set(p);
      setLooked(true);
    });
    return () => { live = false; };
  }, [signedIn, looked]);
  const setPlace = (p: Place) => { savePlace(p); set(p); setLooked(true); };
  return { place, setPlace, ready: looked };
}

/** What an API error means for the buyer, with the wait of a 429 and the cause of a 503. */
export function explain(e: ApiError): string {
  if (e.status === 429) return `${e.message} Please wait ${e.retryAfter ?? 30} seconds, then try again.`;
  if (e.status === 503) return `${e.message} The shop is having trouble right now; please try again in a minute.`;
  if (e.status === 502) return e.message;
  return e.message;
}

/** A rate shared by all lines (for the GST labels), or null when they differ. */
function oneRate(rates: number[]): number | null {
  const r = rates[0];
  return r !== undefined && rates.every((x) => x === r) ? r : null;
}

type Totals = Pick<Cart, 'subtotal_paise' | 'discount_paise' | 'taxable_paise' | 'cgst_paise' | 'sgst_paise' | 'igst_paise' | 'tax_paise' | 'total_paise' | 'supply'>;

/** The totals exactly as the API computed them (never computed here). */
export function TotalsList({ t, rates, coupon, stateName }: { t: Totals; rates: number[]; coupon?: string | null; stateName?: string | null }) {
  const r = oneRate(rates);
  const half = r !== null ? ` (${percent(r / 2)})` : '';
  const full = r !== null ? ` (${percent(r)})` : '';
  const split = t.cgst_paise + t.sgst_paise + t.igst_paise === t.tax_paise;
  return (
    <>
    <dl class="totals">
      <div class="summary-row"><dt>Subtotal</dt><dd>{rupeesExact(t.subtotal_paise)}</dd></div>
      {t.discount_paise > 0 && (
        <div class="summary-row discount"><dt>Discount{coupon ? ` (${coupon})` : ''}</dt><dd>−{rupeesExact(t.discount_paise)}</dd></div>
      )}
      <div class="summary-row"><dt>Taxable value</dt><dd>{rupeesExact(t.taxable_paise)}</dd></div>
      {t.supply === 'export' ? (
        <div class="summary-row"><dt>GST (export: none)</dt><dd>{rupeesExact(0)}</dd></div>
      ) : !split ? (
        <div class="summary-row"><dt>GST{full}</dt><dd>{rupeesExact(t.tax_paise)}</dd></div>
      ) : t.supply === 'intra_state' ? (
        <>
          <div class="summary-row"><dt>CGST{half}</dt><dd>{rupeesExact(t.cgst_paise)}</dd></div>
          <div class="summary-row"><dt>SGST{half}</dt><dd>{rupeesExact(t.sgst_paise)}</dd></div>
        </>
      ) : (
        <div class="summary-row"><dt>IGST{full}</dt><dd>{rupeesExact(t.igst_paise)}</dd></div>
      )}
      <div class="summary-row total"><dt>Total</dt><dd>{rupeesExact(t.total_paise)}</dd></div>
    </dl>
    <p class="supply-note small muted">
      {t.supply === 'export' ? 'A buyer outside India pays no GST (export of services).'
        : t.supply === 'intra_state' ? `Supply within ${stateName ?? 'the shop’s state'}: CGST and SGST.`
          : `Supply to ${stateName ?? 'another state'}: IGST.`}
    </p>
    </>
  );
}
