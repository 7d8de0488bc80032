// categories.tsx - back office: the shop's categories (GET /admin/categories:
// sort order, products of any status and published), one form to create or
// edit one (name, slug, description, sort order; a taken slug is shown beside
// it), and deleting an empty one behind a confirmation.
import '../styles/admin-products.css';
import { useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../api/ApiService';
import type { components } from '../api/types';
import { Link } from '../lib/router';
import { Button, ErrorBox, Field, FormError, Load, useAction, useAsync } from '../lib/ui';
import type { AdminRoute } from './types';
import { AdminPage, Confirm, when } from './ui';
import { bind, fieldErrors } from './shop-forms';

type Category = components['schemas']['AdminCategoryList']['items'][number];
type Form = { name: string; slug: string; description: string; sort_order: string };

const FIELDS = ['name', 'slug', 'description', 'sort_order'];
const formOf = (c: Category | null): Form => ({
  name: c?.name ?? '', slug: c?.slug ?? '', description: c?.description ?? '', sort_order: String(c?.sort_order ?? 0),
});

/** The members to send: all of them for a new category, only the changed ones for an edit. */
function bodyOf(f: Form, base: Category | null): { body?: Record<string, string | number>; error?: ApiError | null } {
  const bad: Record<string, string> = {};
  const name = f.name.trim(), slug = f.slug.trim().toLowerCase(), description = f.description.trim();
  if (!name) bad.name = 'is required';
  if (slug && !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(slug)) bad.slug = "may have only letters, digits and single '-' between them";
  const order = f.sort_order.trim();
  if (!/^-?\d{1,7}$/.test(order) || Math.abs(Number(order)) > 1_000_000) bad.sort_order = 'must be a whole number from -1,000,000 to 1,000,000';
  if (Object.keys(bad).length) return { error: fieldErrors(bad) };
  const all: Record<string, string | number> = { name, description, sort_order: Number(order) };
  if (slug) all.slug = slug;
  if (!base) return { body: all };
  const diff: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(all)) if ((base as unknown as Record<string, unknown>)[k] !== v) diff[k] = v;
  return { body: diff };
}

function CategoryForm({ base, onSaved, onCancel }: { base: Category | null; onSaved: (slug: string, message: string) => void; onCancel: () => void }) {
  const [form, setForm] = useState<Form>(() => formOf(base));
  const [error, setError] = useState<ApiError | null>(null);
  const change = (p: Partial<Form>) => setForm((f) => ({ ...f, ...p }));
  const save = useAction(async () => {
    const v = bodyOf(form, base);
    if (v.error) { setError(v.error); return; }
    if (base && Object.keys(v.body!).length === 0) { onCancel(); return; }
    try {
      const c = base
        ? await api.patch('/api/v1/admin/categories/{slug}', { path: { slug: base.slug }, body: v.body! })
        : await api.post('/api/v1/admin/categories', { body: v.body as { name: string } });
      setError(null);
      onSaved(c.slug, base ? `Saved ${c.name}.` : `Created ${c.name}.`);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      setError(e);
    }
  });
  const title = base ? `Edit ${base.name}` : 'New category';
  return (
    <form class="card admin-category-form" noValidate aria-label={title} onSubmit={(e) => { e.preventDefault(); void save.run(); }}>
      <h2>{title}</h2>
      <FormError error={error} shown={FIELDS} />
      <Field label="Name" name="name" error={error} required maxLength={100} {...bind(form.name, (name) => change({ name }))} />
      <Field label="Slug" name="slug" error={error} maxLength={100} autoComplete="off"
        hint={base ? 'The category\'s address: /category/<slug>. Changing it breaks old links to it.' : 'Leave empty to make one from the name.'}
        {...bind(form.slug, (slug) => change({ slug }))} />
      <Field label="Description" name="description" error={error} maxLength={2000} {...bind(form.description, (description) => change({ description }))} />
      <Field label="Sort order" name="sort_order" error={error} inputMode="numeric" hint="Lists show lower numbers first, then by name."
        {...bind(form.sort_order, (sort_order) => change({ sort_order }))} />
      <div class="actions">
        <Button type="submit" busy={save.busy}>{base ? 'Save changes' : 'Create category'}</Button>
        <Button kind="secondary" onClick={onCancel}>Cancel</Button>
      </div>
      <ErrorBox error={save.error} />
    </form>
  );
}

