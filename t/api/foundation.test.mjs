// foundation.test.mjs - the running skeleton: nginx -> souk-fcgi -> PostgreSQL/Redis.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  api, postJson, httpsGet, stackCtl, poolStatus, masterPid, fcgiLog, until, load, loadWhile, sleep,
  isApiError,
} from './lib.mjs';

const expectError = (r, status, code) =>
  assert.ok(isApiError(r, status, code), `want ${status} ${code}, got ${r.status} ${r.text}`);

describe('health and readiness', () => {
  test('GET /api/v1/health is 200 JSON', async () => {
    const r = await api('/api/v1/health');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^application\/json; charset=utf-8/);
    assert.deepEqual(r.json, { status: 'ok' });
  });

  test('GET /api/v1/ready reports db and redis ok with the version', async () => {
    const r = await api('/api/v1/ready');
    assert.equal(r.status, 200);
    assert.equal(r.json.status, 'ok');
    assert.equal(r.json.db, 'ok');
    assert.equal(r.json.redis, 'ok');
    assert.match(r.json.version, /^\d+\.\d+\.\d+/);
    assert.equal(r.headers.get('cache-control'), 'no-store');
  });

  test('HEAD on a GET route answers without a body', async () => {
    const r = await api('/api/v1/health', { method: 'HEAD' });
    assert.equal(r.status, 200);
    assert.equal(r.text, '');
  });

  test('HTTPS answers, with HSTS; plain HTTP does not send HSTS', async () => {
    const s = await httpsGet('/api/v1/ready');
    assert.equal(s.status, 200);
    assert.equal(JSON.parse(s.text).db, 'ok');
    assert.match(s.headers['strict-transport-security'], /max-age=\d+/);
    const p = await api('/api/v1/ready');
    assert.equal(p.headers.get('strict-transport-security'), null);
  });
});

describe('request ids, headers and logs', () => {
  test('every response carries X-Request-Id, and the worker logs one JSON line with it', async () => {
    const r = await api('/api/v1/health?probe=log');
    const id = r.headers.get('x-request-id');
    assert.match(id, /^[0-9a-f]{32}$/);
    const line = await until(() => fcgiLog().split('\n').find((l) => l.includes(id)));
    assert.ok(line, 'request id not found in the souk-fcgi log');
    const entry = JSON.parse(line);
    assert.equal(entry.id, id);
    assert.equal(entry.method, 'GET');
    assert.equal(entry.path, '/api/v1/health');
    assert.equal(entry.status, 200);
    assert.equal(typeof entry.ms, 'number');
  });

  test('security headers on API and static responses', async () => {
    for (const path of ['/api/v1/health', '/', '/api/v1/nope']) {
      const r = await api(path);
      assert.equal(r.headers.get('x-content-type-options'), 'nosniff', path);
      assert.match(r.headers.get('content-security-policy'), /frame-ancestors 'none'/, path);
      assert.equal(r.headers.get('x-frame-options'), 'DENY', path);
      assert.ok(r.headers.get('referrer-policy'), path);
    }
  });

  test('the static front end is served with caching headers', async () => {
    const r = await api('/');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^text\/html/);
    assert.match(r.text, /Souk/);
    // the home page comes from the worker (its meta in the head, src/cms/seo.c)
    assert.match(r.headers.get('cache-control'), /no-cache/);
    assert.match(r.text, /<link rel="canonical"/);
    // the built storefront (web/dist): its hashed entry script, cached for a year
    const entry = r.text.match(/<script type="module" crossorigin src="(\/assets\/[^"]+\.js)"/);
    assert.ok(entry, 'index.html loads the storefront bundle');
    const js = await api(entry[1]);
    assert.equal(js.status, 200);
    assert.match(js.headers.get('cache-control'), /immutable/);
    const deep = await api('/some/client/route');
    assert.equal(deep.status, 200, 'client-side routes fall back to index.html');
    assert.match(deep.text, /<div id="app">/);
    // this stack has Razorpay keys: the CSP lets Checkout's script and frame in, nothing else
    const csp = r.headers.get('content-security-policy');
    assert.match(csp, /script-src 'self' https:\/\/checkout\.razorpay\.com https:\/\/cdn\.razorpay\.com;/);
    assert.match(csp, /frame-src https:\/\/api\.razorpay\.com https:\/\/checkout\.razorpay\.com;/);
    assert.match(csp, /frame-ancestors 'none'/);
  });

  test('the API reference is served from the spec, with nothing from other hosts', async () => {
    const r = await api('/docs/api');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^text\/html/);
    assert.match(r.text, /Souk API/);
    const external = [...r.text.matchAll(/<(?:script|link)[^>]+(?:src|href)="(https?:[^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(external, [], 'no script or stylesheet from another host');
    assert.match(r.headers.get('content-security-policy'), /script-src 'self';/);
  });

  test('the protected download location is internal only', async () => {
    const r = await api('/_files/anything');
    assert.equal(r.status, 404);
  });
});

