// ApiService.ts - the one module of the front end that talks to the network.
// Every call is typed by the OpenAPI description (docs/openapi.yaml, turned
// into ./types.ts by openapi-typescript): the path, its parameters, the body
// and the answer. It sends cookies, echoes the souk_csrf cookie in
// X-CSRF-Token on unsafe requests, refreshes the session once on a 401 and
// retries, and turns every failure into an ApiError carrying the server's
// code, message and per-field messages (422).
import type { paths } from './types';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Op<P extends keyof paths, M extends Method> = NonNullable<paths[P][M & keyof paths[P]]>;

/** The paths that have an operation for method M. */
export type PathsWith<M extends Method> = {
  [P in keyof paths]: paths[P] extends { [K in M]: { responses: unknown } } ? P : never;
}[keyof paths];

type ParamsOf<O> = O extends { parameters: infer X } ? X : Record<string, never>;
type PathOf<O> = ParamsOf<O> extends { path: infer X } ? X : never;
type QueryOf<O> = ParamsOf<O> extends { query?: infer X } ? X : never;
type BodyOf<O> = O extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;
type JsonOf<R> = R extends { content: { 'application/json': infer J } } ? J : undefined;
/** The JSON of the operation's 2xx answers. */
export type Answer<O> = O extends { responses: infer R }
  ? { [S in keyof R]: S extends 200 | 201 | 202 | 204 ? JsonOf<R[S]> : never }[keyof R]
  : never;

type Opts<O> = ([PathOf<O>] extends [never] ? { path?: undefined } : { path: PathOf<O> }) & {
  query?: [QueryOf<O>] extends [never] ? undefined : QueryOf<O>;
  body?: [BodyOf<O>] extends [never] ? undefined : BodyOf<O>;
  headers?: Record<string, string>;
  signal?: AbortSignal;
};

export type Get<P extends PathsWith<'get'>> = Answer<Op<P, 'get'>>;
export type Post<P extends PathsWith<'post'>> = Answer<Op<P, 'post'>>;

/** A failed call: the server's error shape, or a network failure (status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: Record<string, string>;
  readonly retryAfter: number | null;
  constructor(status: number, code: string, message: string, fields?: Record<string, string>, retryAfter?: number | null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.fields = fields ?? {};
    this.retryAfter = retryAfter ?? null;
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** The sign-in routes, which need no session: their 401 is an answer, not an expired token. */
const SESSIONLESS = /^\/api\/v1\/auth\/(?:(?:register|login|refresh|logout|verify-email|providers)(?:$|\?)|otp\/|password-reset\/|oauth\/)/;

function cookie(name: string): string {
  const m = document.cookie.match(new RegExp('(?:^|;\\s*)' + name + '=([^;]*)'));
  return m?.[1] ? decodeURIComponent(m[1]) : '';
}

/** The URL of a path template with its parameters filled and its query. */
export function urlOf(template: string, path?: Record<string, unknown>, query?: Record<string, unknown>): string {
  let url = template.replace(/\{([^}]+)\}/g, (_, k: string) => {
    const v = path?.[k];
    if (v === undefined || v === null) throw new Error(`missing path parameter ${k} for ${template}`);
    return encodeURIComponent(String(v));
  });
  if (query) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined || v === null || v === '') continue;
      // arrays are form-style, not exploded (tags=a,b), as the spec says
      if (Array.isArray(v)) { if (v.length) q.set(k, v.map(String).join(',')); }
      else q.set(k, String(v));
    }
    const s = q.toString();
    if (s) url += '?' + s;
  }
  return url;
}

async function errorOf(res: Response): Promise<ApiError> {
  let doc: unknown;
  try { doc = await res.json(); } catch { doc = undefined; }
  const e = (doc as { error?: { code?: string; message?: string; fields?: Record<string, string> } } | undefined)?.error;
  const ra = Number(res.headers.get('Retry-After'));
  return new ApiError(res.status, e?.code ?? 'http_' + res.status,
    e?.message ?? `The shop answered ${res.status}.`, e?.fields, Number.isFinite(ra) && ra > 0 ? ra : null);
}

let refreshing: Promise<boolean> | null = null;
/** One refresh at a time: concurrent 401s wait for the same one. */
function refresh(): Promise<boolean> {
  refreshing ??= (async () => {
    try {
      const res = await fetch('/api/v1/auth/refresh', {
        method: 'POST', credentials: 'same-origin',
        headers: { 'X-CSRF-Token': cookie('souk_csrf') },
      });
      return res.ok;
    } catch {
      return false;
    } finally {
      setTimeout(() => { refreshing = null; }, 0);
    }
  })();
  return refreshing;
}

const listeners = new Set<() => void>();
/** Called when a refresh fails: the session is gone (signed out elsewhere, expired). */
export function onSignedOut(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

async function send(method: string, url: string, init: { body?: unknown; headers?: Record<string, string>; signal?: AbortSignal; raw?: boolean }, retried = false): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json', ...init.headers };
  if (UNSAFE.has(method)) headers['X-CSRF-Token'] = cookie('souk_csrf');
  let body: string | undefined;
  if (init.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(init.body);
  }
  let res: Response;
  try {
    res = await fetch(url, { method, headers, body, credentials: 'same-origin', signal: init.signal });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'network', 'The shop cannot be reached. Check your connection and try again.');
  }
  if (res.status === 401 && !retried && !SESSIONLESS.test(url)) {
    if (await refresh()) return send(method, url, init, true);
    listeners.forEach((fn) => fn());
  }
  return res;
}

