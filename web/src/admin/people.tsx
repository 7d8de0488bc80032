// people.tsx - back office: the shop's accounts and the audit trail.
// /admin/users (users:read): the accounts, searched and filtered by role and
// status (kept in the URL), newest first; a row opens in place to change the
// role, disable or enable the account, and list or end its sessions (those
// need users:manage, i.e. admins; the API refuses an admin's own account).
// /admin/audit (users:manage): who did what, filtered by actor, entity and
// action (kept in the URL), newest first.
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { api, type ApiError, type Get } from '../api/ApiService';
import { Link, setQuery } from '../lib/router';
import { can, user } from '../lib/store';
import { day, plural } from '../lib/format';
import { Button, ErrorBox, Field, Notice, useAction } from '../lib/ui';
import { AdminPage, Confirm, PagedFooter, Status, usePaged, when } from './ui';
import type { AdminRoute } from './types';
import '../styles/admin-people.css';

type UserRow = Get<'/api/v1/admin/users'>['items'][number];
type Role = UserRow['role'];
type UserStatus = UserRow['status'];
type Session = Get<'/api/v1/admin/users/{id}/sessions'>['items'][number];
type AuditEntry = Get<'/api/v1/admin/audit'>['items'][number];

const ROLES: { value: Role; label: string }[] = [
  { value: 'admin', label: 'Administrator' },
  { value: 'editor', label: 'Editor' },
  { value: 'support', label: 'Support' },
  { value: 'customer', label: 'Customer' },
];
const STATUSES: UserStatus[] = ['active', 'disabled', 'deleted'];
const roleLabel = (r: string) => ROLES.find((x) => x.value === r)?.label ?? r;
const isRole = (s: string | null): s is Role => ROLES.some((r) => r.value === s);
const isStatus = (s: string | null): s is UserStatus => STATUSES.includes(s as UserStatus);

/** A labelled <select> (Field renders inputs only), with its field error (a 422's `fields[name]`). */
function Select({ label, name, error, value, onChange, children, disabled }: {
  label: string; name?: string; error?: ApiError | null; value: string; onChange: (v: string) => void; children: ComponentChildren; disabled?: boolean;
}) {
  const id = useId();
  const msg = name ? error?.fields?.[name] : undefined;
  return (
    <div class={`field${msg ? ' field-invalid' : ''}`}>
      <label for={id}>{label}</label>
      <select id={id} name={name} value={value} disabled={disabled} aria-invalid={msg ? true : undefined} aria-describedby={msg ? id + '-err' : undefined}
        onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value)}>{children}</select>
      {msg && <p class="field-error" id={id + '-err'}>{msg}</p>}
    </div>
  );
}

/* ------------------------------------------------------------------------
 * /admin/users
 * ------------------------------------------------------------------------ */

