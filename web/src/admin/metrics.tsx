// metrics.tsx - back office: the dashboard (/admin/metrics, metrics:read).
// A range of the shop's days (IST) kept in the URL (?from=&to=), then sales
// (orders, revenue with its GST apart, refunds, net; per day, by status, top
// products) and traffic (page views and uniques per day, top pages,
// referrers, searches and searches that found nothing).
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type Get } from '../api/ApiService';
import { Link, setQuery } from '../lib/router';
import { day, number, plural, rupees, rupeesExact } from '../lib/format';
import { Button, ErrorBox, Field, FormError, Spinner, useAsync, type Async } from '../lib/ui';
import { AdminPage, Status } from './ui';
import { DayChart, dayLabel, daySeconds } from './chart';
import type { AdminRoute } from './types';
import '../styles/admin-metrics.css';

type Sales = Get<'/api/v1/admin/metrics/sales'>;
type SalesDay = Sales['days'][number];
type Views = Get<'/api/v1/admin/metrics/views'>;
type Pages = Get<'/api/v1/admin/metrics/pages'>;
type Referrers = Get<'/api/v1/admin/metrics/referrers'>;
type Searches = Get<'/api/v1/admin/metrics/searches'>;

const TOP = 10;
const MAX_SPAN_DAYS = 366;

/* ------------------------------------------------------------------------
 * The shop's days (IST, Asia/Kolkata: no summer time)
 * ------------------------------------------------------------------------ */

const istParts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Kolkata', year: 'numeric', month: '2-digit', day: '2-digit' });

