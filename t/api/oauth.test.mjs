// oauth.test.mjs - Google (OpenID Connect) and GitHub sign-in, end to end:
// nginx -> souk-fcgi -> the stand-ins in t/fakes (a real oidc-provider with
// PKCE and RS256 ID tokens, and a GitHub-like OAuth server), started by
// ./souk test on SOUK_TEST_FAKE_GOOGLE / SOUK_TEST_FAKE_GITHUB.
//
// A "browser" here is two cookie jars: lib.mjs's Browser for Souk, and a
// small jar for the provider that follows its redirects until it sends us back
// to Souk's callback. The test picks the provider's account with the standard
// login_hint (Google) or login (GitHub) parameter added to the authorize URL.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { api as rawApi, sql, isApiError, Browser, freshEmail, sleep, setCookies } from './lib.mjs';

const GOOGLE = process.env.SOUK_TEST_FAKE_GOOGLE ?? 'http://127.0.0.1:18091';
const GITHUB = process.env.SOUK_TEST_FAKE_GITHUB ?? 'http://127.0.0.1:18092';

// nginx's auth zone may still be draining another file's flood: a 429 from
// nginx never reached Souk (no state was spent), so waiting and asking again
// is safe
async function retry429(call) {
  for (let i = 0; ; i++) {
    const r = await call();
    if (r.status !== 429 || i >= 10) return r;
    await sleep(Math.min(2000, 1000 * Number(r.headers.get('retry-after') ?? 1)));
  }
}
const api = (path, opts) => retry429(() => rawApi(path, opts));
const get = (souk, path) => retry429(() => souk.req(path));

const expectError = (r, status, code) =>
  assert.ok(isApiError(r, status, code), `want ${status} ${code}, got ${r.status} ${r.text}`);

/** A setting of the stack under test, read by the server's own parser. */
function setting(name, fallback) {
  const build = process.env.SOUK_TEST_BUILD, env = process.env.SOUK_TEST_ENV_FILE;
  if (!build || !env) return fallback;
  return execFileSync(`${build}/souk-fcgi`, ['--env-file', env, '--get', name], { encoding: 'utf8' }).trim();
}
const SUCCESS_URL = process.env.SOUK_TEST_OAUTH_SUCCESS_URL ?? setting('SOUK_OAUTH_SUCCESS_URL', '/account');

const q = (s) => `'${String(s).replace(/'/g, "''")}'`;
const one = (query) => {
  const r = sql(query);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
};

async function fakePost(base, path, body) {
  const r = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body) });
  assert.equal(r.status, 200, await r.text());
}

let seq = 0;
/** A fresh Google test account; returns {id, email}. */
async function googleAccount({ verified = true, email = freshEmail('google') } = {}) {
  seq += 1;
  const id = `g-${process.pid}-${Date.now()}-${seq}`;
  await fakePost(GOOGLE, '/_fake/accounts', { id, email, email_verified: verified, name: `Google ${seq}` });
  return { id, email };
}

/** A fresh GitHub test user; returns {login, id, email}. */
async function githubUser({ email = freshEmail('github'), verified = true, primary = true,
  extra = [], name = `GitHub ${seq}` } = {}) {
  seq += 1;
  const login = `gh-${process.pid}-${seq}`;
  const id = (Date.now() % 1e10) * 100 + (seq % 100);
  await fakePost(GITHUB, '/_fake/users', { login, id, name,
    avatar_url: `https://avatars.example.test/u/${id}`,
    emails: [{ email, primary, verified }, ...extra] });
  return { login, id, email };
}

/** Arms the fake to spoil the next ID token issued for this account. */
const sabotage = (sub, mode) => fakePost(GOOGLE, '/_fake/sabotage', { sub, mode });

/** A password account created in the database directly. */
function passwordAccount(email, { verified = true, status = 'active' } = {}) {
  return one(`insert into users (email, name, password_hash, email_verified_at, status, role_id)
    select ${q(email)}, 'Password User', '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g',
      ${verified ? 'now()' : 'NULL'}, ${q(status)}, id from roles where name = 'customer'
    returning id`);
}

/** Follows the provider's redirects (with its own cookies) until it sends
 * the browser back to Souk's callback; returns that URL. */