function UsersPage({ query }: { query: URLSearchParams }) {
  const me = user.use();
  const manage = can(me, 'users:manage');
  const q = query.get('q') ?? '';
  const role = isRole(query.get('role')) ? (query.get('role') as Role) : '';
  const status = isStatus(query.get('status')) ? (query.get('status') as UserStatus) : '';
  const key = JSON.stringify([q, role, status]);
  const list = usePaged(
    (cursor, signal) => api.get('/api/v1/admin/users', {
      query: { q: q || undefined, role: role || undefined, status: status || undefined, cursor: cursor ?? undefined },
      signal,
    }),
    key,
  );
  const [draft, setDraft] = useState(q);
  useEffect(() => setDraft(q), [q]);
  const [open, setOpen] = useState<string | null>(null);
  const filtered = q !== '' || role !== '' || status !== '';
  const fieldErrors = list.error?.status === 422 ? list.error : null;

  const search = (e: JSX.TargetedEvent<HTMLFormElement>) => {
    e.preventDefault();
    setQuery({ q: draft.trim() });
  };

  return (
    <AdminPage title="Users">
      <form class="admin-filters" role="search" aria-label="Users" onSubmit={search}>
        <Field label="E-mail or name" name="q" type="search" value={draft} maxLength={200}
          onInput={(e) => setDraft(e.currentTarget.value)} error={fieldErrors} />
        <Button type="submit" kind="secondary">Search</Button>
        <Select label="Role" name="role" error={fieldErrors} value={role} onChange={(v) => setQuery({ role: v })}>
          <option value="">Any role</option>
          {ROLES.map((r) => <option key={r.value} value={r.value}>{r.label}</option>)}
        </Select>
        <Select label="Status" name="status" error={fieldErrors} value={status} onChange={(v) => setQuery({ status: v })}>
          <option value="">Any status</option>
          {STATUSES.map((s) => <option key={s} value={s}>{s[0]!.toUpperCase() + s.slice(1)}</option>)}
        </Select>
        {filtered && <Button kind="link" onClick={() => setQuery({ q: '', role: '', status: '' })}>Clear the filters</Button>}
      </form>
      {list.items.length > 0 && (
        <div class="admin-table-wrap">
          <table class="admin-table admin-users">
            <caption class="visually-hidden">Users, newest first</caption>
            <thead>
              <tr>
                <th scope="col">E-mail</th>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col">Joined</th>
                <th scope="col">Last sign-in</th>
                <th scope="col"><span class="visually-hidden">Details</span></th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((u) => {
                const expanded = open === u.id;
                const panel = `user-panel-${u.id}`;
                return [
                  <tr key={u.id} class={expanded ? 'is-open' : undefined}>
                    <td class="admin-users-email">
                      {u.email}
                      {!u.email_verified && <span class="muted small"> (not verified)</span>}
                    </td>
                    <td>{u.name || <span class="muted">—</span>}</td>
                    <td>{roleLabel(u.role)}</td>
                    <td><Status value={u.status} /></td>
                    <td>{day(u.created_at)}</td>
                    <td>{when(u.last_login_at)}</td>
                    <td>
                      <Button kind="secondary" class="btn-small" aria-expanded={expanded} aria-controls={expanded ? panel : undefined}
                        onClick={() => setOpen(expanded ? null : u.id)}>
                        {expanded ? 'Close' : manage ? 'Manage' : 'Details'}<span class="visually-hidden"> {u.email}</span>
                      </Button>
                    </td>
                  </tr>,
                  expanded && (
                    <tr key={u.id + '-panel'} class="admin-users-panel-row">
                      <td colSpan={7}>
                        <UserPanel id={panel} u={u} manage={manage} self={me?.id === u.id}
                          onChange={(patch) => list.update((x) => x.id === u.id, (x) => ({ ...x, ...patch }))} />
                      </td>
                    </tr>
                  ),
                ];
              })}
            </tbody>
          </table>
        </div>
      )}
      <PagedFooter list={list} empty={filtered ? 'No user matches these filters.' : 'There are no users yet.'} />
    </AdminPage>
  );
}

/** A user's row opened: facts, role, status and sessions. */
function UserPanel({ id, u, manage, self, onChange }: {
  id: string; u: UserRow; manage: boolean; self: boolean; onChange: (patch: Partial<UserRow>) => void;
}) {
  const [sessionsTick, setSessionsTick] = useState(0);
  const deleted = u.status === 'deleted';
  return (
    <div id={id} class="admin-user-panel" role="region" aria-label={`Account ${u.email}`}>
      <dl class="admin-user-facts">
        <div><dt>User id</dt><dd><code>{u.id}</code></dd></div>
        <div><dt>E-mail verified</dt><dd>{u.email_verified ? 'Yes' : 'No'}</dd></div>
        <div><dt>Joined</dt><dd>{when(u.created_at)}</dd></div>
        <div><dt>Last sign-in</dt><dd>{when(u.last_login_at)}</dd></div>
      </dl>
      {manage && (
        <p class="small">
          <Link href={`/admin/audit?entity=user&entity_id=${encodeURIComponent(u.id)}`}>What was done to this account</Link>
          {' · '}
          <Link href={`/admin/audit?actor=${encodeURIComponent(u.email)}`}>What this account did</Link>
        </p>
      )}
      {!manage && <p class="muted small">Only administrators can change a role, disable an account or end its sessions.</p>}
      {manage && deleted && <p class="muted">This account was deleted: it can no longer be changed.</p>}
      {manage && !deleted && (
        <>
          {self && <Notice>This is your own account: the shop does not let you change your own role or status, or sign yourself out from here.</Notice>}
          <div class="admin-grid">
            <RoleForm u={u} onChange={onChange} />
            <StatusForm u={u} onChange={(s) => { onChange({ status: s }); if (s === 'disabled') setSessionsTick((t) => t + 1); }} />
          </div>
          <UserSessions u={u} tick={sessionsTick} />
        </>
      )}
    </div>
  );
}

