// account.tsx - the signed-in user's pages: the dashboard (/account), orders
// (/account/orders, /account/orders/:id with the invoice PDF), the library of
// owned products and their downloads (/account/library), sign-in sessions
// (/account/sessions) and the profile (/account/profile: name, e-mail,
// password, data export, deletion). Every page needs a session: signed out,
// it offers a sign-in that comes back here.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../api/ApiService';
import type { components } from '../api/types';
import { AccountNav } from '../components/AccountNav';
import { useInvoiceDownload } from '../components/invoiceDownload';
import { deviceName, followDownload, placeOfSupply, retryText, saveBlob, showToast, today } from '../components/accountUtil';
import { bytes, day, number, percent, plural, rupees, rupeesExact, when } from '../lib/format';
import { Link, navigate, useLocation } from '../lib/router';
import { loadCartCount, loadUser, user, type User } from '../lib/store';
import { Button, Field, FormError, Load, Notice, Spinner, Stars, useAction, useAsync, useTitle } from '../lib/ui';
import '../styles/account.css';

type S = components['schemas'];
type Order = S['Order'];
type OrderStatus = S['OrderStatus'];
type LibraryItem = S['LibraryItem'];
type LibraryFile = S['LibraryFile'];
type Session = S['Session'];
type Dashboard = S['Dashboard'];
type Me = NonNullable<User>;

// ------------------------------------------------------------ the frame

/** The account frame: a spinner while the session loads, a sign-in prompt when there is none. */
function AccountShell({ children }: { children: (u: Me) => ComponentChildren }) {
  const u = user.use();
  const loc = useLocation();
  if (u === undefined) return <Spinner label="Loading your account" />;
  if (u === null) {
    const here = loc.path + (loc.query.toString() ? '?' + loc.query.toString() : '');
    return (
      <div class="form-card account-signin-prompt">
        <h1>Sign in to see your account</h1>
        <p>Your orders, downloads and settings are here once you are signed in.</p>
        <div class="actions">
          <Link class="btn btn-primary" href={'/signin?next=' + encodeURIComponent(here)}>Sign in</Link>
          <Link href={'/signup?next=' + encodeURIComponent(here)}>Create an account</Link>
        </div>
      </div>
    );
  }
  return (
    <div class="account-layout">
      <AccountNav />
      <div class="account-main">{children(u)}</div>
    </div>
  );
}

/** A cursor-paged list: the first page, then "Load more" appends the next. */
function usePages<T>(fetchPage: (cursor: string | undefined, signal?: AbortSignal) => Promise<{ items: T[]; next_cursor: string | null }>, deps: unknown[]) {
  const first = useAsync((signal) => fetchPage(undefined, signal), deps);
  const [more, setMore] = useState<{ base: unknown; items: T[]; next: string | null } | null>(null);
  const extra = more && more.base === first.data ? more : null;
  const next = extra ? extra.next : first.data?.next_cursor ?? null;
  const items = first.data ? [...first.data.items, ...(extra?.items ?? [])] : undefined;
  const loadMore = useAction(async () => {
    if (!next) return;
    const base = first.data;
    const page = await fetchPage(next);
    setMore((m) => ({ base, items: [...(m && m.base === base ? m.items : []), ...page.items], next: page.next_cursor }));
  });
  return { first, items, next, loadMore };
}

function LoadMore({ pages }: { pages: { next: string | null; loadMore: ReturnType<typeof useAction<[], void>> } }) {
  if (!pages.next) return null;
  return (
    <div class="account-more">
      <FormError error={pages.loadMore.error} />
      <Button kind="secondary" busy={pages.loadMore.busy} onClick={() => void pages.loadMore.run()}>Load more</Button>
    </div>
  );
}

/** Short reference of an order (the API has no order number: the end of its id). */
export function orderRef(id: string): string {
  return '#' + id.replace(/-/g, '').slice(-8).toUpperCase();
}

const STATUS_LABEL: Record<OrderStatus, string> = {
  pending: 'Awaiting payment',
  paid: 'Paid',
  failed: 'Payment failed',
  refunded: 'Refunded',
  cancelled: 'Cancelled',
};

function StatusPill({ status }: { status: OrderStatus }) {
  return <span class={`pill pill-${status}`}>{STATUS_LABEL[status] ?? status}</span>;
}

const SOURCE_LABEL: Record<LibraryItem['source'], string> = { purchase: 'Bought', free_claim: 'Free', grant: 'Given to you' };

// ------------------------------------------------------------ /account

