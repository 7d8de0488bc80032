// coupon-model.ts - coupons for the back office: how one reads in a list
// (discount, state, scope, validity), and the form's text as the API's body:
// a percent value in basis points, a fixed one and the minimum order in
// paise, RFC 3339 dates, nullable limits, and for an edit only what changed.
import type { Get } from '../api/ApiService';
import type { ApiError } from '../api/ApiService';
import type { components } from '../api/types';
import { day, percent, rupees } from '../lib/format';
import { type Parsed, fieldErrors, fromLocalInput, hundredthsText, parseOptionalInt, parsePercent, parseRupees, splitList, toLocalInput } from './shop-forms';

export type Coupon = Get<'/api/v1/admin/coupons/{code}'>;

/** "10% off" or "₹100 off". */
export function discountText(c: Pick<Coupon, 'kind' | 'value'>): string {
  return c.kind === 'percent' ? `${percent(c.value)} off` : `${rupees(c.value)} off`;
}

/** The coupon's state now: disabled, not yet valid, expired, used up, or active. */
export function couponState(c: Coupon, now = Date.now()): string {
  if (!c.active) return 'disabled';
  if (c.valid_from && Date.parse(c.valid_from) > now) return 'scheduled';
  if (c.valid_until && Date.parse(c.valid_until) <= now) return 'expired';
  if (c.max_redemptions !== null && c.redemptions >= c.max_redemptions) return 'used_up';
  return 'active';
}

export function scopeText(c: Pick<Coupon, 'store_wide' | 'products' | 'categories'>): string {
  if (c.store_wide) return 'Store-wide';
  const parts: string[] = [];
  if (c.products.length) parts.push(`${c.products.length} ${c.products.length === 1 ? 'product' : 'products'}`);
  if (c.categories.length) parts.push(`${c.categories.length} ${c.categories.length === 1 ? 'category' : 'categories'}`);
  return parts.length ? parts.join(', ') : 'Nothing (its products and categories were deleted)';
}

export function validityText(c: Pick<Coupon, 'valid_from' | 'valid_until'>): string {
  if (!c.valid_from && !c.valid_until) return 'Always';
  if (!c.valid_until) return `From ${day(c.valid_from)}`;
  if (!c.valid_from) return `Until ${day(c.valid_until)}`;
  return `${day(c.valid_from)} – ${day(c.valid_until)}`;
}

export type CouponCreate = components['schemas']['CouponCreateRequest'];
export type CouponUpdate = components['schemas']['CouponUpdateRequest'];
type Kind = Coupon['kind'];
const MAX_PAISE = 100_000_000_000_000;

export interface CouponForm {
  code: string; description: string; kind: Kind; value: string; minOrder: string;
  validFrom: string; validUntil: string; maxRedemptions: string; perCustomer: string;
  active: boolean; products: string; categories: string[];
}

/** The fields beside which 422 messages are shown. */
export const COUPON_FIELDS = ['code', 'description', 'kind', 'value', 'min_order_paise', 'valid_from', 'valid_until',
  'max_redemptions', 'per_customer_limit', 'active', 'products', 'categories'];

export function couponFormOf(c: Coupon | null): CouponForm {
  if (!c) {
    return { code: '', description: '', kind: 'percent', value: '', minOrder: '0', validFrom: '', validUntil: '', maxRedemptions: '', perCustomer: '', active: true, products: '', categories: [] };
  }
  return {
    code: c.code, description: c.description, kind: c.kind, value: hundredthsText(c.value), minOrder: hundredthsText(c.min_order_paise),
    validFrom: toLocalInput(c.valid_from), validUntil: toLocalInput(c.valid_until),
    maxRedemptions: c.max_redemptions === null ? '' : String(c.max_redemptions),
    perCustomer: c.per_customer_limit === null ? '' : String(c.per_customer_limit),
    active: c.active, products: c.products.join(', '), categories: [...c.categories],
  };
}

/** The form as a create body (every member), or the problems found before sending. */
export function couponValues(f: CouponForm): { body: CouponCreate; error: null } | { body: null; error: ApiError } {
  const errs: Record<string, string> = {};
  /** A parsed value, or the fallback with the field's message recorded. */
  const take = <T,>(p: Parsed<T>, field: string, fallback: T): T => {
    if (p.ok) return p.value;
    errs[field] = p.error;
    return fallback;
  };
  const code = f.code.trim();
  if (!/^[A-Za-z0-9_-]{3,40}$/.test(code)) errs.code = "must be 3 to 40 letters, digits, '_' or '-'";
  const value = f.value.trim() === '' ? 0
    : take(f.kind === 'percent' ? parsePercent(f.value) : parseRupees(f.value, MAX_PAISE), 'value', 0);
  if (value < 1 && !errs.value) errs.value = f.value.trim() === '' ? 'is required' : 'must be more than 0';
  const min = f.minOrder.trim() === '' ? 0 : take(parseRupees(f.minOrder, MAX_PAISE), 'min_order_paise', 0);
  const from = take(fromLocalInput(f.validFrom), 'valid_from', null);
  const until = take(fromLocalInput(f.validUntil), 'valid_until', null);
  if (from && until && Date.parse(until) <= Date.parse(from)) errs.valid_until = 'must be after the start';
  const max = take(parseOptionalInt(f.maxRedemptions, 1, 1_000_000_000), 'max_redemptions', null);
  const per = take(parseOptionalInt(f.perCustomer, 1, 1_000_000), 'per_customer_limit', null);
  const products = splitList(f.products).map((s) => s.toLowerCase());
  if (products.length > 100) errs.products = 'may be at most 100';
  const error = fieldErrors(errs);
  if (error) return { body: null, error };
  return {
    body: {
      code, kind: f.kind, value, description: f.description.trim(), min_order_paise: min,
      valid_from: from, valid_until: until, max_redemptions: max, per_customer_limit: per,
      active: f.active, products, categories: [...f.categories].sort(),
    },
    error: null,
  };
}

/** The members of a full body that differ from the coupon (code and kind cannot change). */
export function couponChanges(body: CouponCreate, c: Coupon): CouponUpdate {
  const out: CouponUpdate = {};
  if (body.value !== c.value) out.value = body.value;
  if ((body.description ?? '') !== c.description) out.description = body.description;
  if ((body.min_order_paise ?? 0) !== c.min_order_paise) out.min_order_paise = body.min_order_paise;
  if ((body.max_redemptions ?? null) !== c.max_redemptions) out.max_redemptions = body.max_redemptions ?? null;
  if ((body.per_customer_limit ?? null) !== c.per_customer_limit) out.per_customer_limit = body.per_customer_limit ?? null;
  if (!sameTime(body.valid_from ?? null, c.valid_from)) out.valid_from = body.valid_from ?? null;
  if (!sameTime(body.valid_until ?? null, c.valid_until)) out.valid_until = body.valid_until ?? null;
  if (body.active !== undefined && body.active !== c.active) out.active = body.active;
  const products = body.products ?? [], categories = body.categories ?? [];
  if (JSON.stringify([...products].sort()) !== JSON.stringify(c.products)) out.products = products;
  if (JSON.stringify(categories) !== JSON.stringify(c.categories)) out.categories = categories;
  return out;
}

/** Whether two times are the same minute (the form holds minutes only). */
function sameTime(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return a === b;
  return Math.floor(Date.parse(a) / 60000) === Math.floor(Date.parse(b) / 60000);
}
