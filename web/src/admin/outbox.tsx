// outbox.tsx - back office: the e-mail outbox (/admin/outbox): what was sent,
// what waits and what failed (the failed ones first shown, filters in the
// URL's query), with "Retry" on a failed message.
import '../styles/admin-orders.css';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, type Get } from '../api/ApiService';
import { setQuery } from '../lib/router';
import { can, user } from '../lib/store';
import { Button, Field } from '../lib/ui';
import { AdminPage, PagedFooter, Status, usePaged, when } from './ui';
import type { AdminRoute } from './types';

type Message = Get<'/api/v1/admin/outbox'>['items'][number];
type MailStatus = Message['status'];

const STATUSES = ['failed', 'pending', 'sending', 'sent'] as const satisfies readonly MailStatus[];
const STATUS_LABEL: Record<MailStatus, string> = { failed: 'Failed', pending: 'Waiting to be sent', sending: 'Being sent', sent: 'Sent' };
/** No status in the URL: the failed messages (what staff come here for); "all": every status. */
const DEFAULT_STATUS = 'failed';
const isStatus = (s: string): s is MailStatus => (STATUSES as readonly string[]).includes(s);

/** The permission of POST /api/v1/admin/outbox/{id}/retry (its x-souk-permission). */
const RETRY_PERMISSION = 'mail:read';

interface Filters { status: string; recipient: string; template: string }

function filtersOf(q: URLSearchParams): Filters {
  return { status: q.get('status') ?? DEFAULT_STATUS, recipient: q.get('recipient') ?? '', template: q.get('template') ?? '' };
}

/** The result of one Retry, shown in its row and announced. */
type RetryResult = { ok: true } | { ok: false; message: string };