export function Dashboard() {
  useTitle('Your account');
  return <AccountShell>{(u) => <DashboardBody u={u} />}</AccountShell>;
}

function EmailStatus({ u, compact = false }: { u: Me; compact?: boolean }) {
  if (u.pending_email) {
    return (
      <Notice kind="info">
        <p>We sent a link to <strong>{u.pending_email}</strong> to confirm your new address. Until you follow it, you sign in with {u.email}.</p>
        {compact && <p><Link href="/account/profile">Send the link again or change it</Link></p>}
      </Notice>
    );
  }
  if (!u.email_verified) {
    return (
      <Notice kind="warning">
        <p>Your e-mail address <strong>{u.email}</strong> is not verified yet: follow the link we sent you when you signed up.</p>
        <p>Link lost or expired? <Link href="/reset-password">Reset your password</Link>: following the reset link also confirms your address (you will be signed out and sign in again with the new password).</p>
      </Notice>
    );
  }
  return <p class="account-verified"><span aria-hidden="true">✓</span> Your e-mail address {u.email} is verified.</p>;
}

function DashboardBody({ u }: { u: Me }) {
  const d = useAsync((signal) => api.get('/api/v1/me/dashboard', { signal }), []);
  return (
    <>
      <h1>Hello, {u.name || 'there'}</h1>
      <EmailStatus u={u} compact />
      <Load state={d} label="Loading your dashboard">{(x) => <DashboardContent d={x} />}</Load>
    </>
  );
}

