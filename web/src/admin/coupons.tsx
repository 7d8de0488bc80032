// coupons.tsx - back office: the coupon list (discount, uses against their
// limits, validity, scope, state) and the routes of the coupon screens; the
// form is in coupon-edit.tsx.
import '../styles/admin-products.css';
import { api } from '../api/ApiService';
import { Link } from '../lib/router';
import { rupees } from '../lib/format';
import type { AdminRoute } from './types';
import { AdminPage, PagedFooter, Status, usePaged } from './ui';
import { CouponEditPage } from './coupon-edit';
import { couponState, discountText, scopeText, validityText, type Coupon } from './coupon-model';

function CouponRow({ c }: { c: Coupon }) {
  return (
    <tr>
      <th scope="row">
        <Link href={`/admin/coupons/${encodeURIComponent(c.code)}`}><code>{c.code}</code></Link>
        {c.description && <div class="muted small">{c.description}</div>}
      </th>
      <td>{discountText(c)}</td>
      <td class="num">{c.min_order_paise ? rupees(c.min_order_paise) : '—'}</td>
      <td class="num">{c.redemptions.toLocaleString('en-IN')}{c.max_redemptions !== null ? ` of ${c.max_redemptions.toLocaleString('en-IN')}` : ''}</td>
      <td class="num">{c.per_customer_limit ?? 'No limit'}</td>
      <td>{validityText(c)}</td>
      <td>{scopeText(c)}</td>
      <td><Status value={couponState(c)} /></td>
    </tr>
  );
}

function CouponList() {
  const list = usePaged<Coupon>((cursor, signal) => api.get('/api/v1/admin/coupons', { query: { cursor: cursor ?? undefined }, signal }), 'all');
  return (
    <AdminPage title="Coupons" actions={<Link href="/admin/coupons/new" class="btn btn-primary">New coupon</Link>}>
      {list.items.length > 0 && (
        <div class="admin-table-wrap">
          <table class="admin-table">
            <caption class="visually-hidden">Coupons, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Code</th>
                <th scope="col">Discount</th>
                <th scope="col" class="num">Min. order</th>
                <th scope="col" class="num">Uses</th>
                <th scope="col" class="num">Per customer</th>
                <th scope="col">Valid</th>
                <th scope="col">Applies to</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>{list.items.map((c) => <CouponRow key={c.code} c={c} />)}</tbody>
          </table>
        </div>
      )}
      <PagedFooter list={list} empty="No coupons yet." />
    </AdminPage>
  );
}

export const couponRoutes: AdminRoute[] = [
  { pattern: '/admin/coupons', permission: 'coupons:write', view: () => <CouponList />, nav: { label: 'Coupons', group: 'Shop' } },
  { pattern: '/admin/coupons/new', permission: 'coupons:write', view: () => <CouponEditPage key="new" code={null} /> },
  { pattern: '/admin/coupons/:code', permission: 'coupons:write', view: ({ params }) => <CouponEditPage key={params.code} code={params.code ?? null} /> },
];