async function call(method: Method, template: string, opts: { path?: Record<string, unknown>; query?: unknown; body?: unknown; headers?: Record<string, string>; signal?: AbortSignal } = {}): Promise<unknown> {
  const url = urlOf(template, opts.path, opts.query as Record<string, unknown> | undefined);
  const res = await send(method.toUpperCase(), url, opts);
  if (!res.ok) throw await errorOf(res);
  if (res.status === 204) return undefined;
  const type = res.headers.get('Content-Type') ?? '';
  if (!type.includes('json')) return undefined;
  return res.json();
}

/** The typed client: api.get('/api/v1/products/{slug}', { path: { slug } }). */
export const api = {
  get<P extends PathsWith<'get'>>(path: P, opts?: Opts<Op<P, 'get'>>): Promise<Answer<Op<P, 'get'>>> {
    return call('get', path, opts as never) as never;
  },
  post<P extends PathsWith<'post'>>(path: P, opts?: Opts<Op<P, 'post'>>): Promise<Answer<Op<P, 'post'>>> {
    return call('post', path, opts as never) as never;
  },
  put<P extends PathsWith<'put'>>(path: P, opts?: Opts<Op<P, 'put'>>): Promise<Answer<Op<P, 'put'>>> {
    return call('put', path, opts as never) as never;
  },
  patch<P extends PathsWith<'patch'>>(path: P, opts?: Opts<Op<P, 'patch'>>): Promise<Answer<Op<P, 'patch'>>> {
    return call('patch', path, opts as never) as never;
  },
  delete<P extends PathsWith<'delete'>>(path: P, opts?: Opts<Op<P, 'delete'>>): Promise<Answer<Op<P, 'delete'>>> {
    return call('delete', path, opts as never) as never;
  },

  /**
   * A binary answer (an invoice PDF, the account export) as a Blob, or
   * `{ pending: seconds }` when the server answers 202 with Retry-After.
   */
  async blob<P extends PathsWith<'get'>>(path: P, opts?: Opts<Op<P, 'get'>>): Promise<{ blob: Blob; filename: string | null } | { pending: number }> {
    const o = (opts ?? {}) as { path?: Record<string, unknown>; query?: Record<string, unknown> };
    const res = await send('GET', urlOf(path, o.path, o.query), {});
    if (res.status === 202) return { pending: Number(res.headers.get('Retry-After')) || 2 };
    if (!res.ok) throw await errorOf(res);
    const cd = res.headers.get('Content-Disposition') ?? '';
    const m = cd.match(/filename\*?=(?:UTF-8'')?"?([^";]+)"?/i);
    return { blob: await res.blob(), filename: m?.[1] ? decodeURIComponent(m[1]) : null };
  },

  /**
   * Upload raw bytes with progress (XMLHttpRequest: fetch reports no upload
   * progress). Answers the parsed JSON.
   */
  upload(url: string, data: Blob, opts: { method?: string; headers?: Record<string, string>; onProgress?: (done: number, total: number) => void; signal?: AbortSignal; sameOrigin?: boolean } = {}): Promise<unknown> {
    const same = opts.sameOrigin ?? url.startsWith('/');
    const attempt = (retried: boolean): Promise<unknown> => new Promise((resolve, reject) => {
      if (opts.signal?.aborted) return reject(new ApiError(0, 'aborted', 'The upload was cancelled.'));
      const xhr = new XMLHttpRequest();
      xhr.open(opts.method ?? 'POST', url);
      if (same) {
        xhr.withCredentials = true;
        xhr.setRequestHeader('X-CSRF-Token', cookie('souk_csrf'));
      }
      for (const [k, v] of Object.entries(opts.headers ?? {})) xhr.setRequestHeader(k, v);
      const abort = () => xhr.abort();
      const done = () => opts.signal?.removeEventListener('abort', abort);
      xhr.upload.onprogress = (e) => opts.onProgress?.(e.loaded, e.lengthComputable ? e.total : data.size);
      xhr.onerror = () => { done(); reject(new ApiError(0, 'network', 'The upload was interrupted. Check your connection and try again.')); };
      xhr.onabort = () => { done(); reject(new ApiError(0, 'aborted', 'The upload was cancelled.')); };
      xhr.onload = () => {
        done();
        let doc: unknown;
        try { doc = xhr.responseText ? JSON.parse(xhr.responseText) : undefined; } catch { doc = undefined; }
        if (xhr.status >= 200 && xhr.status < 300) return resolve(doc);
        const e = (doc as { error?: { code?: string; message?: string; fields?: Record<string, string> } } | undefined)?.error;
        const err = new ApiError(xhr.status, e?.code ?? 'http_' + xhr.status, e?.message ?? `The upload failed (${xhr.status}).`, e?.fields);
        // an expired access cookie: refresh once, as send() does, and send the bytes again
        if (xhr.status === 401 && same && !retried && !SESSIONLESS.test(url)) {
          void refresh().then((ok) => {
            if (!ok) { listeners.forEach((fn) => fn()); return reject(err); }
            opts.onProgress?.(0, data.size);
            attempt(true).then(resolve, reject);
          });
          return;
        }
        reject(err);
      };
      opts.signal?.addEventListener('abort', abort);
      xhr.send(data);
    });
    return attempt(false);
  },

  /** The pageview beacon (no credentials are read; works while the page unloads). */
  pageview(path: string, referrer: string): void {
    const body = JSON.stringify({ path, referrer: referrer || undefined });
    const blob = new Blob([body], { type: 'application/json' });
    if (navigator.sendBeacon?.('/api/v1/metrics/pageview', blob)) return;
    void fetch('/api/v1/metrics/pageview', { method: 'POST', body, headers: { 'Content-Type': 'application/json' }, keepalive: true, credentials: 'omit' }).catch(() => undefined);
  },
};

/** Whether the browser holds a session (the readable CSRF cookie is set with it). */
export function hasSessionCookie(): boolean {
  return cookie('souk_csrf') !== '';
}