/** Today in the shop (IST), YYYY-MM-DD, whatever the browser's zone. */
export function shopToday(now = new Date()): string {
  const p = Object.fromEntries(istParts.formatToParts(now).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}`;
}

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 10);
}
/** d plus n days (n may be negative). */
export function addDays(d: string, n: number): string {
  return iso(daySeconds(d) + n * 86400);
}
const isDate = (s: string | null): s is string => !!s && /^\d{4}-\d{2}-\d{2}$/.test(s) && iso(daySeconds(s)) === s;
/** Every day from `from` to `to`, both included. */
function daysOf(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = daySeconds(from), end = daySeconds(to); t <= end && out.length <= MAX_SPAN_DAYS + 1; t += 86400) out.push(iso(t));
  return out;
}

interface Range { from: string; to: string }

const PRESETS: { label: string; range: (today: string) => Range }[] = [
  { label: 'Last 7 days', range: (t) => ({ from: addDays(t, -6), to: t }) },
  { label: 'Last 30 days', range: (t) => ({ from: addDays(t, -29), to: t }) },
  { label: 'This month', range: (t) => ({ from: t.slice(0, 8) + '01', to: t }) },
];

/** The range in the URL, or the last 30 days (as the API's default). */
function rangeOf(query: URLSearchParams, today: string): Range {
  const f = query.get('from'), t = query.get('to');
  const to = isDate(t) ? t : today;
  const from = isDate(f) ? f : addDays(to, -29);
  return { from, to };
}

/** The range's problems, as the API would answer them (422 fields). */
function check(r: Range): ApiError | null {
  const fields: Record<string, string> = {};
  if (!isDate(r.from)) fields.from = 'Enter a date such as 2026-12-01.';
  if (!isDate(r.to)) fields.to = 'Enter a date such as 2026-12-31.';
  if (!fields.from && !fields.to) {
    if (r.from > r.to) fields.from = 'The first day must not be after the last day.';
    else if ((daySeconds(r.to) - daySeconds(r.from)) / 86400 > MAX_SPAN_DAYS) fields.from = `The range can be at most ${MAX_SPAN_DAYS} days.`;
  }
  return Object.keys(fields).length ? new ApiError(422, 'invalid', 'Please correct the dates.', fields) : null;
}

/* ------------------------------------------------------------------------
 * The range picker
 * ------------------------------------------------------------------------ */

function RangePicker({ range, today, error }: { range: Range; today: string; error: ApiError | null }) {
  const [from, setFrom] = useState(range.from);
  const [to, setTo] = useState(range.to);
  const [local, setLocal] = useState<ApiError | null>(null);
  // follow the URL (a preset, Back)
  useEffect(() => { setFrom(range.from); setTo(range.to); setLocal(null); }, [range.from, range.to]);
  const shown = local ?? error;
  const submit = (e: JSX.TargetedEvent<HTMLFormElement>) => {
    e.preventDefault();
    const bad = check({ from, to });
    setLocal(bad);
    if (!bad) setQuery({ from, to }, { replace: false });
  };
  return (
    <form class="admin-filters admin-metrics-range" onSubmit={submit} aria-label="Days shown" noValidate>
      <div class="admin-metrics-presets" role="group" aria-label="Quick ranges">
        {PRESETS.map((p) => {
          const r = p.range(today);
          const on = r.from === range.from && r.to === range.to;
          return (
            <Button key={p.label} kind="secondary" class="btn-small" aria-pressed={on}
              onClick={() => setQuery({ from: r.from, to: r.to }, { replace: false })}>{p.label}</Button>
          );
        })}
      </div>
      <FormError error={shown} shown={['from', 'to']} />
      <Field label="From" name="from" type="date" value={from} max={today} required error={shown}
        onInput={(e) => setFrom(e.currentTarget.value)} />
      <Field label="To" name="to" type="date" value={to} max={today} required error={shown}
        onInput={(e) => setTo(e.currentTarget.value)} />
      <Button type="submit">Show</Button>
    </form>
  );
}

/* ------------------------------------------------------------------------
 * Pieces
 * ------------------------------------------------------------------------ */

const compactRupees = new Intl.NumberFormat('en-IN', { style: 'currency', currency: 'INR', notation: 'compact', minimumFractionDigits: 0, maximumFractionDigits: 1 });
/** an axis tick in ₹ from paise: ₹1.5K, ₹2.3L */
const rupeeTick = (paise: number) => compactRupees.format(paise / 100);

/** The day with the largest value (the first of equals), or null when all are 0. */
function peak(days: string[], values: number[]): { day: string; value: number } | null {
  let best = -1;
  values.forEach((v, i) => { if (v > 0 && (best < 0 || v > values[best]!)) best = i; });
  return best < 0 ? null : { day: days[best]!, value: values[best]! };
}

const between = (r: Range) => (r.from === r.to ? `on ${day(r.from)}` : `from ${day(r.from)} to ${day(r.to)}`);

/** A section's loading and error state when the data is not there yet. */
function Part<T>({ state, label, children }: { state: Async<T>; label: string; children: (d: T) => JSX.Element }) {
  // keep the last answer on screen while the next range loads
  if (state.error) return <ErrorBox error={state.error} retry={state.reload} />;
  if (state.data === undefined) return <Spinner label={label} />;
  return (
    <div class="admin-metrics-part" aria-busy={state.loading ? true : undefined}>
      {state.loading && <Spinner label={label} />}
      {children(state.data)}
    </div>
  );
}

/** A small table of the top items, or the empty text. */
function TopTable<T>({ caption, items, empty, cols }: {
  caption: string; items: T[]; empty: string;
  cols: { head: string; num?: boolean; cell: (t: T) => JSX.Element | string }[];
}) {
  return (
    <section class="admin-metrics-top card" aria-label={caption}>
      <h3>{caption}</h3>
      {items.length === 0 ? <p class="muted admin-empty">{empty}</p> : (
        <div class="admin-table-wrap">
          <table class="admin-table">
            <thead>
              <tr>{cols.map((c) => <th key={c.head} scope="col" class={c.num ? 'num' : undefined}>{c.head}</th>)}</tr>
            </thead>
            <tbody>
              {items.map((t, i) => (
                <tr key={i}>
                  {cols.map((c, j) => (j === 0
                    ? <th key={c.head} scope="row" class={c.num ? 'num' : 'admin-metrics-name'}>{c.cell(t)}</th>
                    : <td key={c.head} class={c.num ? 'num' : undefined}>{c.cell(t)}</td>))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/* ------------------------------------------------------------------------
 * Sales
 * ------------------------------------------------------------------------ */

function Totals({ s }: { s: Sales }) {
  const t = s.totals;
  const items: [string, string, string?][] = [
    ['Orders', number(t.orders)],
    ['Revenue', rupeesExact(t.revenue_paise), 'with GST'],
    ['of which GST', rupeesExact(t.tax_paise)],
    ['Refunded', rupeesExact(t.refunded_paise)],
    ['Net', rupeesExact(t.net_paise), 'revenue less refunds'],
  ];
  return (
    <dl class="admin-metrics-totals">
      {items.map(([k, v, hint]) => (
        <div key={k} class="card">
          <dt>{k}{hint && <span class="muted small"> ({hint})</span>}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

function SalesPart({ s, range }: { s: Sales; range: Range }) {
  const days = daysOf(range.from, range.to);
  const byDay = new Map<string, SalesDay>(s.days.map((d) => [d.day, d]));
  const pick = (k: 'orders' | 'revenue_paise' | 'tax_paise' | 'refunded_paise') => days.map((d) => byDay.get(d)?.[k] ?? 0);
  const orders = pick('orders'), revenue = pick('revenue_paise'), tax = pick('tax_paise'), refunded = pick('refunded_paise');
  const mostOrders = peak(days, orders), mostRevenue = peak(days, revenue);
  const t = s.totals;
  return (
    <>
      <Totals s={s} />
      <div class="admin-metrics-charts">
        <DayChart
          id="sales" title="Orders per day" days={days}
          series={[{ label: 'Orders', values: orders, format: number, kind: 'bars', scale: 'count', color: '#0f5c4d' }]}
          summary={mostOrders
            ? `${plural(t.orders, 'order')} ${between(range)}; the most on ${dayLabel(mostOrders.day)} (${plural(mostOrders.value, 'order')}).`
            : `No orders ${between(range)}.`}
          empty={mostOrders ? null : 'Nothing to chart: every day is 0.'}
        />
        <DayChart
          id="revenue" title="Revenue per day (₹)" days={days}
          series={[
            { label: 'Revenue', values: revenue, format: rupeesExact, tick: rupeeTick, scale: 'money', color: '#0f5c4d' },
            { label: 'of which GST', values: tax, format: rupeesExact, tick: rupeeTick, scale: 'money', color: '#9a4b00', dashed: true },
            { label: 'Refunded', values: refunded, format: rupeesExact, tick: rupeeTick, scale: 'money', color: '#a4161a', dashed: true },
          ]}
          summary={mostRevenue
            ? `Revenue ${rupeesExact(t.revenue_paise)} (of which GST ${rupeesExact(t.tax_paise)}), refunded ${rupeesExact(t.refunded_paise)}, net ${rupeesExact(t.net_paise)}, ${between(range)}; the highest on ${dayLabel(mostRevenue.day)} (${rupeesExact(mostRevenue.value)}).`
            : `No revenue ${between(range)}${t.refunded_paise ? `; refunded ${rupeesExact(t.refunded_paise)}` : ''}.`}
          empty={mostRevenue || t.refunded_paise ? null : 'Nothing to chart: every day is ₹0.'}
        />
      </div>
      <div class="admin-grid">
        <TopTable caption="Orders placed, by status" items={s.by_status.some((x) => x.count > 0) ? s.by_status : []} empty="No orders placed in these days."
          cols={[
            { head: 'Status', cell: (x) => <Status value={x.status} /> },
            { head: 'Orders', num: true, cell: (x) => number(x.count) },
          ]} />
        <TopTable caption="Top products (orders paid)" items={s.top_products} empty="No products sold in these days."
          cols={[
            { head: 'Product', cell: (x) => <Link href={`/products/${encodeURIComponent(x.slug)}`}>{x.title}</Link> },
            { head: 'Orders', num: true, cell: (x) => number(x.orders) },
            { head: 'Revenue', num: true, cell: (x) => rupees(x.revenue_paise) },
          ]} />
      </div>
    </>
  );
}

/* ------------------------------------------------------------------------
 * Traffic and searches
 * ------------------------------------------------------------------------ */

function ViewsPart({ v, range }: { v: Views; range: Range }) {
  const days = daysOf(range.from, range.to);
  const byDay = new Map(v.items.map((d) => [d.day, d]));
  const views = days.map((d) => byDay.get(d)?.views ?? 0);
  const uniques = days.map((d) => byDay.get(d)?.uniques ?? 0);
  const total = views.reduce((a, b) => a + b, 0), totalU = uniques.reduce((a, b) => a + b, 0);
  const most = peak(days, views);
  return (
    <DayChart
      id="views" title="Page views per day" days={days}
      series={[
        { label: 'Page views', values: views, format: number, scale: 'count', color: '#1a5fd0' },
        { label: 'Uniques', values: uniques, format: number, scale: 'count', color: '#9a4b00', dashed: true },
      ]}
      summary={most
        ? `${plural(total, 'page view')} and ${plural(totalU, 'unique')} ${between(range)}; the most on ${dayLabel(most.day)} (${plural(most.value, 'view')}).`
        : `No page views ${between(range)}.`}
      empty={most ? null : 'Nothing to chart: every day is 0.'}
    />
  );
}

function Dashboard({ query }: { query: URLSearchParams }) {
  const today = shopToday();
  const range = rangeOf(query, today);
  const bad = check(range);
  const { from, to } = range;
  const q = { from, to, limit: TOP };
  const never = <T,>(): Promise<T> => Promise.reject(bad);
  const sales = useAsync<Sales>((signal) => (bad ? never() : api.get('/api/v1/admin/metrics/sales', { query: q, signal })), [from, to]);
  const views = useAsync<Views>((signal) => (bad ? never() : api.get('/api/v1/admin/metrics/views', { query: { from, to }, signal })), [from, to]);
  const pages = useAsync<Pages>((signal) => (bad ? never() : api.get('/api/v1/admin/metrics/pages', { query: q, signal })), [from, to]);
  const refs = useAsync<Referrers>((signal) => (bad ? never() : api.get('/api/v1/admin/metrics/referrers', { query: q, signal })), [from, to]);
  const searches = useAsync<Searches>((signal) => (bad ? never() : api.get('/api/v1/admin/metrics/searches', { query: q, signal })), [from, to]);
  const zero = useAsync<Searches>((signal) => (bad ? never() : api.get('/api/v1/admin/metrics/searches', { query: { ...q, zero: '1' }, signal })), [from, to]);
  // a 422 from the server (a range it refuses) goes beside the inputs too
  const serverBad = [sales, views, pages].map((s) => s.error).find((e) => e?.status === 422) ?? null;

  return (
    <AdminPage title="Dashboard">
      <RangePicker range={range} today={today} error={bad ?? serverBad} />
      {bad ? null : (
        <>
          <p class="muted admin-metrics-note">
            Days are the shop's (India Standard Time). Showing {between(range)}, {plural(daysOf(from, to).length, 'day')}.
          </p>
          <section class="admin-section" aria-labelledby="m-sales">
            <h2 id="m-sales">Sales</h2>
            <Part state={sales} label="Loading sales">{(s) => <SalesPart s={s} range={range} />}</Part>
          </section>
          <section class="admin-section" aria-labelledby="m-traffic">
            <h2 id="m-traffic">Traffic</h2>
            <p class="muted small">
              Counted from the shop's pages (bots are not counted) and brought up to date every 10 minutes, so today's figures can
              be a few minutes behind. Uniques are counted per page and added up, so a visitor who saw three pages counts three times.
            </p>
            <Part state={views} label="Loading page views">{(v) => <ViewsPart v={v} range={range} />}</Part>
            <div class="admin-grid">
              <Part state={pages} label="Loading top pages">{(p) => (
                <TopTable caption="Top pages" items={p.items} empty="No page views in these days."
                  cols={[
                    { head: 'Page', cell: (x) => <Link href={x.path}>{x.path}</Link> },
                    { head: 'Views', num: true, cell: (x) => number(x.views) },
                    { head: 'Uniques', num: true, cell: (x) => number(x.uniques) },
                  ]} />
              )}</Part>
              <Part state={refs} label="Loading referrers">{(r) => (
                <TopTable caption="Top referrers" items={r.items} empty="No page views in these days."
                  cols={[
                    { head: 'From', cell: (x) => (x.host === 'direct' ? 'Direct (no referrer, or the shop itself)' : x.host === 'other' ? 'Other' : x.host) },
                    { head: 'Views', num: true, cell: (x) => number(x.views) },
                  ]} />
              )}</Part>
            </div>
          </section>
          <section class="admin-section" aria-labelledby="m-search">
            <h2 id="m-search">Searches</h2>
            <div class="admin-grid">
              <Part state={searches} label="Loading searches">{(s) => (
                <TopTable caption="Top searches" items={s.items} empty="No searches in these days."
                  cols={[
                    { head: 'Search', cell: (x) => <Link href={`/search?q=${encodeURIComponent(x.term)}`}>{x.term}</Link> },
                    { head: 'Searches', num: true, cell: (x) => number(x.searches) },
                    { head: 'Found nothing', num: true, cell: (x) => number(x.zero_results) },
                  ]} />
              )}</Part>
              <Part state={zero} label="Loading searches that found nothing">{(s) => (
                <TopTable caption="Searches that found nothing" items={s.items} empty="Every search found something in these days."
                  cols={[
                    { head: 'Search', cell: (x) => <Link href={`/search?q=${encodeURIComponent(x.term)}`}>{x.term}</Link> },
                    { head: 'Found nothing', num: true, cell: (x) => number(x.zero_results) },
                    { head: 'Searches', num: true, cell: (x) => number(x.searches) },
                  ]} />
              )}</Part>
            </div>
          </section>
        </>
      )}
    </AdminPage>
  );
}

export const metricsRoutes: AdminRoute[] = [
  {
    pattern: '/admin/metrics',
    permission: 'metrics:read',
    nav: { label: 'Dashboard', group: 'Shop' },
    view: ({ query }) => <Dashboard query={query} />,
  },
];