describe('bad input always gets a JSON error', () => {
  test('unknown route: 404', async () => {
    expectError(await api('/api/v1/does-not-exist'), 404, 'not_found');
    expectError(await api('/api/v2/health'), 404, 'not_found');
  });

  test('wrong method: 405 with Allow', async () => {
    const r = await api('/api/v1/health', { method: 'DELETE' });
    expectError(r, 405, 'method_not_allowed');
    assert.equal(r.headers.get('allow'), 'GET, HEAD');
    const p = await postJson('/api/v1/ready', {});
    expectError(p, 405, 'method_not_allowed');
  });

  test('wrong content type: 415', async () => {
    const r = await api('/api/v1/_test/echo', {
      method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"name":"x"}',
    });
    expectError(r, 415, 'unsupported_media_type');
    const none = await api('/api/v1/_test/echo', { method: 'POST', body: '{}' });
    expectError(none, 415, 'unsupported_media_type');
  });

  test('malformed JSON: 400', async () => {
    expectError(await postJson('/api/v1/_test/echo', '{"name": "x",'), 400, 'malformed_request');
    expectError(await postJson('/api/v1/_test/echo', '[1,2]'), 400, 'malformed_request');
    expectError(await postJson('/api/v1/_test/echo', '{"a":1} trailing'), 400, 'malformed_request');
    expectError(await postJson('/api/v1/_test/echo', ''), 400, 'malformed_request');
    expectError(await postJson('/api/v1/_test/echo', '{"name":"a\\u0000b"}'), 400, 'malformed_request');
    const badUtf8 = await api('/api/v1/_test/echo', {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc0, 0x80, 0x22, 0x7d]),
    });
    expectError(badUtf8, 400, 'malformed_request');
  });

  test('body over the worker limit: 413 from the worker', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(1100 * 1024) });
    expectError(await postJson('/api/v1/_test/echo', big), 413, 'payload_too_large');
  });

  test('body over the nginx limit: 413 as JSON from nginx', async () => {
    const huge = 'x'.repeat(11 * 1024 * 1024);
    const r = await postJson('/api/v1/_test/echo', huge);
    expectError(r, 413, 'payload_too_large');
  });

  test('invalid fields: 422 with every field error at once', async () => {
    const r = await postJson('/api/v1/_test/echo', { name: '', email: 'nope', quantity: 11, gift: 'yes' });
    expectError(r, 422, 'validation_failed');
    assert.deepEqual(Object.keys(r.json.error.fields).sort(), ['email', 'gift', 'name', 'quantity']);
  });

  test('valid input is normalised', async () => {
    const r = await postJson('/api/v1/_test/echo', { name: '  Asha  ', email: 'Asha@Example.COM', quantity: 2 });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { name: 'Asha', email: 'asha@example.com', quantity: 2, gift: false });
  });

  test('undecodable path or query: 400', async () => {
    expectError(await api('/api/v1/health?q=%zz'), 400, 'malformed_request');
    expectError(await api('/api/v1/health?q=%C0%80'), 400, 'malformed_request');
  });

  test('a bad parameter to a handler: 422 naming it', async () => {
    const r = await api('/api/v1/_test/sleep?ms=soon');
    expectError(r, 422, 'validation_failed');
    assert.ok(r.json.error.fields.ms, r.text);
  });

  test('a path nginx cannot decode is refused with JSON under /api/, HTML elsewhere', async () => {
    for (const path of ['/api/v1/products/%ZZ', '/api/v1/%ZZ/x', '/api/v1/products/%']) {
      const r = await api(path);
      expectError(r, 400, 'bad_request');
      assert.match(r.headers.get('content-type'), /^application\/json/, path);
    }
    const page = await api('/%ZZ');
    assert.equal(page.status, 400);
    assert.match(page.headers.get('content-type'), /^text\/html/);
  });
});

