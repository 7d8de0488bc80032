// content-reviews.tsx - back office: moderation of product reviews and site
// feedback. The queue (pending first by default, oldest first, so nothing
// waits forever) with Approve / Reject on each; any status can be changed
// again (a rejected review can still be approved).
import { useState } from 'preact/hooks';
import { api, ApiError } from '../api/ApiService';
import type { components } from '../api/types';
import { Link, setQuery } from '../lib/router';
import { Button, ErrorBox, Notice, Stars } from '../lib/ui';
import { AdminPage, PagedFooter, Status, usePaged, when } from './ui';
import type { AdminRoute } from './types';
import { SelectField } from './content-blocks';
import '../styles/admin-content.css';

type S = components['schemas'];
type Item = S['FeedbackAdminItem'];
type FStatus = S['FeedbackStatus'];
const STATUSES: FStatus[] = ['pending', 'approved', 'rejected'];

function Reviews({ query }: { query: URLSearchParams }) {
  const qs = query.get('status');
  const status = qs === 'all' ? '' : (STATUSES as (string | null)[]).includes(qs) ? (qs as FStatus) : 'pending';
  const kindQ = query.get('kind');
  const kind = kindQ === 'product' || kindQ === 'site' ? kindQ : undefined;
  const list = usePaged(
    (cursor, signal) => api.get('/api/v1/admin/feedback', { query: { status: status || undefined, kind, cursor: cursor ?? undefined }, signal }),
    `${status}|${kind ?? ''}`,
  );
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<{ id: string; e: ApiError } | null>(null);
  const [message, setMessage] = useState<string | null>(null);

  const moderate = async (it: Item, to: 'approve' | 'reject') => {
    setBusy(it.id + to); setError(null); setMessage(null);
    try {
      const m = to === 'approve'
        ? await api.post('/api/v1/admin/feedback/{id}/approve', { path: { id: it.id }, body: {} })
        : await api.post('/api/v1/admin/feedback/{id}/reject', { path: { id: it.id }, body: {} });
      list.update((x) => x.id === it.id, (x) => ({ ...x, status: m.status, moderated_at: m.moderated_at, updated_at: m.updated_at }));
      const what = it.kind === 'product' ? `The review of ${it.product?.title ?? 'the product'}` : 'The site feedback';
      setMessage(`${what} by ${it.user.name ?? it.user.email} is ${m.status}${m.status === 'approved' ? ' and public' : ' and hidden'}.`);
      // the pressed button is disabled now (the status it sets is the item's): keep the keyboard's place
      document.getElementById(`fb-${it.id}-status`)?.focus();
    } catch (e) {
      setError({ id: it.id, e: e instanceof ApiError ? e : new ApiError(0, 'client', String(e)) });
    } finally {
      setBusy(null);
    }
  };

  return (
    <AdminPage title="Reviews">
      <div class="admin-filters" role="search" aria-label="Filter reviews">
        <SelectField label="Status" path="status" error={null} value={status || 'all'} options={['pending', 'approved', 'rejected', 'all']}
          onChange={(v) => setQuery({ status: v === 'pending' ? null : v })} />
        <SelectField label="Kind" path="kind" error={null} value={kind ?? ''} optional="Both" options={['product', 'site']} onChange={(v) => setQuery({ kind: v })} />
      </div>
      {message && <Notice kind="success">{message}</Notice>}
      <ul class="content-reviews" role="list">
        {list.items.map((it) => (
          <li key={it.id} class="card content-pad content-review">
            <p class="content-review-head">
              <span id={`fb-${it.id}-status`} tabIndex={-1}><Status value={it.status} /></span>{' '}
              {it.kind === 'product' && it.product
                ? <>Review of <Link href={`/products/${encodeURIComponent(it.product.slug)}`}>{it.product.title}</Link></>
                : <>Feedback on the shop</>}
            </p>
            <p><Stars value={it.rating} /></p>
            {it.comment ? <blockquote class="content-message">{it.comment}</blockquote> : <p class="muted">No comment, a rating only.</p>}
            <p class="muted small">
              By {it.user.name ? `${it.user.name} <${it.user.email}>` : it.user.email}, {when(it.created_at)}
              {it.updated_at !== it.created_at ? ` (edited ${when(it.updated_at)})` : ''}
              {it.moderated_at ? `; moderated ${when(it.moderated_at)}` : ''}.
            </p>
            {error?.id === it.id && <ErrorBox error={error.e} />}
            <div class="content-savebar">
              <Button kind="primary" class="btn-small" busy={busy === it.id + 'approve'} disabled={it.status === 'approved'} aria-disabled={busy !== null || undefined} onClick={() => { if (busy === null) void moderate(it, 'approve'); }}>
                Approve<span class="visually-hidden"> {it.user.name ?? it.user.email}'s {it.kind === 'product' ? 'review' : 'feedback'}</span>
              </Button>
              <Button kind="danger" class="btn-small" busy={busy === it.id + 'reject'} disabled={it.status === 'rejected'} aria-disabled={busy !== null || undefined} onClick={() => { if (busy === null) void moderate(it, 'reject'); }}>
                Reject<span class="visually-hidden"> {it.user.name ?? it.user.email}'s {it.kind === 'product' ? 'review' : 'feedback'}</span>
              </Button>
            </div>
          </li>
        ))}
      </ul>
      <PagedFooter list={list} empty={status === 'pending' ? 'Nothing waits for moderation.' : 'No reviews match.'} />
    </AdminPage>
  );
}

export const reviewRoutes: AdminRoute[] = [
  { pattern: '/admin/reviews', permission: 'feedback:moderate', view: ({ query }) => <Reviews query={query} />, nav: { label: 'Reviews', group: 'Content' } },
];
