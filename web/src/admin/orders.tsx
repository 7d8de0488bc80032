// orders.tsx - back office: the orders (/admin/orders, filtered through the
// URL's query so that a filtered list can be linked) and one order with all
// that happened to it (/admin/orders/:id): lines, totals with the GST split,
// billing, payments, refunds, credit notes, disputes, webhook events, the
// invoice PDF, a refund form (orders:refund) and "resend the confirmation".
import '../styles/admin-orders.css';
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, urlOf, type Get } from '../api/ApiService';
import type { components } from '../api/types';
import { followDownload, placeOfSupply, retryText } from '../components/accountUtil';
import { useInvoiceDownload } from '../components/invoiceDownload';
import { day, percent, rupees, rupeesExact } from '../lib/format';
import { Link, setQuery } from '../lib/router';
import { can, user } from '../lib/store';
import { Button, ErrorBox, Field, FormError, Load, Notice, useAction, useAsync } from '../lib/ui';
import { AdminPage, Confirm, PagedFooter, Status, usePaged, when } from './ui';
import type { AdminRoute } from './types';

type OrderStatus = components['schemas']['OrderStatus'];
type OrderSummary = Get<'/api/v1/admin/orders'>['items'][number];
type AdminOrder = Get<'/api/v1/admin/orders/{id}'>;
type Order = AdminOrder['order'];
type Payment = AdminOrder['payments'][number];
type RefundBody = components['schemas']['RefundRequest'];
type Refund = components['schemas']['Refund'];

const ORDER_STATUSES = ['pending', 'paid', 'failed', 'refunded', 'cancelled'] as const satisfies readonly OrderStatus[];
const STATUS_LABEL: Record<OrderStatus, string> = {
  pending: 'Pending (awaiting payment)', paid: 'Paid', failed: 'Failed', refunded: 'Refunded', cancelled: 'Cancelled',
};
const isOrderStatus = (s: string | null): s is OrderStatus => !!s && (ORDER_STATUSES as readonly string[]).includes(s);

/** The least refund Razorpay makes (refunds.c REFUND_MIN_PAISE). */
const REFUND_MIN_PAISE = 100;

/** The first block of a UUID: enough to tell orders apart on screen. */
export const shortId = (id: string) => id.slice(0, 8);

let selectSeq = 0;
/** A labelled <select> with its 422 field message (lib/ui's Field is for inputs). */
function SelectField({ label, name, value, onChange, error, children }: {
  label: string; name: string; value: string; onChange: (v: string) => void; error?: ApiError | null; children: ComponentChildren;
}) {
  const id = useRef(`s-${name}-${++selectSeq}`).current;
  const msg = error?.fields?.[name];
  return (
    <div class={`field${msg ? ' field-invalid' : ''}`}>
      <label for={id}>{label}</label>
      <select id={id} name={name} value={value} aria-invalid={msg ? true : undefined} aria-describedby={msg ? id + '-err' : undefined}
        onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value)}>
        {children}
      </select>
      {msg && <p class="field-error" id={id + '-err'}>{msg}</p>}
    </div>
  );
}

// ------------------------------------------------------------ /admin/orders

interface OrderFilters { status: string; from: string; to: string; email: string; product: string }
const FILTER_KEYS = ['status', 'from', 'to', 'email', 'product'] as const;

function filtersOf(q: URLSearchParams): OrderFilters {
  return { status: q.get('status') ?? '', from: q.get('from') ?? '', to: q.get('to') ?? '', email: q.get('email') ?? '', product: q.get('product') ?? '' };
}