function CategoriesPage() {
  const list = useAsync((signal) => api.get('/api/v1/admin/categories', { signal }).then((r) => r.items), []);
  const [editing, setEditing] = useState<Category | 'new' | null>(null);
  const [doomed, setDoomed] = useState<Category | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const status = useRef<HTMLParagraphElement>(null);
  const said = (m: string) => { setMessage(m); setTimeout(() => status.current?.focus(), 0); };
  const remove = useAction(async (c: Category) => {
    await api.delete('/api/v1/admin/categories/{slug}', { path: { slug: c.slug } });
    setDoomed(null);
    list.reload();
    said(`Deleted ${c.name}.`);
  });
  const open = (c: Category | 'new') => { setMessage(null); setEditing(c); };

  return (
    <AdminPage title="Categories" actions={<Button onClick={() => open('new')}>New category</Button>}>
      <p ref={status} tabIndex={-1} role="status" class="muted">{message ?? ''}</p>
      {editing && (
        <CategoryForm key={editing === 'new' ? 'new' : editing.slug} base={editing === 'new' ? null : editing}
          onCancel={() => setEditing(null)}
          onSaved={(_, m) => { setEditing(null); list.reload(); said(m); }} />
      )}
      <Load state={list} label="Loading the categories">
        {(items) => items.length === 0 ? <p class="muted admin-empty">No categories yet.</p> : (
          <div class="admin-table-wrap">
            <table class="admin-table">
              <caption class="visually-hidden">Categories, in the order the shop lists them</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Slug</th>
                  <th scope="col" class="num">Sort order</th>
                  <th scope="col" class="num">Products</th>
                  <th scope="col" class="num">Published</th>
                  <th scope="col">Updated</th>
                  <th scope="col"><span class="visually-hidden">Actions</span></th>
                </tr>
              </thead>
              <tbody>
                {items.map((c) => (
                  <tr key={c.slug}>
                    <th scope="row">{c.name}{c.description && <div class="muted small">{c.description}</div>}</th>
                    <td><Link href={`/admin/products?category=${encodeURIComponent(c.slug)}`}><code>{c.slug}</code></Link></td>
                    <td class="num">{c.sort_order}</td>
                    <td class="num">{c.product_count.toLocaleString('en-IN')}</td>
                    <td class="num">{c.published_count.toLocaleString('en-IN')}</td>
                    <td>{when(c.updated_at)}</td>
                    <td class="admin-row-actions">
                      <Button kind="secondary" class="btn-small" onClick={() => open(c)} aria-label={`Edit ${c.name}`}>Edit</Button>
                      {' '}
                      {c.product_count > 0
                        ? <span class="muted small">In use: move its products to delete it</span>
                        : <Button kind="secondary" class="btn-small" onClick={() => { remove.setError(null); setDoomed(c); }} aria-label={`Delete ${c.name}`}>Delete</Button>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Load>
      <Confirm open={doomed !== null} title={`Delete ${doomed?.name ?? ''}?`} confirm="Delete the category" danger busy={remove.busy}
        onConfirm={() => doomed && void remove.run(doomed)} onCancel={() => setDoomed(null)}>
        <p>The category has no products. Its page, /category/{doomed?.slug}, will be gone.</p>
        <ErrorBox error={remove.error} />
      </Confirm>
    </AdminPage>
  );
}

export const categoryRoutes: AdminRoute[] = [
  { pattern: '/admin/categories', permission: 'products:write', view: () => <CategoriesPage />, nav: { label: 'Categories', group: 'Shop' } },
];
