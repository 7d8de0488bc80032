// accountUtil.tsx - small helpers shared by the sign-in pages (pages/auth.tsx)
// and the account pages (pages/account.tsx): the safe "next" path, "try again
// in ..." texts for 429s, saving a Blob as a file, a device name from a
// User-Agent, and a toast that outlives a navigation (account deleted).
import { GST_STATES, stateCode } from './CartTotals';
import { render } from 'preact';
import type { ApiError } from '../api/ApiService';


/** `next` when it is an in-app path ("/x", never "//host" or "/\host"), else the fallback. */
export function safeNext(query: URLSearchParams, fallback = '/account'): string {
  const n = query.get('next');
  return n && isSafePath(n) ? n : fallback;
}

export function isSafePath(p: string): boolean {
  if (!p.startsWith('/') || /[\u0000-\u001f\\]/.test(p)) return false;
  try {
    const u = new URL(p, location.origin);
    return u.origin === location.origin && !p.startsWith('//');
  } catch {
    return false;
  }
}

/** "?next=..." to carry a safe next on to another sign-in page, or "". */
export function nextSuffix(query: URLSearchParams): string {
  const n = query.get('next');
  return n && isSafePath(n) ? '?next=' + encodeURIComponent(n) : '';
}

/** "30 seconds", "5 minutes", "2 hours". */
export function duration(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 60) return `${s} ${s === 1 ? 'second' : 'seconds'}`;
  const m = Math.ceil(s / 60);
  if (m < 60) return `${m} ${m === 1 ? 'minute' : 'minutes'}`;
  const h = Math.ceil(m / 60);
  return `${h} ${h === 1 ? 'hour' : 'hours'}`;
}

/** The "try again in ..." sentence of a 429, or "". */
export function retryText(error: ApiError | null | undefined): string {
  if (!error || error.status !== 429) return '';
  return error.retryAfter ? `You can try again in ${duration(error.retryAfter)}.` : 'Please wait a little and try again.';
}

/** Saves a Blob under filename through an object URL and a temporary <a download>. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

/** Follows a download link (the answer carries Content-Disposition: attachment, so the page stays). */
export function followDownload(url: string, filename: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = filename; // honoured same-origin; cross-origin (S3) the response's own header names it
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
}

/** Today's date in the browser's time zone, YYYY-MM-DD. */
export function today(): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** "Chrome on Windows" from a User-Agent (a courtesy: the full string is shown too). */
export function deviceName(ua: string | null | undefined): string {
  if (!ua) return 'Unknown device';
  const browser =
    /Edg\//.test(ua) ? 'Edge'
    : /OPR\/|Opera/.test(ua) ? 'Opera'
    : /Firefox\//.test(ua) ? 'Firefox'
    : /HeadlessChrome/.test(ua) ? 'Headless Chrome'
    : /Chrome\/|CriOS/.test(ua) ? 'Chrome'
    : /Safari\//.test(ua) && /Version\//.test(ua) ? 'Safari'
    : /^curl\//.test(ua) ? 'curl'
    : /python/i.test(ua) ? 'Python script'
    : /^node|undici|axios/i.test(ua) ? 'Node.js script'
    : '';
  const os =
    /Windows/.test(ua) ? 'Windows'
    : /Android/.test(ua) ? 'Android'
    : /iPhone|iPad|iPod/.test(ua) ? 'iOS'
    : /Mac OS X|Macintosh/.test(ua) ? 'macOS'
    : /CrOS/.test(ua) ? 'ChromeOS'
    : /Linux/.test(ua) ? 'Linux'
    : '';
  if (browser && os) return `${browser} on ${os}`;
  return browser || os || ua.slice(0, 40);
}

let toastHost: HTMLDivElement | null = null;
let toastSeq = 0;
/**
 * A notice that stays across a navigation (e.g. "Your account has been
 * deleted" on the home page): fixed at the top, dismissable, in a live region
 * that exists before its text arrives so that screen readers announce it.
 */
export function showToast(message: string, kind: 'success' | 'info' = 'success'): void {
  if (!toastHost) {
    toastHost = document.createElement('div');
    toastHost.className = 'account-toast-host';
    toastHost.setAttribute('role', 'status');
    toastHost.setAttribute('aria-live', 'polite');
    document.body.appendChild(toastHost);
  }
  const host = toastHost;
  const seq = ++toastSeq;
  const close = () => { if (seq === toastSeq) render(null, host); };
  setTimeout(() => {
    render(
      <div class={`notice notice-${kind} account-toast`}>
        <p>{message}</p>
        <button type="button" class="btn btn-small btn-secondary" onClick={close}>Dismiss</button>
      </div>,
      host,
    );
  }, 50);
  setTimeout(close, 15_000);
}

/** "Karnataka (29), India" from a billing state code and country. */
export function placeOfSupply(state: string | null | undefined, country: string | null | undefined): string {
  let where = '';
  if (state) {
    const code = stateCode(state);
    const name = code ? GST_STATES.find(([c]) => c === code)?.[1] : undefined;
    where = name ? `${name} (${code})` : state;
  }
  let land = country ?? '';
  try {
    if (country) land = new Intl.DisplayNames(['en-IN'], { type: 'region' }).of(country) ?? country;
  } catch { /* an old browser: the code */ }
  return [where, land].filter(Boolean).join(', ');
}
