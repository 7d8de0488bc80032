// lib.mjs - helpers for the black-box API tests. The stack under test is the
// throwaway one `./souk test` starts; its addresses arrive in SOUK_TEST_* vars.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { testValidator } from '../openapi/validate.mjs';

export const HTTP = process.env.SOUK_TEST_HTTP ?? 'http://127.0.0.1:18080';
export const HTTPS = process.env.SOUK_TEST_HTTPS ?? 'https://127.0.0.1:18443';
export const VAR = process.env.SOUK_TEST_VAR;
export const ROOT = process.env.SOUK_TEST_ROOT;
const BUILD = process.env.SOUK_TEST_BUILD;
const ENV_FILE = process.env.SOUK_TEST_ENV_FILE;

const STACK_ORIGINS = new Set([new URL(HTTP).origin, new URL(HTTPS).origin]);
/** Throws unless an answer of the test stack matches docs/openapi.yaml (its operation,
 * status and JSON body; t/openapi/validate.mjs). Every request to the stack goes
 * through api(), Browser.req() or httpsGet(), which call this; a helper that fetches
 * bytes itself calls it too. contentType: the header's value; text: the body (only
 * JSON bodies are read). */
export function conform(method, url, status, contentType, text) {
  const u = new URL(url);
  if (!STACK_ORIGINS.has(u.origin)) return;
  const problem = testValidator()?.check({ method, path: u.pathname, status, contentType, text });
  if (problem) throw new Error(problem);
}

/** fetch through nginx; returns {status, headers, text, json}. */
export async function api(path, { method = 'GET', headers = {}, body, base = HTTP } = {}) {
  const res = await fetch(base + path, { method, headers, body, redirect: 'manual' });
  const text = await res.text();
  conform(method, base + path, res.status, res.headers.get('content-type'), text);
  let json;
  try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
  return { status: res.status, headers: res.headers, text, json };
}

/** JSON POST helper. */
export function postJson(path, value, headers = {}) {
  return api(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof value === 'string' ? value : JSON.stringify(value),
  });
}

/** GET over TLS with the stack's self-signed certificate. */
export function httpsGet(path) {
  return new Promise((resolve, reject) => {
    const req = https.get(HTTPS + path, { rejectUnauthorized: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => {
        try { conform('GET', HTTPS + path, res.statusCode, res.headers['content-type'], text); } catch (e) { reject(e); return; }
        resolve({ status: res.statusCode, headers: res.headers, text });
      });
    });
    req.on('error', reject);
    req.setTimeout(10000, () => req.destroy(new Error('timeout')));
  });
}

/** Stops or starts one part of the test stack (postgres, redis, fcgi). */
export function stackCtl(action, component) {
  execFileSync(`${ROOT}/souk`, ['stack-ctl', 'test', action, component], { stdio: 'pipe' });
}

/** The pool's scoreboard as JSON (souk-fcgi --status --json). */
export function poolStatus() {
  const out = execFileSync(`${BUILD}/souk-fcgi`, ['--env-file', ENV_FILE, '--status', '--json'],
    { encoding: 'utf8' });
  return JSON.parse(out);
}

export function masterPid() {
  return Number(readFileSync(`${VAR}/run/fcgi/souk-fcgi.pid`, 'utf8').trim());
}

export function fcgiLog() {
  return readFileSync(`${VAR}/log/souk-fcgi.log`, 'utf8');
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls fn until it returns truthy or the time runs out (bounded). */
export async function until(fn, { timeout = 15000, every = 100 } = {}) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) return v;
    await sleep(every);
  }
}

/** Runs `total` requests made by `make(i)` with at most `concurrency` in flight. */
export async function load(total, concurrency, make) {
  const results = [];
  let next = 0;
  async function lane() {
    while (next < total) {
      const i = next++;
      try { results[i] = await make(i); } catch (e) { results[i] = { status: 0, error: String(e) }; }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, lane));
  return results;
}

/** Asserts the API error format of ARCHITECTURE.md. */
export function isApiError(r, status, code) {
  return r.status === status &&
    (r.headers.get('content-type') ?? '').startsWith('application/json') &&
    r.json?.error?.code === code && typeof r.json.error.message === 'string';
}

/** Keeps `concurrency` requests in flight while keepGoing() is true, at most `max` in all. */
export async function loadWhile(keepGoing, concurrency, max, make) {
  const results = [];
  async function lane() {
    while (keepGoing() && results.length < max) {
      const slot = results.length;
      results.push(undefined);
      try { results[slot] = await make(); } catch (e) { results[slot] = { status: 0, error: String(e) }; }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, lane));
  return results;
}

