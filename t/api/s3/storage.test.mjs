// storage.test.mjs - the S3 driver end to end: ./souk test restarts the pool with
// SOUK_STORAGE_DRIVER=s3 against the S3 stand-in (t/fakes/s3.mjs: s3rver behind a
// Signature Version 4 check made with the official AWS signer), once with path-style
// and once with virtual-hosted addressing (SOUK_TEST_S3_STYLE), and runs this file.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import http from 'node:http';
import { api, postJson, sql, isApiError, freshEmail, sleep } from '../lib.mjs';
import { sdkPresign } from '../../fakes/sdk-presign.mjs';

const STYLE = process.env.SOUK_TEST_S3_STYLE ?? 'path';
const S3 = new URL(process.env.SOUK_TEST_FAKE_S3 ?? 'http://127.0.0.1:18093');
const BUCKET = 'souk-test';
const KEYS = { accessKey: 'S3RVER', secretKey: 'S3RVER', region: 'us-east-1' };
const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');
const expectError = (r, status, code) =>
  assert.ok(isApiError(r, status, code), `want ${status} ${code}, got ${r.status} ${r.text}`);

/** An HTTP request to the S3 stand-in; *.localhost (virtual-hosted buckets) is
 * loopback, which glibc does not know (libcurl, in the worker, does). */
function s3Request(url, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const lookup = (host, opts, cb) => (opts && opts.all ? cb(null, [{ address: '127.0.0.1', family: 4 }])
      : cb(null, '127.0.0.1', 4));
    const req = http.request(url, { method, headers, lookup }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.setTimeout(10000, () => req.destroy(new Error('timeout')));
    req.end(body);
  });
}

/** The URL without its X-Amz-* authentication, for the SDK to sign again. */
function unsigned(url) {
  const [base, query = ''] = url.split('?');
  const rest = query.split('&').filter((p) => p && !p.startsWith('X-Amz-'));
  return rest.length ? `${base}?${rest.join('&')}` : base;
}