function OrderList({ query }: { query: URLSearchParams }) {
  const applied = filtersOf(query);
  const key = FILTER_KEYS.map((k) => `${k}=${applied[k]}`).join('&');
  const [draft, setDraft] = useState<OrderFilters>(applied);
  useEffect(() => setDraft(applied), [key]); // back/forward, or a followed link
  const list = usePaged((cursor, signal) => api.get('/api/v1/admin/orders', {
    query: {
      status: isOrderStatus(applied.status) ? applied.status : undefined,
      from: applied.from || undefined, to: applied.to || undefined,
      email: applied.email || undefined, product: applied.product || undefined,
      cursor: cursor ?? undefined,
    },
    signal,
  }), key);
  const filtered = FILTER_KEYS.some((k) => applied[k] !== '');
  const set = (k: keyof OrderFilters) => (e: Event) => setDraft({ ...draft, [k]: (e.currentTarget as HTMLInputElement).value });
  const submit = (e: Event) => {
    e.preventDefault();
    setQuery({ status: draft.status, from: draft.from, to: draft.to, email: draft.email.trim(), product: draft.product.trim() });
  };
  const clear = () => setQuery({ status: null, from: null, to: null, email: null, product: null });
  return (
    <AdminPage title="Orders">
      <form class="admin-filters" role="search" aria-label="Filter the orders" onSubmit={submit}>
        <SelectField label="Status" name="status" value={draft.status} error={list.error} onChange={(v) => setDraft({ ...draft, status: v })}>
          <option value="">Any status</option>
          {ORDER_STATUSES.map((s) => <option key={s} value={s}>{STATUS_LABEL[s]}</option>)}
        </SelectField>
        <Field label="Placed from" name="from" type="date" value={draft.from} max={draft.to || undefined} error={list.error} onInput={set('from')} />
        <Field label="Placed to" name="to" type="date" value={draft.to} min={draft.from || undefined} error={list.error} onInput={set('to')} />
        <Field label="Buyer's e-mail" name="email" type="email" value={draft.email} autoComplete="off" error={list.error} onInput={set('email')} />
        <Field label="Product (id or slug)" name="product" value={draft.product} error={list.error} onInput={set('product')} />
        <div class="admin-orders-filter-actions">
          <Button type="submit">Filter</Button>
          {filtered && <Button kind="secondary" onClick={clear}>Clear filters</Button>}
        </div>
      </form>
      <div class="admin-table-wrap">
        <table class="admin-table">
          <caption class="visually-hidden">{filtered ? 'Orders matching the filters, newest first' : 'All orders, newest first'}</caption>
          <thead>
            <tr>
              <th scope="col">Order</th>
              <th scope="col">Placed</th>
              <th scope="col">Buyer</th>
              <th scope="col">Status</th>
              <th scope="col" class="num">Total</th>
              <th scope="col">Flag</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((o) => <OrderRow key={o.id} o={o} />)}
          </tbody>
        </table>
      </div>
      <PagedFooter list={list} empty={filtered ? 'No orders match these filters.' : 'No orders yet.'} />
    </AdminPage>
  );
}

function OrderRow({ o }: { o: OrderSummary }) {
  return (
    <tr>
      <td>
        <Link href={`/admin/orders/${o.id}`}><code>{shortId(o.id)}</code><span class="visually-hidden"> (order details)</span></Link>
        {o.invoice && <div class="muted small">{o.invoice}</div>}
      </td>
      <td>{when(o.created_at)}</td>
      <td>
        {o.buyer.name && <div>{o.buyer.name}</div>}
        <div class={o.buyer.name ? 'muted small' : undefined}>{o.buyer.email}</div>
      </td>
      <td><Status value={o.status} /></td>
      <td class="num">
        {rupees(o.total_paise)}
        {o.refunded_paise > 0 && <div class="muted small">{rupees(o.refunded_paise)} refunded</div>}
      </td>
      <td class="admin-orders-flag">{o.flag ? <span class="admin-orders-flag-text"><span aria-hidden="true">⚑ </span>{o.flag}</span> : <span class="muted"><span aria-hidden="true">—</span><span class="visually-hidden">None</span></span>}</td>
    </tr>
  );
}

// ------------------------------------------------------------ /admin/orders/:id