async function throughProvider(authorizeUrl, provider) {
  const jar = new Map();
  let url = authorizeUrl;
  for (let hop = 0; hop < 10; hop++) {
    const r = await fetch(url, { redirect: 'manual',
      headers: jar.size ? { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } : {} });
    for (const c of setCookies(r.headers)) {
      const [pair] = c.split(';');
      const eq = pair.indexOf('=');
      jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1));
    }
    const location = r.headers.get('location');
    if (r.status < 300 || r.status > 399 || !location) {
      throw new Error(`the provider answered ${r.status} at ${url}: ${(await r.text()).slice(0, 300)}`);
    }
    const next = new URL(location, url);
    if (next.pathname === `/api/v1/auth/oauth/${provider}/callback`) return next;
    url = next;
  }
  throw new Error('the provider did not send the browser back');
}

/** start -> provider (as `who`) -> the callback URL, not yet followed. */
async function startAndAuthorize(provider, who, souk = new Browser()) {
  const start = await get(souk, `/api/v1/auth/oauth/${provider}/start`);
  assert.equal(start.status, 302, start.text);
  const authorize = new URL(start.headers.get('location'));
  authorize.searchParams.set(provider === 'google' ? 'login_hint' : 'login', who);
  const callback = await throughProvider(authorize, provider);
  return { souk, start, authorize, callback };
}

/** The whole sign-in; returns {souk, start, callback, res} (res = Souk's callback answer). */
async function signIn(provider, who, souk = new Browser()) {
  const flow = await startAndAuthorize(provider, who, souk);
  const res = await get(souk, flow.callback.pathname + flow.callback.search);
  return { ...flow, res };
}

function assertSignedIn(flow) {
  const { res, souk } = flow;
  assert.equal(res.status, 302, res.text);
  assert.equal(res.headers.get('location'), SUCCESS_URL);
  for (const name of ['souk_at', 'souk_rt', 'souk_csrf']) assert.ok(souk.cookies.has(name), `no ${name} cookie`);
  assert.ok(!souk.cookies.has('souk_oauth'), 'the state cookie was not cleared');
}

function assertRefused(flow, status, code) {
  expectError(flow.res, status, code);
  for (const name of ['souk_at', 'souk_rt']) assert.ok(!flow.souk.cookies.has(name), `a ${name} cookie was set`);
}

const userId = (email) => one(`select id from users where email = ${q(email)}`);
const identities = (provider, subject) =>
  one(`select user_id from oauth_identities where provider = ${q(provider)} and provider_user_id = ${q(subject)}`);

before(async () => {
  // the stand-ins must be up: fail clearly rather than time out on the first flow
  for (const base of [GOOGLE, GITHUB]) {
    const r = await fetch(`${base}/_fake/ping`).catch((e) => ({ status: 0, error: e }));
    assert.ok(r.status > 0, `the sign-in stand-in at ${base} is not running (t/fakes/start.mjs)`);
  }
});

describe('providers and start', () => {
  test('GET /api/v1/auth/providers lists the enabled providers', async () => {
    const r = await api('/api/v1/auth/providers');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, { providers: ['google', 'github'] });
  });

  test('Google start: 302 with state, PKCE S256 and nonce; state cookie bound to the browser', async () => {
    const souk = new Browser();
    const r = await get(souk, '/api/v1/auth/oauth/google/start');
    assert.equal(r.status, 302, r.text);
    const loc = new URL(r.headers.get('location'));
    assert.equal(loc.origin + loc.pathname, `${GOOGLE}/auth`);
    const p = loc.searchParams;
    assert.equal(p.get('response_type'), 'code');
    assert.ok(p.get('client_id'));
    assert.match(p.get('redirect_uri'), /^https?:\/\/[^/]+\/api\/v1\/auth\/oauth\/google\/callback$/);
    assert.deepEqual(p.get('scope').split(' ').sort(), ['email', 'openid', 'profile']);
    assert.match(p.get('state'), /^[A-Za-z0-9_-]{43}$/);
    assert.match(p.get('nonce'), /^[A-Za-z0-9_-]{43}$/);
    assert.match(p.get('code_challenge'), /^[A-Za-z0-9_-]{43}$/);
    assert.equal(p.get('code_challenge_method'), 'S256');
    const cookie = r.headers.get('set-cookie');
    assert.match(cookie, new RegExp(`^souk_oauth=${p.get('state')};`));
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
    assert.match(cookie, /Path=\/api\/v1\/auth\/oauth/);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    // every start is fresh
    const again = new URL((await api('/api/v1/auth/oauth/google/start')).headers.get('location')).searchParams;
    for (const name of ['state', 'nonce', 'code_challenge']) assert.notEqual(again.get(name), p.get(name), name);
  });

  test('GitHub start: 302 with state and the e-mail scope', async () => {
    const r = await api('/api/v1/auth/oauth/github/start');
    assert.equal(r.status, 302, r.text);
    const loc = new URL(r.headers.get('location'));
    assert.equal(loc.origin + loc.pathname, `${GITHUB}/login/oauth/authorize`);
    assert.match(loc.searchParams.get('state'), /^[A-Za-z0-9_-]{43}$/);
    assert.ok(loc.searchParams.get('scope').split(' ').includes('user:email'));
    assert.match(loc.searchParams.get('redirect_uri'), /\/api\/v1\/auth\/oauth\/github\/callback$/);
  });

  test('an unknown provider is 404 JSON, on start and callback', async () => {
    expectError(await api('/api/v1/auth/oauth/facebook/start'), 404, 'not_found');
    expectError(await api('/api/v1/auth/oauth/facebook/callback?code=x&state=y'), 404, 'not_found');
    expectError(await api('/api/v1/auth/oauth/GOOGLE/start'), 404, 'not_found');
  });

  test('the Google stand-in itself insists on PKCE', async () => {
    const start = await api('/api/v1/auth/oauth/google/start');
    const url = new URL(start.headers.get('location'));
    url.searchParams.delete('code_challenge');
    url.searchParams.delete('code_challenge_method');
    url.searchParams.set('login_hint', 'alice');
    const back = await throughProvider(url, 'google');
    assert.equal(back.searchParams.get('error'), 'invalid_request');
    assert.match(back.searchParams.get('error_description'), /code_challenge|PKCE/i);
  });
});

