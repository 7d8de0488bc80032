// coupon-edit.tsx - back office: a coupon's form (new and existing), its
// usage, and disabling (active = false) or deleting it behind a confirmation.
import { useState } from 'preact/hooks';
import { api, ApiError } from '../api/ApiService';
import { Link, navigate } from '../lib/router';
import { Button, ErrorBox, Field, FormError, Load, useAction, useAsync } from '../lib/ui';
import { AdminPage, Confirm, Status, when } from './ui';
import { bind, CheckField, useCategories } from './shop-forms';
import {
  COUPON_FIELDS, couponChanges, couponFormOf, couponState, couponValues, discountText, scopeText, validityText,
  type Coupon, type CouponForm,
} from './coupon-model';

export function CouponEditPage({ code }: { code: string | null }) {
  if (code === null) return <CouponEditor coupon={null} />;
  return <ExistingCoupon code={code} />;
}

function ExistingCoupon({ code }: { code: string }) {
  const state = useAsync((signal) => api.get('/api/v1/admin/coupons/{code}', { path: { code }, signal }), [code]);
  return <Load state={state} label="Loading the coupon">{(c) => <CouponEditor key={c.code} coupon={c} />}</Load>;
}

function CouponEditor({ coupon }: { coupon: Coupon | null }) {
  const [base, setBase] = useState<Coupon | null>(coupon);
  const [form, setForm] = useState<CouponForm>(() => couponFormOf(coupon));
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const change = (patch: Partial<CouponForm>) => { setForm((f) => ({ ...f, ...patch })); setSaved(null); };
  const took = (c: Coupon, message: string) => { setBase(c); setForm(couponFormOf(c)); setError(null); setSaved(message); };

  const save = useAction(async () => {
    setSaved(null);
    const v = couponValues(base ? { ...form, code: base.code, kind: base.kind } : form);
    if (v.error) { setError(v.error); return; }
    try {
      if (!base) {
        const c = await api.post('/api/v1/admin/coupons', { body: v.body });
        navigate(`/admin/coupons/${encodeURIComponent(c.code)}`);
        return;
      }
      const diff = couponChanges(v.body, base);
      if (Object.keys(diff).length === 0) { setError(null); setSaved('Nothing has changed: there is nothing to save.'); return; }
      took(await api.patch('/api/v1/admin/coupons/{code}', { path: { code: base.code }, body: diff }), 'Saved.');
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      // a taken code is a 409 without fields: show it beside the code
      setError(e.status === 409 && !base ? new ApiError(409, e.code, e.message, { code: e.message }) : e);
    }
  });

  return (
    <AdminPage title={base ? `Coupon ${base.code}` : 'New coupon'} actions={<Link href="/admin/coupons" class="btn btn-secondary">All coupons</Link>}>
      <div class="two-col">
        <form class="coupon-form" noValidate aria-label={base ? `Coupon ${base.code}` : 'New coupon'} onSubmit={(e) => { e.preventDefault(); void save.run(); }}>
          <FormError error={error} shown={COUPON_FIELDS} />
          <CouponFields form={form} change={change} error={error} existing={base !== null} />
          <div class="actions">
            <Button type="submit" busy={save.busy}>{base ? 'Save changes' : 'Create coupon'}</Button>
            {saved && <span role="status" class="muted">{saved}</span>}
          </div>
          <ErrorBox error={save.error} />
        </form>
        {base && <CouponPanel coupon={base} onChanged={(c, m) => { setBase(c); setForm((f) => ({ ...f, active: c.active })); setSaved(m); }} />}
      </div>
    </AdminPage>
  );
}

type FieldsProps = { form: CouponForm; change: (p: Partial<CouponForm>) => void; error: ApiError | null; existing: boolean };

