// auth.test.mjs - accounts: sign-up, sign-in, sessions, e-mail flows, permissions, users.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { api, postJson, sql, isApiError, Browser, outbox, freshEmail, VAR } from './lib.mjs';

const PASSWORD = 'a long enough passphrase';
const expectError = (r, status, code) =>
  assert.ok(isApiError(r, status, code), `want ${status} ${code}, got ${r.status} ${r.text}`);

async function register(tag, password = PASSWORD) {
  const email = freshEmail(tag);
  const r = await postJson('/api/v1/auth/register', { email, password, name: `Test ${tag}` });
  assert.equal(r.status, 201, r.text);
  return email;
}

async function loginToken(email, password = PASSWORD) {
  const r = await postJson('/api/v1/auth/login', { email, password, mode: 'token' });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

const bearer = (token) => ({ authorization: `Bearer ${token}` });

// --- JWTs made by hand, to attack the verifier ---
const b64u = (v) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
const secret = () => readFileSync(`${VAR}/jwt.secret`, 'utf8').trim();
function sign(header, payload, key = secret()) {
  const head = `${b64u(header)}.${b64u(payload)}`;
  return `${head}.${createHmac('sha256', key).update(head).digest('base64url')}`;
}
function claimsOf(token) {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
}

describe('sign-up', () => {
  test('register: 201 with the user, welcome and verification mail queued', async () => {
    const email = freshEmail('reg');
    const r = await postJson('/api/v1/auth/register', { email: email.toUpperCase(), password: PASSWORD, name: 'Asha' });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.user.email, email);
    assert.equal(r.json.user.role, 'customer');
    assert.equal(r.json.user.email_verified, false);
    assert.equal(r.json.user.password_hash, undefined);
    assert.ok(outbox('welcome', email));
    assert.match(outbox('verify_email', email).link, /\/verify-email\?token=[A-Za-z0-9_-]{43}$/);
    assert.match(sql(`select password_hash from users where email = '${email}'`).stdout, /^\$argon2id\$/);
  });

  test('a duplicate e-mail is 409', async () => {
    const email = await register('dup');
    const r = await postJson('/api/v1/auth/register', { email, password: PASSWORD, name: 'Again' });
    expectError(r, 409, 'conflict');
  });

  test('the password policy: length, not the e-mail, not a common password', async () => {
    const email = freshEmail('weak');
    for (const password of ['short', email, 'password123', 'Password@123']) {
      const r = await postJson('/api/v1/auth/register', { email, password, name: 'W' });
      expectError(r, 422, 'validation_failed');
      assert.ok(r.json.error.fields.password, password);
    }
    const bad = await postJson('/api/v1/auth/register', { email: 'not-mail', password: PASSWORD });
    expectError(bad, 422, 'validation_failed');
    assert.deepEqual(Object.keys(bad.json.error.fields).sort(), ['email', 'name']);
  });

  test('the e-mail verification link works once', async () => {
    const email = await register('verify');
    const token = new URL(outbox('verify_email', email).link).searchParams.get('token');
    const ok = await postJson('/api/v1/auth/verify-email', { token });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(sql(`select email_verified_at is not null from users where email = '${email}'`).stdout, 't');
    expectError(await postJson('/api/v1/auth/verify-email', { token }), 422, 'validation_failed');
    expectError(await postJson('/api/v1/auth/verify-email', { token: 'x'.repeat(43) }), 422, 'validation_failed');
  });
});

