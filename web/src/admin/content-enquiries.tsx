// content-enquiries.tsx - back office: the enquiries inbox (contact-form
// messages). The list filtered by status and assignee; one enquiry with its
// message, status, assignee (a staff e-mail address), internal notes and
// replies, and the reply form (the API e-mails the reply to the sender).
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api/ApiService';
import type { components } from '../api/types';
import { Link, setQuery } from '../lib/router';
import { can, user } from '../lib/store';
import { Button, Field, FormError, Load, Notice, useAction, useAsync } from '../lib/ui';
import { AdminPage, PagedFooter, Status, usePaged, when } from './ui';
import type { AdminRoute } from './types';
import { SelectField, TextArea } from './content-blocks';
import '../styles/admin-content.css';

type S = components['schemas'];
type Detail = S['EnquiryDetail'];
type EnquiryStatus = S['EnquiryStatus'];
const STATUSES: EnquiryStatus[] = ['new', 'open', 'closed'];
/** The roles holding enquiries:manage (schema/006_roles_permissions_data.sql): who may be assigned. */
const ASSIGNABLE_ROLES = ['support', 'admin'];

/** The active staff who may be assigned, for the assignee's suggestions (needs users:read; else none). */
function useAssignable(allowed: boolean) {
  return useAsync(async (signal) => {
    if (!allowed) return [];
    const pages = await Promise.all(ASSIGNABLE_ROLES.map((role) =>
      api.get('/api/v1/admin/users', { query: { role, status: 'active', limit: 100 }, signal })));
    return pages.flatMap((p) => p.items).sort((a, b) => a.email.localeCompare(b.email));
  }, [allowed]);
}

