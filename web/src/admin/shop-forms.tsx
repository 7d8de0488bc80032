// shop-forms.tsx - what the product and coupon screens share: exact money and
// percentage parsing (text in rupees or % -> integer paise or basis points,
// never through floating point), labelled <select> and checkbox fields that
// show their 422 message like lib/ui's Field, and client-side field errors in
// the same shape as the server's.
import type { ComponentChildren, JSX } from 'preact';
import { useRef } from 'preact/hooks';
import { api, ApiError } from '../api/ApiService';
import { useAsync } from '../lib/ui';
import { rupees } from '../lib/format';

/** A parse result: the value, or the message to show beside the input. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * A decimal with at most 2 places as an integer count of hundredths:
 * "499.50" -> 49950, "18" -> 1800, "1,499.5" -> 149950. Digit grouping
 * commas and a leading ₹ are allowed; anything else (a sign, 3 decimals,
 * an exponent) is refused.
 */
export function parseHundredths(text: string, max: number, unit: 'rupees' | 'percent'): Parsed<number> {
  const s = text.trim().replace(/^₹\s*/, '').replace(/%$/, '').trim().replace(/,/g, '');
  const m = /^(\d*)(?:\.(\d*))?$/.exec(s);
  const tooBig = `must be at most ${unit === 'rupees' ? rupees(max) : hundredthsText(max) + ' %'}`;
  if (!m || s === '' || s === '.') {
    return { ok: false, error: unit === 'rupees' ? 'must be an amount in rupees, such as 499 or 499.50' : 'must be a percentage, such as 18 or 12.5' };
  }
  if ((m[2] ?? '').length > 2) return { ok: false, error: `may have at most 2 decimals${unit === 'rupees' ? ' (paise)' : ''}` };
  const digits = (m[1] ?? '').replace(/^0+(?=\d)/, '');
  if (digits.length > 13) return { ok: false, error: tooBig };
  const whole = Number(digits || '0');
  const frac = Number(((m[2] ?? '') + '00').slice(0, 2));
  const value = whole * 100 + frac;
  if (value > max) return { ok: false, error: tooBig };
  return { ok: true, value };
}

/** Rupees (text) -> paise. */
export const parseRupees = (text: string, max = 100_000_000_000) => parseHundredths(text, max, 'rupees');
/** A percentage (text) -> basis points (at most 100 %). */
export const parsePercent = (text: string) => parseHundredths(text, 10_000, 'percent');

/** Hundredths as the text an input shows: 49950 -> "499.50", 1800 -> "18". */
export function hundredthsText(n: number): string {
  const whole = Math.floor(n / 100), frac = n % 100;
  return frac === 0 ? String(whole) : `${whole}.${String(frac).padStart(2, '0')}`;
}

/** A whole number in [min, max], or null when empty (nullable limits). */
export function parseOptionalInt(text: string, min: number, max: number): Parsed<number | null> {
  const s = text.trim();
  if (s === '') return { ok: true, value: null };
  if (!/^\d+$/.test(s)) return { ok: false, error: 'must be a whole number' };
  const n = Number(s);
  if (n < min || n > max) return { ok: false, error: `must be from ${min} to ${max.toLocaleString('en-IN')}` };
  return { ok: true, value: n };
}

/** Comma- or line-separated items (lines only when byLine), trimmed, without empties or repeats. */
export function splitList(text: string, byLine = false): string[] {
  const out: string[] = [];
  for (const part of text.split(byLine ? /\r?\n/ : /[,\n]/)) {
    const t = part.trim();
    if (t && !out.includes(t)) out.push(t);
  }
  return out;
}

/** Client-side field problems as a 422-shaped ApiError (shown by Field/FormError), or null. */
export function fieldErrors(fields: Record<string, string>): ApiError | null {
  return Object.keys(fields).length ? new ApiError(422, 'invalid', 'Some fields need correcting.', fields) : null;
}

/** An ISO timestamp as a datetime-local input's value (the browser's time zone). */
export function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** A datetime-local value (the browser's time zone) as RFC 3339 UTC, or null when empty. */
export function fromLocalInput(value: string): Parsed<string | null> {
  if (!value) return { ok: true, value: null };
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return { ok: false, error: 'must be a date and time' };
  return { ok: true, value: d.toISOString().replace(/\.\d{3}Z$/, 'Z') };
}

/** The shop's categories (public list, not paged), for filters and selects. */
export function useCategories() {
  return useAsync((signal) => api.get('/api/v1/categories', { signal }).then((r) => r.items), []);
}

let seq = 0;
function useId(name: string): string {
  return useRef(`sf-${name}-${++seq}`).current;
}

/** A labelled <select> with its 422 message beside it (the Field of lib/ui takes inputs only). */
export function SelectField({ label, name, error, hint, value, onChange, children, disabled }: {
  label: string; name: string; error?: ApiError | null; hint?: string; value: string;
  onChange: (v: string) => void; children: ComponentChildren; disabled?: boolean;
}) {
  const id = useId(name);
  const msg = error?.fields?.[name];
  const describedBy = [hint ? id + '-hint' : '', msg ? id + '-err' : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field${msg ? ' field-invalid' : ''}`}>
      <label for={id}>{label}</label>
      <select id={id} name={name} value={value} disabled={disabled} aria-invalid={msg ? true : undefined} aria-describedby={describedBy}
        onChange={(e) => onChange(e.currentTarget.value)}>
        {children}
      </select>
      {hint && <p class="field-hint" id={id + '-hint'}>{hint}</p>}
      {msg && <p class="field-error" id={id + '-err'}>{msg}</p>}
    </div>
  );
}

/** A checkbox with its label after it, and its 422 message. */
export function CheckField({ label, name, error, checked, onChange, hint }: {
  label: string; name: string; error?: ApiError | null; checked: boolean; onChange: (v: boolean) => void; hint?: string;
}) {
  const id = useId(name);
  const msg = error?.fields?.[name];
  return (
    <div class={`field field-check${msg ? ' field-invalid' : ''}`}>
      <label for={id} class="check">
        <input id={id} type="checkbox" name={name} checked={checked} aria-invalid={msg ? true : undefined}
          aria-describedby={[hint ? id + '-hint' : '', msg ? id + '-err' : ''].filter(Boolean).join(' ') || undefined}
          onChange={(e) => onChange(e.currentTarget.checked)} />
        {' '}{label}
      </label>
      {hint && <p class="field-hint" id={id + '-hint'}>{hint}</p>}
      {msg && <p class="field-error" id={id + '-err'}>{msg}</p>}
    </div>
  );
}

/** onInput for a controlled text input or textarea. */
export function bind(value: string, set: (v: string) => void): Pick<JSX.InputHTMLAttributes<HTMLInputElement>, 'value' | 'onInput'> {
  return { value, onInput: (e) => set(e.currentTarget.value) };
}
