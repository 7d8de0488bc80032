// catalog.test.mjs - products, categories, files, delivery and search through nginx
// (local storage; the S3 driver has its own phase in t/api/s3/).
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { api, postJson, sql, isApiError, freshEmail, conform, VAR, ROOT } from './lib.mjs';

const SEED_PASSWORD = 'souk-dev-password';
const PASSWORD = 'a long enough passphrase';
const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');
const expectError = (r, status, code) =>
  assert.ok(isApiError(r, status, code), `want ${status} ${code}, got ${r.status} ${r.text}`);

async function tokenFor(email, password = SEED_PASSWORD) {
  const r = await postJson('/api/v1/auth/login', { email, password, mode: 'token' });
  assert.equal(r.status, 200, r.text);
  return r.json.access_token;
}

async function newCustomer(tag) {
  const email = freshEmail(tag);
  const r = await postJson('/api/v1/auth/register', { email, password: PASSWORD, name: `Buyer ${tag}` });
  assert.equal(r.status, 201, r.text);
  return tokenFor(email, PASSWORD);
}

const as = (token) => ({ authorization: `Bearer ${token}` });
const json = (token, method, path, body) => api(path, {
  method,
  headers: { ...as(token), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
  body: body === undefined ? undefined : JSON.stringify(body),
});
const upload = (token, id, { label = 'Main file', filename, type, bytes }) =>
  api(`/api/v1/admin/products/${id}/files?label=${encodeURIComponent(label)}&filename=${encodeURIComponent(filename)}`, {
    method: 'POST', headers: { ...as(token), 'content-type': type }, body: bytes,
  });

/** Raw bytes of a GET (for downloads). */
async function fetchBytes(path, headers = {}) {
  const url = path.startsWith('http') ? path : `${process.env.SOUK_TEST_HTTP}${path}`;
  const res = await fetch(url, { headers, redirect: 'manual' });
  const body = Buffer.from(await res.arrayBuffer());
  conform('GET', url, res.status, res.headers.get('content-type'), body.toString('utf8'));
  return { status: res.status, headers: res.headers, body };
}

const PDF = Buffer.from('%PDF-1.4\n% souk test\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');
const ZIP = Buffer.concat([Buffer.from('PK\x03\x04', 'binary'), Buffer.alloc(200, 7)]);

let editor, admin, customer;
let seq = 0;
const unique = (tag) => `${tag} ${process.pid} ${Date.now() % 1e7} ${++seq}`;

/** A published product with one PDF, made by the editor; returns {id, slug, file}. */
async function publishedProduct(fields = {}) {
  const c = await json(editor, 'POST', '/api/v1/admin/products', {
    title: unique('Test product'), summary: 'A test product.', price_paise: 0,
    category: 'ebooks', tags: ['test', 'pdf'], ...fields,
  });
  assert.equal(c.status, 201, c.text);
  const up = await upload(editor, c.json.id, { filename: 'guide.pdf', type: 'application/pdf', bytes: PDF });
  assert.equal(up.status, 201, up.text);
  const p = await json(editor, 'POST', `/api/v1/admin/products/${c.json.id}/publish`, {});
  assert.equal(p.status, 200, p.text);
  return { id: c.json.id, slug: c.json.slug, file: up.json, version: p.json.version };
}

before(async () => {
  editor = await tokenFor('editor@souk.test');
  admin = await tokenFor('admin@souk.test');
  customer = await tokenFor('customer@souk.test');
});

describe('public catalog', () => {
  test('the list shows published products only, never a storage key, and pages with a cursor', async () => {
    const published = Number(sql("select count(*) from products where status = 'published'").stdout);
    const seen = new Set();
    let cursor = null;
    for (let page = 0; page < 200; page++) {
      const r = await api(`/api/v1/products?limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      assert.equal(r.status, 200, r.text);
      assert.doesNotMatch(r.text, /storage_key|products\/[^"]*\/v\d/);
      for (const item of r.json.items) {
        assert.ok(!seen.has(item.id), `duplicate ${item.slug}`);
        seen.add(item.id);
      }
      cursor = r.json.next_cursor;
      if (!cursor) break;
    }
    assert.equal(seen.size, published);
    const statuses = sql(`select distinct status from products where public_id in (${[...seen].map((i) => `'${i}'`).join(',')})`).stdout;
    assert.equal(statuses, 'published');
  });

  test('a product page: published 200 with its current files; drafts, archived and unknown 404', async () => {
    const r = await api('/api/v1/products/sell-what-you-know');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.slug, 'sell-what-you-know');
    assert.equal(typeof r.json.price_paise, 'number');
    assert.equal(r.json.status, undefined);
    assert.doesNotMatch(r.text, /storage_key|products\//);
    const pdf = r.json.files.filter((f) => f.label === 'PDF edition');
    assert.equal(pdf.length, 1, 'only the newest version of a label');
    assert.equal(pdf[0].version, 2);
    const draft = sql("select slug from products where status = 'draft' limit 1").stdout;
    const archived = sql("select slug from products where status = 'archived' limit 1").stdout;
    for (const slug of [draft, archived, 'no-such-product', 'Bad_Slug']) {
      if (!slug) continue;
      expectError(await api(`/api/v1/products/${slug}`), 404, 'not_found');
    }
  });

  test('categories carry the count of published products; tags are counted too', async () => {
    const r = await api('/api/v1/categories');
    assert.equal(r.status, 200, r.text);
    const want = Object.fromEntries(sql(`select c.slug, count(p.id) filter (where p.status = 'published')
      from categories c left join products p on p.category_id = c.id group by c.slug`)
      .stdout.split('\n').map((l) => l.split('|')).map(([s, n]) => [s, Number(n)]));
    for (const c of r.json.items) assert.equal(c.product_count, want[c.slug], c.slug);
    const t = await api('/api/v1/tags');
    assert.equal(t.status, 200);
    assert.ok(t.json.items.length > 10);
    const figma = t.json.items.find((x) => x.tag === 'figma');
    assert.equal(figma.count, Number(sql("select count(*) from products where status = 'published' and 'figma' = any(tags)").stdout));
  });

  test('bad list parameters are 422 with the field named', async () => {
    for (const [qs, field] of [['limit=0', 'limit'], ['limit=500', 'limit'], ['sort=cheapest', 'sort'],
      ['min_price=-5', 'min_price'], ['min_price=900&max_price=100', 'max_price'], ['free=maybe', 'free'],
      ['cursor=not-a-cursor', 'cursor'], ['category=Not%20A%20Slug', 'category'], ['sort=relevance', 'sort']]) {
      const r = await api(`/api/v1/products?${qs}`);
      expectError(r, 422, 'validation_failed');
      assert.ok(r.json.error.fields[field], `${qs}: ${r.text}`);
    }
    expectError(await api('/api/v1/search'), 422, 'validation_failed');
  });
});

describe('search', () => {
  test('finds by title word, by tag, by a prefix while typing, and by a misspelt word', async () => {
    const byTitle = await api('/api/v1/search?q=bazaar');
    assert.equal(byTitle.status, 200, byTitle.text);
    assert.equal(byTitle.json.items[0].slug, 'bazaar-ecommerce-ui-kit');
    const byTag = await api('/api/v1/search?q=figma');
    assert.ok(byTag.json.items.some((i) => i.tags.includes('figma')), byTag.text);
    const prefix = await api('/api/v1/search?q=baza');
    assert.ok(prefix.json.items.some((i) => i.slug === 'bazaar-ecommerce-ui-kit'), prefix.text);
    const typo = await api('/api/v1/search?q=bazzar');
    assert.ok(typo.json.items.some((i) => i.slug === 'bazaar-ecommerce-ui-kit'), typo.text);
    const none = await api('/api/v1/search?q=zzzqqqxxx');
    assert.equal(none.status, 200);
    assert.deepEqual(none.json.items, []);
  });

  test('facets count categories and tags of the matches; highlights are escaped HTML with <mark>', async () => {
    const r = await api('/api/v1/search?q=template');
    assert.equal(r.status, 200, r.text);
    const total = r.json.facets.categories.reduce((n, c) => n + c.count, 0);
    assert.ok(total >= r.json.items.length && total > 0, r.text);
    assert.ok(r.json.facets.tags.length > 0);
    const marked = r.json.items.find((i) => /<mark>/i.test(JSON.stringify(i.highlight)));
    assert.ok(marked, 'some highlight marks the word');
    for (const i of r.json.items) {
      const h = JSON.stringify(i.highlight);
      assert.doesNotMatch(h.replace(/<\/?mark>/g, ''), /[<>]/, h);
    }
  });

  test('filters and sorts: category, free, price range, price order', async () => {
    const cat = await api('/api/v1/search?q=guide&category=ebooks');
    assert.ok(cat.json.items.every((i) => i.category.slug === 'ebooks'), cat.text);
    const free = await api('/api/v1/products?free=true&limit=50');
    assert.ok(free.json.items.length > 0 && free.json.items.every((i) => i.price_paise === 0), free.text);
    const range = await api('/api/v1/products?min_price=100000&max_price=200000&limit=50');
    assert.ok(range.json.items.every((i) => i.price_paise >= 100000 && i.price_paise <= 200000), range.text);
    const asc = await api('/api/v1/products?sort=price_asc&limit=50');
    const prices = asc.json.items.map((i) => i.price_paise);
    assert.deepEqual(prices, [...prices].sort((a, b) => a - b));
    const tagged = await api('/api/v1/products?tags=figma,ui-kit');
    assert.ok(tagged.json.items.every((i) => i.tags.includes('figma') && i.tags.includes('ui-kit')), tagged.text);
  });
});

describe('staff: products', () => {
  test('anonymous is 401 and a customer 403 on every admin route', async () => {
    expectError(await api('/api/v1/admin/products'), 401, 'unauthenticated');
    expectError(await json(customer, 'GET', '/api/v1/admin/products'), 403, 'forbidden');
    expectError(await json(customer, 'POST', '/api/v1/admin/products', { title: 'Nope' }), 403, 'forbidden');
    expectError(await upload(customer, '00000000-0000-4000-8000-000000000000',
      { filename: 'x.pdf', type: 'application/pdf', bytes: PDF }), 403, 'forbidden');
  });

  test('an editor creates a draft (slug from the title), it stays hidden until published with a file', async () => {
    const title = unique('Café Guide to Notion');
    const c = await json(editor, 'POST', '/api/v1/admin/products', { title, price_paise: 49900, category: 'ebooks', tags: ['Notion', 'guide'] });
    assert.equal(c.status, 201, c.text);
    assert.equal(c.json.status, 'draft');
    assert.equal(c.json.version, 1);
    assert.match(c.json.slug, /^cafe-guide-to-notion-/);
    assert.deepEqual(c.json.tags, ['notion', 'guide']);
    assert.equal(c.headers.get('location'), `/api/v1/admin/products/${c.json.id}`);
    expectError(await api(`/api/v1/products/${c.json.slug}`), 404, 'not_found');
    const early = await json(editor, 'POST', `/api/v1/admin/products/${c.json.id}/publish`, {});
    expectError(early, 422, 'validation_failed');
    const up = await upload(editor, c.json.id, { filename: 'Café guide.pdf', type: 'application/pdf', bytes: PDF });
    assert.equal(up.status, 201, up.text);
    assert.equal(up.json.sha256, sha256(PDF));
    assert.equal(up.json.version, 1);
    const pub = await json(editor, 'POST', `/api/v1/admin/products/${c.json.id}/publish`, {});
    assert.equal(pub.status, 200, pub.text);
    assert.equal(pub.json.status, 'published');
    const page = await api(`/api/v1/products/${c.json.slug}`);
    assert.equal(page.status, 200, page.text);
    assert.equal(page.json.title, title);
    assert.equal(page.json.files[0].filename, 'Café guide.pdf');
    const audit = sql(`select string_agg(action, ',' order by id) from audit_log where entity = 'product' and entity_id = '${c.json.id}'`).stdout;
    assert.equal(audit, 'product.create,product.file_upload,product.publish');
  });

  test('the same title twice gets a second slug; a taken explicit slug is 409', async () => {
    const title = unique('Twin Title');
    const a = await json(editor, 'POST', '/api/v1/admin/products', { title });
    const b = await json(editor, 'POST', '/api/v1/admin/products', { title });
    assert.equal(b.status, 201, b.text);
    assert.equal(b.json.slug, `${a.json.slug}-2`);
    const c = await json(editor, 'POST', '/api/v1/admin/products', { title: 'Other', slug: a.json.slug });
    expectError(c, 409, 'conflict');
    assert.ok(c.json.error.fields.slug);
  });

  test('field-level 422s: every bad field named at once, unknown fields refused', async () => {
    const r = await json(editor, 'POST', '/api/v1/admin/products', {
      price_paise: -1, tax_rate_bp: 12.5, tags: ['ok', 'Not OK!'], cover_image_url: 'javascript:alert(1)',
      currency: 'rupees', category: 'no-such-category', colour: 'red', download_limit: 0,
    });
    expectError(r, 422, 'validation_failed');
    assert.deepEqual(Object.keys(r.json.error.fields).sort(),
      ['colour', 'cover_image_url', 'currency', 'download_limit', 'price_paise', 'tags', 'tax_rate_bp', 'title'].sort());
    const noCat = await json(editor, 'POST', '/api/v1/admin/products', { title: 'X', category: 'no-such-category' });
    expectError(noCat, 422, 'validation_failed');
    assert.equal(noCat.json.error.fields.category, 'no such category');
    const money = await json(editor, 'POST', '/api/v1/admin/products', { title: 'X', price_paise: 99.5 });
    expectError(money, 422, 'validation_failed');
  });

  test('optimistic concurrency: two editors with the same version, the second gets 409', async () => {
    const c = await json(editor, 'POST', '/api/v1/admin/products', { title: unique('Contended') });
    const first = await json(editor, 'PATCH', `/api/v1/admin/products/${c.json.id}`, { version: 1, summary: 'first' });
    assert.equal(first.status, 200, first.text);
    assert.equal(first.json.version, 2);
    const second = await json(admin, 'PATCH', `/api/v1/admin/products/${c.json.id}`, { version: 1, summary: 'second' });
    expectError(second, 409, 'conflict');
    assert.match(second.json.error.message, /version 2/);
    assert.equal(sql(`select summary from products where public_id = '${c.json.id}'`).stdout, 'first');
    expectError(await json(editor, 'PATCH', `/api/v1/admin/products/${c.json.id}`, { summary: 'x' }), 422, 'validation_failed');
    const together = await Promise.all([1, 2, 3, 4].map((n) =>
      json(editor, 'PATCH', `/api/v1/admin/products/${c.json.id}`, { version: 2, summary: `racer ${n}` })));
    assert.deepEqual(together.map((r) => r.status).sort(), [200, 409, 409, 409]);
  });

  test('delete: a product never sold goes; a sold one is 409 (archive it instead)', async () => {
    const c = await json(editor, 'POST', '/api/v1/admin/products', { title: unique('Short lived') });
    const up = await upload(editor, c.json.id, { filename: 'a.zip', type: 'application/zip', bytes: ZIP });
    const key = sql(`select storage_key from product_files where public_id = '${up.json.id}'`).stdout;
    assert.ok(readFileSync(`${VAR}/storage/${key}`).equals(ZIP));
    const d = await json(editor, 'DELETE', `/api/v1/admin/products/${c.json.id}?version=1`);
    assert.equal(d.status, 204, d.text);
    assert.equal(sql(`select count(*) from products where public_id = '${c.json.id}'`).stdout, '0');
    assert.throws(() => readFileSync(`${VAR}/storage/${key}`));
    const sold = sql("select public_id from products where slug = 'sell-what-you-know'").stdout;
    const s = await json(editor, 'DELETE', `/api/v1/admin/products/${sold}`);
    expectError(s, 409, 'conflict');
    assert.match(s.json.error.message, /archive/);
  });

  test('archive hides a product from the shop but its buyer keeps the download', async () => {
    const p = await publishedProduct();
    const buyer = await newCustomer('archive');
    assert.equal((await json(buyer, 'POST', `/api/v1/products/${p.slug}/claim`)).status, 201);
    const a = await json(editor, 'POST', `/api/v1/admin/products/${p.id}/archive`, { version: p.version });
    assert.equal(a.status, 200, a.text);
    expectError(await api(`/api/v1/products/${p.slug}`), 404, 'not_found');
    const d = await json(buyer, 'POST', `/api/v1/products/${p.slug}/download`);
    assert.equal(d.status, 200, d.text);
  });

  test('categories: create, rename, refuse deleting one in use', async () => {
    const slug = `cat-${process.pid}-${Date.now() % 1e6}`;
    const c = await json(editor, 'POST', '/api/v1/admin/categories', { slug, name: 'Temporary' });
    assert.equal(c.status, 201, c.text);
    expectError(await json(editor, 'POST', '/api/v1/admin/categories', { slug, name: 'Again' }), 409, 'conflict');
    const u = await json(editor, 'PATCH', `/api/v1/admin/categories/${slug}`, { name: 'Renamed' });
    assert.equal(u.json.name, 'Renamed');
    const listed = await api('/api/v1/categories');
    assert.ok(listed.json.items.some((x) => x.slug === slug && x.name === 'Renamed'));
    expectError(await json(editor, 'DELETE', '/api/v1/admin/categories/ebooks'), 409, 'conflict');
    assert.equal((await json(editor, 'DELETE', `/api/v1/admin/categories/${slug}`)).status, 204);
  });

  test('the staff category list counts products of any status; customers are 403', async () => {
    const slug = `catl-${process.pid}-${Date.now() % 1e6}`;
    assert.equal((await json(editor, 'POST', '/api/v1/admin/categories', { slug, name: 'Counted', sort_order: -999999 })).status, 201);
    const cat = sql(`select id from categories where slug = '${slug}'`).stdout;
    sql(`insert into products (slug, title, price_paise, status, published_at, category_id)
      values ('${slug}-a', 'A', 100, 'published', now(), ${cat}), ('${slug}-b', 'B', 100, 'draft', null, ${cat}),
             ('${slug}-c', 'C', 100, 'archived', null, ${cat})`);
    const r = await json(editor, 'GET', '/api/v1/admin/categories');
    assert.equal(r.status, 200, r.text);
    const mine = r.json.items.find((x) => x.slug === slug);
    assert.deepEqual([mine.name, mine.sort_order, mine.product_count, mine.published_count], ['Counted', -999999, 3, 1]);
    assert.equal(r.json.items[0].slug, slug, 'sorted by sort_order first');
    assert.ok(r.json.items.every((x) => typeof x.updated_at === 'string'));
    const all = Number(sql('select count(*) from categories').stdout);
    assert.equal(r.json.items.length, all);
    expectError(await json(customer, 'GET', '/api/v1/admin/categories'), 403, 'forbidden');
    expectError(await api('/api/v1/admin/categories'), 401, 'unauthenticated');
    sql(`delete from products where slug like '${slug}-%'`);
    assert.equal((await json(editor, 'DELETE', `/api/v1/admin/categories/${slug}`)).status, 204);
  });
});

describe('uploads', () => {
  test('a file over the upload limit is 413 JSON; a type not allowed is 415; content not of its type 422', async () => {
    const c = await json(editor, 'POST', '/api/v1/admin/products', { title: unique('Upload checks') });
    const limit = Number(readFileSync(`${VAR}/souk.env`, 'utf8').match(/^SOUK_UPLOAD_LIMIT=(\d+)/m)[1]);
    const big = await upload(editor, c.json.id, { filename: 'big.zip', type: 'application/zip', bytes: Buffer.alloc(limit + 1, 1) });
    expectError(big, 413, 'payload_too_large');
    const exe = await upload(editor, c.json.id, { filename: 'setup.exe', type: 'application/x-msdownload', bytes: Buffer.from('MZ...') });
    expectError(exe, 415, 'unsupported_media_type');
    const fake = await upload(editor, c.json.id, { filename: 'fake.pdf', type: 'application/pdf', bytes: Buffer.from('not a pdf at all') });
    expectError(fake, 422, 'validation_failed');
    const empty = await upload(editor, c.json.id, { filename: 'empty.pdf', type: 'application/pdf', bytes: Buffer.alloc(0) });
    expectError(empty, 422, 'validation_failed');
    const badName = await upload(editor, c.json.id, { filename: '../../etc/passwd', type: 'application/pdf', bytes: PDF });
    expectError(badName, 422, 'validation_failed');
    assert.equal(sql(`select count(*) from product_files f join products p on p.id = f.product_id where p.public_id = '${c.json.id}'`).stdout, '0');
  });

  test('a new upload of a label is the next version; buyers are offered the newest', async () => {
    const p = await publishedProduct();
    const v2 = Buffer.concat([PDF, Buffer.from('% second edition\n')]);
    const up = await upload(editor, p.id, { filename: 'guide.pdf', type: 'application/pdf', bytes: v2 });
    assert.equal(up.json.version, 2);
    const page = await api(`/api/v1/products/${p.slug}`);
    assert.equal(page.json.files.length, 1);
    assert.equal(page.json.files[0].version, 2);
    assert.equal(page.json.files[0].size_bytes, v2.length);
  });
});

describe('images', () => {
  const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
    '1f15c4890000000d49444154789c6360000002000005b0d1e7d50000000049454e44ae426082', 'hex');
  const image = (id, type, bytes) => api(`/api/v1/admin/products/${id}/images`,
    { method: 'POST', headers: { ...as(editor), 'content-type': type }, body: bytes });

  test('a cover image is stored under public/ and served by nginx, cacheable', async () => {
    const c = await json(editor, 'POST', '/api/v1/admin/products', { title: unique('Pictured') });
    const r = await image(c.json.id, 'image/png', PNG);
    assert.equal(r.status, 201, r.text);
    assert.match(r.json.url, /^\/media\/products\/[0-9a-f-]{36}\/[0-9a-f]{24}\.png$/);
    const got = await fetchBytes(r.json.url);
    assert.equal(got.status, 200);
    assert.ok(got.body.equals(PNG));
    assert.equal(got.headers.get('content-type'), 'image/png');
    assert.match(got.headers.get('cache-control'), /public/);
    const p = await json(editor, 'PATCH', `/api/v1/admin/products/${c.json.id}`, { version: 1, cover_image_url: r.json.url });
    assert.equal(p.json.cover_image_url, r.json.url);
  });

  test('SVG and other types are 415, a fake PNG 422; product files are never under /media/', async () => {
    const c = await json(editor, 'POST', '/api/v1/admin/products', { title: unique('Bad pictures') });
    expectError(await image(c.json.id, 'image/svg+xml', Buffer.from('<svg onload="alert(1)"/>')), 415, 'unsupported_media_type');
    expectError(await image(c.json.id, 'application/pdf', PDF), 415, 'unsupported_media_type');
    expectError(await image(c.json.id, 'image/png', Buffer.from('GIF89a not a png')), 422, 'validation_failed');
    const [key, hash] = sql("select storage_key, sha256 from product_files limit 1").stdout.split('|');
    assert.equal((await fetchBytes(`/media/${key}`)).status, 404);
    assert.equal((await fetchBytes(`/_files/${key}`)).status, 404);
    for (const path of [`/media/../${key}`, `/media/%2e%2e/${key}`, `/media/..%2f${key}`]) {
      const r = await fetchBytes(path);
      assert.notEqual(sha256(r.body), hash, path);
    }
  });
});

describe('downloads', () => {
  test('the entitled customer gets the exact bytes through nginx, with the stored name', async () => {
    const d = await json(customer, 'POST', '/api/v1/products/sell-what-you-know/download');
    assert.equal(d.status, 200, d.text);
    assert.match(d.json.url, /^\/api\/v1\/downloads\//);
    assert.equal(d.json.file.version, 2);
    const got = await fetchBytes(d.json.url);
    assert.equal(got.status, 200);
    assert.equal(sha256(got.body), d.json.file.sha256);
    assert.equal(sha256(got.body), sql(`select sha256 from product_files where public_id = '${d.json.file.id}'`).stdout);
    assert.equal(got.headers.get('content-type'), 'application/pdf');
    assert.equal(got.headers.get('content-disposition'),
      `attachment; filename="sell-what-you-know.pdf"; filename*=UTF-8''sell-what-you-know.pdf`);
    assert.match(got.headers.get('x-robots-tag'), /noindex/);
    assert.match(got.headers.get('cache-control'), /private/);
    const part = await fetchBytes(d.json.url, { range: 'bytes=0-4' });
    assert.equal(part.status, 206);
    assert.equal(part.body.toString(), '%PDF-');
  });

  test('a name outside ASCII is encoded per RFC 6266', async () => {
    const c = await json(editor, 'POST', '/api/v1/admin/products', { title: unique('Naming'), price_paise: 0 });
    await upload(editor, c.json.id, { filename: 'रसोई "notes".pdf', type: 'application/pdf', bytes: PDF });
    await json(editor, 'POST', `/api/v1/admin/products/${c.json.id}/publish`, {});
    const buyer = await newCustomer('names');
    await json(buyer, 'POST', `/api/v1/products/${c.json.slug}/claim`);
    const d = await json(buyer, 'POST', `/api/v1/products/${c.json.slug}/download`);
    const got = await fetchBytes(d.json.url);
    assert.equal(got.headers.get('content-disposition'),
      `attachment; filename="____ _notes_.pdf"; filename*=UTF-8''${encodeURIComponent('रसोई "notes".pdf').replace(/'/g, '%27')}`);
  });

  test('another user may not download (403), nor anyone signed out (401)', async () => {
    const other = await newCustomer('other');
    const r = await json(other, 'POST', '/api/v1/products/sell-what-you-know/download');
    expectError(r, 403, 'forbidden');
    expectError(await postJson('/api/v1/products/sell-what-you-know/download', {}), 401, 'unauthenticated');
    const revoked = await json(customer, 'POST', '/api/v1/products/warm-film-luts/download');
    expectError(revoked, 403, 'forbidden');
  });

  test('links: tampered ones 404, expired ones 410', async () => {
    const d = await json(customer, 'POST', '/api/v1/products/sell-what-you-know/download');
    const token = d.json.url.split('/').pop();
    const [kind, id, exp, mac] = token.split('.');
    expectError(await api(`/api/v1/downloads/${kind}.${Number(id) + 1}.${exp}.${mac}`), 404, 'not_found');
    expectError(await api(`/api/v1/downloads/${kind}.${id}.${Number(exp) + 3600}.${mac}`), 404, 'not_found');
    // a link signed by the server's own key, but past its time, is refused
    const secret = readFileSync(`${VAR}/jwt.secret`, 'utf8').trim();
    const payload = `${kind}.${id}.${Math.floor(Date.now() / 1000) - 5}`;
    const sig = createHmac('sha256', secret).update(`download-link:${payload}`).digest('base64url');
    expectError(await api(`/api/v1/downloads/${payload}.${sig}`), 410, 'gone');
  });

  test('the limit counts per file: each file of a product has its own allowance', async () => {
    const c = await json(editor, 'POST', '/api/v1/admin/products', { title: unique('Two files'), download_limit: 2 });
    await upload(editor, c.json.id, { label: 'Book', filename: 'book.pdf', type: 'application/pdf', bytes: PDF });
    const extra = await upload(editor, c.json.id, { label: 'Extras', filename: 'extras.zip', type: 'application/zip', bytes: ZIP });
    await json(editor, 'POST', `/api/v1/admin/products/${c.json.id}/publish`, {});
    const buyer = await newCustomer('limit');
    const claim = await json(buyer, 'POST', `/api/v1/products/${c.json.slug}/claim`);
    assert.equal(claim.status, 201, claim.text);
    assert.equal((await json(buyer, 'POST', `/api/v1/products/${c.json.slug}/claim`)).status, 200);
    const which = await json(buyer, 'POST', `/api/v1/products/${c.json.slug}/download`);
    expectError(which, 422, 'validation_failed');
    const book = (await api(`/api/v1/products/${c.json.slug}`)).json.files.find((f) => f.label === 'Book');
    for (const n of [1, 2]) {
      const d = await json(buyer, 'POST', `/api/v1/products/${c.json.slug}/download`, { file: book.id });
      assert.equal(d.status, 200, d.text);
      assert.deepEqual(d.json.downloads, { used: n, limit: 2, left: 2 - n });
    }
    const third = await json(buyer, 'POST', `/api/v1/products/${c.json.slug}/download`, { file: book.id });
    expectError(third, 403, 'forbidden');
    assert.match(third.json.error.message, /all 2 downloads/);
    const other = await json(buyer, 'POST', `/api/v1/products/${c.json.slug}/download`, { file: extra.json.id });
    assert.equal(other.status, 200, other.text);
    assert.deepEqual(other.json.downloads, { used: 1, limit: 2, left: 1 });
    const lib = await json(buyer, 'GET', '/api/v1/me/library');
    const item = lib.json.items.find((i) => i.slug === c.json.slug);
    assert.deepEqual(item.files.map((f) => [f.label, f.downloads_used, f.downloads_left]),
      [['Book', 2, 0], ['Extras', 1, 1]]);
    // concurrent requests never overrun the limit
    const again = await json(editor, 'POST', '/api/v1/admin/products', { title: unique('Race'), download_limit: 3 });
    await upload(editor, again.json.id, { filename: 'r.pdf', type: 'application/pdf', bytes: PDF });
    await json(editor, 'POST', `/api/v1/admin/products/${again.json.id}/publish`, {});
    await json(buyer, 'POST', `/api/v1/products/${again.json.slug}/claim`);
    const burst = await Promise.all(Array.from({ length: 8 }, () =>
      json(buyer, 'POST', `/api/v1/products/${again.json.slug}/download`)));
    assert.equal(burst.filter((r) => r.status === 200).length, 3);
  });

  test('owners keep their downloads when a product is unpublished; others see no product', async () => {
    const p = await publishedProduct();
    const owner = await newCustomer('owner');
    const stranger = await newCustomer('stranger');
    assert.equal((await json(owner, 'POST', `/api/v1/products/${p.slug}/claim`)).status, 201);
    const u = await json(editor, 'POST', `/api/v1/admin/products/${p.id}/unpublish`, {});
    assert.equal(u.status, 200, u.text);
    const d = await json(owner, 'POST', `/api/v1/products/${p.slug}/download`);
    assert.equal(d.status, 200, d.text);
    expectError(await json(stranger, 'POST', `/api/v1/products/${p.slug}/download`), 404, 'not_found');
  });

  test('buyers get current versions only (each version has its own allowance); staff any', async () => {
    const p = await publishedProduct();
    const v2 = await upload(editor, p.id, { filename: 'guide.pdf', type: 'application/pdf', bytes: Buffer.concat([PDF, Buffer.from('% v2\n')]) });
    assert.equal(v2.json.version, 2);
    const buyer = await newCustomer('versions');
    await json(buyer, 'POST', `/api/v1/products/${p.slug}/claim`);
    const old = await json(buyer, 'POST', `/api/v1/products/${p.slug}/download`, { file: p.file.id });
    expectError(old, 422, 'validation_failed');
    assert.match(old.json.error.fields.file, /older version/);
    const current = await json(buyer, 'POST', `/api/v1/products/${p.slug}/download`, { file: v2.json.id });
    assert.equal(current.status, 200, current.text);
    const staff = await json(editor, 'POST', `/api/v1/products/${p.slug}/download`, { file: p.file.id });
    assert.equal(staff.status, 200, staff.text);
    assert.equal(staff.json.file.version, 1);
  });

  test('claim: free only, published only', async () => {
    const buyer = await newCustomer('claim');
    expectError(await json(buyer, 'POST', '/api/v1/products/bazaar-ecommerce-ui-kit/claim'), 403, 'forbidden');
    expectError(await json(buyer, 'POST', '/api/v1/products/no-such-thing/claim'), 404, 'not_found');
    const c = await json(editor, 'POST', '/api/v1/admin/products', { title: unique('Unpublished freebie') });
    expectError(await json(buyer, 'POST', `/api/v1/products/${c.json.slug}/claim`), 404, 'not_found');
    expectError(await json(buyer, 'POST', `/api/v1/products/${c.json.slug}/download`), 404, 'not_found');
  });

  test('staff may download any product, uncounted', async () => {
    const d = await json(editor, 'POST', '/api/v1/products/bazaar-ecommerce-ui-kit/download',
      { file: sql("select f.public_id from product_files f join products p on p.id = f.product_id where p.slug = 'bazaar-ecommerce-ui-kit' and f.label = 'License'").stdout });
    assert.equal(d.status, 200, d.text);
    assert.equal(d.json.downloads, undefined);
    const got = await fetchBytes(d.json.url);
    assert.equal(sha256(got.body), d.json.file.sha256);
  });
});

describe('caches', () => {
  test('a product page is cached (Redis and nginx) and an edit is visible at once', async () => {
    const p = await publishedProduct();
    const first = await api(`/api/v1/products/${p.slug}`);
    const second = await api(`/api/v1/products/${p.slug}`);
    assert.equal(second.headers.get('x-cache-status'), 'HIT', 'nginx kept the page');
    const title = unique('Edited title');
    const e = await json(editor, 'PATCH', `/api/v1/admin/products/${p.id}`, { version: p.version, title });
    assert.equal(e.status, 200, e.text);
    const after = await api(`/api/v1/products/${p.slug}`);
    assert.equal(after.json.title, title);
    assert.notEqual(after.json.title, first.json.title);
    // signed-in readers bypass nginx, and the worker's Redis copy was retired too
    const worker = await json(customer, 'GET', `/api/v1/products/${p.slug}`);
    assert.equal(worker.json.title, title);
    assert.equal(worker.headers.get('x-cache-status'), 'BYPASS');
    const list = await api(`/api/v1/search?q=${encodeURIComponent(title)}`);
    assert.ok(list.json.items.some((i) => i.title === title), list.text);
  });

  test('the Redis copy: a miss, then a hit, then a miss after any catalog change', async () => {
    const p = await publishedProduct();
    const path = `/api/v1/products/${p.slug}`;
    assert.equal((await json(customer, 'GET', path)).headers.get('x-souk-cache'), 'miss');
    assert.equal((await json(customer, 'GET', path)).headers.get('x-souk-cache'), 'hit');
    await json(editor, 'PATCH', `/api/v1/admin/products/${p.id}`, { version: p.version, summary: 'changed' });
    const r = await json(customer, 'GET', path);
    assert.equal(r.headers.get('x-souk-cache'), 'miss');
    assert.equal(r.json.summary, 'changed');
  });
});