function RoleForm({ u, onChange }: { u: UserRow; onChange: (patch: Partial<UserRow>) => void }) {
  const [role, setRole] = useState<Role>(u.role);
  const [done, setDone] = useState<string | null>(null);
  const save = useAction(async () => {
    const r = await api.patch('/api/v1/admin/users/{id}/role', { path: { id: u.id }, body: { role } });
    onChange({ role: r.user.role });
    setDone(`The role of ${u.email} is now ${roleLabel(r.user.role)}.`);
  });
  return (
    <form class="admin-section admin-user-role" aria-label="Role" onSubmit={(e) => { e.preventDefault(); setDone(null); void save.run(); }}>
      <h2>Role</h2>
      <Select label="Role" value={role} onChange={(v) => { if (isRole(v)) setRole(v); setDone(null); save.setError(null); }}>
        {ROLES.map((r) => <option key={r.value} value={r.value}>{r.label}</option>)}
      </Select>
      {save.error && <ErrorBox error={save.error} />}
      {done && <Notice kind="success">{done}</Notice>}
      <Button type="submit" busy={save.busy} disabled={role === u.role}>Change the role</Button>
    </form>
  );
}

function StatusForm({ u, onChange }: { u: UserRow; onChange: (s: UserStatus) => void }) {
  const [asking, setAsking] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const disable = u.status === 'active';
  const act = useAction(async () => {
    const r = disable
      ? await api.post('/api/v1/admin/users/{id}/disable', { path: { id: u.id } })
      : await api.post('/api/v1/admin/users/{id}/enable', { path: { id: u.id } });
    setAsking(false);
    onChange(r.status);
    setDone(r.status === 'disabled' ? `${u.email} is disabled and signed out everywhere.` : `${u.email} can sign in again.`);
  });
  return (
    <section class="admin-section" aria-labelledby={`status-h-${u.id}`}>
      <h2 id={`status-h-${u.id}`}>Status</h2>
      <p>This account is <Status value={u.status} />.</p>
      {act.error && !asking && <ErrorBox error={act.error} />}
      {done && <Notice kind="success">{done}</Notice>}
      <Button kind={disable ? 'danger' : 'secondary'} onClick={() => { act.setError(null); setDone(null); setAsking(true); }}>
        {disable ? 'Disable the account' : 'Enable the account'}
      </Button>
      <Confirm open={asking} title={disable ? `Disable ${u.email}?` : `Enable ${u.email}?`}
        confirm={disable ? 'Disable' : 'Enable'} danger={disable} busy={act.busy}
        onConfirm={() => void act.run()} onCancel={() => { setAsking(false); act.setError(null); }}>
        {disable
          ? <p>They will not be able to sign in, and every session of theirs ends at once. You can enable the account again later.</p>
          : <p>They will be able to sign in again.</p>}
        {act.error && <ErrorBox error={act.error} />}
      </Confirm>
    </section>
  );
}

/** "Chrome on Windows" from a User-Agent, or the string itself. */
function device(ua: string | null): string {
  if (!ua) return 'Unknown device';
  const b = /Edg\//.test(ua) ? 'Edge' : /Firefox\//.test(ua) ? 'Firefox' : /Chrome\/|CriOS/.test(ua) ? 'Chrome'
    : /Safari\//.test(ua) && /Version\//.test(ua) ? 'Safari' : /^curl\//.test(ua) ? 'curl' : '';
  const o = /Windows/.test(ua) ? 'Windows' : /Android/.test(ua) ? 'Android' : /iPhone|iPad|iPod/.test(ua) ? 'iOS'
    : /Mac OS X|Macintosh/.test(ua) ? 'macOS' : /Linux/.test(ua) ? 'Linux' : '';
  return b && o ? `${b} on ${o}` : b || o || 'Unknown device';
}