/** Our signature must be the one the AWS SDK computes for the same request. */
async function assertSdkAgrees(url, method, signedHeaders = {}) {
  const u = new URL(url);
  const d = u.searchParams.get('X-Amz-Date');
  const date = new Date(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${d.slice(9, 11)}:${d.slice(11, 13)}:${d.slice(13, 15)}Z`);
  const sdk = await sdkPresign({ method, url: unsigned(url), ...KEYS, date,
    expires: Number(u.searchParams.get('X-Amz-Expires')), signedHeaders });
  assert.equal(u.searchParams.get('X-Amz-Signature'), new URL(sdk).searchParams.get('X-Amz-Signature'),
    `our ${method} signature differs from the AWS SDK's for ${url}`);
}

async function tokenFor(email, password) {
  const r = await postJson('/api/v1/auth/login', { email, password, mode: 'token' });
  assert.equal(r.status, 200, r.text);
  return r.json.access_token;
}
const as = (token) => ({ authorization: `Bearer ${token}` });
const json = (token, method, path, body) => api(path, {
  method,
  headers: { ...as(token), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
  body: body === undefined ? undefined : JSON.stringify(body),
});

const PDF = Buffer.from(`%PDF-1.4\n% stored in S3 (${STYLE})\n%%EOF\n`);
let editor;
let seq = 0;
const unique = (tag) => `${tag} ${STYLE} ${process.pid} ${Date.now() % 1e7} ${++seq}`;

async function presign(id, bytes, extra = {}) {
  const r = await json(editor, 'POST', `/api/v1/admin/products/${id}/files/presign`, {
    label: 'Book', filename: 'book.pdf', content_type: 'application/pdf', size_bytes: bytes.length, ...extra,
  });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

before(async () => {
  editor = await tokenFor('editor@souk.test', 'souk-dev-password');
});

describe(`S3 storage, ${STYLE}-style addressing`, () => {
  test('presigned PUT: the URL addresses the bucket as configured and the AWS SDK signs it the same', async () => {
    const c = await json(editor, 'POST', '/api/v1/admin/products', { title: unique('S3 presign') });
    const p = await presign(c.json.id, PDF);
    const u = new URL(p.url);
    if (STYLE === 'path') {
      assert.equal(u.host, S3.host);
      assert.ok(u.pathname.startsWith(`/${BUCKET}/products/${c.json.id}/`), p.url);
    } else {
      assert.equal(u.host, `${BUCKET}.s3.localhost:${S3.port}`);
      assert.ok(u.pathname.startsWith(`/products/${c.json.id}/`), p.url);
    }
    assert.equal(u.searchParams.get('X-Amz-SignedHeaders'), 'content-length;content-type;host');
    assert.deepEqual(p.headers, { 'content-type': 'application/pdf', 'content-length': String(PDF.length) });
    await assertSdkAgrees(p.url, 'PUT', p.headers);
  });

  test('upload with the presigned PUT, then complete: size and SHA-256 recorded from S3', async () => {
    const c = await json(editor, 'POST', '/api/v1/admin/products', { title: unique('S3 upload') });
    const p = await presign(c.json.id, PDF);
    const other = await s3Request(p.url, { method: 'PUT', headers: { ...p.headers, 'content-type': 'text/plain' }, body: PDF });
    assert.equal(other.status, 403, 'S3 refuses a type other than the signed one');
    const tampered = p.url.replace(/X-Amz-Signature=([0-9a-f])/, (m, c0) => `X-Amz-Signature=${c0 === '0' ? '1' : '0'}`);
    assert.equal((await s3Request(tampered, { method: 'PUT', headers: p.headers, body: PDF })).status, 403);
    const early = await json(editor, 'POST', `/api/v1/admin/products/${c.json.id}/files/complete`, { upload_id: p.upload_id });
    expectError(early, 422, 'validation_failed');
    const put = await s3Request(p.url, { method: 'PUT', headers: p.headers, body: PDF });
    assert.equal(put.status, 200, put.body.toString());
    // two completes at once (a double click): one records the file, the other finds
    // nothing to complete and leaves the object alone
    const both = await Promise.all([1, 2].map(() =>
      json(editor, 'POST', `/api/v1/admin/products/${c.json.id}/files/complete`, { upload_id: p.upload_id })));
    assert.deepEqual(both.map((r) => r.status).sort(), [201, 404], both.map((r) => r.text).join('\n'));
    const done = both.find((r) => r.status === 201);
    const key = sql(`select storage_key from product_files where public_id = '${done.json.id}'`).stdout;
    const objectUrl = STYLE === 'path' ? `${S3.origin}/${BUCKET}/${key}` : `http://${BUCKET}.s3.localhost:${S3.port}/${key}`;
    const stored = await s3Request(await sdkPresign({ method: 'GET', url: objectUrl, ...KEYS, date: new Date(), expires: 60 }));
    assert.equal(stored.status, 200);
    assert.ok(stored.body.equals(PDF));
    assert.equal(done.json.sha256, sha256(PDF));
    assert.equal(done.json.size_bytes, PDF.length);
    const again = await json(editor, 'POST', `/api/v1/admin/products/${c.json.id}/files/complete`, { upload_id: p.upload_id });
    expectError(again, 404, 'not_found');
    const elsewhere = await json(editor, 'POST', '/api/v1/admin/products', { title: unique('S3 other') });
    const p2 = await presign(c.json.id, PDF);
    expectError(await json(editor, 'POST', `/api/v1/admin/products/${elsewhere.json.id}/files/complete`,
      { upload_id: p2.upload_id }), 404, 'not_found');
  });

  test('presign refuses what an upload would: a type not allowed 415, too large 413', async () => {
    const c = await json(editor, 'POST', '/api/v1/admin/products', { title: unique('S3 refusals') });
    const exe = await json(editor, 'POST', `/api/v1/admin/products/${c.json.id}/files/presign`,
      { label: 'x', filename: 'x.exe', content_type: 'application/x-msdownload', size_bytes: 10 });
    expectError(exe, 415, 'unsupported_media_type');
    const big = await json(editor, 'POST', `/api/v1/admin/products/${c.json.id}/files/presign`,
      { label: 'x', filename: 'x.zip', content_type: 'application/zip', size_bytes: 1e12 });
    expectError(big, 413, 'payload_too_large');
  });

  test('a download is a presigned GET: exact bytes, the stored name; tampered or expired links refused by S3', async () => {
    const c = await json(editor, 'POST', '/api/v1/admin/products', { title: unique('S3 download'), link_ttl_seconds: 10 });
    // streamed through the worker, which stores it in S3
    const up = await api(`/api/v1/admin/products/${c.json.id}/files?label=Book&filename=${encodeURIComponent('Notes ₹ 2026.pdf')}`,
      { method: 'POST', headers: { ...as(editor), 'content-type': 'application/pdf' }, body: PDF });
    assert.equal(up.status, 201, up.text);
    assert.equal((await json(editor, 'POST', `/api/v1/admin/products/${c.json.id}/publish`, {})).status, 200);
    const email = freshEmail('s3buyer');
    await postJson('/api/v1/auth/register', { email, password: 'a long enough passphrase', name: 'S3 Buyer' });
    const buyer = await tokenFor(email, 'a long enough passphrase');
    assert.equal((await json(buyer, 'POST', `/api/v1/products/${c.json.slug}/claim`)).status, 201);
    const d = await json(buyer, 'POST', `/api/v1/products/${c.json.slug}/download`);
    assert.equal(d.status, 200, d.text);
    const u = new URL(d.json.url);
    assert.equal(u.searchParams.get('X-Amz-Expires'), '10');
    assert.ok(u.searchParams.get('response-content-disposition').startsWith('attachment; filename="Notes _ 2026.pdf"'));
    await assertSdkAgrees(d.json.url, 'GET');
    const got = await s3Request(d.json.url);
    assert.equal(got.status, 200);
    assert.equal(sha256(got.body), sha256(PDF));
    assert.equal(got.headers['content-type'], 'application/pdf');
    assert.equal(got.headers['content-disposition'],
      `attachment; filename="Notes _ 2026.pdf"; filename*=UTF-8''Notes%20%E2%82%B9%202026.pdf`);
    const tampered = new URL(d.json.url);
    tampered.searchParams.set('response-content-disposition', 'attachment; filename="evil.exe"');
    assert.equal((await s3Request(tampered.toString())).status, 403);
    const longer = new URL(d.json.url);
    longer.searchParams.set('X-Amz-Expires', '604800');
    assert.equal((await s3Request(longer.toString())).status, 403);
    if (STYLE === 'path') { // once is enough: wait out the link
      await sleep(11000);
      assert.equal((await s3Request(d.json.url)).status, 403);
    }
  });

  test('deleting a file that was never downloaded removes the object from S3', async () => {
    const c = await json(editor, 'POST', '/api/v1/admin/products', { title: unique('S3 delete') });
    const up = await api(`/api/v1/admin/products/${c.json.id}/files?label=Book&filename=gone.pdf`,
      { method: 'POST', headers: { ...as(editor), 'content-type': 'application/pdf' }, body: PDF });
    assert.equal(up.status, 201, up.text);
    const key = sql(`select storage_key from product_files where public_id = '${up.json.id}'`).stdout;
    const objectUrl = STYLE === 'path' ? `${S3.origin}/${BUCKET}/${key}`
      : `http://${BUCKET}.s3.localhost:${S3.port}/${key}`;
    const sign = () => sdkPresign({ method: 'GET', url: objectUrl, ...KEYS, date: new Date(), expires: 60 });
    assert.equal((await s3Request(await sign())).status, 200);
    const del = await json(editor, 'DELETE', `/api/v1/admin/products/${c.json.id}/files/${up.json.id}`);
    assert.equal(del.status, 204, del.text);
    assert.equal((await s3Request(await sign())).status, 404);
  });

  test('images go to the bucket under public/', async () => {
    const c = await json(editor, 'POST', '/api/v1/admin/products', { title: unique('S3 image') });
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');
    const r = await api(`/api/v1/admin/products/${c.json.id}/images`,
      { method: 'POST', headers: { ...as(editor), 'content-type': 'image/png' }, body: png });
    assert.equal(r.status, 201, r.text);
    const want = STYLE === 'path' ? `${S3.origin}/${BUCKET}/public/products/${c.json.id}/`
      : `http://${BUCKET}.s3.localhost:${S3.port}/public/products/${c.json.id}/`;
    assert.ok(r.json.url.startsWith(want), r.json.url);
    const signed = await sdkPresign({ method: 'GET', url: r.json.url, ...KEYS, date: new Date(), expires: 60 });
    assert.ok((await s3Request(signed)).body.equals(png));
  });
});
