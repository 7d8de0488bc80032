// validate.test.mjs - what the API tests' response check (validate.mjs) refuses:
// node --test t/openapi/validate.test.mjs
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { OpenApiValidator, loadSpec, DEFAULT_SPEC } from './validate.mjs';

const J = 'application/json';
const ref = (name) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema, description = 'ok') => ({ description, content: { [J]: { schema } } });
const spec = {
  openapi: '3.1.0',
  info: { title: 'test', version: '1' },
  paths: {
    '/api/v1/health': {
      get: { operationId: 'health', responses: { 200: json(ref('Status')), default: { $ref: '#/components/responses/Error' } } },
    },
    '/api/v1/things/{id}': {
      get: {
        operationId: 'thing',
        responses: {
          200: json({ type: 'object', required: ['id', 'at'], additionalProperties: false,
            properties: { id: ref('Uuid'), at: { type: 'string', format: 'date-time' }, n: { type: ['integer', 'null'] } } }),
          404: { $ref: '#/components/responses/Error' },
        },
      },
      patch: { operationId: 'thingPatch', responses: { 200: { description: 'done, no body' } } },
      delete: { operationId: 'thingDelete', responses: { 204: { $ref: '#/components/responses/NoContent' } } },
    },
    '/api/v1/things/order': {
      put: { operationId: 'thingsOrder', responses: { 200: json({ const: 'ordered' }) } },
    },
    '/api/v1/feed': {
      get: { operationId: 'feed', responses: { 200: { description: 'xml', content: { 'application/rss+xml': { schema: { type: 'string' } } } } } },
    },
  },
  components: {
    schemas: {
      Status: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['ok'] } } },
      Uuid: { type: 'string', format: 'uuid' },
      Error: {
        type: 'object', required: ['error'],
        properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } } },
      },
    },
    responses: {
      Error: json(ref('Error'), 'an error'),
      NoContent: { description: 'done' },
    },
  },
};

const v = new OpenApiValidator(spec, { name: 'test spec' });
const check = (method, path, status, body, contentType = J) =>
  v.check({ method, path, status, contentType, text: typeof body === 'string' ? body : JSON.stringify(body) });
const ok = (...a) => assert.equal(check(...a), null);
const bad = (re, ...a) => {
  const p = check(...a);
  assert.ok(p, `expected a failure for ${a.slice(0, 3).join(' ')}`);
  assert.match(p, new RegExp(`${a[0]} ${a[1].split('?')[0].replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} -> ${a[2]}`));
  assert.match(p, re);
};
const err = { error: { code: 'not_found', message: 'no such thing' } };
const ID = '0b7f4c1e-2d4a-4c1e-9f3b-6a2e1d0c9b8a';

describe('a body that does not match its schema fails', () => {
  test('conforming bodies pass, through $refs and a templated path', () => {
    ok('GET', '/api/v1/health', 200, { status: 'ok' });
    ok('GET', `/api/v1/things/${ID}?fields=all`, 200, { id: ID, at: '2025-01-02T03:04:05Z', n: null });
  });
  test('a missing member, a wrong enum, a bad format, an unknown member', () => {
    bad(/required property 'status'/, 'GET', '/api/v1/health', 200, { state: 'ok' });
    bad(/must be equal to one of the allowed values \("ok"\)/, 'GET', '/api/v1/health', 200, { status: 'fine' });
    bad(/\/id must match format "uuid"/, 'GET', '/api/v1/things/x', 200, { id: 'x', at: '2025-01-02T03:04:05Z' });
    bad(/must NOT have additional properties \("extra"\)/, 'GET', `/api/v1/things/${ID}`, 200,
      { id: ID, at: '2025-01-02T03:04:05Z', extra: 1 });
    bad(/\/n must be integer,null/, 'GET', `/api/v1/things/${ID}`, 200, { id: ID, at: '2025-01-02T03:04:05Z', n: 'one' });
  });
  test('an error body is checked too: listed, default, or the shared Error', () => {
    ok('GET', '/api/v1/things/x', 404, err);
    bad(/required property 'error'/, 'GET', '/api/v1/things/x', 404, { message: 'gone' });
    bad(/required property 'message'/, 'GET', '/api/v1/health', 503, { error: { code: 'x' } });
    // not listed, no default: components.responses.Error (nginx's 429, 502 ... on any route)
    ok('GET', '/api/v1/things/x', 429, { error: { code: 'rate_limited', message: 'slow down' } });
    bad(/required property 'code'/, 'GET', '/api/v1/things/x', 429, { error: { message: 'slow down' } });
  });
  test('Content-Type JSON with a body that is not JSON', () => {
    bad(/not JSON/, 'GET', '/api/v1/health', 200, '{"status":');
  });
  test('a JSON body where the spec says no content, or only another type', () => {
    bad(/spec says no content/, 'PATCH', '/api/v1/things/x', 200, { done: true });
    bad(/documents only application\/rss\+xml/, 'GET', '/api/v1/feed', 200, { items: [] });
    ok('GET', '/api/v1/feed', 200, '<rss/>', 'application/rss+xml');
    ok('DELETE', '/api/v1/things/x', 204, '', '');
  });
});