describe('Google sign-in', () => {
  test('a new person: account created (verified, no password, customer), identity linked, session started', async () => {
    const acct = await googleAccount();
    const flow = await signIn('google', acct.id);
    assertSignedIn(flow);
    const row = one(`select u.email_verified_at is not null, u.password_hash is null, r.name, u.status
      from users u join roles r on r.id = u.role_id where u.email = ${q(acct.email)}`);
    assert.equal(row, 't|t|customer|active');
    assert.equal(identities('google', acct.id), userId(acct.email));
    assert.equal(one(`select count(*) from audit_log where action = 'auth.login'
      and actor_id = ${userId(acct.email)} and data->>'method' = 'google'`), '1');
    assert.equal(one(`select count(*) from refresh_tokens where user_id = ${userId(acct.email)}`), '1');
    // the session works
    const me = await get(flow.souk, '/api/v1/me');
    assert.equal(me.status, 200, me.text);
    assert.equal(me.json.user.email, acct.email);
    assert.equal(me.json.user.email_verified, true);
  });

  test('signing in again finds the same account through the identity', async () => {
    const acct = await googleAccount();
    assertSignedIn(await signIn('google', acct.id));
    const first = userId(acct.email);
    assertSignedIn(await signIn('google', acct.id));
    assert.equal(userId(acct.email), first);
    assert.equal(one(`select count(*) from oauth_identities where user_id = ${first}`), '1');
    assert.equal(one(`select count(*) from refresh_tokens where user_id = ${first}`), '2');
  });

  test('a verified e-mail links to the existing password account', async () => {
    const email = freshEmail('glink');
    const existing = passwordAccount(email);
    const acct = await googleAccount({ email });
    assertSignedIn(await signIn('google', acct.id));
    assert.equal(identities('google', acct.id), existing);
    assert.equal(one(`select count(*) from users where email = ${q(email)}`), '1');
    assert.equal(one(`select password_hash is not null from users where id = ${existing}`), 't',
      'a verified account keeps its password');
  });

  test('linking to an account that never verified its e-mail removes its password and sessions', async () => {
    const email = freshEmail('gclaim');
    const existing = passwordAccount(email, { verified: false });
    one(`insert into refresh_tokens (user_id, token_hash, family_id, expires_at)
      values (${existing}, sha256(${q(email)}::bytea), gen_random_uuid(), now() + interval '1 day')`);
    const acct = await googleAccount({ email });
    assertSignedIn(await signIn('google', acct.id));
    assert.equal(identities('google', acct.id), existing);
    assert.equal(one(`select password_hash is null, email_verified_at is not null from users where id = ${existing}`), 't|t');
    assert.equal(one(`select count(*) from refresh_tokens where user_id = ${existing}
      and token_hash = sha256(${q(email)}::bytea) and revoked_at is null`), '0');
  });

  test('an e-mail the provider has not verified is refused: nothing created, nothing linked', async () => {
    const email = freshEmail('gunv');
    const existing = passwordAccount(email);
    const acct = await googleAccount({ email, verified: false });
    assertRefused(await signIn('google', acct.id), 401, 'unauthenticated');
    assert.equal(identities('google', acct.id), '');
    assert.equal(one(`select count(*) from users where email = ${q(email)}`), '1');
    assert.equal(one(`select count(*) from oauth_identities where user_id = ${existing}`), '0');
  });

  test('a disabled account is refused with 403', async () => {
    const email = freshEmail('gdis');
    passwordAccount(email, { status: 'disabled' });
    const acct = await googleAccount({ email });
    assertRefused(await signIn('google', acct.id), 403, 'forbidden');
    assert.equal(identities('google', acct.id), '');
    // and one disabled after linking
    const later = await googleAccount();
    assertSignedIn(await signIn('google', later.id));
    one(`update users set status = 'disabled' where email = ${q(later.email)}`);
    assertRefused(await signIn('google', later.id), 403, 'forbidden');
  });

  test('the person declines at Google: 401 JSON, no session', async () => {
    assertRefused(await signIn('google', 'deny'), 401, 'unauthenticated');
  });

  // ID tokens spoiled by the stand-in on demand (re-signed with its own key
  // where only a claim is wrong): every one refused, nobody created
  for (const mode of ['bad-signature', 'wrong-audience', 'wrong-issuer', 'wrong-nonce', 'expired',
    'unverified-email', 'alg-none', 'hs256', 'unknown-kid']) {
    test(`an ID token with ${mode} is refused`, async () => {
      const acct = await googleAccount();
      await sabotage(acct.id, mode);
      assertRefused(await signIn('google', acct.id), 401, 'unauthenticated');
      assert.equal(one(`select count(*) from users where email = ${q(acct.email)}`), '0');
      assert.equal(identities('google', acct.id), '');
      // the account itself is fine: the next, honest token signs in
      assertSignedIn(await signIn('google', acct.id));
    });
  }
});