function Inbox({ query }: { query: URLSearchParams }) {
  const status = query.get('status') ?? '';
  const assignee = query.get('assignee') ?? '';
  const list = usePaged(
    (cursor, signal) => api.get('/api/v1/admin/enquiries', {
      query: { status: (STATUSES as string[]).includes(status) ? (status as EnquiryStatus) : undefined, assignee: assignee || undefined, cursor: cursor ?? undefined }, signal,
    }),
    `${status}|${assignee}`,
  );
  return (
    <AdminPage title="Enquiries">
      <div class="admin-filters" role="search" aria-label="Filter enquiries">
        <SelectField label="Status" path="status" error={null} value={status} optional="Any status" options={STATUSES} onChange={(v) => setQuery({ status: v })} />
        <SelectField label="Assigned to" path="assignee" error={null} value={assignee} optional="Anyone or nobody" options={['me', 'none']} labels={{ me: 'Me', none: 'Nobody' }} onChange={(v) => setQuery({ assignee: v })} />
      </div>
      <div class="admin-table-wrap">
        <table class="admin-table">
          <caption class="visually-hidden">Enquiries, newest first</caption>
          <thead><tr><th scope="col">Received</th><th scope="col">From</th><th scope="col">Subject</th><th scope="col">Status</th><th scope="col">Assigned to</th></tr></thead>
          <tbody>
            {list.items.map((e) => (
              <tr key={e.id}>
                <td>{when(e.created_at)}</td>
                <td>{e.name}<br /><span class="muted small">{e.email}</span></td>
                <td>
                  <Link href={`/admin/enquiries/${e.id}`}>{e.subject || '(no subject)'}</Link>
                  <br /><span class="muted small content-clip">{e.preview}</span>
                </td>
                <td><Status value={e.status} /></td>
                <td>{e.assignee ? (e.assignee.name ?? e.assignee.email) : <span class="muted">nobody</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <PagedFooter list={list} empty="No enquiries match." />
    </AdminPage>
  );
}

function Manage({ e, onChange }: { e: Detail; onChange: (d: Detail) => void }) {
  const me = user.use();
  const [status, setStatus] = useState<EnquiryStatus>(e.status);
  const [assignee, setAssignee] = useState(e.assignee?.email ?? '');
  const [saved, setSaved] = useState<string | null>(null);
  const staff = useAssignable(can(me, 'users:read'));
  // "Assign to me" goes, and "Change status" is disabled, once done: the keyboard's place moves to the message
  const savedRef = useRef<HTMLDivElement>(null);
  const focusSaved = useRef(false);
  useEffect(() => { if (saved && focusSaved.current) { focusSaved.current = false; savedRef.current?.focus(); } }, [saved]);
  // a reply opens a new enquiry: follow what the server says
  useEffect(() => { setStatus(e.status); setAssignee(e.assignee?.email ?? ''); }, [e.status, e.assignee?.email]);
  const update = useAction(async (body: S['EnquiryUpdate'], what: string) => {
    const d = await api.patch('/api/v1/admin/enquiries/{id}', { path: { id: e.id }, body });
    onChange(d); setStatus(d.status); setAssignee(d.assignee?.email ?? ''); setSaved(what);
  });
  return (
    <section class="admin-section card content-pad" aria-labelledby="manage-h">
      <h2 id="manage-h">Status and assignee</h2>
      {saved && <div ref={savedRef} tabIndex={-1}><Notice kind="success">{saved}</Notice></div>}
      <FormError error={update.error} shown={['status', 'assignee']} />
      <form class="content-inline-form" onSubmit={(ev) => { ev.preventDefault(); setSaved(null); focusSaved.current = true; void update.run({ status }, `Status set to ${status}.`); }}>
        <SelectField label="Status" path="status" error={update.error} value={status} options={STATUSES} onChange={(v) => setStatus(v as EnquiryStatus)} />
        <Button type="submit" kind="secondary" busy={update.busy} disabled={status === e.status}>Change status</Button>
      </form>
      <form class="content-inline-form" onSubmit={(ev) => {
        ev.preventDefault(); setSaved(null); focusSaved.current = false;
        const a = assignee.trim();
        void update.run({ assignee: a || null }, a ? `Assigned to ${a}.` : 'Nobody is assigned now.');
      }}>
        <Field label="Assigned to (a staff e-mail address)" name="assignee" error={update.error} type="email" autoComplete="off"
          list={staff.data?.length ? 'enquiry-assignable' : undefined}
          hint="Someone whose role handles enquiries. Leave empty to unassign." value={assignee} onInput={(ev) => setAssignee((ev.target as HTMLInputElement).value)} />
        {!!staff.data?.length && (
          <datalist id="enquiry-assignable">{staff.data.map((u) => <option key={u.id} value={u.email}>{u.name || u.email}</option>)}</datalist>
        )}
        <Button type="submit" kind="secondary" busy={update.busy}>{assignee.trim() ? 'Assign' : 'Unassign'}</Button>
        {me && e.assignee?.email !== me.email && (
          <Button kind="secondary" busy={update.busy} onClick={() => { setSaved(null); focusSaved.current = true; void update.run({ assignee: me.email }, 'Assigned to you.'); }}>Assign to me</Button>
        )}
      </form>
    </section>
  );
}

function NoteForm({ e, kind, onAdded }: { e: Detail; kind: 'note' | 'reply'; onAdded: (d: Detail) => void }) {
  const [body, setBody] = useState('');
  const [sent, setSent] = useState<string | null>(null);
  const add = useAction(async () => {
    const d = kind === 'reply'
      ? await api.post('/api/v1/admin/enquiries/{id}/reply', { path: { id: e.id }, body: { body } })
      : await api.post('/api/v1/admin/enquiries/{id}/notes', { path: { id: e.id }, body: { body } });
    onAdded(d); setBody('');
    setSent(kind === 'reply' ? `Reply queued: it is e-mailed to ${e.email}.` : 'Note added.');
  });
  const reply = kind === 'reply';
  return (
    <form class="admin-section card content-pad" aria-labelledby={`${kind}-h`} onSubmit={(ev) => { ev.preventDefault(); setSent(null); void add.run(); }}>
      <h2 id={`${kind}-h`}>{reply ? 'Reply by e-mail' : 'Internal note'}</h2>
      <p class="muted small">{reply
        ? `Sent to ${e.name} <${e.email}> with their message quoted and your name as the signature. It is kept among the notes${e.status === 'new' ? ', and the enquiry becomes open' : ''}.`
        : 'For staff only: never sent to the sender.'}</p>
      {sent && <Notice kind="success">{sent}</Notice>}
      <FormError error={add.error} shown={['body']} />
      <TextArea label={reply ? 'Your reply' : 'Note'} name="body" error={add.error} rows={reply ? 8 : 4} required value={body} onInput={setBody} />
      <Button type="submit" busy={add.busy} kind={reply ? 'primary' : 'secondary'} disabled={!body.trim()}>{reply ? `Send reply to ${e.email}` : 'Add note'}</Button>
    </form>
  );
}

function EnquiryView({ id }: { id: string }) {
  const state = useAsync((signal) => api.get('/api/v1/admin/enquiries/{id}', { path: { id }, signal }), [id]);
  return (
    <Load state={state} label="Loading the enquiry">
      {(e) => (
        <AdminPage title={e.subject ? `Enquiry: ${e.subject}` : 'Enquiry'} actions={<Link class="btn btn-secondary" href="/admin/enquiries">Inbox</Link>}>
          <section class="admin-section card content-pad" aria-labelledby="msg-h">
            <h2 id="msg-h">Message</h2>
            <dl class="content-dl">
              <dt>From</dt><dd>{e.name} &lt;<a href={`mailto:${e.email}`}>{e.email}</a>&gt;{e.user ? ' (signed in)' : ''}</dd>
              <dt>Received</dt><dd>{when(e.created_at)}</dd>
              <dt>Status</dt><dd><Status value={e.status} /></dd>
              <dt>Assigned to</dt><dd>{e.assignee ? `${e.assignee.name ?? ''} ${e.assignee.name ? `<${e.assignee.email}>` : e.assignee.email}` : 'nobody'}</dd>
              <dt>Reference</dt><dd><code>{e.id}</code></dd>
            </dl>
            <blockquote class="content-message">{e.message}</blockquote>
          </section>
          <Manage e={e} onChange={state.set} />
          <section class="admin-section" aria-labelledby="notes-h">
            <h2 id="notes-h">Notes and replies</h2>
            {e.notes.length === 0 ? <p class="muted">None yet.</p> : (
              <ol class="content-notes">
                {e.notes.map((n) => (
                  <li key={n.id} class={`card content-note content-note-${n.kind}`}>
                    <p class="small"><strong>{n.kind === 'reply' ? 'Reply e-mailed' : 'Internal note'}</strong> · {n.author ?? 'a former account'} · {when(n.created_at)}</p>
                    <p class="pre-line">{n.body}</p>
                  </li>
                ))}
              </ol>
            )}
          </section>
          <NoteForm e={e} kind="reply" onAdded={state.set} />
          <NoteForm e={e} kind="note" onAdded={state.set} />
        </AdminPage>
      )}
    </Load>
  );
}

export const enquiryRoutes: AdminRoute[] = [
  { pattern: '/admin/enquiries', permission: 'enquiries:manage', view: ({ query }) => <Inbox query={query} />, nav: { label: 'Enquiries', group: 'Content' } },
  { pattern: '/admin/enquiries/:id', permission: 'enquiries:manage', view: ({ params }) => <EnquiryView id={params.id!} /> },
];