describe('a status the operation does not list fails', () => {
  test('a 2xx or 3xx must be listed', () => {
    bad(/status 201 is not documented \(documented: 200, default\)/, 'GET', '/api/v1/health', 201, { status: 'ok' });
    bad(/status 200 is not documented \(documented: 204\)/, 'DELETE', '/api/v1/things/x', 200, {});
    bad(/status 302 is not documented/, 'GET', '/api/v1/health', 302, '', '');
    // a non-JSON answer still needs its status listed
    bad(/status 206 is not documented/, 'GET', '/api/v1/feed', 206, '<rss', 'application/rss+xml');
  });
});

describe('a path or method the spec does not describe fails', () => {
  test('an unknown path that answers', () => {
    bad(/no path of the spec matches/, 'GET', '/api/v1/secret', 200, { status: 'ok' });
    bad(/no path of the spec matches/, 'POST', '/api/v1/things/x/y', 422, err);
  });
  test('a described path with another method', () => {
    bad(/only for GET/, 'POST', '/api/v1/health', 401, err);
    bad(/only for GET, DELETE, PATCH/, 'PUT', '/api/v1/things/x', 200, {});
  });
  test("the router's own 404 and 405, and nginx's errors, pass as JSON errors only", () => {
    ok('GET', '/api/v1/does-not-exist', 404, err);
    ok('GET', '/api/v2/health', 404, err);
    ok('GET', '/api/v1/%ZZ/x', 400, { error: { code: 'bad_request', message: 'x' } });
    ok('POST', '/api/v1/auth/whatever', 429, { error: { code: 'rate_limited', message: 'x' } });
    bad(/not described/, 'POST', '/api/v1/auth/whatever', 401, err);
    bad(/not described/, 'POST', '/api/v1/auth/whatever', 422, err);
    ok('DELETE', '/api/v1/health', 405, { error: { code: 'method_not_allowed', message: 'GET, HEAD' } });
    bad(/required property 'error'/, 'GET', '/api/v1/nope', 404, { status: 'ok' });
    bad(/not a JSON error/, 'GET', '/api/v1/nope', 404, '<html>', 'text/html');
  });
  test('a literal segment wins over a parameter; HEAD is GET', () => {
    ok('PUT', '/api/v1/things/order', 200, '"ordered"');
    bad(/must be equal to constant/, 'PUT', '/api/v1/things/order', 200, '"x"');
    ok('HEAD', '/api/v1/health', 200, '');
    bad(/status 201/, 'HEAD', '/api/v1/health', 201, '');
  });
  test('outside /api/ nothing is checked', () => {
    ok('GET', '/sitemap.xml', 200, '<urlset/>', 'application/xml');
    ok('GET', '/', 200, { anything: true });
  });
});

describe('the switches', () => {
  const probe = (env) => spawnSync(process.execPath, ['--input-type=module', '-e',
    `import { testValidator } from ${JSON.stringify(new URL('./validate.mjs', import.meta.url).href)};
     const v = testValidator(); console.log(v === null ? 'off' : 'on');`],
  { encoding: 'utf8', env: { ...process.env, ...env } });
  test('SOUK_TEST_OPENAPI=0 turns it off; a SOUK_TEST_OPENAPI_FILE that is missing is an error', () => {
    assert.equal(probe({ SOUK_TEST_OPENAPI: '0', SOUK_TEST_OPENAPI_FILE: '/nonexistent.yaml' }).stdout.trim(), 'off');
    const r = probe({ SOUK_TEST_OPENAPI: '', SOUK_TEST_OPENAPI_FILE: '/nonexistent.yaml' });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /SOUK_TEST_OPENAPI_FILE=\/nonexistent.yaml: no such file/);
  });
});

describe('docs/openapi.yaml', { skip: !existsSync(DEFAULT_SPEC) && 'docs/openapi.yaml does not exist yet' }, () => {
  test('every JSON response schema compiles', () => {
    const real = new OpenApiValidator(loadSpec(DEFAULT_SPEC));
    const problems = [];
    let n = 0;
    for (const [path, item] of Object.entries(real.spec.paths ?? {})) {
      for (const [method, op] of Object.entries(item)) {
        for (const status of Object.keys(op?.responses ?? {})) {
          const [res, tokens] = real.deref(['paths', path, method, 'responses', status]);
          for (const [type, media] of Object.entries(res?.content ?? {})) {
            if (!/json/.test(type) || !media.schema) continue;
            n += 1;
            const c = real.validator([...tokens, 'content', type, 'schema']);
            if (c.compileError) problems.push(`${method.toUpperCase()} ${path} ${status}: ${c.compileError}`);
          }
        }
      }
    }
    assert.ok(n > 0, 'no JSON response schemas found');
    assert.deepEqual(problems, []);
  });
});