function OrderDetail({ id }: { id: string }) {
  const state = useAsync((signal) => api.get('/api/v1/admin/orders/{id}', { path: { id }, signal }), [id]);
  const u = user.use();
  return (
    <AdminPage title={`Order ${shortId(id)}`} actions={<Link href="/admin/orders" class="btn btn-secondary">All orders</Link>}>
      <Load state={state} label="Loading the order">
        {(d) => (
          <>
            {d.flag && (
              <Notice kind="warning"><p><strong>Flagged for staff:</strong> {d.flag}</p></Notice>
            )}
            <Facts d={d} />
            <section class="admin-section" aria-labelledby="o-docs">
              <h2 id="o-docs">Invoice and e-mail</h2>
              <div class="admin-grid">
                <InvoiceBox d={d} />
                <ResendConfirmation order={d.order} email={d.buyer.email} />
              </div>
            </section>
            <Lines order={d.order} />
            <div class="admin-grid">
              <Totals order={d.order} refunded={d.refunded_paise} />
              <Billing order={d.order} />
            </div>
            <Payments payments={d.payments} />
            <Refunds d={d} />
            {can(u, 'orders:refund') && <RefundForm d={d} onDone={state.reload} />}
            <CreditNotes d={d} />
            {d.disputes.length > 0 && <Disputes d={d} />}
            <Events d={d} />
          </>
        )}
      </Load>
    </AdminPage>
  );
}

function Facts({ d }: { d: AdminOrder }) {
  const o = d.order;
  return (
    <section class="admin-section" aria-labelledby="o-facts">
      <h2 id="o-facts" class="visually-hidden">Summary</h2>
      <dl class="admin-orders-facts">
        <div><dt>Status</dt><dd><Status value={o.status} /></dd></div>
        <div><dt>Order id</dt><dd><code>{o.id}</code></dd></div>
        <div><dt>Placed</dt><dd>{when(o.created_at)}</dd></div>
        <div><dt>Paid</dt><dd>{o.paid_at ? when(o.paid_at) : 'Not paid'}</dd></div>
        {(o.refunded_at || d.refunded_paise > 0) && (
          <div><dt>Refunded</dt><dd>{rupeesExact(d.refunded_paise)}{o.refunded_at ? ` (in full ${when(o.refunded_at)})` : ''}</dd></div>
        )}
        <div>
          <dt>Buyer</dt>
          <dd>
            {d.buyer.name && <>{d.buyer.name}<br /></>}
            <a href={`mailto:${d.buyer.email}`}>{d.buyer.email}</a>
            <br /><Link href={`/admin/orders?email=${encodeURIComponent(d.buyer.email)}`} class="small">Their orders</Link>
          </dd>
        </div>
        <div><dt>Payment provider</dt><dd>{o.provider}{o.provider_order_id && <><br /><code class="small">{o.provider_order_id}</code></>}</dd></div>
        <div><dt>Coupon</dt><dd>{o.coupon ? <code>{o.coupon}</code> : 'None'}</dd></div>
      </dl>
    </section>
  );
}