function DashboardContent({ d }: { d: Dashboard }) {
  const owned = d.purchases.length;
  return (
    <>
      <section aria-labelledby="dash-summary">
        <h2 id="dash-summary" class="visually-hidden">Summary</h2>
        <dl class="account-stats">
          <div class="card"><dt>Orders</dt><dd>{number(d.orders.count)}</dd></div>
          <div class="card"><dt>Paid orders</dt><dd>{number(d.orders.paid)}</dd></div>
          <div class="card"><dt>Total spent</dt><dd>{rupees(d.orders.total_spent_paise)}</dd></div>
          <div class="card"><dt>Products owned</dt><dd>{owned >= 100 ? '100+' : number(owned)}</dd></div>
        </dl>
      </section>

      <div class="two-col even account-dash">
        <section aria-labelledby="dash-orders" class="card">
          <h2 id="dash-orders">Recent orders</h2>
          {d.recent_orders.length === 0 ? (
            <p class="muted">No orders yet. <Link href="/products">Browse the catalog</Link></p>
          ) : (
            <ul class="account-list">
              {d.recent_orders.map((o) => (
                <li key={o.id}>
                  <div>
                    <Link href={`/account/orders/${o.id}`}>Order {orderRef(o.id)}</Link>
                    <span class="muted small"> · {day(o.created_at)} · {plural(o.items, 'item')}</span>
                  </div>
                  <div class="account-list-end"><StatusPill status={o.status} /> <span class="account-amount">{rupees(o.total_paise)}</span></div>
                </li>
              ))}
            </ul>
          )}
          <p><Link href="/account/orders">All orders</Link></p>
        </section>

        <section aria-labelledby="dash-products" class="card">
          <h2 id="dash-products">Your products</h2>
          {owned === 0 ? (
            <p class="muted">Nothing here yet: products you buy or claim for free appear here.</p>
          ) : (
            <ul class="account-list">
              {d.purchases.slice(0, 8).map((p) => (
                <li key={p.slug}>
                  <div>
                    <Link href={`/products/${p.slug}`}>{p.title}</Link>
                    <span class="muted small"> · {SOURCE_LABEL[p.source]} {day(p.acquired_at)}</span>
                  </div>
                  <div class="account-list-end small muted">
                    {plural(p.downloads, 'download')} · up to {number(p.download_limit)} per file
                    {p.expires_at && <> · access until {day(p.expires_at)}</>}
                  </div>
                </li>
              ))}
            </ul>
          )}
          <p><Link href="/account/library">Go to your library</Link>{owned > 8 && <> ({plural(owned, 'product')})</>}</p>
        </section>
      </div>

      {d.open_enquiries.length > 0 && (
        <section aria-labelledby="dash-enquiries" class="card account-section">
          <h2 id="dash-enquiries">Open enquiries</h2>
          <ul class="account-list">
            {d.open_enquiries.map((q) => (
              <li key={q.id}>
                <div>{q.subject}<span class="muted small"> · {day(q.created_at)}</span></div>
                <div class="account-list-end"><span class="pill">{q.status === 'new' ? 'Received' : 'Being handled'}</span></div>
              </li>
            ))}
          </ul>
          <p><Link href="/contact">Contact us</Link></p>
        </section>
      )}

      {d.feedback.length > 0 && (
        <section aria-labelledby="dash-feedback" class="card account-section">
          <h2 id="dash-feedback">Your reviews and feedback</h2>
          <ul class="account-list">
            {d.feedback.map((f) => (
              <li key={f.id}>
                <div>
                  {f.product ? <Link href={`/products/${f.product}`}>{f.product}</Link> : 'About the shop'}
                  {' '}<Stars value={f.rating} />
                  {f.comment && <p class="small muted account-quote">{f.comment}</p>}
                </div>
                <div class="account-list-end"><span class="pill">{f.status === 'approved' ? 'Published' : f.status === 'pending' ? 'Awaiting review' : 'Not published'}</span></div>
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}

// ------------------------------------------------------------ /account/orders

export function Orders(_p: { query: URLSearchParams }) {
  useTitle('Your orders');
  return <AccountShell>{() => <OrdersBody />}</AccountShell>;
}

function OrdersBody() {
  const pages = usePages((cursor, signal) => api.get('/api/v1/me/orders', { query: { cursor, limit: 20 }, signal }), []);
  return (
    <>
      <h1>Your orders</h1>
      <Load state={pages.first} label="Loading your orders">
        {() => {
          const items = pages.items ?? [];
          if (items.length === 0) {
            return <div class="empty-state card"><p>You have not ordered anything yet.</p><Link class="btn btn-primary" href="/products">Browse the catalog</Link></div>;
          }
          return (
            <>
              <div class="table-wrap">
                <table class="account-orders">
                  <caption class="visually-hidden">Your orders, newest first</caption>
                  <thead>
                    <tr><th scope="col" class="account-col-date">Date</th><th scope="col">Order</th><th scope="col">Status</th><th scope="col" class="num">Total</th></tr>
                  </thead>
                  <tbody>
                    {items.map((o) => (
                      <tr key={o.id}>
                        <td class="account-col-date">{day(o.created_at)}</td>
                        <td>
                          <Link href={`/account/orders/${o.id}`}>Order {orderRef(o.id)}</Link>
                          <div class="small muted"><span class="account-phone-only">{day(o.created_at)} · </span>{o.items.length === 1 ? o.items[0]!.title : plural(o.items.length, 'item')}{o.invoice && <> · Invoice {o.invoice.number}</>}</div>
                        </td>
                        <td><StatusPill status={o.status} /></td>
                        <td class="num">{rupees(o.total_paise)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <LoadMore pages={pages} />
            </>
          );
        }}
      </Load>
    </>
  );
}

// ------------------------------------------------------------ /account/orders/:id

export function OrderDetail({ id }: { id: string }) {
  return <AccountShell>{() => <OrderBody id={id} />}</AccountShell>;
}

function OrderBody({ id }: { id: string }) {
  const o = useAsync((signal) => api.get('/api/v1/me/orders/{id}', { path: { id }, signal }), [id]);
  useTitle(o.data ? `Order ${orderRef(o.data.id)}` : 'Order');
  if (o.error?.status === 404) {
    return (
      <>
        <h1>Order not found</h1>
        <Notice kind="error"><p>We could not find this order in your account.</p></Notice>
        <p><Link href="/account/orders">See all your orders</Link></p>
      </>
    );
  }
  return (
    <>
      <nav class="breadcrumbs" aria-label="Breadcrumb">
        <ol>
          <li><Link href="/account">Account</Link></li>
          <li><Link href="/account/orders">Orders</Link></li>
          <li aria-current="page">{o.data ? orderRef(o.data.id) : 'Order'}</li>
        </ol>
      </nav>
      <Load state={o} label="Loading the order">{(x) => <OrderView o={x} />}</Load>
    </>
  );
}

function PaymentStatus({ o }: { o: Order }) {
  switch (o.status) {
    case 'paid':
      return <p>Paid{o.paid_at ? ` on ${when(o.paid_at)}` : ''}.</p>;
    case 'pending':
      return <p>We are waiting for the payment. If you have paid, it can take a few minutes to be confirmed.</p>;
    case 'failed':
      return <p>The payment did not go through. You can try again from <Link href="/cart">your cart</Link>.</p>;
    case 'refunded':
      return <p>Refunded{o.refunded_at ? ` on ${when(o.refunded_at)}` : ''}{o.refunded_paise > 0 ? `: ${rupeesExact(o.refunded_paise)} returned to you` : ''}.</p>;
    case 'cancelled':
      return <p>This order was cancelled; it was not paid.</p>;
    default:
      return null;
  }
}

const SUPPLY_LABEL: Record<Order['supply'], string> = {
  intra_state: 'Supply within the seller’s state (CGST and SGST)',
  inter_state: 'Supply to another state (IGST)',
  export: 'Export of services (no GST)',
};

function OrderView({ o }: { o: Order }) {
  const anyDiscount = o.items.some((i) => i.discount_paise > 0);
  return (
    <>
      <div class="account-order-head">
        <h1>Order {orderRef(o.id)}</h1>
        <StatusPill status={o.status} />
      </div>
      <p class="muted">Placed on {when(o.created_at)}</p>

      <div class="two-col">
        <div>
          <section aria-labelledby="order-items" class="card account-section">
            <h2 id="order-items">Items</h2>
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Product</th>
                    <th scope="col" class="num">Price</th>
                    {anyDiscount && <th scope="col" class="num">Discount</th>}
                    <th scope="col" class="num">GST</th>
                  </tr>
                </thead>
                <tbody>
                  {o.items.map((i) => (
                    <tr key={i.product}>
                      <td><Link href={`/products/${i.slug}`}>{i.title}</Link></td>
                      <td class="num">{rupeesExact(i.price_paise)}</td>
                      {anyDiscount && <td class="num">{i.discount_paise > 0 ? '−' + rupeesExact(i.discount_paise) : '–'}</td>}
                      <td class="num">{rupeesExact(i.tax_paise)}<div class="small muted">at {percent(i.tax_rate_bp)}</div></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {o.status === 'paid' && (
              <p class="account-downloads-link"><Link class="btn btn-secondary" href="/account/library">Download your files</Link> <span class="muted small">Your files are in your library.</span></p>
            )}
          </section>

          <section aria-labelledby="order-payment" class="card account-section">
            <h2 id="order-payment">Payment</h2>
            <PaymentStatus o={o} />
            <dl class="account-facts">
              <div><dt>Billed to</dt><dd>{o.billing.name || '–'}</dd></div>
              <div><dt>Place of supply</dt><dd>{placeOfSupply(o.billing.state, o.billing.country)}</dd></div>
              {o.billing.gstin && <div><dt>GSTIN</dt><dd>{o.billing.gstin}</dd></div>}
              <div><dt>Paid with</dt><dd>{o.provider === 'sandbox' ? 'Sandbox (test payments)' : 'Razorpay'}</dd></div>
            </dl>
          </section>
        </div>

        <div>
          <section aria-labelledby="order-amounts" class="card account-section">
            <h2 id="order-amounts">Amounts</h2>
            <div class="summary-row"><span>Subtotal</span><span>{rupeesExact(o.subtotal_paise)}</span></div>
            {o.discount_paise > 0 && (
              <div class="summary-row"><span>Discount{o.coupon ? ` (${o.coupon})` : ''}</span><span>−{rupeesExact(o.discount_paise)}</span></div>
            )}
            <div class="summary-row"><span>Taxable value</span><span>{rupeesExact(o.taxable_paise)}</span></div>
            {o.cgst_paise > 0 && <div class="summary-row"><span>CGST</span><span>{rupeesExact(o.cgst_paise)}</span></div>}
            {o.sgst_paise > 0 && <div class="summary-row"><span>SGST</span><span>{rupeesExact(o.sgst_paise)}</span></div>}
            {o.igst_paise > 0 && <div class="summary-row"><span>IGST</span><span>{rupeesExact(o.igst_paise)}</span></div>}
            <div class="summary-row"><span>GST total</span><span>{rupeesExact(o.tax_paise)}</span></div>
            <div class="summary-row total"><span>Total</span><span>{rupeesExact(o.total_paise)}</span></div>
            {o.refunded_paise > 0 && <div class="summary-row"><span>Refunded</span><span>−{rupeesExact(o.refunded_paise)}</span></div>}
            <p class="small muted">{SUPPLY_LABEL[o.supply] ?? o.supply}</p>
          </section>

          <section aria-labelledby="order-invoice" class="card account-section">
            <h2 id="order-invoice">Invoice</h2>
            {o.invoice ? (
              <InvoiceDownload order={o} number={o.invoice.number} />
            ) : (
              <p class="muted">
                {o.status === 'pending' ? 'The tax invoice is issued once the order is paid.'
                  : o.status === 'paid' && o.total_paise === 0 ? 'Free orders have no tax invoice.'
                  : o.status === 'paid' ? 'The tax invoice has not been issued yet.'
                  : 'This order has no tax invoice.'}
              </p>
            )}
          </section>
        </div>
      </div>
    </>
  );
}

function InvoiceDownload({ order, number: invoiceNumber }: { order: Order; number: string }) {
  const dl = useInvoiceDownload(() => api.blob('/api/v1/me/orders/{id}/invoice', { path: { id: order.id } }), `${invoiceNumber}.pdf`);
  return (
    <>
      <p>Tax invoice <strong>{invoiceNumber}</strong>{order.invoice?.issued_at ? `, issued ${day(order.invoice.issued_at)}` : ''}.</p>
      <Button kind="primary" busy={dl.busy} onClick={dl.run}>Download invoice</Button>
      {dl.waiting !== null && (
        <Notice kind="info"><p>Your invoice is being prepared. We will try again in {dl.waiting} seconds.</p></Notice>
      )}
      {dl.gaveUp && <Notice kind="warning"><p>Your invoice is still being prepared. Please try again in a few minutes.</p></Notice>}
      {dl.saved && <Notice kind="success"><p>Invoice {invoiceNumber} downloaded.</p></Notice>}
      <FormError error={dl.error} />
    </>
  );
}

// ------------------------------------------------------------ /account/library

export function Library() {
  useTitle('Your library');
  return <AccountShell>{() => <LibraryBody />}</AccountShell>;
}

function LibraryBody() {
  const pages = usePages((cursor, signal) => api.get('/api/v1/me/library', { query: { cursor, limit: 20 }, signal }), []);
  return (
    <>
      <h1>Your library</h1>
      <p class="muted">Everything you own, with its files. Each file can be downloaded a limited number of times.</p>
      <Load state={pages.first} label="Loading your library">
        {() => {
          const items = pages.items ?? [];
          if (items.length === 0) {
            return <div class="empty-state card"><p>Your library is empty. Products you buy or claim for free appear here.</p><Link class="btn btn-primary" href="/products">Browse the catalog</Link></div>;
          }
          return (
            <>
              <ul class="account-library">
                {items.map((it) => <li key={it.slug}><LibraryCard item={it} /></li>)}
              </ul>
              <LoadMore pages={pages} />
            </>
          );
        }}
      </Load>
    </>
  );
}

function LibraryCard({ item }: { item: LibraryItem }) {
  const blocked = item.expired || item.suspended;
  const published = item.product_status === 'published';
  return (
    <article class="card account-product" aria-labelledby={`lib-${item.slug}`}>
      <div class="account-product-head">
        {item.cover_image_url
          ? <img src={item.cover_image_url} alt="" width={96} height={72} loading="lazy" />
          : <div class="account-cover-placeholder" aria-hidden="true">{item.title.slice(0, 1)}</div>}
        <div>
          <h2 id={`lib-${item.slug}`}>{published ? <Link href={`/products/${item.slug}`}>{item.title}</Link> : item.title}</h2>
          <p class="small muted">
            {SOURCE_LABEL[item.source]} on {day(item.acquired_at)}
            {item.expires_at && !item.expired && <> · access until {day(item.expires_at)}</>}
            {' '}· {number(item.download_limit)} downloads per file
          </p>
          {!published && <p class="small muted">No longer sold in the shop{blocked ? '.' : ': your downloads stay available.'}</p>}
        </div>
      </div>
      {item.expired && (
        <Notice kind="warning"><p><strong>Access expired</strong>{item.expires_at ? ` on ${day(item.expires_at)}` : ''}: this product can no longer be downloaded.</p></Notice>
      )}
      {item.suspended && (
        <Notice kind="warning"><p><strong>Downloads suspended</strong> while a dispute about the payment is open. <Link href="/contact">Contact us</Link> if you have questions.</p></Notice>
      )}
      {item.files.length === 0 ? (
        <p class="muted">This product has no files yet.</p>
      ) : (
        <ul class="account-files">
          {item.files.map((f) => <li key={f.id}><FileRow slug={item.slug} file={f} limit={item.download_limit} blocked={blocked} /></li>)}
        </ul>
      )}
      {published && (
        <p class="account-review"><Link href={`/products/${item.slug}#product-reviews`}>Write a review<span class="visually-hidden"> of {item.title}</span></Link></p>
      )}
    </article>
  );
}

function FileRow({ slug, file, limit, blocked }: { slug: string; file: LibraryFile; limit: number; blocked: boolean }) {
  const [counts, setCounts] = useState({ used: file.downloads_used, left: file.downloads_left, limit });
  const [started, setStarted] = useState(false);
  const act = useAction(async () => {
    setStarted(false);
    const r = await api.post('/api/v1/products/{slug}/download', { path: { slug }, body: { file: file.id } });
    followDownload(r.url, r.file.filename);
    if (r.downloads) setCounts({ used: r.downloads.used, left: r.downloads.left, limit: r.downloads.limit });
    setStarted(true);
  });
  const usedUp = counts.left <= 0;
  const statusId = `dl-${file.id}`;
  return (
    <div class="account-file">
      <div class="account-file-info">
        <strong>{file.label}</strong>
        <span class="small muted"> {file.filename} · {bytes(file.size_bytes)}{file.version > 1 ? ` · version ${file.version}` : ''} · updated {day(file.updated_at)}</span>
        <p class={`small account-file-count${usedUp ? ' used-up' : ''}`} id={statusId}>
          {number(counts.used)} of {number(counts.limit)} downloads used
          {usedUp ? <> — all used. <Link href="/contact">Contact us</Link> if you need more.</> : <> · {number(counts.left)} left</>}
        </p>
      </div>
      <div class="account-file-action">
        <Button kind="primary" class="btn-small" busy={act.busy} disabled={blocked || usedUp} aria-describedby={statusId} onClick={() => void act.run()}>
          Download {file.filename}
        </Button>
      </div>
      {started && <div class="account-file-msg"><Notice kind="success"><p>Your download of {file.filename} has started.</p></Notice></div>}
      {act.error && <div class="account-file-msg"><FormError error={act.error} /></div>}
    </div>
  );
}

// ------------------------------------------------------------ /account/sessions

export function Sessions() {
  useTitle('Your sessions');
  return <AccountShell>{() => <SessionsBody />}</AccountShell>;
}

function SessionsBody() {
  const pages = usePages((cursor, signal) => api.get('/api/v1/me/sessions', { query: { cursor }, signal }), []);
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <>
      <h1>Your sessions</h1>
      <p class="muted">The browsers and apps signed in to your account. Revoke any you do not recognise, then change your password.</p>
      {notice && <Notice kind="success"><p>{notice}</p></Notice>}
      <Load state={pages.first} label="Loading your sessions">
        {() => (
          <>
            <ul class="account-sessions">
              {(pages.items ?? []).map((s) => (
                <li key={s.id}>
                  <SessionRow s={s} onRevoked={(name) => { setNotice(`The session on ${name} was revoked.`); pages.first.reload(); }} />
                </li>
              ))}
            </ul>
            <LoadMore pages={pages} />
          </>
        )}
      </Load>
      <SignOutEverywhere />
    </>
  );
}

function SessionRow({ s, onRevoked }: { s: Session; onRevoked: (name: string) => void }) {
  const name = deviceName(s.user_agent);
  const revoke = useAction(async () => {
    await api.delete('/api/v1/me/sessions/{id}', { path: { id: s.id } });
    onRevoked(name);
  });
  return (
    <article class={`card account-session${s.current ? ' is-current' : ''}`} aria-label={`${name}${s.current ? ', this device' : ''}`}>
      <div class="account-session-info">
        <p class="account-session-name">
          <strong>{name}</strong>
          {s.current && <span class="pill pill-active">This device</span>}
        </p>
        {s.user_agent && <p class="small muted account-ua">{s.user_agent}</p>}
        <dl class="account-facts small">
          {s.ip && <div><dt>Address</dt><dd>{s.ip}</dd></div>}
          <div><dt>Signed in</dt><dd>{when(s.started_at)}</dd></div>
          <div><dt>Last used</dt><dd>{when(s.last_used_at)}</dd></div>
        </dl>
      </div>
      <div class="account-session-action">
        {s.current
          ? <span class="small muted">Use “Sign out” to end this one.</span>
          : <Button kind="secondary" class="btn-small" busy={revoke.busy} onClick={() => void revoke.run()}>Revoke<span class="visually-hidden"> the session on {name}</span></Button>}
      </div>
      {revoke.error && <div class="account-file-msg"><FormError error={revoke.error} /></div>}
    </article>
  );
}

function SignOutEverywhere() {
  const [confirming, setConfirming] = useState(false);
  const act = useAction(async () => {
    await api.post('/api/v1/auth/logout-all');
    user.set(null);
    void loadCartCount();
    navigate('/');
    showToast('You have been signed out on every device.');
  });
  return (
    <section aria-labelledby="sessions-all" class="card account-section account-danger">
      <h2 id="sessions-all">Sign out everywhere</h2>
      <p>Ends every session, this one included. You will need to sign in again on each device.</p>
      {!confirming ? (
        <Button kind="secondary" onClick={() => setConfirming(true)}>Sign out everywhere</Button>
      ) : (
        <div class="account-confirm" role="group" aria-labelledby="sessions-all-q">
          <p id="sessions-all-q"><strong>Sign out of every device now?</strong></p>
          <FormError error={act.error} />
          <div class="actions">
            <Button kind="danger" busy={act.busy} onClick={() => void act.run()}>Yes, sign out everywhere</Button>
            <Button kind="secondary" onClick={() => { setConfirming(false); act.setError(null); }}>Cancel</Button>
          </div>
        </div>
      )}
    </section>
  );
}

// ------------------------------------------------------------ /account/profile

export function Profile() {
  useTitle('Your profile');
  return <AccountShell>{(u) => <ProfileBody u={u} />}</AccountShell>;
}

function ProfileBody({ u }: { u: Me }) {
  return (
    <>
      <h1>Your profile</h1>
      <NameForm u={u} />
      <EmailForm u={u} />
      <PasswordForm u={u} />
      <ExportData />
      <DeleteAccount u={u} />
    </>
  );
}

function NameForm({ u }: { u: Me }) {
  const [name, setName] = useState(u.name ?? '');
  const [saved, setSaved] = useState(false);
  const act = useAction(async () => {
    setSaved(false);
    const r = await api.patch('/api/v1/me', { body: { name: name.trim() } });
    user.set(r.user);
    setSaved(true);
  });
  return (
    <section class="card account-section">
      <h2 id="profile-name">Your name</h2>
      <form onSubmit={(e) => { e.preventDefault(); void act.run(); }}>
        <FormError error={act.error} shown={['name']} />
        <Field label="Name" name="name" autocomplete="name" required maxLength={100} error={act.error}
          hint="Shown on your invoices and, if you write products, on their pages." value={name} onInput={(e) => { setName(e.currentTarget.value); setSaved(false); }} />
        <Button type="submit" busy={act.busy}>Save name</Button>
        {saved && <Notice kind="success"><p>Your name has been saved.</p></Notice>}
      </form>
    </section>
  );
}

function EmailForm({ u }: { u: Me }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [sentTo, setSentTo] = useState<string | null>(null);
  const passRef = useRef<HTMLDivElement>(null);
  const act = useAction(async (address: string) => {
    setSentTo(null);
    const r = await api.patch('/api/v1/me', { body: { email: address, ...(u.has_password ? { current_password: password } : {}) } });
    user.set(r.user);
    setEmail('');
    setPassword('');
    setSentTo(r.user.pending_email ?? null);
  });
  const err = act.error;
  return (
    <section class="card account-section">
      <h2 id="profile-email">E-mail address</h2>
      <p>You sign in with <strong>{u.email}</strong>{u.email_verified ? ' (verified).' : ' (not verified yet).'}</p>
      {sentTo ? (
        <Notice kind="success"><p>We sent a link to {sentTo}. Your address changes when you follow it; until then you sign in with {u.email}.</p></Notice>
      ) : u.pending_email ? (
        <Notice kind="info">
          <p>Waiting for you to confirm <strong>{u.pending_email}</strong>: follow the link we sent there.</p>
          <p>
            <Button kind="link" busy={act.busy} onClick={() => {
              if (u.has_password) { setEmail(u.pending_email ?? ''); passRef.current?.querySelector('input')?.focus(); }
              else void act.run(u.pending_email ?? '');
            }}>Send the link again</Button>
            {u.has_password && <span class="small muted"> (enter your password below)</span>}
          </p>
        </Notice>
      ) : null}
      <form onSubmit={(e) => { e.preventDefault(); void act.run(email.trim()); }}>
        <FormError error={err} shown={['email', 'current_password']} />
        <Field label="New e-mail address" name="email" type="email" autocomplete="email" required error={err}
          value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        {u.has_password && (
          <div ref={passRef}>
            <Field label="Confirm with your password" name="current_password" type="password" autocomplete="current-password" required error={err}
              hint="Needed to change the address." value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
          </div>
        )}
        <Button type="submit" busy={act.busy}>Change e-mail</Button>
      </form>
    </section>
  );
}

function PasswordForm({ u }: { u: Me }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const [done, setDone] = useState(false);
  const act = useAction(async () => {
    setDone(false);
    await api.post('/api/v1/me/password', { body: { new_password: next, ...(u.has_password ? { current_password: current } : {}) } });
    setCurrent(''); setNext(''); setConfirm('');
    setDone(true);
    if (!u.has_password) void loadUser(); // has_password is now true
  });
  const err = act.error;
  return (
    <section class="card account-section">
      <h2 id="profile-password">{u.has_password ? 'Password' : 'Set a password'}</h2>
      {!u.has_password && (
        <p>Your account has no password: you sign in with Google, GitHub or a one-time code. You can set one here, or through <Link href="/reset-password">Forgot password?</Link>, to sign in with your e-mail and password as well.</p>
      )}
      {done && <Notice kind="success"><p>Your password has been changed. Your other devices have been signed out.</p></Notice>}
      <form onSubmit={(e) => {
        e.preventDefault();
        if (next !== confirm) { setMismatch(true); return; }
        setMismatch(false);
        void act.run();
      }}>
        <FormError error={err} shown={['current_password', 'new_password']} />
        {u.has_password && (
          <Field label="Current password" name="current_password" type="password" autocomplete="current-password" required error={err}
            value={current} onInput={(e) => setCurrent(e.currentTarget.value)} />
        )}
        <Field label="New password" name="new_password" type="password" autocomplete="new-password" required minLength={10} error={err}
          hint="At least 10 characters, not your e-mail address, not a common password." value={next} onInput={(e) => setNext(e.currentTarget.value)} />
        <div class={`field${mismatch ? ' field-invalid' : ''}`}>
          <label for="profile-confirm">Confirm new password</label>
          <input id="profile-confirm" type="password" autocomplete="new-password" required
            aria-invalid={mismatch ? true : undefined} aria-describedby={mismatch ? 'profile-confirm-err' : undefined}
            value={confirm} onInput={(e) => setConfirm(e.currentTarget.value)} />
          {mismatch && <p class="field-error" id="profile-confirm-err" role="alert">The two passwords do not match.</p>}
        </div>
        <Button type="submit" busy={act.busy}>{u.has_password ? 'Change password' : 'Set password'}</Button>
      </form>
    </section>
  );
}

function ExportData() {
  const [done, setDone] = useState(false);
  const act = useAction(async () => {
    setDone(false);
    const r = await api.blob('/api/v1/me/export');
    if ('pending' in r) throw new ApiError(202, 'pending', 'Your data is being prepared: try again in a moment.');
    saveBlob(r.blob, `souk-export-${today()}.json`);
    setDone(true);
  });
  return (
    <section class="card account-section">
      <h2 id="profile-export">Your data</h2>
      <p>Download everything we hold about you (profile, orders, downloads, enquiries, reviews, sessions and activity) as a JSON file.</p>
      <Button kind="secondary" busy={act.busy} onClick={() => void act.run()}>Download my data</Button>
      {done && <Notice kind="success"><p>Your data has been downloaded as souk-export-{today()}.json.</p></Notice>}
      <FormError error={act.error} />
    </section>
  );
}

function DeleteAccount({ u }: { u: Me }) {
  const [step, setStep] = useState<1 | 2>(1);
  const [password, setPassword] = useState('');
  const act = useAction(async () => {
    await api.delete('/api/v1/me', { body: u.has_password ? { password } : {} });
    user.set(null);
    void loadCartCount();
    navigate('/');
    showToast('Your account has been deleted and you have been signed out.');
  });
  const err = act.error;
  return (
    <section class="card account-section account-danger">
      <h2 id="profile-delete">Delete account</h2>
      <p>Deleting your account removes your name, e-mail address and sign-in details and signs you out everywhere. You lose access to your library. Orders and tax invoices are kept, without your name, for accounting.</p>
      {step === 1 ? (
        <Button kind="danger" onClick={() => setStep(2)}>Delete account</Button>
      ) : (
        <form class="account-confirm" onSubmit={(e) => { e.preventDefault(); void act.run(); }} aria-labelledby="profile-delete-q">
          <p id="profile-delete-q"><strong>Are you sure? This cannot be undone.</strong></p>
          {retryText(err) && <p>{retryText(err)}</p>}
          <FormError error={err} shown={['password']} />
          {u.has_password && (
            <Field label="Your password, to confirm the deletion" name="password" type="password" autocomplete="current-password" required error={err}
              value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
          )}
          <div class="actions">
            <Button type="submit" kind="danger" busy={act.busy}>Delete my account permanently</Button>
            <Button kind="secondary" onClick={() => { setStep(1); setPassword(''); act.setError(null); }}>Cancel</Button>
          </div>
        </form>
      )}
    </section>
  );
}
