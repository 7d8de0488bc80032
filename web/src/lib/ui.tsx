// ui.tsx - the building blocks every page uses: async loading with loading
// and error states, form fields with their server-side messages, buttons that
// show progress, prices, stars, notices.
import type { ComponentChildren, JSX } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api/ApiService';
import { rupees } from './format';

export interface Async<T> { data: T | undefined; error: ApiError | null; loading: boolean; reload: () => void; set: (v: T) => void }

/** Run fn now and whenever deps change; the last answer wins. A failed reload (same
 * deps) keeps the data loaded before beside its error. */
export function useAsync<T>(fn: (signal: AbortSignal) => Promise<T>, deps: unknown[]): Async<T> {
  const [state, setState] = useState<{ data: T | undefined; error: ApiError | null; loading: boolean }>({ data: undefined, error: null, loading: true });
  const [tick, setTick] = useState(0);
  const current = useRef(deps);
  current.current = deps;
  const loaded = useRef<unknown[] | null>(null); // the deps of the data held
  useEffect(() => {
    const ctl = new AbortController();
    const was = loaded.current;
    const reloading = was !== null && was.length === deps.length && deps.every((d, i) => Object.is(d, was[i]));
    setState((s) => ({ ...s, loading: true, error: null }));
    fn(ctl.signal).then(
      (data) => { if (!ctl.signal.aborted) { loaded.current = deps; setState({ data, error: null, loading: false }); } },
      (err) => {
        if (ctl.signal.aborted) return;
        const e = err instanceof ApiError ? err : new ApiError(0, 'client', String((err as Error)?.message ?? err));
        if (!reloading) loaded.current = null;
        setState((s) => ({ data: reloading ? s.data : undefined, error: e, loading: false }));
      },
    );
    return () => ctl.abort();
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  const set = useCallback((v: T) => { loaded.current = current.current; setState({ data: v, error: null, loading: false }); }, []);
  return { ...state, reload, set };
}

/** A busy flag and the last error around one action (a button's click). */
export function useAction<A extends unknown[], R>(fn: (...a: A) => Promise<R>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const run = async (...a: A): Promise<R | undefined> => {
    setBusy(true);
    setError(null);
    try {
      return await fn(...a);
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'client', String((err as Error)?.message ?? err)));
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return { run, busy, error, setError };
}

export function Spinner({ label = 'Loading' }: { label?: string }) {
  return <div class="spinner" role="status" aria-live="polite"><span class="spinner-dot" aria-hidden="true" /><span>{label}…</span></div>;
}

export function ErrorBox({ error, retry }: { error: ApiError | null | undefined; retry?: () => void }) {
  if (!error) return null;
  return (
    <div class="notice notice-error" role="alert">
      <p>{error.message}</p>
      {retry && <button type="button" class="btn btn-small" onClick={retry}>Try again</button>}
    </div>
  );
}

/** Loading, error or the content: `<Load state={x}>{(data) => ...}</Load>`. A failed
 * reload shows its error above the content that was loaded before. */
export function Load<T>({ state, children, label }: { state: Async<T>; children: (d: T) => ComponentChildren; label?: string }) {
  if (state.data === undefined) {
    if (state.error) return <ErrorBox error={state.error} retry={state.reload} />;
    return <Spinner label={label} />;
  }
  return <>{state.error && <ErrorBox error={state.error} retry={state.reload} />}{children(state.data)}</>;
}

export function Notice({ kind = 'info', children }: { kind?: 'info' | 'success' | 'warning' | 'error'; children: ComponentChildren }) {
  return <div class={`notice notice-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>{children}</div>;
}

let fieldSeq = 0;
/** A labelled input with its field error (from a 422's `fields`) beside it. */
export function Field(props: { label: string; name: string; error?: ApiError | null; hint?: string; textarea?: boolean; children?: ComponentChildren } & JSX.InputHTMLAttributes<HTMLInputElement>) {
  const { label, name, error, hint, textarea, children, ...input } = props;
  const id = useRef(`f-${name}-${++fieldSeq}`).current;
  const msg = error?.fields?.[name];
  const describedBy = [hint ? id + '-hint' : '', msg ? id + '-err' : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field${msg ? ' field-invalid' : ''}`}>
      <label for={id}>{label}</label>
      {children ?? (textarea
        ? <textarea id={id} name={name} aria-invalid={msg ? true : undefined} aria-describedby={describedBy} {...(input as unknown as JSX.TextareaHTMLAttributes<HTMLTextAreaElement>)} />
        : <input id={id} name={name} aria-invalid={msg ? true : undefined} aria-describedby={describedBy} {...input} />)}
      {hint && <p class="field-hint" id={id + '-hint'}>{hint}</p>}
      {msg && <p class="field-error" id={id + '-err'}>{msg}</p>}
    </div>
  );
}

/** The error of a form: the message, unless every problem is shown beside a field. */
export function FormError({ error, shown = [] }: { error: ApiError | null; shown?: string[] }) {
  if (!error) return null;
  const keys = Object.keys(error.fields);
  if (keys.length && keys.every((k) => shown.includes(k))) return <p class="form-error" role="alert">Please correct the fields marked below.</p>;
  const extra = keys.filter((k) => !shown.includes(k)).map((k) => `${k}: ${error.fields[k]}`);
  return <div class="notice notice-error" role="alert"><p>{error.message}</p>{extra.length > 0 && <ul>{extra.map((x) => <li key={x}>{x}</li>)}</ul>}</div>;
}

/** A button. While busy it stays focusable (aria-disabled, clicks and submits ignored), so
 * the keyboard's place is not lost to the body as it would be with the disabled attribute. */
export function Button(props: JSX.ButtonHTMLAttributes<HTMLButtonElement> & { busy?: boolean; kind?: 'primary' | 'secondary' | 'danger' | 'link'; type?: 'button' | 'submit' }) {
  const { busy, kind = 'primary', children, disabled, type = 'button', class: cls, onClick, ...rest } = props;
  const click = (e: JSX.TargetedMouseEvent<HTMLButtonElement>) => {
    if (busy) { e.preventDefault(); return; }
    if (typeof onClick === 'function') onClick.call(e.currentTarget, e);
  };
  return (
    <button type={type} class={`btn btn-${kind}${cls ? ' ' + cls : ''}`} disabled={disabled as boolean}
      aria-disabled={busy ? true : undefined} aria-busy={busy ? true : undefined} onClick={click} {...rest}>
      {busy && <span class="spinner-dot" aria-hidden="true" />}
      {children}
    </button>
  );
}

export function Price({ paise, was }: { paise: number; was?: number | null }) {
  return (
    <span class="price">
      {paise === 0 ? 'Free' : rupees(paise)}
      {was ? <s class="price-was" aria-label={`was ${rupees(was)}`}>{rupees(was)}</s> : null}
    </span>
  );
}

export function Stars({ value, count }: { value: number | null | undefined; count?: number }) {
  if (!value) return <span class="stars stars-none">No ratings yet</span>;
  const full = Math.round(value);
  return (
    <span class="stars" role="img" aria-label={`Rated ${value.toFixed(1)} out of 5${count !== undefined ? ` by ${count} ${count === 1 ? 'buyer' : 'buyers'}` : ''}`}>
      <span aria-hidden="true">{'★'.repeat(full)}{'☆'.repeat(5 - full)}</span>
      <span class="stars-num" aria-hidden="true">{value.toFixed(1)}{count !== undefined ? ` (${count})` : ''}</span>
    </span>
  );
}

/** Set the document's title (the server renders the full head for crawlers). */
export function useTitle(title: string | null | undefined) {
  useEffect(() => { if (title) document.title = `${title} · Souk`; }, [title]);
}

/** A determinate progress bar (uploads) or an indeterminate one. */
export function Progress({ value, max = 1, label }: { value?: number; max?: number; label: string }) {
  return (
    <div class="progress">
      <progress value={value} max={max} aria-label={label} />
      {value !== undefined && <span>{Math.round((value / max) * 100)}%</span>}
    </div>
  );
}