describe('state: single use, bound to the browser and the provider', () => {
  test('a reused state (replayed callback) is refused', async () => {
    const acct = await googleAccount();
    const flow = await signIn('google', acct.id);
    assertSignedIn(flow);
    const sessions = one(`select count(*) from refresh_tokens where user_id = ${userId(acct.email)}`);
    const replay = new Browser();
    replay.cookies.set('souk_oauth', flow.callback.searchParams.get('state'));
    const r = await get(replay, flow.callback.pathname + flow.callback.search);
    expectError(r, 401, 'unauthenticated');
    assert.ok(!replay.cookies.has('souk_at'));
    assert.equal(one(`select count(*) from refresh_tokens where user_id = ${userId(acct.email)}`), sessions);
  });

  test('a wrong state is refused and spends nothing; the right one still works', async () => {
    const acct = await googleAccount();
    const flow = await startAndAuthorize('google', acct.id);
    const forged = new URL(flow.callback);
    forged.searchParams.set('state', 'A'.repeat(43));
    expectError(await get(flow.souk, forged.pathname + forged.search), 401, 'unauthenticated');
    forged.searchParams.set('state', 'not a state');
    expectError(await get(flow.souk, forged.pathname + forged.search), 401, 'unauthenticated');
    assert.ok(!flow.souk.cookies.has('souk_at'));
    const res = await get(flow.souk, flow.callback.pathname + flow.callback.search);
    assertSignedIn({ ...flow, res });
  });

  test('code or state missing: 400', async () => {
    expectError(await api('/api/v1/auth/oauth/google/callback?state=abc'), 400, 'malformed_request');
    expectError(await api('/api/v1/auth/oauth/google/callback?code=abc'), 400, 'malformed_request');
    expectError(await api('/api/v1/auth/oauth/github/callback'), 400, 'malformed_request');
  });

  test('a browser sent back with a failure lands on the sign-in page with a fixed reason', async () => {
    const html = { accept: 'text/html,application/xhtml+xml' };
    let r = await api('/api/v1/auth/oauth/google/callback?code=abc&state=' + 'A'.repeat(43), { headers: html });
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), '/signin?oauth_error=failed');
    assert.equal(r.text, '');
    r = await api('/api/v1/auth/oauth/github/callback?error=access_denied&state=x', { headers: html });
    assert.equal(r.headers.get('location'), '/signin?oauth_error=failed');
    r = await api('/api/v1/auth/oauth/facebook/callback?code=x&state=y', { headers: html });
    assert.equal(r.headers.get('location'), '/signin?oauth_error=provider');
    // a client that asks for JSON keeps the JSON error
    expectError(await api('/api/v1/auth/oauth/google/callback?code=abc&state=x'), 401, 'unauthenticated');
  });

  test('a state started in another browser is refused (login CSRF), and is spent', async () => {
    const acct = await googleAccount();
    const flow = await startAndAuthorize('google', acct.id);
    const victim = new Browser();
    expectError(await get(victim, flow.callback.pathname + flow.callback.search), 401, 'unauthenticated');
    assert.ok(!victim.cookies.has('souk_at'));
    expectError(await get(flow.souk, flow.callback.pathname + flow.callback.search), 401, 'unauthenticated');
  });

  test("one provider's state is refused at the other's callback", async () => {
    const user = await githubUser();
    const flow = await startAndAuthorize('github', user.login);
    const r = await get(flow.souk, `/api/v1/auth/oauth/google/callback${flow.callback.search}`);
    expectError(r, 401, 'unauthenticated');
    assert.ok(!flow.souk.cookies.has('souk_at'));
  });
});