function CouponFields({ form, change, error, existing }: FieldsProps) {
  const percentKind = form.kind === 'percent';
  return (
    <>
      {!existing && (
        <Field label="Code" name="code" error={error} required maxLength={40} autoComplete="off"
          hint="3 to 40 letters, digits, '_' or '-'; customers type it in any case. It cannot be changed later."
          {...bind(form.code, (code) => change({ code }))} />
      )}
      <Field label="Description" name="description" error={error} maxLength={500} hint="For staff; may be empty."
        {...bind(form.description, (description) => change({ description }))} />
      <fieldset class={`field${error?.fields.kind ? ' field-invalid' : ''}`} aria-describedby={error?.fields.kind ? 'coupon-kind-err' : undefined}>
        <legend>Kind of discount</legend>
        {(['percent', 'fixed'] as const).map((k) => (
          <label key={k} class="check">
            <input type="radio" name="kind" value={k} checked={form.kind === k} disabled={existing}
              onChange={() => change({ kind: k, value: '' })} />
            {k === 'percent' ? 'A percentage off the subtotal' : 'A fixed amount (₹) off the subtotal'}
          </label>
        ))}
        {existing && <p class="field-hint">The kind cannot be changed: make a new coupon instead.</p>}
        {error?.fields.kind && <p class="field-error" id="coupon-kind-err">{error.fields.kind}</p>}
      </fieldset>
      <div class="admin-grid">
        <Field label={percentKind ? 'Discount (%)' : 'Discount (₹)'} name="value" error={error} required inputMode="decimal"
          hint={percentKind ? 'Up to 100, at most 2 decimals (12.5).' : 'In rupees, at most 2 decimals (99.50). Before GST.'}
          {...bind(form.value, (value) => change({ value }))} />
        <Field label="Minimum order (₹)" name="min_order_paise" error={error} inputMode="decimal" hint="The least subtotal before GST; 0 for none."
          {...bind(form.minOrder, (minOrder) => change({ minOrder }))} />
        <Field label="Valid from" name="valid_from" error={error} type="datetime-local" hint="Your local time; empty for no start."
          {...bind(form.validFrom, (validFrom) => change({ validFrom }))} />
        <Field label="Valid until" name="valid_until" error={error} type="datetime-local" hint="Your local time; empty for no end."
          {...bind(form.validUntil, (validUntil) => change({ validUntil }))} />
        <Field label="Total uses" name="max_redemptions" error={error} inputMode="numeric" hint="Paid orders that may use it in all; empty for no limit."
          {...bind(form.maxRedemptions, (maxRedemptions) => change({ maxRedemptions }))} />
        <Field label="Uses per customer" name="per_customer_limit" error={error} inputMode="numeric" hint="Paid orders one account may use it on; empty for no limit."
          {...bind(form.perCustomer, (perCustomer) => change({ perCustomer }))} />
      </div>
      <CheckField label="Active (customers can use it)" name="active" error={error} checked={form.active} onChange={(active) => change({ active })} />
      <ScopeFields form={form} change={change} error={error} existing={existing} />
    </>
  );
}

function ScopeFields({ form, change, error }: FieldsProps) {
  const cats = useCategories();
  const toggle = (slug: string, on: boolean) =>
    change({ categories: on ? [...form.categories, slug] : form.categories.filter((s) => s !== slug) });
  const known = new Set(cats.data?.map((c) => c.slug));
  return (
    <fieldset>
      <legend>Applies to</legend>
      <p class="field-hint">With no products and no categories the coupon is store-wide. Otherwise it takes off only the lines of those products and of products in those categories.</p>
      <div class={`field${error?.fields.categories ? ' field-invalid' : ''}`} role="group" aria-labelledby="coupon-cats-h">
        <span id="coupon-cats-h" class="field-label"><strong>Categories</strong></span>
        {cats.error && <ErrorBox error={cats.error} retry={cats.reload} />}
        {!cats.data && !cats.error && <span class="muted small">Loading the categories…</span>}
        <ul class="coupon-categories">
          {cats.data?.map((c) => (
            <li key={c.slug}>
              <label class="check">
                <input type="checkbox" checked={form.categories.includes(c.slug)} onChange={(e) => toggle(c.slug, e.currentTarget.checked)} />
                {c.name}
              </label>
            </li>
          ))}
          {cats.data && form.categories.filter((s) => !known.has(s)).map((s) => (
            <li key={s}>
              <label class="check">
                <input type="checkbox" checked onChange={() => toggle(s, false)} />
                {s} (no longer a category)
              </label>
            </li>
          ))}
        </ul>
        {error?.fields.categories && <p class="field-error">{error.fields.categories}</p>}
      </div>
      <Field label="Products" name="products" error={error} textarea class="textarea-short"
        hint="Product slugs, comma-separated (as in /products/<slug>)." {...bind(form.products, (products) => change({ products }))} />
    </fieldset>
  );
}

