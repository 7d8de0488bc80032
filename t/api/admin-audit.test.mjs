// admin-audit.test.mjs - the staff audit trail (/admin/audit) and a user's sessions
// seen and ended by an admin (/admin/users/{id}/sessions).
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { api, postJson, call, tokenFor, sql, expectError, allPages, freshEmail } from './lib.mjs';

const PASSWORD = 'a long enough passphrase';

/** A new customer account; returns {email, id}. */
async function newUser(tag) {
  const email = freshEmail(tag);
  const r = await postJson('/api/v1/auth/register', { email, password: PASSWORD, name: `Test ${tag}` });
  assert.equal(r.status, 201, r.text);
  return { email, id: r.json.user.id };
}

/** A token-mode sign-in: {access_token, refresh_token, ...}. */
async function signIn(email, password = PASSWORD) {
  const r = await postJson('/api/v1/auth/login', { email, password, mode: 'token' });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

let adminToken;
let adminId;
before(async () => {
  adminToken = await tokenFor('admin@souk.test');
  adminId = (await call(adminToken, 'GET', '/api/v1/me')).json.user.id;
});

describe('GET /api/v1/admin/audit', () => {
  test('filters by entity_id, actor (e-mail in any case, or id) and action, exact or prefix', async () => {
    const victim = await newUser('audit-role');
    for (const role of ['editor', 'support', 'customer']) {
      const r = await call(adminToken, 'PATCH', `/api/v1/admin/users/${victim.id}/role`, { role });
      assert.equal(r.status, 200, r.text);
    }
    const r = await call(adminToken, 'GET', `/api/v1/admin/audit?entity=user&entity_id=${victim.id}&action=admin.user_role`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.items.map((i) => i.data.role), ['customer', 'support', 'editor'], 'newest first');
    assert.equal(r.json.next_cursor, null);
    const first = r.json.items[0];
    assert.equal(first.action, 'admin.user_role');
    assert.equal(first.entity, 'user');
    assert.equal(first.entity_id, victim.id);
    assert.deepEqual(first.actor, { id: adminId, email: 'admin@souk.test', name: first.actor.name });
    assert.match(first.id, /^[0-9]+$/);
    assert.ok(first.ip === null || typeof first.ip === 'string');

    const byEmail = await call(adminToken, 'GET', `/api/v1/admin/audit?actor=ADMIN@Souk.Test&entity_id=${victim.id}`);
    assert.equal(byEmail.status, 200, byEmail.text);
    assert.equal(byEmail.json.items.length, 3);
    const byId = await call(adminToken, 'GET', `/api/v1/admin/audit?actor=${adminId}&entity_id=${victim.id}`);
    assert.deepEqual(byId.json.items.map((i) => i.id), byEmail.json.items.map((i) => i.id));
    const otherActor = await call(adminToken, 'GET', `/api/v1/admin/audit?actor=editor@souk.test&entity_id=${victim.id}`);
    assert.equal(otherActor.json.items.length, 0);

    // the registration's own entries and the role changes, by prefix
    const prefix = await call(adminToken, 'GET', `/api/v1/admin/audit?entity_id=${victim.id}&action=admin.`);
    assert.equal(prefix.json.items.length, 3);
    assert.ok(prefix.json.items.every((i) => i.action.startsWith('admin.')));
    const exactNoMatch = await call(adminToken, 'GET', `/api/v1/admin/audit?entity_id=${victim.id}&action=admin`);
    assert.equal(exactNoMatch.json.items.length, 0, 'without a dot the action is exact');
    const unknown = await call(adminToken, 'GET', '/api/v1/admin/audit?actor=nobody-at-all@example.com');
    assert.equal(unknown.status, 200);
    assert.deepEqual(unknown.json.items, []);
  });

  test('pages to the last page with every entry once, in order', async () => {
    const victim = await newUser('audit-pages');
    for (let i = 0; i < 8; i++) {
      const role = i % 2 ? 'customer' : 'editor';
      assert.equal((await call(adminToken, 'PATCH', `/api/v1/admin/users/${victim.id}/role`, { role })).status, 200);
    }
    const path = `/api/v1/admin/audit?entity_id=${victim.id}&action=admin.user_role`;
    const { items, pages } = await allPages(adminToken, path, { limit: 3 });
    assert.equal(items.length, 8);
    assert.equal(pages, 3);
    const ids = items.map((i) => BigInt(i.id));
    assert.ok(ids.every((id, n) => n === 0 || id < ids[n - 1]), 'strictly newest first');
    const db = sql(`select count(*) from audit_log where entity_id = '${victim.id}' and action = 'admin.user_role'`);
    assert.equal(Number(db.stdout), 8);
    // the whole trail pages too (default limit 50, at most 100)
    const all = await call(adminToken, 'GET', '/api/v1/admin/audit?limit=100');
    assert.equal(all.status, 200);
    assert.ok(all.json.items.length > 0 && all.json.items.length <= 100);
  });

  test('only admins: 403 for editor and support, 401 anonymous', async () => {
    for (const email of ['editor@souk.test', 'support@souk.test']) {
      expectError(await call(await tokenFor(email), 'GET', '/api/v1/admin/audit'), 403, 'forbidden');
    }
    expectError(await api('/api/v1/admin/audit'), 401, 'unauthenticated');
  });

  test('bad parameters are 422 with fields', async () => {
    const bad = await call(adminToken, 'GET', '/api/v1/admin/audit?limit=0&cursor=17');
    expectError(bad, 422, 'validation_failed');
    assert.ok(bad.json.error.fields.limit && bad.json.error.fields.cursor, bad.text);
    expectError(await call(adminToken, 'GET', '/api/v1/admin/audit?limit=101'), 422, 'validation_failed');
    const actor = await call(adminToken, 'GET', '/api/v1/admin/audit?actor=not-a-user');
    expectError(actor, 422, 'validation_failed');
    assert.ok(actor.json.error.fields.actor, actor.text);
    const long = await call(adminToken, 'GET', `/api/v1/admin/audit?action=${'a'.repeat(101)}&entity=${'e'.repeat(101)}`);
    expectError(long, 422, 'validation_failed');
    assert.ok(long.json.error.fields.action && long.json.error.fields.entity, long.text);

    // a cursor belongs to its filters and its list
    const page = await call(adminToken, 'GET', '/api/v1/admin/audit?limit=1');
    assert.ok(page.json.next_cursor, page.text);
    const other = await call(adminToken, 'GET', `/api/v1/admin/audit?limit=1&entity=user&cursor=${page.json.next_cursor}`);
    expectError(other, 422, 'validation_failed');
    assert.ok(other.json.error.fields.cursor, other.text);
    const users = await call(adminToken, 'GET', '/api/v1/admin/users?limit=1');
    const foreign = await call(adminToken, 'GET', `/api/v1/admin/audit?cursor=${users.json.next_cursor}`);
    expectError(foreign, 422, 'validation_failed');
  });
});

describe('/api/v1/admin/users/{id}/sessions', () => {
  test('an admin lists a user\'s live sessions and revokes them all; the refresh fails after', async () => {
    const victim = await newUser('sessions');
    const a = await signIn(victim.email);
    const b = await signIn(victim.email);
    const c = await signIn(victim.email);
    // one of them signed out already: not live, not listed, not counted
    assert.equal((await postJson('/api/v1/auth/logout', { refresh_token: c.refresh_token })).status, 200);

    const path = `/api/v1/admin/users/${victim.id}/sessions`;
    const { items, pages } = await allPages(adminToken, path, { limit: 1 });
    assert.equal(items.length, 2);
    assert.equal(pages, 2);
    assert.ok(items.every((s) => s.current === false));
    const mine = await call(a.access_token, 'GET', '/api/v1/me/sessions');
    assert.deepEqual(items.map((s) => s.id).sort(), mine.json.items.map((s) => s.id).sort());

    // a cursor of another user's list is not this one's
    const own = await call(adminToken, 'GET', `/api/v1/admin/users/${adminId}/sessions?limit=1`);
    assert.equal(own.status, 200, own.text);
    assert.ok(own.json.items.some((s) => s.current), 'the caller\'s own session is current');
    const first = await call(adminToken, 'GET', `${path}?limit=1`);
    expectError(await call(adminToken, 'GET', `/api/v1/admin/users/${adminId}/sessions?cursor=${first.json.next_cursor}`), 422, 'validation_failed');
    expectError(await call(adminToken, 'GET', `${path}?limit=0`), 422, 'validation_failed');

    const del = await call(adminToken, 'DELETE', path);
    assert.equal(del.status, 200, del.text);
    assert.deepEqual(del.json, { revoked: 2 });
    assert.deepEqual((await call(adminToken, 'GET', path)).json, { items: [], next_cursor: null });
    expectError(await postJson('/api/v1/auth/refresh', { refresh_token: b.refresh_token }), 401, 'unauthenticated');
    expectError(await call(a.access_token, 'GET', '/api/v1/me'), 401, 'unauthenticated');
    const again = await call(adminToken, 'DELETE', path);
    assert.deepEqual(again.json, { revoked: 0 });

    const audit = await call(adminToken, 'GET', `/api/v1/admin/audit?entity_id=${victim.id}&action=user.sessions_revoked`);
    assert.deepEqual(audit.json.items.map((i) => i.data.revoked), [0, 2]);
    assert.equal(audit.json.items[0].actor.id, adminId);
    assert.equal(audit.json.items[0].entity, 'user');
  });

  test('404 unknown user, 409 own account, 403 editor and support, 401 anonymous', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    expectError(await call(adminToken, 'GET', `/api/v1/admin/users/${unknown}/sessions`), 404, 'not_found');
    expectError(await call(adminToken, 'DELETE', `/api/v1/admin/users/${unknown}/sessions`), 404, 'not_found');
    expectError(await call(adminToken, 'GET', '/api/v1/admin/users/not-a-uuid/sessions'), 404, 'not_found');
    expectError(await call(adminToken, 'DELETE', `/api/v1/admin/users/${adminId}/sessions`), 409, 'conflict');
    const victim = await newUser('sessions-perm');
    for (const email of ['editor@souk.test', 'support@souk.test']) {
      const token = await tokenFor(email);
      expectError(await call(token, 'GET', `/api/v1/admin/users/${victim.id}/sessions`), 403, 'forbidden');
      expectError(await call(token, 'DELETE', `/api/v1/admin/users/${victim.id}/sessions`), 403, 'forbidden');
    }
    expectError(await api(`/api/v1/admin/users/${victim.id}/sessions`), 401, 'unauthenticated');
    expectError(await api(`/api/v1/admin/users/${victim.id}/sessions`, { method: 'DELETE' }), 401, 'unauthenticated');
  });
});
