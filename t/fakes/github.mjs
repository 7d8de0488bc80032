// github.mjs - a stand-in for GitHub's OAuth web flow and the two API calls
// Souk makes, following GitHub's documented behaviour:
//
//   GET  /login/oauth/authorize   ?client_id&redirect_uri&state&scope[&login]
//        302 back to redirect_uri with code and state. login=<user> picks the
//        test user (GitHub's own "suggest this account" parameter); without it
//        a small page lists the users; login=deny answers error=access_denied.
//   POST /login/oauth/access_token   client_id, client_secret, code[, redirect_uri]
//        JSON when Accept: application/json, else form-encoded; errors are
//        HTTP 200 with {"error": "bad_verification_code", ...} as on GitHub.
//        Codes are single use and live 10 minutes.
//   GET  /user          Authorization: Bearer|token <access token>
//   GET  /user/emails   the same; needs the user:email (or user) scope
//
// Test controls (only on this loopback fake):
//   POST /_fake/users {"login","id","name","avatar_url","emails":[{email,primary,verified}]}
import { randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { readBody } from './http.mjs';

const USERS = [
  { login: 'octocat', id: 583231, name: 'The Octocat',
    avatar_url: 'https://avatars.example.test/u/583231',
    emails: [{ email: 'octocat@github.test', primary: true, verified: true },
      { email: 'octo-old@github.test', primary: false, verified: true }] },
  { login: 'hubot', id: 1002, name: 'Hubot Unverified',
    avatar_url: 'https://avatars.example.test/u/1002',
    emails: [{ email: 'hubot@github.test', primary: true, verified: false },
      { email: 'hubot-alt@github.test', primary: false, verified: true }] },
  { login: 'noname', id: 1003, name: null, avatar_url: null,
    emails: [{ email: 'noname@github.test', primary: true, verified: true }] },
];

const CODE_TTL_MS = 10 * 60 * 1000;

function send(res, status, body, type = 'application/json; charset=utf-8', headers = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store', ...headers });
  res.end(text);
}

const escapeHtml = (s) => String(s).replace(/[&<>"']/g,
  (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

function sameSecret(a, b) {
  const x = Buffer.from(String(a ?? '')), y = Buffer.from(String(b ?? ''));
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Starts the fake on 127.0.0.1:port for one OAuth app. redirectUris: the
 * callbacks it accepts. Resolves to {server, url, close()}.
 */
export async function startGithub({ port, clientId, clientSecret, redirectUris }) {
  const base = `http://127.0.0.1:${port}`;
  const users = new Map(USERS.map((u) => [u.login, structuredClone(u)]));
  const codes = new Map();  // code -> {login, redirectUri, scope, expires}
  const tokens = new Map(); // access token -> {login, scope}

  function authorize(url, res) {
    const q = url.searchParams;
    const redirectUri = q.get('redirect_uri') ?? redirectUris[0];
    if (q.get('client_id') !== clientId) return send(res, 404, 'unknown client_id', 'text/plain');
    if (!redirectUris.includes(redirectUri)) {
      return send(res, 400, 'The redirect_uri is not associated with this application.', 'text/plain');
    }
    const back = new URL(redirectUri);
    const login = q.get('login');
    if (!login) {
      const links = [...users.values()].map((u) => {
        const pick = new URL(url);
        pick.searchParams.set('login', u.login);
        return `<li><a href="${escapeHtml(pick.pathname + pick.search)}">${escapeHtml(u.login)}</a></li>`;
      });
      return send(res, 200, `<!doctype html><title>Fake GitHub</title><h1>Fake GitHub sign-in</h1>` +
        `<ul>${links.join('')}</ul>`, 'text/html; charset=utf-8');
    }
    if (login === 'deny') {
      back.searchParams.set('error', 'access_denied');
      back.searchParams.set('error_description', 'The user has denied your application access.');
    } else {
      if (!users.has(login)) return send(res, 400, `no test user "${login}"`, 'text/plain');
      const code = randomBytes(10).toString('hex');
      codes.set(code, { login, redirectUri, scope: q.get('scope') ?? '', expires: Date.now() + CODE_TTL_MS });
      back.searchParams.set('code', code);
    }
    if (q.has('state')) back.searchParams.set('state', q.get('state'));
    return send(res, 302, '', 'text/plain', { location: back.toString() });
  }

  async function accessToken(req, res) {
    const text = await readBody(req);
    const type = req.headers['content-type'] ?? '';
    const p = type.startsWith('application/json')
      ? JSON.parse(text || '{}')
      : Object.fromEntries(new URLSearchParams(text));
    const json = (req.headers.accept ?? '').includes('application/json');
    const answer = (body) => (json
      ? send(res, 200, body)
      : send(res, 200, new URLSearchParams(body).toString(), 'application/x-www-form-urlencoded; charset=utf-8'));
    if (p.client_id !== clientId || !sameSecret(p.client_secret, clientSecret)) {
      return answer({ error: 'incorrect_client_credentials',
        error_description: 'The client_id and/or client_secret passed are incorrect.' });
    }
    const c = codes.get(p.code);
    codes.delete(p.code); // single use, whatever happens
    if (!c || c.expires < Date.now() || (p.redirect_uri && p.redirect_uri !== c.redirectUri)) {
      return answer({ error: c && p.redirect_uri !== c.redirectUri ? 'redirect_uri_mismatch' : 'bad_verification_code',
        error_description: 'The code passed is incorrect or expired.' });
    }
    const token = `gho_${randomBytes(18).toString('base64url')}`;
    tokens.set(token, { login: c.login, scope: c.scope });
    return answer({ access_token: token, token_type: 'bearer', scope: c.scope.split(/[ ,]+/).join(',') });
  }

  function authed(req, res) {
    const m = /^(?:bearer|token) (\S+)$/i.exec(req.headers.authorization ?? '');
    const t = m && tokens.get(m[1]);
    if (!t || !users.has(t.login)) {
      send(res, 401, { message: 'Requires authentication', documentation_url: 'https://docs.github.com/rest' });
      return null;
    }
    return { user: users.get(t.login), scopes: t.scope.split(/[ ,]+/) };
  }

  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url, base);
      const path = url.pathname;
      if (path === '/login/oauth/authorize' && req.method === 'GET') return authorize(url, res);
      if (path === '/login/oauth/access_token' && req.method === 'POST') return await accessToken(req, res);
      if (path === '/user' && req.method === 'GET') {
        const a = authed(req, res);
        if (!a) return undefined;
        const u = a.user;
        const publicEmail = u.emails.find((e) => e.primary && e.visibility === 'public')?.email ?? null;
        return send(res, 200, { login: u.login, id: u.id, node_id: `U_${u.id}`, avatar_url: u.avatar_url,
          type: 'User', name: u.name, email: publicEmail });
      }
      if (path === '/user/emails' && req.method === 'GET') {
        const a = authed(req, res);
        if (!a) return undefined;
        if (!a.scopes.includes('user:email') && !a.scopes.includes('user')) {
          return send(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
        }
        return send(res, 200, a.user.emails.map((e) => ({ visibility: null, ...e })));
      }
      if (path === '/_fake/users' && req.method === 'POST') {
        const u = JSON.parse(await readBody(req));
        if (typeof u.login !== 'string' || !Number.isInteger(u.id) || !Array.isArray(u.emails)) {
          return send(res, 400, { error: 'login, id (integer) and emails are required' });
        }
        users.set(u.login, { login: u.login, id: u.id, name: u.name ?? null,
          avatar_url: u.avatar_url ?? null, emails: u.emails });
        return send(res, 200, users.get(u.login));
      }
      return send(res, 404, { message: 'Not Found' });
    } catch (e) {
      if (!res.headersSent) send(res, 500, { message: String(e?.message ?? e) });
      else res.destroy();
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    server,
    url: base,
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(resolve); }),
  };
}