function CouponPanel({ coupon: c, onChanged }: { coupon: Coupon; onChanged: (c: Coupon, message: string) => void }) {
  const [confirm, setConfirm] = useState<'disable' | 'delete' | null>(null);
  const setActive = useAction(async (active: boolean) => {
    const r = await api.patch('/api/v1/admin/coupons/{code}', { path: { code: c.code }, body: { active } });
    setConfirm(null);
    onChanged(r, active ? 'Enabled: customers can use it again.' : 'Disabled: customers can no longer use it.');
  });
  const del = useAction(async () => {
    await api.delete('/api/v1/admin/coupons/{code}', { path: { code: c.code } });
    navigate('/admin/coupons');
  });
  const state = couponState(c);
  return (
    <aside class="card admin-section product-status" aria-labelledby="coupon-usage-h">
      <h2 id="coupon-usage-h">Usage</h2>
      <p><Status value={state} /></p>
      <dl class="product-facts">
        <dt>Discount</dt><dd>{discountText(c)}</dd>
        <dt>Used</dt><dd>{c.redemptions.toLocaleString('en-IN')} {c.redemptions === 1 ? 'paid order' : 'paid orders'}{c.max_redemptions !== null ? ` of ${c.max_redemptions.toLocaleString('en-IN')}` : ''}</dd>
        <dt>Per customer</dt><dd>{c.per_customer_limit ?? 'No limit'}</dd>
        <dt>Valid</dt><dd>{validityText(c)}</dd>
        <dt>Applies to</dt><dd>{scopeText(c)}</dd>
        <dt>Created</dt><dd>{when(c.created_at)}</dd>
        <dt>Updated</dt><dd>{when(c.updated_at)}</dd>
      </dl>
      <div class="actions">
        {c.active
          ? <Button kind="secondary" onClick={() => { setActive.setError(null); setConfirm('disable'); }}>Disable</Button>
          : <Button kind="secondary" busy={setActive.busy} onClick={() => void setActive.run(true)}>Enable</Button>}
        <Button kind="danger" onClick={() => { del.setError(null); setConfirm('delete'); }}>Delete</Button>
      </div>
      {confirm === null && <ErrorBox error={setActive.error ?? del.error} />}
      <Confirm open={confirm === 'disable'} title={`Disable ${c.code}?`} confirm="Disable" busy={setActive.busy}
        onConfirm={() => void setActive.run(false)} onCancel={() => setConfirm(null)}>
        <p>Customers will no longer be able to use this coupon. Orders already paid keep their discount. You can enable it again later.</p>
        {setActive.error && <p class="field-error" role="alert">{setActive.error.message}</p>}
      </Confirm>
      <Confirm open={confirm === 'delete'} title={`Delete ${c.code}?`} confirm="Delete" danger busy={del.busy}
        onConfirm={() => void del.run()} onCancel={() => setConfirm(null)}>
        <p>The coupon will be removed for good. A coupon that an order used cannot be deleted: disable it instead.</p>
        {del.error && <p class="field-error" role="alert">{del.error.message}</p>}
      </Confirm>
    </aside>
  );
}
