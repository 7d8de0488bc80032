// coupons.test.mjs - staff coupon routes (coupons:write): create with a scope, read, page,
// change, retire and delete; what the cart makes of the result.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { sql, tokenFor, call, expectError, allPages, freshEmail, postJson } from './lib.mjs';

let admin, editor, customer;
let n = 0;
const code = () => `ADM${process.pid % 1000}${Date.now() % 1e6}${++n}`;
const count = (q) => Number(sql(q).stdout);

before(async () => {
  admin = await tokenFor('admin@souk.test');
  editor = await tokenFor('editor@souk.test');
  customer = await tokenFor('customer@souk.test');
});

describe('staff coupons', () => {
  test('only coupons:write may use them (admin yes; editor and customer 403; anonymous 401)', async () => {
    assert.equal((await call(admin, 'GET', '/api/v1/admin/coupons')).status, 200);
    expectError(await call(editor, 'GET', '/api/v1/admin/coupons'), 403, 'forbidden');
    expectError(await call(customer, 'POST', '/api/v1/admin/coupons', { code: code(), kind: 'fixed', value: 1 }), 403, 'forbidden');
    expectError(await call(null, 'GET', '/api/v1/admin/coupons'), 401, 'unauthenticated');
  });

  test('create with a scope, read it back, and a taken code (any case) is 409', async () => {
    const [p1, p2] = sql("select slug from products where status = 'published' and price_paise > 0 order by id limit 2").stdout.split('\n');
    const cat = sql('select slug from categories order by id limit 1').stdout;
    const c = code();
    const r = await call(admin, 'POST', '/api/v1/admin/coupons', {
      code: c, kind: 'percent', value: 1500, description: 'Launch offer', min_order_paise: 50000,
      max_redemptions: 10, per_customer_limit: 1, valid_from: '2026-01-01T00:00:00+05:30',
      valid_until: '2030-03-31T23:59:59Z', products: [p2, p1], categories: [cat],
    });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(
      [r.json.code, r.json.kind, r.json.value, r.json.min_order_paise, r.json.max_redemptions,
        r.json.per_customer_limit, r.json.redemptions, r.json.active, r.json.valid_from, r.json.valid_until],
      [c, 'percent', 1500, 50000, 10, 1, 0, true, '2025-12-31T18:30:00Z', '2030-03-31T23:59:59Z']);
    assert.deepEqual(r.json.products, [p1, p2].sort());
    assert.deepEqual(r.json.categories, [cat]);
    assert.equal(r.json.store_wide, false);
    const got = await call(admin, 'GET', `/api/v1/admin/coupons/${c.toLowerCase()}`);
    assert.equal(got.status, 200, got.text);
    assert.deepEqual(got.json, r.json);
    expectError(await call(admin, 'POST', '/api/v1/admin/coupons', { code: c.toLowerCase(), kind: 'fixed', value: 100 }), 409, 'conflict');
    assert.equal(count(`select count(*) from audit_log where action = 'coupon.create' and entity_id = '${c}'`), 1);
  });

  test('emptying both scope lists makes a coupon store-wide again; emptying one keeps it scoped', async () => {
    const [p1] = sql("select slug from products where status = 'published' and price_paise > 0 order by id limit 1").stdout.split('\n');
    const cat = sql('select slug from categories order by id limit 1').stdout;
    const c = code();
    const made = await call(admin, 'POST', '/api/v1/admin/coupons', { code: c, kind: 'percent', value: 500, products: [p1], categories: [cat] });
    assert.equal(made.status, 201, made.text);
    const one = await call(admin, 'PATCH', `/api/v1/admin/coupons/${c}`, { products: [] });
    assert.equal(one.status, 200, one.text);
    assert.deepEqual([one.json.products, one.json.categories, one.json.store_wide], [[], [cat], false]);
    const none = await call(admin, 'PATCH', `/api/v1/admin/coupons/${c}`, { categories: [] });
    assert.deepEqual([none.json.products, none.json.categories, none.json.store_wide], [[], [], true]);
    const plain = await call(admin, 'POST', '/api/v1/admin/coupons', { code: code(), kind: 'fixed', value: 100 });
    assert.equal(plain.json.store_wide, true);
  });

  test('bad input is a 422 naming the field, and nothing is stored', async () => {
    const before = count('select count(*) from coupons');
    const bad = [
      [{ kind: 'fixed', value: 100 }, 'code'],
      [{ code: code(), value: 100 }, 'kind'],
      [{ code: code(), kind: 'fixed' }, 'value'],
      [{ code: code(), kind: 'bogus', value: 100 }, 'kind'],
      [{ code: code(), kind: 'percent', value: 10001 }, 'value'],
      [{ code: code(), kind: 'fixed', value: 0 }, 'value'],
      [{ code: 'has space', kind: 'fixed', value: 100 }, 'code'],
      [{ code: code(), kind: 'fixed', value: 100, valid_until: 'tomorrow' }, 'valid_until'],
      [{ code: code(), kind: 'fixed', value: 100, products: ['no-such-product-here'] }, 'products'],
      [{ code: code(), kind: 'fixed', value: 100, categories: ['no-such-category-here'] }, 'categories'],
      [{ code: code(), kind: 'fixed', value: 100, colour: 'red' }, 'colour'],
    ];
    for (const [body, field] of bad) {
      const r = await call(admin, 'POST', '/api/v1/admin/coupons', body);
      expectError(r, 422, 'validation_failed');
      assert.ok(r.json.error.fields?.[field], `${JSON.stringify(body)}: ${r.text}`);
    }
    const backwards = await call(admin, 'POST', '/api/v1/admin/coupons', {
      code: code(), kind: 'fixed', value: 100, valid_from: '2027-01-01T00:00:00Z', valid_until: '2026-01-01T00:00:00Z',
    });
    expectError(backwards, 422, 'validation_failed');
    assert.match(backwards.json.error.message, /valid_until must come after valid_from/);
    assert.equal(count('select count(*) from coupons'), before);
  });

  test('change: partial, null clears, code and kind stay; a retired coupon no longer applies', async () => {
    const c = code();
    assert.equal((await call(admin, 'POST', '/api/v1/admin/coupons', { code: c, kind: 'fixed', value: 5000, max_redemptions: 3 })).status, 201);
    const r = await call(admin, 'PATCH', `/api/v1/admin/coupons/${c}`, { value: 7000, max_redemptions: null, description: 'Now bigger' });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual([r.json.value, r.json.max_redemptions, r.json.description, r.json.kind], [7000, null, 'Now bigger', 'fixed']);
    expectError(await call(admin, 'PATCH', `/api/v1/admin/coupons/${c}`, { code: 'OTHER1' }), 422, 'validation_failed');
    expectError(await call(admin, 'PATCH', `/api/v1/admin/coupons/${c}`, { kind: 'percent' }), 422, 'validation_failed');
    expectError(await call(admin, 'PATCH', '/api/v1/admin/coupons/NOPE-NOT-HERE', { value: 1 }), 404, 'not_found');

    // the cart takes it, then refuses it once retired
    const email = freshEmail('coupon');
    assert.equal((await postJson('/api/v1/auth/register', { email, password: 'a long enough passphrase', name: 'C' })).status, 201);
    const buyer = await tokenFor(email, 'a long enough passphrase');
    const slug = sql("select slug from products where status = 'published' and price_paise > 10000 order by id limit 1").stdout;
    assert.equal((await call(buyer, 'POST', '/api/v1/cart/items', { product: slug })).status, 200);
    const used = await call(buyer, 'PUT', '/api/v1/cart/coupon', { code: c });
    assert.equal(used.status, 200, used.text);
    assert.equal(used.json.discount_paise, 7000);
    assert.equal((await call(admin, 'PATCH', `/api/v1/admin/coupons/${c}`, { active: false })).status, 200);
    const after = await call(buyer, 'GET', '/api/v1/cart');
    assert.equal(after.json.coupon, null);
    assert.equal(after.json.notices[0].code, 'coupon');
    const again = await call(buyer, 'PUT', '/api/v1/cart/coupon', { code: c });
    expectError(again, 422, 'validation_failed');
    assert.match(again.json.error.fields.code, /not a valid coupon/);
  });

  test('delete: an unused coupon goes (204, then 404); one that orders used is 409', async () => {
    const c = code();
    assert.equal((await call(admin, 'POST', '/api/v1/admin/coupons', { code: c, kind: 'fixed', value: 100 })).status, 201);
    assert.equal((await call(admin, 'DELETE', `/api/v1/admin/coupons/${c}`)).status, 204);
    expectError(await call(admin, 'GET', `/api/v1/admin/coupons/${c}`), 404, 'not_found');
    expectError(await call(admin, 'DELETE', `/api/v1/admin/coupons/${c}`), 404, 'not_found');
    const used = sql('select c.code from coupons c where exists (select 1 from orders o where o.coupon_id = c.id) limit 1').stdout;
    assert.ok(used, 'the seed has an order with a coupon');
    const r = await call(admin, 'DELETE', `/api/v1/admin/coupons/${used}`);
    expectError(r, 409, 'conflict');
    assert.match(r.json.error.message, /active to false/);
  });

  test('the list pages to its end with every coupon once', async () => {
    for (let i = 0; i < 3; i++) await call(admin, 'POST', '/api/v1/admin/coupons', { code: code(), kind: 'fixed', value: 100 });
    const { items, pages } = await allPages(admin, '/api/v1/admin/coupons', { limit: 2 });
    assert.ok(pages > 2);
    assert.equal(items.length, count('select count(*) from coupons'));
    assert.equal(new Set(items.map((c) => c.code)).size, items.length);
  });
});