function UserSessions({ u, tick }: { u: UserRow; tick: number }) {
  const list = usePaged<Session>(
    (cursor, signal) => api.get('/api/v1/admin/users/{id}/sessions', { path: { id: u.id }, query: { cursor: cursor ?? undefined }, signal }),
    `${u.id}:${tick}`,
  );
  const [asking, setAsking] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  // "Sign out everywhere" goes while the list reloads (and for good when it is empty): the
  // keyboard's place moves to the message
  const doneRef = useRef<HTMLDivElement>(null);
  const focusDone = useRef(false);
  useEffect(() => { if (done && focusDone.current) { focusDone.current = false; doneRef.current?.focus(); } }, [done]);
  const revoke = useAction(async () => {
    const r = await api.delete('/api/v1/admin/users/{id}/sessions', { path: { id: u.id } });
    setAsking(false);
    focusDone.current = true;
    setDone(r.revoked === 0 ? 'There were no live sessions to end.' : `Ended ${plural(r.revoked, 'session')}.`);
    list.reload();
  });
  const h = `sessions-h-${u.id}`;
  return (
    <section class="admin-section" aria-labelledby={h}>
      <h2 id={h}>Sessions</h2>
      {done && <div ref={doneRef} tabIndex={-1}><Notice kind="success">{done}</Notice></div>}
      {revoke.error && !asking && <ErrorBox error={revoke.error} />}
      {list.items.length > 0 && (
        <div class="admin-table-wrap">
          <table class="admin-table">
            <caption class="visually-hidden">Live sessions of {u.email}, most recently used first</caption>
            <thead>
              <tr>
                <th scope="col">Device</th>
                <th scope="col">Address</th>
                <th scope="col">Signed in</th>
                <th scope="col">Last used</th>
                <th scope="col">Expires</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((s) => (
                <tr key={s.id}>
                  <td>
                    {device(s.user_agent)}
                    {s.current && <span class="pill pill-active"> This session</span>}
                    {s.user_agent && <div class="small muted admin-ua" title={s.user_agent}>{s.user_agent}</div>}
                  </td>
                  <td>{s.ip || <span class="muted">—</span>}</td>
                  <td>{when(s.started_at)}</td>
                  <td>{when(s.last_used_at)}</td>
                  <td>{when(s.expires_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <PagedFooter list={list} empty="No live sessions: the account is signed out everywhere." />
      {!list.loading && !list.error && list.items.length > 0 && (
        <p>
          <Button kind="danger" onClick={() => { revoke.setError(null); setDone(null); setAsking(true); }}>Sign out everywhere</Button>
        </p>
      )}
      <Confirm open={asking} title={`Sign ${u.email} out everywhere?`} confirm="Sign out everywhere" danger busy={revoke.busy}
        onConfirm={() => void revoke.run()} onCancel={() => { setAsking(false); revoke.setError(null); }}>
        <p>Every session of this account ends at once, on every device. They can sign in again (the account stays enabled).</p>
        {revoke.error && <ErrorBox error={revoke.error} />}
      </Confirm>
    </section>
  );
}

/* ------------------------------------------------------------------------
 * /admin/audit
 * ------------------------------------------------------------------------ */

const AUDIT_KEYS = ['actor', 'entity', 'entity_id', 'action'] as const;
type AuditKey = (typeof AUDIT_KEYS)[number];
type AuditFilters = Record<AuditKey, string>;

function filtersOf(query: URLSearchParams): AuditFilters {
  return { actor: query.get('actor') ?? '', entity: query.get('entity') ?? '', entity_id: query.get('entity_id') ?? '', action: query.get('action') ?? '' };
}

/** The data of an entry on one line: `key: value, ...`, cut short. */
function compact(data: Record<string, unknown>): string {
  const parts = Object.entries(data).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  const s = parts.join(', ');
  return s.length > 90 ? s.slice(0, 89) + '…' : s;
}

function AuditPage({ query }: { query: URLSearchParams }) {
  const f = filtersOf(query);
  const key = JSON.stringify(f);
  const list = usePaged<AuditEntry>(
    (cursor, signal) => api.get('/api/v1/admin/audit', {
      query: {
        actor: f.actor || undefined, entity: f.entity || undefined, entity_id: f.entity_id || undefined,
        action: f.action || undefined, cursor: cursor ?? undefined,
      },
      signal,
    }),
    key,
  );
  const [draft, setDraft] = useState<AuditFilters>(f);
  useEffect(() => setDraft(filtersOf(query)), [key]);
  const filtered = AUDIT_KEYS.some((k) => f[k] !== '');
  const set = (k: AuditKey) => (e: JSX.TargetedEvent<HTMLInputElement>) => {
    const v = e.currentTarget.value;
    setDraft((d) => ({ ...d, [k]: v }));
  };
  const apply = (e: JSX.TargetedEvent<HTMLFormElement>) => {
    e.preventDefault();
    setQuery({ actor: draft.actor.trim(), entity: draft.entity.trim(), entity_id: draft.entity_id.trim(), action: draft.action.trim() });
  };
  const fieldErrors = list.error?.status === 422 ? list.error : null;

  return (
    <AdminPage title="Audit log">
      <form class="admin-filters" role="search" aria-label="Audit log" onSubmit={apply}>
        <Field label="Actor (e-mail or user id)" name="actor" type="search" value={draft.actor} maxLength={254} onInput={set('actor')} error={fieldErrors} />
        <Field label="Entity" name="entity" value={draft.entity} maxLength={100} placeholder="user, product, order…" onInput={set('entity')} error={fieldErrors} />
        <Field label="Entity id" name="entity_id" value={draft.entity_id} maxLength={100} onInput={set('entity_id')} error={fieldErrors} />
        <Field label="Action" name="action" value={draft.action} maxLength={100} placeholder="product."
          hint="Exact, or a prefix ending in a dot" onInput={set('action')} error={fieldErrors} />
        <Button type="submit" kind="secondary">Filter</Button>
        {filtered && <Button kind="link" onClick={() => setQuery({ actor: '', entity: '', entity_id: '', action: '' })}>Clear the filters</Button>}
      </form>
      {list.items.length > 0 && (
        <div class="admin-table-wrap">
          <table class="admin-table admin-audit">
            <caption class="visually-hidden">Audit entries, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Action</th>
                <th scope="col">Entity</th>
                <th scope="col">Actor</th>
                <th scope="col">Address</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((a) => (
                <tr key={a.id}>
                  <td class="admin-audit-when">{when(a.at)}</td>
                  <td>
                    <Button kind="link" class="admin-audit-filter" title={`Show only ${a.action}`} onClick={() => setQuery({ action: a.action })}>
                      <code>{a.action}</code>
                    </Button>
                  </td>
                  <td>
                    {a.entity
                      ? (
                        <Button kind="link" class="admin-audit-filter" title="Show only this entity"
                          onClick={() => setQuery({ entity: a.entity, entity_id: a.entity_id })}>
                          {a.entity}{a.entity_id && <> <code class="admin-audit-id">{a.entity_id}</code></>}
                        </Button>
                      )
                      : <span class="muted">—</span>}
                  </td>
                  <td>
                    {a.actor
                      ? (
                        <Button kind="link" class="admin-audit-filter" title={`Show only ${a.actor.email}`} onClick={() => setQuery({ actor: a.actor!.email })}>
                          {a.actor.name || a.actor.email}
                          {a.actor.name && <span class="small muted admin-audit-email">{a.actor.email}</span>}
                        </Button>
                      )
                      : <span class="muted">System or anonymous</span>}
                  </td>
                  <td>{a.ip ?? <span class="muted">—</span>}</td>
                  <td class="admin-audit-data">
                    {Object.keys(a.data).length === 0
                      ? <span class="muted">—</span>
                      : (
                        <details>
                          <summary>{compact(a.data)}</summary>
                          <pre>{JSON.stringify(a.data, null, 2)}</pre>
                        </details>
                      )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <PagedFooter list={list} empty={filtered ? 'No entry matches these filters.' : 'The audit log is empty.'} />
    </AdminPage>
  );
}

export const peopleRoutes: AdminRoute[] = [
  { pattern: '/admin/users', permission: 'users:read', view: ({ query }) => <UsersPage query={query} />, nav: { label: 'Users', group: 'People' } },
  { pattern: '/admin/audit', permission: 'users:manage', view: ({ query }) => <AuditPage query={query} />, nav: { label: 'Audit log', group: 'People' } },
];
