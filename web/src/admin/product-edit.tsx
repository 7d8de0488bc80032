// product-edit.tsx - back office: a product's edit form (new and existing),
// saved with the version last read (a 409 on a stale version offers a
// reload), its publish / unpublish / archive / delete actions, and on an
// existing product its images and files (product-files.tsx).
import { useState } from 'preact/hooks';
import { api, ApiError } from '../api/ApiService';
import { Link, navigate } from '../lib/router';
import { Button, ErrorBox, Field, FormError, Load, useAction, useAsync } from '../lib/ui';
import { day } from '../lib/format';
import { AdminPage, Confirm, Status, when } from './ui';
import { bind, SelectField, useCategories } from './shop-forms';
import { changedLabels, changes, createBody, formOf, SHOWN_FIELDS, valuesOf, type Product, type ProductForm } from './product-model';
import { FilesSection, ImageUpload } from './product-files';

export function ProductEditPage({ id }: { id: string | null }) {
  if (id === null) return <ProductEditor product={null} />;
  return <ExistingProduct id={id} />;
}

function ExistingProduct({ id }: { id: string }) {
  const state = useAsync((signal) => api.get('/api/v1/admin/products/{id}', { path: { id }, signal }), [id]);
  return (
    <Load state={state} label="Loading the product">
      {(p) => <ProductEditor key={p.id} product={p} />}
    </Load>
  );
}

/** Whether an error is a stale version (a 409 that is not about the slug). */
function isStale(e: ApiError | null): boolean {
  return !!e && e.status === 409 && !e.fields.slug;
}

function ProductEditor({ product }: { product: Product | null }) {
  const [base, setBase] = useState<Product | null>(product);
  const [form, setForm] = useState<ProductForm>(() => formOf(product));
  const [error, setError] = useState<ApiError | null>(null);
  const [conflict, setConflict] = useState<string[] | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const set = (k: keyof ProductForm) => (v: string | ((old: string) => string)) => { setForm((f) => ({ ...f, [k]: typeof v === 'function' ? v(f[k] as string) : v })); setSaved(null); };

  /** After a write answered the product: it is the new base. */
  const took = (p: Product, message: string, resetForm: boolean) => {
    setBase(p);
    if (resetForm) setForm(formOf(p));
    setError(null);
    setConflict(null);
    setSaved(message);
  };
  /** A failed write: a stale version becomes the conflict notice, the rest the form's error. */
  const failed = (e: ApiError) => {
    if (isStale(e) && base) { setConflict(changedLabels(form, base)); setError(null); }
    else setError(e);
  };

  const save = useAction(async () => {
    setSaved(null);
    const v = valuesOf(form, base === null);
    if (v.error) { setError(v.error); return; }
    try {
      if (base === null) {
        const p = await api.post('/api/v1/admin/products', { body: createBody(v.values) });
        navigate(`/admin/products/${p.id}`);
        return;
      }
      const diff = changes(v.values, base);
      if (Object.keys(diff).length === 0) { setError(null); setSaved('Nothing has changed: there is nothing to save.'); return; }
      const p = await api.patch('/api/v1/admin/products/{id}', { path: { id: base.id }, body: { version: base.version, ...diff } });
      took(p, `Saved (version ${p.version}).`, true);
    } catch (e) {
      if (e instanceof ApiError) failed(e); else throw e;
    }
  });

  const reload = useAction(async () => {
    if (!base) return;
    const p = await api.get('/api/v1/admin/products/{id}', { path: { id: base.id } });
    took(p, `Reloaded: this is version ${p.version}, as it is now.`, true);
  });

  const title = base ? base.title : 'New product';
  return (
    <AdminPage title={title} actions={<Link href="/admin/products" class="btn btn-secondary">All products</Link>}>
      {conflict && <ConflictNotice changed={conflict} busy={reload.busy} onReload={() => void reload.run()} />}
      <ErrorBox error={reload.error} />
      <div class="two-col product-edit">
        <form noValidate onSubmit={(e) => { e.preventDefault(); void save.run(); }} aria-labelledby="product-form-h">
          <h2 id="product-form-h" class="visually-hidden">Details</h2>
          <FormError error={error} shown={SHOWN_FIELDS} />
          <ProductFields form={form} set={set} error={error} />
          {base && <ImageFields productId={base.id} form={form} set={set} error={error} />}
          <div class="actions">
            <Button type="submit" busy={save.busy} disabled={conflict !== null}>{base ? 'Save changes' : 'Create draft'}</Button>
            {saved && <span role="status" class="muted">{saved}</span>}
          </div>
          {!base && <p class="muted small">Images and files can be added once the draft is created.</p>}
          <ErrorBox error={save.error} />
        </form>
        {base && <StatusPanel product={base} onChanged={(p, m) => took(p, m, false)} onFailed={failed} />}
      </div>
      {base && <FilesSection product={base} />}
    </AdminPage>
  );
}

