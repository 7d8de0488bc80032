// routes.test.mjs - routes.mjs reads the real route table and fails on each kind of
// disagreement with the spec: node --test t/openapi/routes.test.mjs
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseRoutes, checkSpec, permissionName } from './routes.mjs';

const ROUTES_C = fileURLToPath(new URL('../../src/api/routes.c', import.meta.url));
const SCRIPT = fileURLToPath(new URL('./routes.mjs', import.meta.url));
const real = parseRoutes(readFileSync(ROUTES_C, 'utf8'));

/** A spec that describes routes exactly as routes.mjs wants. */
function specFor(routes) {
  const paths = {};
  routes.forEach((r, i) => {
    const op = { operationId: `op${i}`, responses: { 200: { description: 'ok' } } };
    if (r.permission !== null) op['x-souk-permission'] = permissionName(r.permission);
    if (r.flags.includes('ROUTE_TEST_ONLY')) op['x-souk-test-only'] = true;
    (paths[r.pattern] ??= {})[r.method.toLowerCase()] = op;
  });
  return { openapi: '3.1.0', info: { title: 't', version: '1' }, paths };
}
const clone = (x) => JSON.parse(JSON.stringify(x));

describe('reading src/api/routes.c', () => {
  test('every row of the real table, with permission and flags', () => {
    const rows = readFileSync(ROUTES_C, 'utf8').match(/^\s*\{"[A-Z]+",/gm).length;
    assert.equal(real.length, rows);
    assert.ok(real.length > 100);
    const find = (m, p) => real.find((r) => r.method === m && r.pattern === p);
    assert.deepEqual(find('GET', '/api/v1/health'), {
      method: 'GET', pattern: '/api/v1/health', handler: 'api_health', permission: null,
      flags: ['ROUTE_ANONYMOUS'], line: find('GET', '/api/v1/health').line,
    });
    assert.equal(find('GET', '/api/v1/me').permission, '');
    assert.equal(find('POST', '/api/v1/admin/orders/{id}/refunds').permission, 'orders:refund');
    assert.deepEqual(find('POST', '/api/v1/_test/echo').flags, ['ROUTE_JSON_BODY', 'ROUTE_TEST_ONLY']);
    // a row split over two lines
    assert.equal(find('POST', '/api/v1/products/{slug}/download').handler, 'delivery_download');
  });
  test('comments, multi-line rows and braces in strings; a row it cannot read throws', () => {
    const src = `/* {"GET", "/x", nope, NULL, 0}, */
      const struct route api_routes[] = {
        // {"GET", "/commented", h, NULL, 0},
        {"GET", "/a/{id}", a_get, NULL, 0},
        {"PATCH", "/a/{id}", a_patch, "a:write",
         ROUTE_JSON_BODY | ROUTE_TEST_ONLY},
      };`;
    const r = parseRoutes(src);
    assert.deepEqual(r.map((x) => [x.method, x.pattern, x.permission, x.flags]), [
      ['GET', '/a/{id}', null, []], ['PATCH', '/a/{id}', 'a:write', ['ROUTE_JSON_BODY', 'ROUTE_TEST_ONLY']]]);
    assert.throws(() => parseRoutes('const struct route api_routes[] = { {"GET", "/a", h, perm_var, 0}, };'), /cannot read the route row/);
    assert.throws(() => parseRoutes('int x;'), /no api_routes/);
  });
});

describe('checkSpec', () => {
  const good = specFor(real);
  test('a spec that describes every route as it is passes', () => {
    assert.deepEqual(checkSpec(real, good), []);
  });
  test('a route without a description fails', () => {
    const s = clone(good);
    delete s.paths['/api/v1/ready'];
    delete s.paths['/api/v1/me'].patch;
    assert.deepEqual(checkSpec(real, s).map((p) => p.replace(/ \(routes\.c.*/, '')), [
      'route without a description: GET /api/v1/ready',
      'route without a description: PATCH /api/v1/me',
    ]);
  });
  test('a described path or method that is not a route fails', () => {
    const s = clone(good);
    s.paths['/api/v1/secret'] = { get: { operationId: 'secret', responses: {} } };
    s.paths['/api/v1/health'].head = { operationId: 'headHealth', responses: {} };
    assert.deepEqual(checkSpec(real, s).sort(), ['described but not a route: GET /api/v1/secret',
      'described but not a route: HEAD /api/v1/health']);
  });
  test('other parameter names are another path (and the message says which)', () => {
    const s = clone(good);
    s.paths['/api/v1/me/sessions/{session}'] = s.paths['/api/v1/me/sessions/{id}'];
    delete s.paths['/api/v1/me/sessions/{id}'];
    const p = checkSpec(real, s);
    assert.equal(p.length, 2);
    assert.match(p[0], /route without a description: DELETE \/api\/v1\/me\/sessions\/\{id\}.*the spec has DELETE \/api\/v1\/me\/sessions\/\{session\}/);
    assert.match(p[1], /described but not a route: DELETE \/api\/v1\/me\/sessions\/\{session\}/);
  });
  test('a wrong, missing or extra permission fails', () => {
    const s = clone(good);
    s.paths['/api/v1/admin/orders/{id}/refunds'].post['x-souk-permission'] = 'orders:read';
    delete s.paths['/api/v1/me'].get['x-souk-permission'];
    s.paths['/api/v1/products'].get['x-souk-permission'] = 'signed-in';
    assert.deepEqual(checkSpec(real, s), [
      'x-souk-permission of GET /api/v1/me: the spec says (none), the route needs "signed-in"',
      'x-souk-permission of GET /api/v1/products: the spec says "signed-in", the route is public (NULL): leave it out',
      'x-souk-permission of POST /api/v1/admin/orders/{id}/refunds: the spec says "orders:read", the route needs "orders:refund"',
    ]);
  });
  test('a missing or repeated operationId fails', () => {
    const s = clone(good);
    delete s.paths['/api/v1/health'].get.operationId;
    s.paths['/api/v1/ready'].get.operationId = s.paths['/api/v1/me'].get.operationId;
    const p = checkSpec(real, s);
    assert.deepEqual(p.filter((x) => /operationId/.test(x)).length, 2);
    assert.ok(p.includes('no operationId: GET /api/v1/health'));
    assert.ok(p.some((x) => /operationId op\d+ is used twice/.test(x)));
  });
  test('x-souk-test-only: true on ROUTE_TEST_ONLY routes, and on nothing else', () => {
    const s = clone(good);
    delete s.paths['/api/v1/_test/echo'].post['x-souk-test-only'];
    s.paths['/api/v1/health'].get['x-souk-test-only'] = true;
    assert.deepEqual(checkSpec(real, s), [
      'x-souk-test-only on GET /api/v1/health, which is not a ROUTE_TEST_ONLY route',
      'x-souk-test-only: true missing on POST /api/v1/_test/echo (ROUTE_TEST_ONLY)',
    ]);
  });
});

describe('the command', () => {
  test('exit 0 when they agree, 1 with the list when they do not', () => {
    const dir = mkdtempSync(join(tmpdir(), 'souk-routes-'));
    try {
      const file = join(dir, 'openapi.json'); // JSON is YAML
      writeFileSync(file, JSON.stringify(specFor(real)));
      let r = spawnSync(process.execPath, [SCRIPT, '--spec', file], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`${real.length} routes`));
      const s = specFor(real);
      delete s.paths['/api/v1/ready'];
      s.paths['/api/v1/me'].get['x-souk-permission'] = 'users:read';
      writeFileSync(file, JSON.stringify(s));
      r = spawnSync(process.execPath, [SCRIPT, '--spec', file], { encoding: 'utf8' });
      assert.equal(r.status, 1);
      assert.match(r.stderr, /disagree \(2\)/);
      assert.match(r.stderr, /route without a description: GET \/api\/v1\/ready/);
      assert.match(r.stderr, /x-souk-permission of GET \/api\/v1\/me/);
      r = spawnSync(process.execPath, [SCRIPT, '--spec', join(dir, 'missing.yaml')], { encoding: 'utf8' });
      assert.equal(r.status, 1);
      assert.match(r.stderr, /ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