function Outbox({ query }: { query: URLSearchParams }) {
  const applied = filtersOf(query);
  const key = `${applied.status}|${applied.recipient}|${applied.template}`;
  const [draft, setDraft] = useState<Filters>(applied);
  useEffect(() => setDraft(applied), [key]);
  const list = usePaged((cursor, signal) => api.get('/api/v1/admin/outbox', {
    query: {
      status: isStatus(applied.status) ? applied.status : undefined,
      recipient: applied.recipient || undefined,
      template: applied.template || undefined,
      cursor: cursor ?? undefined,
    },
    signal,
  }), key);
  const u = user.use();
  const mayRetry = can(u, RETRY_PERMISSION);
  const [results, setResults] = useState<Record<string, RetryResult>>({});
  const [busy, setBusy] = useState<Record<string, boolean>>({});
  const [announce, setAnnounce] = useState('');
  const selectId = useRef('outbox-status').current;
  useEffect(() => { setResults({}); setAnnounce(''); }, [key]);

  const retry = async (m: Message) => {
    setBusy((b) => ({ ...b, [m.id]: true }));
    let r: RetryResult;
    try {
      const a = await api.post('/api/v1/admin/outbox/{id}/retry', { path: { id: m.id } });
      list.update((x) => x.id === m.id, (x) => ({ ...x, status: a.status }));
      r = { ok: true };
      setAnnounce(`Message ${m.id} to ${m.recipient} is queued again.`);
      // the Retry button goes with the failed status: keep the keyboard's place on the row's status
      document.getElementById(`outbox-${m.id}-status`)?.focus();
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError(0, 'client', String((err as Error)?.message ?? err));
      r = { ok: false, message: e.status === 409 ? `${e.message} (reload the list to see its status now)` : e.message };
      setAnnounce(`Message ${m.id} was not queued again: ${e.message}`);
    }
    setResults((x) => ({ ...x, [m.id]: r }));
    setBusy((b) => ({ ...b, [m.id]: false }));
  };

  const submit = (e: Event) => {
    e.preventDefault();
    setQuery({
      status: draft.status === DEFAULT_STATUS ? null : draft.status,
      recipient: draft.recipient.trim(), template: draft.template.trim(),
    });
  };
  const fieldMsg = list.error?.fields.status;
  const filtered = applied.recipient !== '' || applied.template !== '';
  const what = applied.status === 'all' || !isStatus(applied.status) ? 'messages' : `${STATUS_LABEL[applied.status].toLowerCase()} messages`;

  return (
    <AdminPage title="Outbox" actions={<Button kind="secondary" onClick={list.reload} disabled={list.loading}>Reload</Button>}>
      <p class="muted">The e-mails the shop sends, newest first. A message's contents (sign-in codes, links) are never shown.</p>
      <form class="admin-filters" role="search" aria-label="Filter the outbox" onSubmit={submit}>
        <div class={`field${fieldMsg ? ' field-invalid' : ''}`}>
          <label for={selectId}>Status</label>
          <select id={selectId} name="status" value={draft.status} aria-invalid={fieldMsg ? true : undefined} aria-describedby={fieldMsg ? selectId + '-err' : undefined}
            onChange={(e) => setDraft({ ...draft, status: (e.currentTarget as HTMLSelectElement).value })}>
            {STATUSES.map((s) => <option key={s} value={s}>{STATUS_LABEL[s]}</option>)}
            <option value="all">Any status</option>
          </select>
          {fieldMsg && <p class="field-error" id={selectId + '-err'}>{fieldMsg}</p>}
        </div>
        <Field label="Recipient (exact address)" name="recipient" type="email" autoComplete="off" value={draft.recipient} error={list.error}
          onInput={(e) => setDraft({ ...draft, recipient: (e.currentTarget as HTMLInputElement).value })} />
        <Field label="Template" name="template" value={draft.template} error={list.error} placeholder="order_confirmation"
          onInput={(e) => setDraft({ ...draft, template: (e.currentTarget as HTMLInputElement).value })} />
        <div class="admin-orders-filter-actions">
          <Button type="submit">Filter</Button>
          {(filtered || applied.status !== DEFAULT_STATUS) && (
            <Button kind="secondary" onClick={() => setQuery({ status: null, recipient: null, template: null })}>Show failed messages</Button>
          )}
        </div>
      </form>
      <p class="visually-hidden" role="status" aria-live="polite">{announce}</p>
      {/* focusable: a row may hold no control, and the table scrolls sideways on a phone */}
      <div class="admin-table-wrap" tabIndex={0} role="region" aria-label="Outbox messages">
        <table class="admin-table">
          <caption class="visually-hidden">{`Outbox: ${what}${filtered ? ' matching the filters' : ''}, newest first`}</caption>
          <thead>
            <tr>
              <th scope="col">Template</th>
              <th scope="col">Recipient</th>
              <th scope="col">Status</th>
              <th scope="col" class="num">Attempts</th>
              <th scope="col">Last error</th>
              <th scope="col">Queued</th>
              <th scope="col">Next attempt / sent</th>
              {mayRetry && <th scope="col"><span class="visually-hidden">Actions</span></th>}
            </tr>
          </thead>
          <tbody>
            {list.items.map((m) => {
              const r = results[m.id];
              return (
                <tr key={m.id}>
                  <th scope="row"><code>{m.template}</code><div class="muted small">#{m.id}</div></th>
                  <td>{m.recipient}</td>
                  <td><span id={`outbox-${m.id}-status`} tabIndex={-1}><Status value={m.status} /></span></td>
                  <td class="num">{m.attempts}</td>
                  <td>{m.last_error ? <span class="admin-outbox-error">{m.last_error}</span> : '—'}</td>
                  <td>{when(m.created_at)}</td>
                  <td>
                    {m.status === 'sent' ? when(m.sent_at) : m.status === 'failed' ? <span class="muted">Gave up</span> : when(m.next_attempt_at)}
                    {m.provider_message_id && <div class="muted small"><code>{m.provider_message_id}</code></div>}
                  </td>
                  {mayRetry && (
                    <td>
                      {m.status === 'failed' && (
                        <Button kind="secondary" class="btn-small" busy={busy[m.id]} onClick={() => void retry(m)}
                          aria-label={`Retry the ${m.template} message to ${m.recipient}`}>Retry</Button>
                      )}
                      {r && (r.ok
                        ? <div class="small">Queued again.</div>
                        : <div class="small admin-outbox-error">{r.message}</div>)}
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <PagedFooter list={list} empty={`No ${what}${filtered ? ' match these filters' : ''}.`} />
    </AdminPage>
  );
}

export const outboxRoutes: AdminRoute[] = [
  { pattern: '/admin/outbox', permission: 'mail:read', nav: { label: 'Outbox', group: 'Site' }, view: ({ query }) => <Outbox query={query} /> },
];
