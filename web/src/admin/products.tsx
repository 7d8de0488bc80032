// products.tsx - back office: the product list (search, status and category
// filters, cursor pages) and the routes of the product screens; the edit
// form is in product-edit.tsx and its files in product-files.tsx.
import '../styles/admin-products.css';
import { useEffect, useState } from 'preact/hooks';
import { api, type Get } from '../api/ApiService';
import { Link, setQuery } from '../lib/router';
import { Button } from '../lib/ui';
import { rupees } from '../lib/format';
import type { AdminRoute } from './types';
import { AdminPage, PagedFooter, Status, usePaged, when } from './ui';
import { ProductEditPage } from './product-edit';
import { useCategories } from './shop-forms';

type Summary = Get<'/api/v1/admin/products'>['items'][number];
type StatusFilter = 'draft' | 'published' | 'archived';
const STATUSES: StatusFilter[] = ['draft', 'published', 'archived'];

function statusOf(v: string | null): StatusFilter | undefined {
  return STATUSES.find((s) => s === v);
}

function Filters({ q, status, category }: { q: string; status: string; category: string }) {
  const [text, setText] = useState(q);
  // the form stays mounted across filter changes (typed text and focus kept); a new q
  // from the address (Clear filters, back) replaces the text
  useEffect(() => setText(q), [q]);
  const cats = useCategories();
  return (
    <form class="admin-filters" role="search" aria-label="Products"
      onSubmit={(e) => { e.preventDefault(); setQuery({ q: text.trim() }); }}>
      <div class="field">
        <label for="pf-q">Title or slug</label>
        <input id="pf-q" type="search" maxLength={200} value={text} onInput={(e) => setText(e.currentTarget.value)} />
      </div>
      <Button type="submit" kind="secondary">Search</Button>
      <div class="field">
        <label for="pf-status">Status</label>
        <select id="pf-status" value={status} onChange={(e) => setQuery({ status: e.currentTarget.value })}>
          <option value="">Any status</option>
          {STATUSES.map((s) => <option key={s} value={s}>{s[0]!.toUpperCase() + s.slice(1)}</option>)}
        </select>
      </div>
      <div class="field">
        <label for="pf-category">Category</label>
        <select id="pf-category" value={category} disabled={!cats.data} onChange={(e) => setQuery({ category: e.currentTarget.value })}>
          <option value="">Any category</option>
          {cats.data?.map((c) => <option key={c.slug} value={c.slug}>{c.name}</option>)}
          {category && cats.data && !cats.data.some((c) => c.slug === category) && <option value={category}>{category}</option>}
        </select>
      </div>
      {(q || status || category) && <Link href="/admin/products" class="btn btn-link">Clear filters</Link>}
    </form>
  );
}

function ProductRow({ p }: { p: Summary }) {
  return (
    <tr>
      <th scope="row">
        <Link href={`/admin/products/${p.id}`}>{p.title}</Link>
        <div class="muted small">{p.slug}</div>
      </th>
      <td><Status value={p.status} /></td>
      <td class="num">{p.price_paise === 0 ? 'Free' : rupees(p.price_paise)}</td>
      <td class="num">{p.sales_count.toLocaleString('en-IN')}</td>
      <td>{when(p.updated_at)}</td>
    </tr>
  );
}

function ProductList({ query }: { query: URLSearchParams }) {
  const q = (query.get('q') ?? '').slice(0, 200);
  const status = statusOf(query.get('status'));
  const category = query.get('category') ?? '';
  const key = JSON.stringify([q, status, category]);
  const list = usePaged<Summary>((cursor, signal) => api.get('/api/v1/admin/products', {
    query: { q: q || undefined, status, category: category || undefined, cursor: cursor ?? undefined },
    signal,
  }), key);
  return (
    <AdminPage title="Products" actions={<Link href="/admin/products/new" class="btn btn-primary">New product</Link>}>
      <Filters q={q} status={status ?? ''} category={category} />
      {list.items.length > 0 && (
        <div class="admin-table-wrap">
          <table class="admin-table">
            <caption class="visually-hidden">Products, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Status</th>
                <th scope="col" class="num">Price</th>
                <th scope="col" class="num">Sales</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>{list.items.map((p) => <ProductRow key={p.id} p={p} />)}</tbody>
          </table>
        </div>
      )}
      <PagedFooter list={list} empty={q || status || category ? 'No product matches these filters.' : 'No products yet.'} />
    </AdminPage>
  );
}

export const productRoutes: AdminRoute[] = [
  { pattern: '/admin/products', permission: 'products:write', view: ({ query }) => <ProductList query={query} />, nav: { label: 'Products', group: 'Shop' } },
  { pattern: '/admin/products/new', permission: 'products:write', view: () => <ProductEditPage key="new" id={null} /> },
  { pattern: '/admin/products/:id', permission: 'products:write', view: ({ params }) => <ProductEditPage key={params.id} id={params.id ?? null} /> },
];