function Lines({ order }: { order: Order }) {
  return (
    <section class="admin-section" aria-labelledby="o-lines">
      <h2 id="o-lines">Items</h2>
      <div class="admin-table-wrap">
        <table class="admin-table">
          <thead>
            <tr>
              <th scope="col">Product</th>
              <th scope="col" class="num">Price</th>
              <th scope="col" class="num">Discount</th>
              <th scope="col" class="num">GST rate</th>
              <th scope="col" class="num">GST</th>
            </tr>
          </thead>
          <tbody>
            {order.items.map((l, i) => (
              <tr key={`${l.product}-${i}`}>
                <th scope="row"><a href={`/products/${encodeURIComponent(l.slug)}`}>{l.title}</a></th>
                <td class="num">{rupeesExact(l.price_paise)}</td>
                <td class="num">{l.discount_paise ? `−${rupeesExact(l.discount_paise)}` : '—'}</td>
                <td class="num">{percent(l.tax_rate_bp)}</td>
                <td class="num">{rupeesExact(l.tax_paise)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

const SUPPLY: Record<Order['supply'], string> = {
  intra_state: 'Within the seller’s state (CGST + SGST)',
  inter_state: 'To another Indian state (IGST)',
  export: 'Export (no GST)',
};

function Totals({ order: o, refunded }: { order: Order; refunded: number }) {
  const rows: [string, number, boolean?][] = [
    ['Subtotal', o.subtotal_paise],
    ...(o.discount_paise ? [[`Discount${o.coupon ? ` (${o.coupon})` : ''}`, -o.discount_paise] as [string, number]] : []),
    ['Taxable value', o.taxable_paise],
  ];
  if (o.supply === 'intra_state' || o.cgst_paise || o.sgst_paise) rows.push(['CGST', o.cgst_paise], ['SGST', o.sgst_paise]);
  if (o.supply === 'inter_state' || o.igst_paise) rows.push(['IGST', o.igst_paise]);
  rows.push(['Total GST', o.tax_paise], ['Total', o.total_paise, true]);
  if (refunded) rows.push(['Refunded', -refunded], ['Kept', o.total_paise - refunded, true]);
  return (
    <section class="admin-section" aria-labelledby="o-totals">
      <h2 id="o-totals">Totals</h2>
      <table class="admin-table admin-orders-totals">
        <tbody>
          {rows.map(([label, paise, strong]) => (
            <tr key={label} class={strong ? 'admin-orders-strong' : undefined}>
              <th scope="row">{label}</th>
              <td class="num">{paise < 0 ? `−${rupeesExact(-paise)}` : rupeesExact(paise)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="muted small">Supply: {SUPPLY[o.supply]}. Currency: {o.currency}.</p>
    </section>
  );
}

function Billing({ order: o }: { order: Order }) {
  const b = o.billing;
  return (
    <section class="admin-section" aria-labelledby="o-billing">
      <h2 id="o-billing">Billing</h2>
      <dl class="admin-orders-facts admin-orders-facts-1">
        <div><dt>Name</dt><dd>{b.name || <span class="muted">Not given</span>}</dd></div>
        <div><dt>Place of supply</dt><dd>{placeOfSupply(b.state, b.country) || b.country}</dd></div>
        <div><dt>GSTIN</dt><dd>{b.gstin ? <code>{b.gstin}</code> : <span class="muted">None (a consumer)</span>}</dd></div>
        <div><dt>Invoice</dt><dd>{o.invoice ? <>{o.invoice.number}, issued {day(o.invoice.issued_at)}</> : <span class="muted">None</span>}</dd></div>
      </dl>
    </section>
  );
}

function Payments({ payments }: { payments: Payment[] }) {
  return (
    <section class="admin-section" aria-labelledby="o-payments">
      <h2 id="o-payments">Payments</h2>
      {payments.length === 0 ? <p class="muted">No payments.</p> : (
        <div class="admin-table-wrap">
          <table class="admin-table">
            <thead>
              <tr>
                <th scope="col">Payment</th>
                <th scope="col">Status</th>
                <th scope="col">Method</th>
                <th scope="col" class="num">Amount</th>
                <th scope="col" class="num">Refunded</th>
                <th scope="col">Paid the order</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {payments.map((p) => (
                <tr key={p.id}>
                  <th scope="row"><code>{p.id}</code></th>
                  <td><Status value={p.status} /></td>
                  <td>{p.method ?? '—'}</td>
                  <td class="num">{rupeesExact(p.amount_paise)}{p.currency !== 'INR' ? ` ${p.currency}` : ''}</td>
                  <td class="num">{p.refunded_paise ? rupeesExact(p.refunded_paise) : '—'}</td>
                  <td>{p.paid_the_order === null ? '—' : p.paid_the_order ? 'Yes' : 'No (another payment did)'}</td>
                  <td>{when(p.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Refunds({ d }: { d: AdminOrder }) {
  return (
    <section class="admin-section" aria-labelledby="o-refunds">
      <h2 id="o-refunds">Refunds</h2>
      {d.refunds.length === 0 ? <p class="muted">No refunds.</p> : (
        <div class="admin-table-wrap">
          <table class="admin-table">
            <thead>
              <tr>
                <th scope="col">Asked</th>
                <th scope="col" class="num">Amount</th>
                <th scope="col">Status</th>
                <th scope="col">Reason</th>
                <th scope="col">Payment</th>
                <th scope="col">By</th>
                <th scope="col">Processed</th>
              </tr>
            </thead>
            <tbody>
              {d.refunds.map((r) => (
                <tr key={r.id}>
                  <th scope="row">{when(r.created_at)}</th>
                  <td class="num">{rupeesExact(r.amount_paise)}</td>
                  <td>
                    <Status value={r.status} />
                    {r.error && <div class="small admin-orders-error">{r.error}</div>}
                  </td>
                  <td>{r.reason}</td>
                  <td><code class="small">{r.payment}</code>{r.provider_refund_id && <div><code class="small">{r.provider_refund_id}</code></div>}</td>
                  <td>{r.requested_by ?? <span class="muted">Razorpay Dashboard</span>}</td>
                  <td>{when(r.processed_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function CreditNotes({ d }: { d: AdminOrder }) {
  if (d.credit_notes.length === 0 && d.refunds.length === 0) return null;
  return (
    <section class="admin-section" aria-labelledby="o-cn">
      <h2 id="o-cn">Credit notes</h2>
      {d.credit_notes.length === 0 ? <p class="muted">No credit notes (one is issued for each processed refund of the paying payment).</p> : (
        <div class="admin-table-wrap">
          <table class="admin-table">
            <thead>
              <tr>
                <th scope="col">Number</th>
                <th scope="col">Issued</th>
                <th scope="col" class="num">Taxable</th>
                <th scope="col" class="num">CGST</th>
                <th scope="col" class="num">SGST</th>
                <th scope="col" class="num">IGST</th>
                <th scope="col" class="num">Total</th>
                <th scope="col">PDF</th>
              </tr>
            </thead>
            <tbody>
              {d.credit_notes.map((c) => (
                <tr key={c.number}>
                  <th scope="row">{c.number}</th>
                  <td>{day(c.issued_at)}</td>
                  <td class="num">{rupeesExact(c.taxable_paise)}</td>
                  <td class="num">{rupeesExact(c.cgst_paise)}</td>
                  <td class="num">{rupeesExact(c.sgst_paise)}</td>
                  <td class="num">{rupeesExact(c.igst_paise)}</td>
                  <td class="num">{rupeesExact(c.total_paise)}</td>
                  <td>
                    <PdfDownload number={c.number} label="Download"
                      fetchPdf={() => api.blob('/api/v1/admin/orders/{id}/credit-notes/{number}', { path: { id: d.order.id, number: c.number } })}
                      url={urlOf('/api/v1/admin/orders/{id}/credit-notes/{number}', { id: d.order.id, number: c.number })} />
                    {!c.rendered && <div class="muted small">Being made</div>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Disputes({ d }: { d: AdminOrder }) {
  return (
    <section class="admin-section" aria-labelledby="o-disputes">
      <h2 id="o-disputes">Disputes</h2>
      <div class="admin-table-wrap">
        <table class="admin-table">
          <thead>
            <tr>
              <th scope="col">Dispute</th>
              <th scope="col">Status</th>
              <th scope="col" class="num">Amount</th>
              <th scope="col">Reason code</th>
              <th scope="col">Opened</th>
              <th scope="col">Updated</th>
            </tr>
          </thead>
          <tbody>
            {d.disputes.map((x) => (
              <tr key={x.id}>
                <th scope="row"><code>{x.id}</code></th>
                <td><Status value={x.status} /></td>
                <td class="num">{rupeesExact(x.amount_paise)}</td>
                <td>{x.reason_code ?? '—'}</td>
                <td>{when(x.created_at)}</td>
                <td>{when(x.updated_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function Events({ d }: { d: AdminOrder }) {
  return (
    <section class="admin-section" aria-labelledby="o-events">
      <h2 id="o-events">Webhook events</h2>
      {d.events.length === 0 ? <p class="muted">No webhook events about this order.</p> : (
        <div class="admin-table-wrap">
          <table class="admin-table">
            <thead>
              <tr>
                <th scope="col">Received</th>
                <th scope="col">Type</th>
                <th scope="col">Event</th>
                <th scope="col">Processed</th>
                <th scope="col" class="num">Attempts</th>
                <th scope="col">Error</th>
              </tr>
            </thead>
            <tbody>
              {d.events.map((e) => (
                <tr key={e.id}>
                  <th scope="row">{when(e.received_at)}</th>
                  <td><code>{e.type}</code></td>
                  <td><code class="small">{e.id}</code></td>
                  <td>{e.processed_at ? when(e.processed_at) : <Status value="pending" />}</td>
                  <td class="num">{e.attempts}</td>
                  <td>{e.error ? <span class="admin-orders-error">{e.error}</span> : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

// ------------------------------------------------------------ invoice


/** A download button for a PDF that may still be rendering (an invoice, a credit note). */
function PdfDownload({ fetchPdf, url, number, label }: {
  fetchPdf: () => ReturnType<typeof api.blob>; url: string; number: string; label: string;
}) {
  const dl = useInvoiceDownload(async () => {
    try {
      return await fetchPdf();
    } catch (err) {
      // S3 storage answers a 302 to a presigned URL that fetch may not read
      // (CORS): let the browser follow it as a download instead
      if (err instanceof ApiError && err.status === 0) {
        followDownload(url, `${number}.pdf`);
        return null;
      }
      throw err;
    }
  }, `${number}.pdf`);
  return (
    <>
      <Button kind="secondary" class="btn-small" busy={dl.busy} onClick={dl.run} aria-label={`${label} ${number}`}>{label}</Button>
      <div aria-live="polite">
        {dl.waiting !== null && <Notice kind="info"><p>The PDF is being made. Trying again in {dl.waiting} seconds.</p></Notice>}
        {dl.gaveUp && <Notice kind="warning"><p>The PDF is still being made. Try again in a few minutes.</p></Notice>}
        {dl.saved && <Notice kind="success"><p>{number} downloaded.</p></Notice>}
      </div>
      <ErrorBox error={dl.error} />
    </>
  );
}

function InvoiceBox({ d }: { d: AdminOrder }) {
  const o = d.order;
  return (
    <div>
      <h3>Tax invoice</h3>
      {!o.invoice ? (
        <p class="muted">{o.status === 'pending' || o.status === 'failed' || o.status === 'cancelled'
          ? 'No invoice: the order was not paid.' : 'No invoice (a free order).'}</p>
      ) : (
        <>
          <p><strong>{o.invoice.number}</strong>, issued {day(o.invoice.issued_at)}.{d.invoice_rendered === false && ' Its PDF is still being made.'}</p>
          <PdfDownload number={o.invoice.number} label="Download invoice PDF"
            fetchPdf={() => api.blob('/api/v1/admin/orders/{id}/invoice', { path: { id: o.id } })}
            url={urlOf('/api/v1/admin/orders/{id}/invoice', { id: o.id })} />
        </>
      )}
    </div>
  );
}

// ------------------------------------------------------------ confirmation e-mail

function ResendConfirmation({ order, email }: { order: Order; email: string }) {
  const [sent, setSent] = useState(false);
  const act = useAction(async () => {
    setSent(false);
    await api.post('/api/v1/admin/orders/{id}/confirmation', { path: { id: order.id } });
    setSent(true);
  });
  const e = act.error;
  return (
    <div>
      <h3>Order confirmation</h3>
      <p class="muted small">Sends the buyer the order's confirmation e-mail again{order.status !== 'paid' && order.status !== 'refunded' ? ' (only for a paid order)' : ''}.</p>
      <Button kind="secondary" busy={act.busy} onClick={() => void act.run()}>Resend confirmation e-mail</Button>
      <div aria-live="polite">
        {sent && <Notice kind="success"><p>The confirmation e-mail to {email} is queued. It appears in the outbox.</p></Notice>}
      </div>
      {e && (
        <div class="notice notice-error" role="alert">
          <p>{e.message}</p>
          {e.status === 429 && <p>{retryText(e)}</p>}
        </div>
      )}
    </div>
  );
}

// ------------------------------------------------------------ refund form

/** "1,499.5" → 149950 paise; null when it is not an amount of rupees and paise. */
export function toPaise(text: string): number | null {
  const m = text.trim().replace(/[,\s]/g, '').replace(/^₹/, '').match(/^(\d{1,12})(?:\.(\d{0,2}))?$/);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/** A new Idempotency-Key: a UUID, or (an old browser, plain http) random hex of the same length. */
function newKey(): string {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  const bytes = new Uint8Array(16);
  if (c && typeof c.getRandomValues === 'function') c.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The payments the API refunds (captured ones) with what is left of each once pending and processed refunds are held. */
function refundable(d: AdminOrder): { p: Payment; left: number }[] {
  return d.payments
    .filter((p) => p.status === 'captured' || p.status === 'refunded')
    .map((p) => ({
      p,
      left: p.amount_paise - d.refunds.filter((r) => r.payment === p.id && r.status !== 'failed').reduce((s, r) => s + r.amount_paise, 0),
    }))
    .sort((a, b) => Number(b.p.paid_the_order === true) - Number(a.p.paid_the_order === true));
}

/** Statuses whose answer may not be final: the same key must be sent again. */
const UNSETTLED = (e: ApiError) => e.status === 0 || e.status === 429 || e.status >= 500;

function RefundForm({ d, onDone }: { d: AdminOrder; onDone: () => void }) {
  const options = refundable(d);
  const [paymentId, setPaymentId] = useState(options[0]?.p.id ?? '');
  const [mode, setMode] = useState<'full' | 'part'>('full');
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [asking, setAsking] = useState<RefundBody | null>(null);
  const [result, setResult] = useState<Refund | null>(null);
  /** the key of the attempt being made: the same body again (a retry) reuses it */
  const attempt = useRef<{ key: string; body: string } | null>(null);
  const chosen = options.find((x) => x.p.id === paymentId) ?? options[0];
  const left = chosen?.left ?? 0;

  const act = useAction(async (body: RefundBody) => {
    const sig = JSON.stringify(body);
    if (attempt.current?.body !== sig) attempt.current = { key: newKey(), body: sig };
    try {
      const r = await api.post('/api/v1/admin/orders/{id}/refunds', {
        path: { id: d.order.id }, body, headers: { 'Idempotency-Key': attempt.current.key },
      });
      attempt.current = null;
      return r;
    } catch (err) {
      if (!(err instanceof ApiError) || !UNSETTLED(err)) attempt.current = null;
      throw err;
    }
  });

  if (options.length === 0) {
    return (
      <section class="admin-section" aria-labelledby="o-refund">
        <h2 id="o-refund">Refund</h2>
        <p class="muted">No captured payment to refund.</p>
      </section>
    );
  }

  const review = (e: Event) => {
    e.preventDefault();
    setResult(null);
    const why = reason.trim();
    const fields: Record<string, string> = {};
    let paise = left;
    if (mode === 'part') {
      const p = toPaise(amount);
      if (p === null) fields.amount_paise = 'must be an amount in rupees, such as 499 or 499.50';
      else if (p < REFUND_MIN_PAISE) fields.amount_paise = `must be at least ${rupeesExact(REFUND_MIN_PAISE)}`;
      else if (p > left) fields.amount_paise = `must be at most ${rupeesExact(left)}, what is left of this payment`;
      else paise = p;
    } else if (left < REFUND_MIN_PAISE) {
      fields.amount_paise = `what is left (${rupeesExact(left)}) is below the least refund, ${rupeesExact(REFUND_MIN_PAISE)}`;
    }
    if (!why) fields.reason = 'is needed: it is printed on the credit note';
    if (Object.keys(fields).length) {
      act.setError(new ApiError(422, 'invalid', 'Please correct the fields marked below.', fields));
      return;
    }
    act.setError(null);
    const body: RefundBody = { reason: why, amount_paise: paise };
    if (chosen && chosen.p.paid_the_order !== true) body.payment = chosen.p.id;
    setAsking(body);
  };

  const confirm = async () => {
    if (!asking) return;
    const r = await act.run(asking);
    setAsking(null);
    if (r) {
      setResult(r.refund);
      setAmount('');
      setReason('');
      setMode('full');
      onDone();
    }
  };

  const e = act.error;
  const unsettled = !!e && UNSETTLED(e) && attempt.current !== null;
  /** the fields whose 422 message is shown beside an input */
  const shown = ['reason', ...(mode === 'part' ? ['amount_paise'] : []), ...(options.length > 1 ? ['payment'] : [])];
  return (
    <section class="admin-section admin-orders-refund" aria-labelledby="o-refund">
      <h2 id="o-refund">Refund</h2>
      <div aria-live="polite">
        {result && (
          <Notice kind={result.status === 'failed' ? 'error' : result.status === 'pending' ? 'warning' : 'success'}>
            <p>
              {result.status === 'processed' && <>Refunded {rupeesExact(result.amount_paise)}.{result.credit_note ? ` Credit note ${result.credit_note.number} issued.` : ''}</>}
              {result.status === 'pending' && <>The refund of {rupeesExact(result.amount_paise)} is pending at Razorpay; it settles on its own (webhook or reconcile).</>}
              {result.status === 'failed' && <>The refund of {rupeesExact(result.amount_paise)} failed{result.error ? `: ${result.error}` : '.'}</>}
            </p>
          </Notice>
        )}
      </div>
      {options.every((x) => x.left <= 0) ? (
        <p>{options.length === 1 ? 'This payment has' : 'These payments have'} been refunded in full{d.refunds.some((r) => r.status === 'pending') ? ' (some of it is still pending)' : ''}.</p>
      ) : (
        <form onSubmit={review} noValidate>
          {e && e.status !== 422 && (
            <div class="notice notice-error" role="alert">
              <p>{e.message}</p>
              {unsettled && <p>Whether the refund was made is not known. Send it again: the same request is kept, so it cannot be made twice.</p>}
              {e.status === 429 && <p>{retryText(e)}</p>}
            </div>
          )}
          {e && e.status === 422 && <FormError error={e} shown={shown} />}
          {options.length > 1 && (
            <SelectField label="Payment to refund" name="payment" value={chosen?.p.id ?? ''} error={e} onChange={setPaymentId}>
              {options.map(({ p, left: l }) => (
                <option key={p.id} value={p.id}>{p.id}: {rupeesExact(l)} left of {rupeesExact(p.amount_paise)}{p.paid_the_order ? ' (paid the order)' : ''}</option>
              ))}
            </SelectField>
          )}
          <fieldset class="admin-orders-mode">
            <legend>Amount</legend>
            <label><input type="radio" name="mode" value="full" checked={mode === 'full'} onChange={() => setMode('full')} /> All that is left: {rupeesExact(left)}</label>
            <label><input type="radio" name="mode" value="part" checked={mode === 'part'} onChange={() => setMode('part')} /> Part of it</label>
          </fieldset>
          {mode === 'part' && (
            <Field label="Amount to refund (₹)" name="amount_paise" inputMode="decimal" autoComplete="off" value={amount} error={e}
              hint={`From ${rupeesExact(REFUND_MIN_PAISE)} to ${rupeesExact(left)}.`}
              onInput={(ev) => setAmount((ev.currentTarget as HTMLInputElement).value)} />
          )}
          <Field label="Reason (printed on the credit note)" name="reason" textarea maxLength={500} value={reason} error={e}
            onInput={(ev) => setReason((ev.currentTarget as HTMLInputElement).value)} />
          <Button type="submit" kind="danger" busy={act.busy}>
            {unsettled ? 'Send the refund again…' : 'Refund…'}
          </Button>
        </form>
      )}
      <Confirm open={asking !== null} title="Refund this order?" confirm={asking ? `Refund ${rupeesExact(asking.amount_paise)}` : 'Refund'}
        danger busy={act.busy} onConfirm={() => void confirm()} onCancel={() => setAsking(null)}>
        {asking && (
          <>
            <p>Give back <strong>{rupeesExact(asking.amount_paise)}</strong> to {d.buyer.email} from payment <code>{asking.payment ?? chosen?.p.id}</code>?</p>
            <p>Reason: {asking.reason}</p>
            {asking.amount_paise === left && chosen?.p.paid_the_order === true && d.refunded_paise + left >= d.order.total_paise && (
              <p>This refunds the order in full: it becomes <strong>refunded</strong> and the buyer loses access to its downloads.</p>
            )}
            <p>A refund cannot be undone.</p>
          </>
        )}
      </Confirm>
    </section>
  );
}

export const orderRoutes: AdminRoute[] = [
  { pattern: '/admin/orders', permission: 'orders:read', nav: { label: 'Orders', group: 'Shop' }, view: ({ query }) => <OrderList query={query} /> },
  { pattern: '/admin/orders/:id', permission: 'orders:read', view: ({ params }) => <OrderDetail id={params.id!} /> },
];