function ConflictNotice({ changed, busy, onReload }: { changed: string[]; busy: boolean; onReload: () => void }) {
  return (
    <div class="notice notice-warning" role="alert">
      <p><strong>Someone else changed this product since you opened it.</strong> Your change was not saved.</p>
      {changed.length > 0 && <p>Your unsaved changes: {changed.join(', ')}. Reloading discards them, so note them first if you want to apply them again.</p>}
      <p><Button kind="secondary" busy={busy} onClick={onReload}>Reload</Button></p>
    </div>
  );
}

type FieldsProps = { form: ProductForm; set: (k: keyof ProductForm) => (v: string | ((old: string) => string)) => void; error: ApiError | null };

function ProductFields({ form, set, error }: FieldsProps) {
  const cats = useCategories();
  return (
    <>
      <Field label="Title" name="title" error={error} required maxLength={200} {...bind(form.title, set('title'))} />
      <Field label="Slug" name="slug" error={error} maxLength={100} hint="The product's address: /products/<slug>. Letters, digits and single hyphens. Left empty on a new product, it is made from the title." {...bind(form.slug, set('slug'))} />
      <Field label="Summary" name="summary" error={error} maxLength={500} hint="One line, shown on product cards." {...bind(form.summary, set('summary'))} />
      <Field label="Description" name="description" error={error} textarea class="textarea-tall" maxLength={50000} hint="Markdown." {...bind(form.description, set('description'))} />
      <div class="admin-grid">
        <Field label="Price (₹)" name="price_paise" error={error} inputMode="decimal" hint="Before GST, at most 2 decimals (499.50). 0 makes it free." {...bind(form.price, set('price'))} />
        <Field label="GST rate (%)" name="tax_rate_bp" error={error} inputMode="decimal" hint="For example 18 or 12.5." {...bind(form.tax, set('tax'))} />
      </div>
      <SelectField label="Category" name="category" error={error} value={form.category} onChange={set('category')}
        disabled={!cats.data} hint={cats.error ? `The categories could not be loaded: ${cats.error.message}` : undefined}>
        <option value="">No category</option>
        {cats.data?.map((c) => <option key={c.slug} value={c.slug}>{c.name}</option>)}
        {form.category && !cats.data?.some((c) => c.slug === form.category) && <option value={form.category}>{form.category}</option>}
      </SelectField>
      <Field label="Tags" name="tags" error={error} hint="Comma-separated slugs (at most 20), e.g. ebook, python." {...bind(form.tags, set('tags'))} />
      <div class="admin-grid">
        <Field label="Download limit" name="download_limit" error={error} inputMode="numeric" hint="Downloads per file for each buyer (1 to 100,000). Empty: the site's default." {...bind(form.downloadLimit, set('downloadLimit'))} />
        <Field label="Link lifetime (seconds)" name="link_ttl_seconds" error={error} inputMode="numeric" hint="How long a download link works (10 to 604,800, which is 7 days). Empty: the site's default." {...bind(form.linkTtl, set('linkTtl'))} />
      </div>
    </>
  );
}

function ImageFields({ productId, form, set, error }: FieldsProps & { productId: string }) {
  const previews = form.previews.split('\n').filter((l) => l.trim());
  return (
    <fieldset class="admin-section product-images">
      <legend>Images</legend>
      <Field label="Cover image URL" name="cover_image_url" error={error} hint="An https:// address or a path on this site (/media/…)." {...bind(form.cover, set('cover'))} />
      {form.cover.trim() && <img class="product-image-preview" src={form.cover.trim()} alt="The cover image" />}
      <ImageUpload productId={productId} label="Upload a cover image" onUploaded={(url) => set('cover')(url)} />
      <Field label="Preview image URLs" name="preview_image_urls" error={error} textarea class="textarea-short" hint="One per line, at most 20." {...bind(form.previews, set('previews'))} />
      {previews.length > 0 && (
        <ul class="product-image-strip">
          {previews.map((u, i) => <li key={u + i}><img class="product-image-preview" src={u.trim()} alt={`Preview image ${i + 1}`} /></li>)}
        </ul>
      )}
      <ImageUpload productId={productId} label="Upload a preview image"
        onUploaded={(url) => set('previews')((old) => (old.trim() ? `${old.trimEnd()}\n${url}` : url))} />
      <p class="muted small">An uploaded image is used once you save the product.</p>
    </fieldset>
  );
}