describe('rate limits', () => {
  test('the auth zone answers 429 JSON with Retry-After past its burst', async () => {
    // the test stack's auth zone: 50 r/s, burst 100
    const results = await load(400, 50, () => api('/api/v1/auth/whatever'));
    const limited = results.filter((r) => r.status === 429);
    assert.ok(limited.length > 0, 'no request was rate limited');
    assert.ok(isApiError(limited[0], 429, 'rate_limited'), limited[0].text);
    assert.equal(limited[0].headers.get('retry-after'), '1');
    assert.ok(results.every((r) => r.status === 429 || r.status === 404));
  });
});

describe('dependencies going away and coming back', () => {
  test('Redis down: ready is 503 naming redis; back up: 200 again', async () => {
    stackCtl('stop', 'redis');
    try {
      const r = await api('/api/v1/ready');
      assert.equal(r.status, 503);
      assert.deepEqual({ db: r.json.db, redis: r.json.redis, status: r.json.status },
        { db: 'ok', redis: 'down', status: 'unavailable' });
    } finally {
      stackCtl('start', 'redis');
    }
    const ok = await until(async () => (await api('/api/v1/ready')).status === 200);
    assert.ok(ok, 'ready did not recover after Redis came back');
  });

  test('PostgreSQL restarted: ready is 503 naming db, then every worker reconnects', async () => {
    stackCtl('stop', 'postgres');
    try {
      const r = await api('/api/v1/ready');
      assert.equal(r.status, 503);
      assert.equal(r.json.db, 'down');
      assert.equal(r.json.redis, 'ok');
    } finally {
      stackCtl('start', 'postgres');
    }
    // every worker held a connection that died: each must reconnect on its own
    const results = await load(40, 8, () => api('/api/v1/ready'));
    assert.deepEqual(results.map((r) => r.status).filter((s) => s !== 200), []);
  });

  test('the pool down: nginx answers 502 as JSON, never HTML', async () => {
    stackCtl('stop', 'fcgi');
    try {
      const r = await api('/api/v1/health');
      assert.ok(isApiError(r, 502, 'bad_gateway'), r.text);
    } finally {
      stackCtl('start', 'fcgi');
    }
    const ok = await until(async () => (await api('/api/v1/health')).status === 200);
    assert.ok(ok);
  });
});