describe('GitHub sign-in', () => {
  test('a new person: account created from the primary verified e-mail', async () => {
    const user = await githubUser({ name: 'Grace Hopper',
      extra: [{ email: freshEmail('ghsecondary'), primary: false, verified: true }] });
    const flow = await signIn('github', user.login);
    assertSignedIn(flow);
    assert.equal(identities('github', String(user.id)), userId(user.email));
    assert.equal(one(`select name, avatar_url, email_verified_at is not null, password_hash is null
      from users where email = ${q(user.email)}`), `Grace Hopper|https://avatars.example.test/u/${user.id}|t|t`);
    const me = await get(flow.souk, '/api/v1/me');
    assert.equal(me.status, 200, me.text);
    assert.equal(me.json.user.email, user.email);
  });

  test('no name on GitHub: the login is the name', async () => {
    const user = await githubUser({ name: null });
    assertSignedIn(await signIn('github', user.login));
    assert.equal(one(`select name from users where email = ${q(user.email)}`), user.login);
  });

  test('a verified primary e-mail links to the existing password account', async () => {
    const email = freshEmail('ghlink');
    const existing = passwordAccount(email);
    const user = await githubUser({ email });
    assertSignedIn(await signIn('github', user.login));
    assert.equal(identities('github', String(user.id)), existing);
    assert.equal(one(`select count(*) from users where email = ${q(email)}`), '1');
  });

  test('an unverified primary e-mail never links, and no account is created', async () => {
    const email = freshEmail('ghunv');
    const existing = passwordAccount(email);
    // its verified secondary address belongs to nobody here; it is not used either
    const user = await githubUser({ email, verified: false,
      extra: [{ email: freshEmail('ghunv2'), primary: false, verified: true }] });
    const flow = await signIn('github', user.login);
    assertRefused(flow, 403, 'forbidden');
    assert.match(flow.res.json.error.message, /verified primary e-mail/);
    assert.equal(identities('github', String(user.id)), '');
    assert.equal(one(`select count(*) from oauth_identities where user_id = ${existing}`), '0');
    assert.equal(one(`select count(*) from users where email = ${q(user.email)}`), '1');
  });

  test('an account already linked to another GitHub identity: 409', async () => {
    const email = freshEmail('ghtwice');
    const first = await githubUser({ email });
    assertSignedIn(await signIn('github', first.login));
    const second = await githubUser({ email });
    assertRefused(await signIn('github', second.login), 409, 'conflict');
    assert.equal(identities('github', String(second.id)), '');
  });

  test('the person declines at GitHub: 401 JSON, no session', async () => {
    assertRefused(await signIn('github', 'deny'), 401, 'unauthenticated');
  });

  test('a code GitHub refuses is 401 JSON, and the state is spent', async () => {
    const user = await githubUser();
    const flow = await startAndAuthorize('github', user.login);
    const bad = new URL(flow.callback);
    bad.searchParams.set('code', 'not-a-code-github-issued');
    assertRefused({ ...flow, res: await get(flow.souk, bad.pathname + bad.search) }, 401, 'unauthenticated');
    const res = await get(flow.souk, flow.callback.pathname + flow.callback.search);
    assertRefused({ ...flow, res }, 401, 'unauthenticated');
  });

  test('one person, two providers: Google and GitHub with the same verified e-mail share the account', async () => {
    const email = freshEmail('both');
    const g = await googleAccount({ email });
    assertSignedIn(await signIn('google', g.id));
    const gh = await githubUser({ email });
    assertSignedIn(await signIn('github', gh.login));
    assert.equal(identities('google', g.id), identities('github', String(gh.id)));
  });
});