describe('sign-in and sessions', () => {
  test('login sets HttpOnly session cookies and a CSRF cookie', async () => {
    const email = await register('cookie');
    const b = new Browser();
    const r = await b.req('/api/v1/auth/login', { method: 'POST', body: { email, password: PASSWORD } });
    assert.equal(r.status, 200, r.text);
    const raw = r.headers.get('set-cookie');
    assert.match(raw, /souk_at=[^;]+; Path=\/api; Max-Age=900; SameSite=Lax; HttpOnly/);
    assert.match(raw, /souk_rt=[A-Za-z0-9_-]{43}; Path=\/api\/v1\/auth; Max-Age=\d+; SameSite=Lax; HttpOnly/);
    assert.match(raw, /souk_csrf=[A-Za-z0-9_-]+; Path=\/; Max-Age=\d+; SameSite=Lax(?!; HttpOnly)/);
    assert.equal(r.json.access_token, undefined, 'cookie mode keeps tokens out of the body');
    assert.equal(r.json.csrf_token, b.cookies.get('souk_csrf'));
    const me = await b.req('/api/v1/me');
    assert.equal(me.status, 200);
    assert.equal(me.json.user.email, email, 'GET /me: the user object under "user"');
    assert.equal(sql(`select count(*) from audit_log a join users u on u.id = a.actor_id
                      where u.email = '${email}' and a.action = 'auth.login'`).stdout, '1');
  });

  test('the access token is a short-lived HS256 JWT with iss, aud, sub, exp, jti', async () => {
    const email = await register('jwt');
    const t = await loginToken(email);
    const [head] = t.access_token.split('.');
    assert.deepEqual(JSON.parse(Buffer.from(head, 'base64url')), { alg: 'HS256', typ: 'JWT' });
    const c = claimsOf(t.access_token);
    assert.equal(c.aud, 'souk-api');
    assert.equal(c.iss, 'souk-test');
    assert.equal(c.sub, t.user.id);
    assert.ok(c.exp - c.iat <= 900);
    assert.match(c.jti, /^[0-9a-f]{32}$/);
  });

  test('wrong password and unknown account get the same 401', async () => {
    const email = await register('wrongpw');
    const a = await postJson('/api/v1/auth/login', { email, password: 'not the password' });
    const b = await postJson('/api/v1/auth/login', { email: freshEmail('nobody'), password: 'not the password' });
    expectError(a, 401, 'unauthenticated');
    expectError(b, 401, 'unauthenticated');
    assert.equal(a.json.error.message, b.json.error.message);
  });

  test('anonymous on a protected route: 401; bad tokens: 401', async () => {
    expectError(await api('/api/v1/me'), 401, 'unauthenticated');
    expectError(await api('/api/v1/me', { headers: { authorization: 'Basic abc' } }), 401, 'unauthenticated');
    expectError(await api('/api/v1/me', { headers: bearer('not.a.jwt') }), 401, 'unauthenticated');
  });

  test('forged, tampered, expired, wrong-audience and RS256 tokens are refused', async () => {
    const email = await register('forge');
    const t = await loginToken(email);
    const c = claimsOf(t.access_token);
    const now = Math.floor(Date.now() / 1000);
    const good = sign({ alg: 'HS256', typ: 'JWT' }, c);
    assert.equal((await api('/api/v1/me', { headers: bearer(good) })).status, 200, 'control: re-signed token works');
    const forged = [
      `${b64u({ alg: 'none', typ: 'JWT' })}.${b64u(c)}.`,                              // alg none
      `${b64u({ alg: 'none', typ: 'JWT' })}.${b64u(c)}`,
      `${t.access_token.split('.')[0]}.${b64u({ ...c, sub: '00000000-0000-4000-8000-000000000000' })}.${t.access_token.split('.')[2]}`, // tampered
      sign({ alg: 'HS256', typ: 'JWT' }, { ...c, iat: now - 2000, exp: now - 1000 }),      // expired
      sign({ alg: 'HS256', typ: 'JWT' }, { ...c, aud: 'someone-else' }),                  // audience
      sign({ alg: 'HS256', typ: 'JWT' }, { ...c, iss: 'evil' }),                          // issuer
      sign({ alg: 'HS256', typ: 'JWT' }, { ...c, exp: now + 86400 }),                     // too long-lived
      sign({ alg: 'HS256', typ: 'JWT' }, c, 'a-different-secret-of-enough-length-000'),   // wrong key
      sign({ alg: 'HS384', typ: 'JWT' }, c),                                              // other HMAC
      `${b64u({ alg: 'RS256', typ: 'JWT', kid: 'k' })}.${b64u(c)}.${b64u('signature')}`,  // RS256
    ];
    for (const token of forged) {
      const r = await api('/api/v1/me', { headers: bearer(token) });
      expectError(r, 401, 'unauthenticated');
    }
  });

  test('refresh rotates; reusing an old refresh token revokes the whole family', async () => {
    const email = await register('refresh');
    const first = await loginToken(email);
    const second = await postJson('/api/v1/auth/refresh', { refresh_token: first.refresh_token });
    assert.equal(second.status, 200, second.text);
    assert.notEqual(second.json.refresh_token, first.refresh_token);
    assert.equal((await api('/api/v1/me', { headers: bearer(second.json.access_token) })).status, 200);
    const reuse = await postJson('/api/v1/auth/refresh', { refresh_token: first.refresh_token });
    expectError(reuse, 401, 'unauthenticated');
    // theft: the thief's and the owner's newer tokens are dead too
    expectError(await postJson('/api/v1/auth/refresh', { refresh_token: second.json.refresh_token }), 401, 'unauthenticated');
    expectError(await api('/api/v1/me', { headers: bearer(second.json.access_token) }), 401, 'unauthenticated');
    const reuses = Number(sql(`select count(*) from audit_log a join users u on u.id = a.actor_id
                      where u.email = '${email}' and a.action = 'auth.refresh_reuse'`).stdout);
    assert.ok(reuses >= 1, `reuse audited ${reuses} times`);
  });

  test('cookie refresh needs the CSRF header', async () => {
    const email = await register('csrfrefresh');
    const b = new Browser();
    await b.req('/api/v1/auth/login', { method: 'POST', body: { email, password: PASSWORD } });
    expectError(await b.req('/api/v1/auth/refresh', { method: 'POST', csrf: false }), 403, 'forbidden');
    const ok = await b.req('/api/v1/auth/refresh', { method: 'POST' });
    assert.equal(ok.status, 200, ok.text);
    assert.equal((await b.req('/api/v1/me')).status, 200);
  });

  test('cookie-authenticated unsafe requests without X-CSRF-Token: 403', async () => {
    const email = await register('csrf');
    const b = new Browser();
    await b.req('/api/v1/auth/login', { method: 'POST', body: { email, password: PASSWORD } });
    expectError(await b.req('/api/v1/me', { method: 'PATCH', body: { name: 'X' }, csrf: false }), 403, 'forbidden');
    expectError(await b.req('/api/v1/me', { method: 'PATCH', body: { name: 'X' }, headers: { 'x-csrf-token': 'wrong' }, csrf: false }), 403, 'forbidden');
    const ok = await b.req('/api/v1/me', { method: 'PATCH', body: { name: 'New Name' } });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.user.name, 'New Name');
    // Bearer clients are not subject to CSRF
    const t = await loginToken(email);
    const r = await api('/api/v1/me', { method: 'PATCH', headers: { ...bearer(t.access_token), 'content-type': 'application/json' }, body: '{"name":"Via Bearer"}' });
    assert.equal(r.status, 200, r.text);
  });

  test('logout revokes the session at once; logout-all revokes every session', async () => {
    const email = await register('logout');
    const a = await loginToken(email);
    const b = await loginToken(email);
    const out = await api('/api/v1/auth/logout', { method: 'POST', headers: bearer(a.access_token) });
    assert.equal(out.status, 200, out.text);
    expectError(await api('/api/v1/me', { headers: bearer(a.access_token) }), 401, 'unauthenticated');
    expectError(await postJson('/api/v1/auth/refresh', { refresh_token: a.refresh_token }), 401, 'unauthenticated');
    assert.equal(sql(`select count(*) from audit_log a join users u on u.id = a.actor_id
                      where u.email = '${email}' and a.action = 'auth.logout'`).stdout, '1');
    assert.equal((await api('/api/v1/me', { headers: bearer(b.access_token) })).status, 200);
    const c = await loginToken(email);
    const all = await api('/api/v1/auth/logout-all', { method: 'POST', headers: bearer(c.access_token) });
    assert.equal(all.status, 200, all.text);
    for (const s of [b, c]) expectError(await api('/api/v1/me', { headers: bearer(s.access_token) }), 401, 'unauthenticated');
  });

  test('repeated failures lock the account with a growing delay', async () => {
    const email = await register('lock');
    for (let i = 0; i < 5; i++) {
      expectError(await postJson('/api/v1/auth/login', { email, password: `wrong password ${i}` }), 401, 'unauthenticated');
    }
    const locked = await postJson('/api/v1/auth/login', { email, password: PASSWORD });
    expectError(locked, 429, 'rate_limited');
    assert.ok(Number(locked.headers.get('retry-after')) > 0);
    assert.equal(sql(`select failed_login_count from users where email = '${email}'`).stdout, '5');
  });

  test('registering the same address is rate limited per account', async () => {
    const email = freshEmail('reg-limit');
    const codes = [];
    for (let i = 0; i < 7; i++) codes.push((await postJson('/api/v1/auth/register', { email, password: PASSWORD, name: 'R' })).status);
    assert.deepEqual(codes, [201, 409, 409, 409, 409, 429, 429]);
  });

  test('login attempts per account are rate limited: 429 with Retry-After', async () => {
    const email = freshEmail('ratelimit');   // no account: the limit does not depend on one
    let last;
    for (let i = 0; i < 12; i++) last = await postJson('/api/v1/auth/login', { email, password: 'whatever it is' });
    expectError(last, 429, 'rate_limited');
    assert.ok(Number(last.headers.get('retry-after')) > 0);
  });

  test('sessions are listed and one can be revoked; another user\'s is not found', async () => {
    const email = await register('sessions');
    const a = await loginToken(email);
    const b = await loginToken(email);
    const list = await api('/api/v1/me/sessions', { headers: bearer(a.access_token) });
    assert.equal(list.status, 200);
    assert.equal(list.json.items.length, 2);
    const other = list.json.items.find((s) => !s.current);
    assert.equal(claimsOf(b.access_token).sid, other.id);
    const del = await api(`/api/v1/me/sessions/${other.id}`, { method: 'DELETE', headers: bearer(a.access_token) });
    assert.equal(del.status, 200, del.text);
    expectError(await api('/api/v1/me', { headers: bearer(b.access_token) }), 401, 'unauthenticated');
    const stranger = await loginToken(await register('stranger'));
    const idor = await api(`/api/v1/me/sessions/${claimsOf(a.access_token).sid}`, { method: 'DELETE', headers: bearer(stranger.access_token) });
    expectError(idor, 404, 'not_found');
    assert.equal((await api('/api/v1/me', { headers: bearer(a.access_token) })).status, 200);
  });
});

