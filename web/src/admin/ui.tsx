// ui.tsx - building blocks of the back office's screens, on top of lib/ui:
// the page frame (title, actions), cursor-paged lists with "Load more",
// a confirmation dialog, status badges and dates.
import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api/ApiService';
import { useTitle, Button, ErrorBox, Spinner } from '../lib/ui';

/** A screen: its h1 (the router focuses it), actions beside it, the content. */
export function AdminPage({ title, actions, children }: { title: string; actions?: ComponentChildren; children: ComponentChildren }) {
  useTitle(`${title} · Back office`);
  return (
    <section class="admin-page">
      <header class="admin-page-head">
        <h1>{title}</h1>
        {actions && <div class="admin-actions">{actions}</div>}
      </header>
      {children}
    </section>
  );
}

export interface Paged<T> { items: T[]; next_cursor: string | null }

/**
 * A cursor-paged list (every API list: {items, next_cursor}): the first page
 * whenever key changes (the filters), then "Load more" appends the next. A
 * page answered for an older key is dropped.
 */
export function usePaged<T>(load: (cursor: string | null, signal: AbortSignal) => Promise<Paged<T>>, key: string) {
  const [items, setItems] = useState<T[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<ApiError | null>(null);
  const [tick, setTick] = useState(0);
  const current = useRef(key);
  const fetchPage = (cursor: string | null, replace: boolean) => {
    const ctl = new AbortController();
    const forKey = key;
    setLoading(true);
    setError(null);
    load(cursor, ctl.signal).then(
      (p) => {
        if (ctl.signal.aborted || current.current !== forKey) return;
        setItems((old) => (replace ? p.items : [...old, ...p.items]));
        setNext(p.next_cursor);
        setLoading(false);
      },
      (err) => {
        if (ctl.signal.aborted || current.current !== forKey) return;
        setError(err instanceof ApiError ? err : new ApiError(0, 'client', String((err as Error)?.message ?? err)));
        setLoading(false);
      },
    );
    return ctl;
  };
  useEffect(() => {
    // new filters: the old rows and cursor belong to the old ones (a failed first page must
    // not leave them under the new filters, nor "Load more" send their cursor)
    if (current.current !== key) { setItems([]); setNext(null); }
    current.current = key;
    const ctl = fetchPage(null, true);
    return () => ctl.abort();
  }, [key, tick]);
  return {
    items, loading, error, hasMore: next !== null,
    more: () => { if (next) fetchPage(next, false); },
    reload: () => setTick((t) => t + 1),
    /** replace one item in place (after an edit) */
    update: (pred: (t: T) => boolean, fn: (t: T) => T) => setItems((xs) => xs.map((x) => (pred(x) ? fn(x) : x))),
  };
}

/** Under a paged table: the error, a spinner, "Load more", or the empty text. */
export function PagedFooter({ list, empty }: { list: { items: unknown[]; loading: boolean; error: ApiError | null; hasMore: boolean; more: () => void; reload: () => void }; empty: string }) {
  if (list.error) return <ErrorBox error={list.error} retry={list.items.length ? list.more : list.reload} />;
  if (list.loading && list.items.length === 0) return <Spinner label="Loading" />;
  if (list.items.length === 0) return <p class="muted admin-empty">{empty}</p>;
  // the button stays (busy) while the next page loads, so the keyboard keeps its place
  if (list.hasMore) return <p><Button kind="secondary" busy={list.loading} onClick={list.more}>Load more</Button></p>;
  return list.loading ? <Spinner label="Loading" /> : null;
}

/**
 * A confirmation before an action that moves money or cannot be undone: a
 * modal <dialog> (focus kept inside, Escape cancels) with the action's own
 * words on the button.
 */
export function Confirm({ open, title, children, confirm, danger = false, busy = false, onConfirm, onCancel }: {
  open: boolean; title: string; children: ComponentChildren; confirm: string; danger?: boolean; busy?: boolean;
  onConfirm: () => void; onCancel: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const hid = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} class="admin-dialog" aria-labelledby={hid} onCancel={(e) => { e.preventDefault(); onCancel(); }}>
      <h2 id={hid}>{title}</h2>
      <div>{children}</div>
      <div class="actions">
        <Button kind={danger ? 'danger' : 'primary'} busy={busy} onClick={onConfirm}>{confirm}</Button>
        <Button kind="secondary" onClick={onCancel} disabled={busy}>Cancel</Button>
      </div>
    </dialog>
  );
}

const STATUS_KIND: Record<string, string> = {
  published: 'ok', paid: 'ok', sent: 'ok', active: 'ok', approved: 'ok', processed: 'ok', closed: 'muted',
  draft: 'muted', pending: 'warn', queued: 'warn', open: 'warn', new: 'warn', scheduled: 'warn',
  archived: 'muted', cancelled: 'muted', unpublished: 'muted', disabled: 'bad', failed: 'bad', rejected: 'bad',
  refunded: 'bad', partially_refunded: 'warn',
};

/** A status word as a coloured badge (the word is the text: colour is never the only cue). */
export function Status({ value }: { value: string }) {
  return <span class={`status status-${STATUS_KIND[value] ?? 'muted'}`}>{value.replace(/_/g, ' ')}</span>;
}

/** An API timestamp as a local date and time (en-IN), or a dash. */
export function when(ts: string | null | undefined): string {
  if (!ts) return '—';
  const d = new Date(ts);
  return Number.isNaN(d.getTime()) ? ts : d.toLocaleString('en-IN', { dateStyle: 'medium', timeStyle: 'short' });
}