/** Runs souk-admin on the test stack; returns {code, stdout, stderr}. */
export function admin(args, { env = {}, input = '' } = {}) {
  const r = spawnSync(`${BUILD}/souk-admin`, ['--env-file', ENV_FILE, ...args],
    { encoding: 'utf8', input, env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs SQL on the test database with psql; returns {code, stdout, stderr}. */
export function sql(query) {
  const r = spawnSync('psql', ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-h', `${VAR}/run/pg`,
    '-U', 'souk', '-d', 'souk', '-c', query], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout.trim(), stderr: r.stderr };
}

/** Runs one Redis command on the test stack's Redis; returns its output, trimmed. */
export function redis(...args) {
  const password = readFileSync(`${VAR}/redis.secret`, 'utf8').trim();
  const r = spawnSync('redis-cli', ['-s', `${VAR}/run/redis/redis.sock`, '--no-auth-warning',
    '-a', password, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`redis-cli ${args[0]}: ${r.stderr}`);
  return r.stdout.trim();
}

/** Each Set-Cookie header of a response. Node 18's fetch has no
 * Headers.getSetCookie(); there, the joined header is split at commas that
 * start a new "name=" (an Expires date's comma never does). */
export function setCookies(headers) {
  if (typeof headers.getSetCookie === 'function') return headers.getSetCookie();
  const raw = headers.get('set-cookie');
  return raw ? raw.split(/,(?=\s*[A-Za-z0-9_.!#$%&'*+^`|~-]+=)/).map((c) => c.trim()) : [];
}

/** A browser-like client: keeps cookies, sends the CSRF header when it has one. */
export class Browser {
  constructor() { this.cookies = new Map(); }

  store(res) {
    for (const part of setCookies(res.headers)) {
      const [pair] = part.trim().split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1);
      const maxAge = /max-age=(\d+)/i.exec(part);
      if (value === '' || (maxAge && maxAge[1] === '0')) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header() { return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '); }

  async req(path, { method = 'GET', body, csrf = true, headers = {} } = {}) {
    const h = { ...headers };
    if (this.cookies.size) h.cookie = this.header();
    if (csrf && this.cookies.has('souk_csrf')) h['x-csrf-token'] = this.cookies.get('souk_csrf');
    if (body !== undefined) h['content-type'] = 'application/json';
    const res = await fetch(HTTP + path, {
      method, headers: h, redirect: 'manual',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    this.store(res);
    const text = await res.text();
    conform(method, HTTP + path, res.status, res.headers.get('content-type'), text);
    let json;
    try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
    return { status: res.status, headers: res.headers, text, json };
  }
}

/** The newest outbox row of a template for a recipient, as parsed JSON data. */
export function outbox(template, recipient) {
  const r = sql(`select data::text from email_outbox where template = '${template}'
                 and recipient = '${recipient}' order by id desc limit 1`);
  return r.stdout ? JSON.parse(r.stdout) : null;
}

/** A unique e-mail address for a test. */
let seq = 0;
export function freshEmail(tag) {
  seq += 1;
  return `${tag}-${process.pid}-${Date.now()}-${seq}@example.com`;
}

/** Fails unless r is the API error {status, code}, naming what came instead. */
export function expectError(r, status, code) {
  if (!isApiError(r, status, code)) throw new Error(`want ${status} ${code}, got ${r.status} ${r.text}`);
}

/** An access token for a password sign-in (the seed's password by default). */
export async function tokenFor(email, password = 'souk-dev-password') {
  const r = await postJson('/api/v1/auth/login', { email, password, mode: 'token' });
  if (r.status !== 200) throw new Error(`sign-in of ${email}: ${r.status} ${r.text}`);
  return r.json.access_token;
}

/** A JSON call with a Bearer token: call(token, 'PATCH', path, body?). */
export function call(token, method, path, body) {
  const headers = token ? { authorization: `Bearer ${token}` } : {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  return api(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

/** Every item of a list, following next_cursor page by page (bounded). */
export async function allPages(token, path, { limit = 7, maxPages = 500 } = {}) {
  const items = [];
  let cursor = null;
  let pages = 0;
  for (;;) {
    const sep = path.includes('?') ? '&' : '?';
    const r = await call(token, 'GET', `${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    if (r.status !== 200) throw new Error(`${path} page ${pages + 1}: ${r.status} ${r.text}`);
    if (!Array.isArray(r.json.items) || !('next_cursor' in r.json)) throw new Error(`${path}: not a page: ${r.text}`);
    if (r.json.items.length > limit) throw new Error(`${path}: ${r.json.items.length} items for limit ${limit}`);
    items.push(...r.json.items);
    pages += 1;
    cursor = r.json.next_cursor;
    if (cursor === null) return { items, pages };
    if (typeof cursor !== 'string' || pages >= maxPages) throw new Error(`${path}: cursor ${cursor} after ${pages} pages`);
  }
}

// --- the SMTP stand-in (t/fakes/smtp.mjs) of the test stack ---
const SMTP = process.env.SOUK_TEST_FAKE_SMTP;
/** An outbox row's status, attempts and last error. */
export const mailRow = (id) => sql(`select status || '|' || attempts || '|' || coalesce(last_error, '')
  from email_outbox where id = ${id}`).stdout.split('|');
/** The messages the SMTP stand-in received for to, once there are count of them. */
export async function received(to, { count = 1, timeout = 20000 } = {}) {
  let got = [];
  await until(async () => {
    got = await (await fetch(`${SMTP}/_fake/messages?to=${encodeURIComponent(to)}`)).json();
    return got.length >= count;
  }, { timeout, every: 200 });
  return got;
}
/** The e-mail of template the outbox queued last for to, as the SMTP server received it. */
export async function mailOf(template, to, timeout = 20000) {
  let id = '';
  await until(() => {
    id = sql(`select max(id) from email_outbox where template = '${template}' and recipient = '${to}'`).stdout;
    return id !== '';
  }, { timeout });
  let m;
  await until(async () => {
    const got = await (await fetch(`${SMTP}/_fake/messages?to=${encodeURIComponent(to)}`)).json();
    m = got.find((x) => x.messageId === `<outbox-${id}@127.0.0.1>`);
    return m !== undefined;
  }, { timeout, every: 200 });
  if (!m) throw new Error(`${template} to ${to} (outbox ${id}) did not arrive: ${mailRow(id).join(' ')}`);
  return { m, id };
}
