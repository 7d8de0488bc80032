// format.ts - how the storefront writes money, dates and counts: rupees with
// Indian digit grouping (₹1,23,456.00), from integer paise.
const inr = new Intl.NumberFormat('en-IN', { style: 'currency', currency: 'INR', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const inrWhole = new Intl.NumberFormat('en-IN', { style: 'currency', currency: 'INR', minimumFractionDigits: 0, maximumFractionDigits: 0 });
const count = new Intl.NumberFormat('en-IN');
const date = new Intl.DateTimeFormat('en-IN', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'Asia/Kolkata' });
const dateTime = new Intl.DateTimeFormat('en-IN', { day: 'numeric', month: 'short', year: 'numeric', hour: 'numeric', minute: '2-digit', timeZone: 'Asia/Kolkata' });

/** ₹ with Indian grouping; whole rupees drop the paise (₹1,499), others keep them (₹1,499.50). */
export function rupees(paise: number | null | undefined): string {
  if (paise === null || paise === undefined || !Number.isFinite(paise)) return '–';
  return paise % 100 === 0 ? inrWhole.format(paise / 100) : inr.format(paise / 100);
}
/** Always with paise (₹1,499.00): for invoices, GST lines and totals. */
export function rupeesExact(paise: number | null | undefined): string {
  if (paise === null || paise === undefined || !Number.isFinite(paise)) return '–';
  return inr.format(paise / 100);
}
export const number = (n: number) => count.format(n);
export function day(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : date.format(d);
}
export function when(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : dateTime.format(d);
}
/** A GST rate in basis points as a percentage (1800 -> "18%"). */
export const percent = (bp: number) => `${(bp / 100).toLocaleString('en-IN', { maximumFractionDigits: 2 })}%`;
export function bytes(n: number | null | undefined): string {
  if (!n && n !== 0) return '';
  const u = ['B', 'KB', 'MB', 'GB'];
  let i = 0, v = n;
  while (v >= 1024 && i < u.length - 1) { v /= 1024; i++; }
  return `${v.toLocaleString('en-IN', { maximumFractionDigits: i ? 1 : 0 })} ${u[i]}`;
}
export const plural = (n: number, one: string, many = one + 's') => `${count.format(n)} ${n === 1 ? one : many}`;