describe('e-mail one-time codes', () => {
  test('the same answer whether or not the account exists', async () => {
    const email = await register('otp-same');
    const known = await postJson('/api/v1/auth/otp/request', { email });
    const unknown = await postJson('/api/v1/auth/otp/request', { email: freshEmail('otp-none') });
    assert.equal(known.status, 202);
    assert.equal(unknown.status, 202);
    assert.equal(known.text, unknown.text);
  });

  test('a code from the outbox signs in once, and marks the e-mail verified', async () => {
    const email = await register('otp');
    assert.equal((await postJson('/api/v1/auth/otp/request', { email })).status, 202);
    const { code, minutes } = outbox('otp_code', email);
    assert.match(code, /^\d{6}$/);
    assert.equal(minutes, 10);
    const ok = await postJson('/api/v1/auth/otp/verify', { email, code, mode: 'token' });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.user.email_verified, true);
    expectError(await postJson('/api/v1/auth/otp/verify', { email, code }), 401, 'unauthenticated');
  });

  test('brute force is stopped after 5 attempts, even for the right code', async () => {
    const email = await register('otp-brute');
    await postJson('/api/v1/auth/otp/request', { email });
    const { code } = outbox('otp_code', email);
    const wrong = code === '000000' ? '000001' : '000000';
    for (let i = 0; i < 5; i++) {
      expectError(await postJson('/api/v1/auth/otp/verify', { email, code: wrong }), 401, 'unauthenticated');
    }
    expectError(await postJson('/api/v1/auth/otp/verify', { email, code }), 401, 'unauthenticated');
  });
});