type Action = 'publish' | 'unpublish' | 'archive';

function StatusPanel({ product: p, onChanged, onFailed }: { product: Product; onChanged: (p: Product, message: string) => void; onFailed: (e: ApiError) => void }) {
  const [confirm, setConfirm] = useState<'archive' | 'delete' | null>(null);
  const act = useAction(async (a: Action) => {
    const opts = { path: { id: p.id }, body: { version: p.version } };
    try {
      const r = a === 'publish' ? await api.post('/api/v1/admin/products/{id}/publish', opts)
        : a === 'unpublish' ? await api.post('/api/v1/admin/products/{id}/unpublish', opts)
        : await api.post('/api/v1/admin/products/{id}/archive', opts);
      setConfirm(null);
      onChanged(r, a === 'publish' ? 'Published.' : a === 'unpublish' ? 'Taken back to draft.' : 'Archived.');
      // the button pressed gives way to another (Publish, Unpublish): keep the keyboard here
      setTimeout(() => document.getElementById('product-status-h')?.focus(), 0);
    } catch (e) {
      setConfirm(null);
      if (e instanceof ApiError && isStale(e)) { onFailed(e); return; }
      throw e;
    }
  });
  const del = useAction(async () => {
    try {
      await api.delete('/api/v1/admin/products/{id}', { path: { id: p.id }, query: { version: p.version } });
      navigate('/admin/products');
    } catch (e) {
      setConfirm(null);
      // a 409 is either a sale since (the message says to archive) or a stale version (it names the version)
      if (e instanceof ApiError && e.status === 409 && /version/i.test(e.message)) { onFailed(e); return; }
      throw e;
    }
  });
  return (
    <aside class="card admin-section product-status" aria-labelledby="product-status-h">
      <h2 id="product-status-h" tabIndex={-1}>Status</h2>
      <p><Status value={p.status} /> <span class="muted small">version {p.version}</span></p>
      <dl class="product-facts">
        <dt>Sales</dt><dd>{p.sales_count.toLocaleString('en-IN')}{p.sold ? '' : ' (never sold or claimed)'}</dd>
        <dt>First published</dt><dd>{p.published_at ? day(p.published_at) : 'Never'}</dd>
        <dt>Created</dt><dd>{when(p.created_at)}</dd>
        <dt>Updated</dt><dd>{when(p.updated_at)}</dd>
      </dl>
      {p.status === 'published' && <p><a href={`/products/${encodeURIComponent(p.slug)}`} target="_blank" rel="noopener">View in the shop</a></p>}
      <div class="actions">
        {p.status !== 'published' && <Button busy={act.busy} onClick={() => void act.run('publish')}>Publish</Button>}
        {p.status === 'published' && <Button kind="secondary" busy={act.busy} onClick={() => void act.run('unpublish')}>Unpublish</Button>}
        {p.status !== 'archived' && <Button kind="secondary" disabled={act.busy} onClick={() => setConfirm('archive')}>Archive</Button>}
        {!p.sold && <Button kind="danger" disabled={act.busy} onClick={() => setConfirm('delete')}>Delete</Button>}
      </div>
      <ErrorBox error={act.error?.fields.files ? new ApiError(422, 'invalid', `Cannot publish: files ${act.error.fields.files}. Upload a file below first.`) : act.error} />
      <ErrorBox error={del.error} />
      <Confirm open={confirm === 'archive'} title="Archive this product?" confirm="Archive" busy={act.busy}
        onConfirm={() => void act.run('archive')} onCancel={() => setConfirm(null)}>
        <p>“{p.title}” will be hidden from the shop. Buyers keep their downloads. You can publish it again later.</p>
      </Confirm>
      <Confirm open={confirm === 'delete'} title="Delete this product?" confirm="Delete" danger busy={del.busy}
        onConfirm={() => void del.run()} onCancel={() => setConfirm(null)}>
        <p>“{p.title}”, its files and its images will be removed for good. This cannot be undone.</p>
      </Confirm>
    </aside>
  );
}