describe('the worker pool', () => {
  const target = () => poolStatus().target_workers;

  test('workers run unprivileged, as children of the master', async () => {
    const s = poolStatus();
    assert.equal(s.master_alive, true);
    assert.equal(s.workers, s.target_workers);
    for (const w of s.worker_list) {
      const status = readFileSync(`/proc/${w.pid}/status`, 'utf8');
      const uid = Number(/^Uid:\s+(\d+)/m.exec(status)[1]);
      const ppid = Number(/^PPid:\s+(\d+)/m.exec(status)[1]);
      assert.notEqual(uid, 0, `worker ${w.pid} runs as root`);
      assert.equal(ppid, s.master_pid);
    }
  });

  test('kill -9 workers under load: every request is answered, the pool is back to N', async () => {
    const before = poolStatus();
    let kills = 0;
    let killing = true;
    const killer = (async () => {
      for (let attempt = 0; attempt < 40 && kills < 4; attempt++) {
        await sleep(100);
        const alive = poolStatus().worker_list.filter((w) => w.state === 'busy' || w.state === 'idle');
        if (alive.length === 0) continue;
        try { process.kill(alive[attempt % alive.length].pid, 'SIGKILL'); kills++; } catch { /* gone */ }
      }
      killing = false;
    })();
    // load keeps going until the killer is done (bounded at 20,000 requests)
    const results = await loadWhile(() => killing, 16, 20000, () => api('/api/v1/ready'));
    await killer;
    const bad = results.filter((r) => r.status !== 200);
    assert.equal(kills, 4);
    assert.ok(results.length >= 100, `only ${results.length} requests ran`);
    assert.deepEqual(bad.map((r) => `${r.status} ${r.text ?? r.error}`), []);
    const after = await until(() => {
      const s = poolStatus();
      return s.workers === s.target_workers && s.idle + s.busy === s.target_workers ? s : null;
    });
    assert.ok(after, 'pool did not come back to its size');
    assert.ok(after.restarts >= before.restarts + 4, `restarts ${before.restarts} -> ${after.restarts}`);
  });

  test('a worker recycles after max_requests without failing a request', async () => {
    const before = poolStatus();
    // SOUK_MAX_REQUESTS is 300 on the test stack: this many requests must
    // take at least one worker past it, however nginx spreads them
    const total = before.target_workers * 300 + 100;
    const results = await load(total, 8, () => api('/api/v1/health'));
    assert.ok(results.every((r) => r.status === 200));
    assert.ok(poolStatus().recycled > before.recycled, 'no worker was recycled');
  });

  test('a request stuck past the timeout: the worker is killed and replaced', async () => {
    const before = poolStatus();
    const r = await api('/api/v1/_test/sleep?ms=30000');
    // nginx retries an idempotent request once; both tries are killed
    assert.ok(isApiError(r, 502, 'bad_gateway'), r.text);
    const after = await until(() => {
      const s = poolStatus();
      return s.workers === s.target_workers && s.timeouts >= before.timeouts + 1 ? s : null;
    });
    assert.ok(after, 'stuck worker was not replaced');
    assert.match(fcgiLog(), /stuck for \d+ ms/);
  });

  test('SIGHUP reloads gracefully: new workers, no failed request', async () => {
    const before = poolStatus();
    const oldPids = new Set(before.worker_list.map((w) => w.pid));
    const pending = load(300, 8, () => api('/api/v1/ready'));
    await sleep(100);
    process.kill(masterPid(), 'SIGHUP');
    const results = await pending;
    assert.deepEqual(results.filter((r) => r.status !== 200).map((r) => r.status), []);
    const after = await until(() => {
      const s = poolStatus();
      return s.reloads === before.reloads + 1 && s.workers === s.target_workers &&
        s.worker_list.every((w) => !oldPids.has(w.pid)) ? s : null;
    });
    assert.ok(after, 'workers were not replaced by the reload');
  });

  test('SIGTERM stops gracefully: the request in flight completes', async () => {
    const inflight = api('/api/v1/_test/sleep?ms=1500');
    await sleep(300);
    const master = masterPid();
    process.kill(master, 'SIGTERM');
    const r = await inflight;
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.slept_ms, 1500);
    await until(() => { try { process.kill(master, 0); return false; } catch { return true; } });
    stackCtl('start', 'fcgi');
    const ok = await until(async () => (await api('/api/v1/ready')).status === 200);
    assert.ok(ok);
  });
});