describe('password reset and change', () => {
  test('reset: a single-use link; every session is revoked; the new password works', async () => {
    const email = await register('reset');
    const before = await loginToken(email);
    assert.equal((await postJson('/api/v1/auth/password-reset/request', { email })).status, 202);
    assert.equal((await postJson('/api/v1/auth/password-reset/request', { email: freshEmail('reset-none') })).status, 202);
    const token = new URL(outbox('password_reset', email).link).searchParams.get('token');
    const weak = await postJson('/api/v1/auth/password-reset/confirm', { token, password: 'short' });
    expectError(weak, 422, 'validation_failed');
    const ok = await postJson('/api/v1/auth/password-reset/confirm', { token, password: 'a brand new passphrase' });
    assert.equal(ok.status, 200, ok.text);
    expectError(await api('/api/v1/me', { headers: bearer(before.access_token) }), 401, 'unauthenticated');
    expectError(await postJson('/api/v1/auth/login', { email, password: PASSWORD }), 401, 'unauthenticated');
    assert.equal((await postJson('/api/v1/auth/login', { email, password: 'a brand new passphrase' })).status, 200);
    expectError(await postJson('/api/v1/auth/password-reset/confirm', { token, password: 'yet another passphrase' }), 422, 'validation_failed');
  });

  test('change: needs the current password; other sessions end, this one stays', async () => {
    const email = await register('change');
    const a = await loginToken(email);
    const b = await loginToken(email);
    const post = (body) => api('/api/v1/me/password', { method: 'POST', headers: { ...bearer(a.access_token), 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expectError(await post({ current_password: 'not it at all', new_password: 'another good passphrase' }), 422, 'validation_failed');
    const ok = await post({ current_password: PASSWORD, new_password: 'another good passphrase' });
    assert.equal(ok.status, 200, ok.text);
    assert.equal((await api('/api/v1/me', { headers: bearer(a.access_token) })).status, 200);
    expectError(await api('/api/v1/me', { headers: bearer(b.access_token) }), 401, 'unauthenticated');
  });

  test('a new e-mail waits until verified; changing it needs the password; the old address is told', async () => {
    const email = await register('newmail');
    const t = await loginToken(email);
    const next = freshEmail('newmail-next');
    const patch = (body) => api('/api/v1/me', { method: 'PATCH', headers: { ...bearer(t.access_token), 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expectError(await patch({ email: next }), 422, 'validation_failed');
    expectError(await patch({ email: next, current_password: 'not the password' }), 422, 'validation_failed');
    expectError(await patch({ email: 'admin@souk.test', current_password: PASSWORD }), 409, 'conflict');
    const r = await patch({ email: next, current_password: PASSWORD });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.user.email, email, 'sign-in keeps using the verified address');
    assert.equal(r.json.user.pending_email, next);
    assert.equal(outbox('email_change_notice', email).new_email, next);
    // the pending address is nobody's yet: its owner can still sign up, and it signs nobody in
    expectError(await postJson('/api/v1/auth/login', { email: next, password: PASSWORD }), 401, 'unauthenticated');
    const token = new URL(outbox('verify_email', next).link).searchParams.get('token');
    assert.equal((await postJson('/api/v1/auth/verify-email', { token })).status, 200);
    const me = await api('/api/v1/me', { headers: bearer(t.access_token) });
    assert.equal(me.json.user.email, next);
    assert.equal(me.json.user.pending_email, null);
    assert.equal(me.json.user.email_verified, true);
    assert.equal((await postJson('/api/v1/auth/login', { email: next, password: PASSWORD })).status, 200);
  });

  test('nobody can park an account on someone else\'s address', async () => {
    const squatter = await loginToken(await register('squatter'));
    const victim = freshEmail('victim');
    const h = { ...bearer(squatter.access_token), 'content-type': 'application/json' };
    const park = await api('/api/v1/me', { method: 'PATCH', headers: h, body: JSON.stringify({ email: victim, current_password: PASSWORD }) });
    assert.equal(park.status, 200, park.text);
    const reg = await postJson('/api/v1/auth/register', { email: victim, password: 'the victim passphrase', name: 'Victim' });
    assert.equal(reg.status, 201, 'the real owner can still sign up');
    assert.notEqual(reg.json.user.id, squatter.user.id);
  });

  test('a one-time code claims an account someone else registered: their password and sessions end', async () => {
    const email = freshEmail('claimed');
    // the attacker signs up with somebody else's address and keeps a session
    assert.equal((await postJson('/api/v1/auth/register', { email, password: PASSWORD, name: 'Not the owner' })).status, 201);
    const attacker = await loginToken(email);
    // the owner signs in with a code sent to the mailbox
    await postJson('/api/v1/auth/otp/request', { email });
    const owner = await postJson('/api/v1/auth/otp/verify', { email, code: outbox('otp_code', email).code, mode: 'token' });
    assert.equal(owner.status, 200, owner.text);
    assert.equal(owner.json.user.has_password, false);
    expectError(await api('/api/v1/me', { headers: bearer(attacker.access_token) }), 401, 'unauthenticated');
    expectError(await postJson('/api/v1/auth/login', { email, password: PASSWORD }), 401, 'unauthenticated');
    assert.equal((await api('/api/v1/me', { headers: bearer(owner.json.access_token) })).status, 200);
  });

  test('wrong codes are capped per day across new codes', async () => {
    const email = await register('otp-daily');
    let last;
    for (let round = 0; round < 2; round++) {
      await postJson('/api/v1/auth/otp/request', { email });
      const { code } = outbox('otp_code', email);
      const wrong = code === '000000' ? '000001' : '000000';
      for (let i = 0; i < 5; i++) last = await postJson('/api/v1/auth/otp/verify', { email, code: wrong });
    }
    expectError(last, 401, 'unauthenticated');
    await postJson('/api/v1/auth/otp/request', { email });
    const right = await postJson('/api/v1/auth/otp/verify', { email, code: outbox('otp_code', email).code });
    expectError(right, 429, 'rate_limited');
  });
});

describe('hostile input', () => {
  test('a member repeated with other case cannot slip past validation: it is an unknown field (422)', async () => {
    const email = freshEmail('dupkey');
    const body = `{"Password":1,"password":"${PASSWORD}","email":"${email}","name":"Dup"}`;
    const r = await api('/api/v1/auth/register', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expectError(r, 422, 'validation_failed');
    assert.deepEqual(r.json.error.fields, { Password: 'is not a field of this resource' });
    await register('dupkey-ok').then(async (ok) => {
      const t = await loginToken(ok);
      const pw = await api('/api/v1/me/password', { method: 'POST', headers: { ...bearer(t.access_token), 'content-type': 'application/json' },
        body: `{"New_password":1,"new_password":"another fine passphrase","current_password":"${PASSWORD}"}` });
      expectError(pw, 422, 'validation_failed');
      assert.deepEqual(pw.json.error.fields, { New_password: 'is not a field of this resource' });
    });
  });

  test('the lockout keeps working after very many failures', async () => {
    const email = await register('lock-many');
    sql(`update users set failed_login_count = 60 where email = '${email}'`);
    expectError(await postJson('/api/v1/auth/login', { email, password: 'wrong again, sixty-first' }), 401, 'unauthenticated');
    assert.equal(sql(`select failed_login_count, locked_until > now() + interval '23 hours' from users where email = '${email}'`).stdout, '61|t');
  });
});

describe('permissions and administration', () => {
  test('a customer on an admin route: 403; support may list but not manage', async () => {
    const customer = await loginToken('customer@souk.test', 'souk-dev-password');
    expectError(await api('/api/v1/admin/users', { headers: bearer(customer.access_token) }), 403, 'forbidden');
    const support = await loginToken('support@souk.test', 'souk-dev-password');
    const list = await api('/api/v1/admin/users?q=souk.test&limit=2', { headers: bearer(support.access_token) });
    assert.equal(list.status, 200, list.text);
    assert.equal(list.json.items.length, 2);
    assert.ok(list.json.next_cursor);
    const page2 = await api(`/api/v1/admin/users?q=souk.test&limit=2&cursor=${list.json.next_cursor}`, { headers: bearer(support.access_token) });
    assert.equal(page2.status, 200);
    assert.ok(page2.json.items.every((u) => !list.json.items.some((v) => v.id === u.id)));
    const target = list.json.items[0].id;
    expectError(await api(`/api/v1/admin/users/${target}/disable`, { method: 'POST', headers: bearer(support.access_token) }), 403, 'forbidden');
    const bad = await api('/api/v1/admin/users?limit=0&cursor=17', { headers: bearer(support.access_token) });
    expectError(bad, 422, 'validation_failed');
    assert.ok(bad.json.error.fields.limit && bad.json.error.fields.cursor, bad.text);
  });

  test('an admin changes a role and disables a user, whose sessions stop at once', async () => {
    const admin = await loginToken('admin@souk.test', 'souk-dev-password');
    const email = await register('victim');
    const victim = await loginToken(email);
    const h = { ...bearer(admin.access_token), 'content-type': 'application/json' };
    const role = await api(`/api/v1/admin/users/${victim.user.id}/role`, { method: 'PATCH', headers: h, body: '{"role":"editor"}' });
    assert.equal(role.status, 200, role.text);
    assert.equal(role.json.user.role, 'editor');
    assert.ok(role.json.user.permissions.includes('products:write'));
    expectError(await api(`/api/v1/admin/users/${victim.user.id}/role`, { method: 'PATCH', headers: h, body: '{"role":"wizard"}' }), 422, 'validation_failed');
    const dis = await api(`/api/v1/admin/users/${victim.user.id}/disable`, { method: 'POST', headers: bearer(admin.access_token) });
    assert.equal(dis.status, 200, dis.text);
    expectError(await api('/api/v1/me', { headers: bearer(victim.access_token) }), 401, 'unauthenticated');
    expectError(await postJson('/api/v1/auth/login', { email, password: PASSWORD }), 403, 'forbidden');
    assert.equal((await api(`/api/v1/admin/users/${victim.user.id}/enable`, { method: 'POST', headers: bearer(admin.access_token) })).status, 200);
    assert.equal((await postJson('/api/v1/auth/login', { email, password: PASSWORD })).status, 200);
    expectError(await api(`/api/v1/admin/users/${admin.user.id}/disable`, { method: 'POST', headers: bearer(admin.access_token) }), 409, 'conflict');
    expectError(await api('/api/v1/admin/users/00000000-0000-4000-8000-000000000000/disable', { method: 'POST', headers: bearer(admin.access_token) }), 404, 'not_found');
    assert.equal(sql(`select count(*) from audit_log where action in ('admin.user_role','admin.user_disable','admin.user_enable') and entity_id = '${victim.user.id}'`).stdout, '3');
  });
});

describe('the user\'s own data', () => {
  test('dashboard: orders, spend, purchases with download counts, in one call', async () => {
    const t = await loginToken('customer@souk.test', 'souk-dev-password');
    const r = await api('/api/v1/me/dashboard', { headers: bearer(t.access_token) });
    assert.equal(r.status, 200, r.text);
    const expected = sql(`select count(*), coalesce(sum(o.total_paise) filter (where o.status = 'paid'), 0)
                          from orders o join users u on u.id = o.user_id where u.email = 'customer@souk.test'`).stdout.split('|');
    assert.equal(r.json.orders.count, Number(expected[0]));
    assert.equal(r.json.orders.total_spent_paise, Number(expected[1]));
    assert.ok(r.json.purchases.length > 0);
    assert.ok(r.json.purchases.some((p) => p.downloads > 0));
    assert.ok(r.json.recent_orders.length <= 5 && r.json.recent_orders.length > 0);
    assert.ok(Array.isArray(r.json.open_enquiries));
    assert.ok(Array.isArray(r.json.feedback));
  });

  test('export returns all of the user\'s data as a JSON download', async () => {
    const t = await loginToken('customer@souk.test', 'souk-dev-password');
    const r = await api('/api/v1/me/export', { headers: bearer(t.access_token) });
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-disposition'), /attachment/);
    assert.equal(r.json.profile.email, 'customer@souk.test');
    assert.ok(r.json.orders.length > 0 && r.json.orders[0].items.length > 0);
    for (const k of ['entitlements', 'downloads', 'enquiries', 'feedback', 'sessions', 'activity']) assert.ok(Array.isArray(r.json[k]), k);
  });

  test('deleting the account anonymises it and keeps its orders', async () => {
    const email = await register('delete');
    const t = await loginToken(email);
    sql(`insert into orders (public_id, user_id, status, subtotal_paise, tax_paise, discount_paise, total_paise)
         select gen_random_uuid(), id, 'cancelled', 100, 18, 0, 118 from users where email = '${email}'`);
    const h = { ...bearer(t.access_token), 'content-type': 'application/json' };
    expectError(await api('/api/v1/me', { method: 'DELETE', headers: h, body: '{"password":"wrong one!!"}' }), 422, 'validation_failed');
    const del = await api('/api/v1/me', { method: 'DELETE', headers: h, body: JSON.stringify({ password: PASSWORD }) });
    assert.equal(del.status, 200, del.text);
    assert.equal(sql(`select count(*) from users where email = '${email}'`).stdout, '0');
    const row = sql(`select status, name, password_hash is null, email like 'deleted-%@deleted.invalid'
                     from users where public_id = '${t.user.id}'`).stdout;
    assert.equal(row, 'deleted||t|t');
    assert.equal(sql(`select count(*) from orders o join users u on u.id = o.user_id where u.public_id = '${t.user.id}'`).stdout, '1');
    expectError(await api('/api/v1/me', { headers: bearer(t.access_token) }), 401, 'unauthenticated');
    expectError(await postJson('/api/v1/auth/login', { email, password: PASSWORD }), 401, 'unauthenticated');
  });
});
