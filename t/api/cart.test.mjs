// cart.test.mjs - the Redis cart through nginx: guest and user carts, the merge at
// sign-in, prices always from PostgreSQL (never the client or the cart), GST on every
// read, lines dropped with a notice, the 100-line limit, and Redis going away.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  api, postJson, sql, freshEmail, tokenFor, call, expectError, Browser, setCookies, stackCtl,
  until,
} from './lib.mjs';

const PASSWORD = 'a long enough passphrase';
let run = 0;
const tag = () => `cart-${process.pid}-${Date.now() % 1e7}-${++run}`;

/** n published products straight in the database (price in paise, 18 % GST unless given). */
function products(n, price = 49900, rate = 1800) {
  const t = tag();
  const r = sql(`insert into products (slug, title, price_paise, tax_rate_bp, status, published_at)
    select '${t}-' || i, 'Cart test ${t} ' || i, ${price}, ${rate}, 'published', now()
    from generate_series(1, ${n}) i returning public_id || ' ' || slug`);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.split('\n').map((l) => { const [id, slug] = l.split(' '); return { id, slug }; });
}

async function customer() {
  const email = freshEmail('cart');
  const r = await postJson('/api/v1/auth/register', { email, password: PASSWORD, name: 'Cart Buyer' });
  assert.equal(r.status, 201, r.text);
  const token = await tokenFor(email, PASSWORD);
  const id = sql(`select id from users where email = '${email}'`).stdout;
  return { email, token, id };
}

/** A guest: a cookie jar with no session. */
const guest = () => new Browser();
const add = (who, product) => (who instanceof Browser
  ? who.req('/api/v1/cart/items', { method: 'POST', body: { product } })
  : call(who.token, 'POST', '/api/v1/cart/items', { product }));
const cart = (who, query = '') => (who instanceof Browser
  ? who.req(`/api/v1/cart${query}`) : call(who.token, 'GET', `/api/v1/cart${query}`));
const ids = (r) => r.json.items.map((i) => i.product);

describe('cart', () => {
  let p;
  before(() => { p = products(4); });

  test('a guest has an empty cart and no cookie until the first add, which sets an HttpOnly cookie', async () => {
    const g = guest();
    const empty = await cart(g);
    assert.equal(empty.status, 200, empty.text);
    assert.deepEqual(empty.json.items, []);
    assert.equal(empty.json.total_paise, 0);
    assert.deepEqual(setCookies(empty.headers), []);
    const r = await add(g, p[0].id);
    assert.equal(r.status, 200, r.text);
    const cookie = setCookies(r.headers).find((c) => c.startsWith('souk_cart='));
    assert.ok(cookie, 'no souk_cart cookie');
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
    assert.match(cookie, /Max-Age=2592000/);
    assert.deepEqual(ids(r), [p[0].id]);
    assert.deepEqual(ids(await cart(g)), [p[0].id]);
    // another guest sees nothing of it
    assert.deepEqual((await cart(guest())).json.items, []);
  });

  test('lines are priced from PostgreSQL with GST: CGST+SGST at home, IGST elsewhere, none on export', async () => {
    const c = await customer();
    await add(c, p[0].id);
    const home = await cart(c);
    assert.equal(home.status, 200, home.text);
    const [line] = home.json.items;
    assert.deepEqual([line.price_paise, line.tax_rate_bp, line.tax_paise, line.total_paise],
      [49900, 1800, 8982, 58882]);
    assert.deepEqual([home.json.supply, home.json.cgst_paise, home.json.sgst_paise, home.json.igst_paise],
      ['intra_state', 4491, 4491, 0]);
    assert.equal(home.json.total_paise, 58882);
    const away = await cart(c, '?state=27');
    assert.deepEqual([away.json.supply, away.json.igst_paise, away.json.total_paise],
      ['inter_state', 8982, 58882]);
    const abroad = await cart(c, '?country=US');
    assert.deepEqual([abroad.json.supply, abroad.json.tax_paise, abroad.json.total_paise],
      ['export', 0, 49900]);
    expectError(await cart(c, '?state=99'), 422, 'validation_failed');
    expectError(await cart(c, '?country=india'), 422, 'validation_failed');
    // the odd paisa goes to CGST: 18 % of Rs 10.03 = 180.54 -> 181
    const [odd] = products(1, 1003);
    await add(c, odd.id);
    const r = await cart(c);
    const l = r.json.items.find((i) => i.product === odd.id);
    assert.equal(l.tax_paise, 181);
    assert.equal(r.json.cgst_paise - r.json.sgst_paise, 1);
  });

  test('a price in the body is refused, and a price changed in the database shows at the next read', async () => {
    const c = await customer();
    expectError(await call(c.token, 'POST', '/api/v1/cart/items', { product: p[1].id, price_paise: 1 }),
      422, 'validation_failed');
    assert.equal((await add(c, p[1].id)).status, 200);
    sql(`update products set price_paise = 10000 where public_id = '${p[1].id}'`);
    try {
      const r = await cart(c);
      assert.equal(r.json.items[0].price_paise, 10000);
      assert.equal(r.json.total_paise, 11800);
    } finally {
      sql(`update products set price_paise = 49900 where public_id = '${p[1].id}'`);
    }
  });

  test('adding twice is one line; by slug or id; removing by slug or id; removing twice is fine', async () => {
    const c = await customer();
    await add(c, p[0].id);
    await add(c, p[0].slug);
    const r = await add(c, p[1].slug);
    assert.deepEqual(ids(r), [p[0].id, p[1].id]);
    const del = await call(c.token, 'DELETE', `/api/v1/cart/items/${p[0].slug}`);
    assert.equal(del.status, 200, del.text);
    assert.deepEqual(ids(del), [p[1].id]);
    assert.deepEqual(ids(await call(c.token, 'DELETE', `/api/v1/cart/items/${p[1].id}`)), []);
    assert.equal((await call(c.token, 'DELETE', `/api/v1/cart/items/${p[1].id}`)).status, 200);
  });

  test('what cannot be bought is refused: unknown 404, draft 404, free 422, owned 409, bad body 422', async () => {
    const c = await customer();
    expectError(await add(c, '00000000-0000-4000-8000-000000000000'), 404, 'not_found');
    expectError(await add(c, 'no-such-product-anywhere'), 404, 'not_found');
    const [draft] = products(1);
    sql(`update products set status = 'draft', published_at = null where public_id = '${draft.id}'`);
    expectError(await add(c, draft.id), 404, 'not_found');
    const [free] = products(1, 0);
    const r = await add(c, free.id);
    expectError(r, 422, 'validation_failed');
    assert.match(r.json.error.fields.product, /free/);
    const [owned] = products(1);
    sql(`insert into entitlements (user_id, product_id, source)
      select ${c.id}, id, 'grant' from products where public_id = '${owned.id}'`);
    expectError(await add(c, owned.id), 409, 'conflict');
    expectError(await call(c.token, 'POST', '/api/v1/cart/items', {}), 422, 'validation_failed');
    expectError(await call(c.token, 'POST', '/api/v1/cart/items', { product: 7 }), 422, 'validation_failed');
    assert.deepEqual((await cart(c)).json.items, []);
  });

  test('lines that became archived, free or owned are dropped with one notice each, once', async () => {
    const c = await customer();
    const [a, b, f, o] = products(4);
    for (const x of [a, b, f, o]) assert.equal((await add(c, x.id)).status, 200);
    sql(`update products set status = 'archived' where public_id = '${a.id}'`);
    sql(`update products set price_paise = 0 where public_id = '${f.id}'`);
    sql(`insert into entitlements (user_id, product_id, source)
      select ${c.id}, id, 'grant' from products where public_id = '${o.id}'`);
    const r = await cart(c);
    assert.deepEqual(ids(r), [b.id]);
    const codes = Object.fromEntries(r.json.notices.map((n) => [n.product, n.code]));
    assert.deepEqual(codes, { [a.id]: 'unavailable', [f.id]: 'free', [o.id]: 'owned' });
    assert.ok(r.json.notices.every((n) => n.message.length > 10));
    const again = await cart(c);
    assert.deepEqual(again.json.notices, []);
    assert.deepEqual(ids(again), [b.id]);
  });

  test('a bad ?country or ?state changes nothing: no line added or removed, no cookie', async () => {
    const g = guest();
    const bad = await g.req(`/api/v1/cart/items?state=99`, { method: 'POST', body: { product: p[0].id } });
    expectError(bad, 422, 'validation_failed');
    assert.ok(bad.json.error.fields.state);
    assert.deepEqual(setCookies(bad.headers), []);
    assert.equal((await add(g, p[0].id)).status, 200);
    const del = await g.req(`/api/v1/cart/items/${p[0].id}?country=india`, { method: 'DELETE' });
    expectError(del, 422, 'validation_failed');
    assert.deepEqual(ids(await cart(g)), [p[0].id]);
  });

  test('removing by an upper-case id removes the line', async () => {
    const c = await customer();
    await add(c, p[1].id);
    const r = await call(c.token, 'DELETE', `/api/v1/cart/items/${p[1].id.toUpperCase()}`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(ids(r), []);
  });

  test("a guest's cookie is renewed on every use, so it lasts as long as the cart", async () => {
    const g = guest();
    assert.equal((await add(g, p[2].id)).status, 200);
    const r = await cart(g);
    const cookie = setCookies(r.headers).find((c) => c.startsWith('souk_cart='));
    assert.ok(cookie, 'the cookie was not sent again');
    assert.match(cookie, /Max-Age=2592000/);
    assert.match(cookie, /HttpOnly/);
  });

  test('a product priced in another currency cannot be added, and is dropped from a cart with a notice', async () => {
    const [q] = products(1);
    const c = await customer();
    await add(c, q.id);
    sql(`update products set currency = 'USD' where public_id = '${q.id}'`);
    const r = await cart(c);
    assert.deepEqual(ids(r), []);
    assert.deepEqual(r.json.notices.map((n) => [n.product, n.code]), [[q.id, 'currency']]);
    const again = await add(c, q.id);
    expectError(again, 422, 'validation_failed');
    assert.match(again.json.error.fields.product, /currency/);
  });

  test('signing in merges the guest cart: no duplicates, owned products dropped, cookie cleared', async () => {
    const c = await customer();
    const [a, b, d, o] = products(4);
    await add(c, b.id);
    await add(c, d.id);
    sql(`insert into entitlements (user_id, product_id, source)
      select ${c.id}, id, 'grant' from products where public_id = '${o.id}'`);
    const g = guest();
    for (const x of [a, b, o]) assert.equal((await add(g, x.id)).status, 200);
    assert.ok(g.cookies.has('souk_cart'));
    const login = await g.req('/api/v1/auth/login', { method: 'POST', body: { email: c.email, password: PASSWORD } });
    assert.equal(login.status, 200, login.text);
    assert.ok(!g.cookies.has('souk_cart'), 'the guest cookie should be cleared');
    const merged = await cart(c);
    assert.deepEqual(new Set(ids(merged)), new Set([a.id, b.id, d.id]));
    assert.equal(merged.json.items.length, 3);
    assert.deepEqual(merged.json.notices.map((n) => [n.product, n.code]), [[o.id, 'owned']]);
    // the same browser, now signed in by cookie, sees the user's cart
    assert.deepEqual(new Set(ids(await g.req('/api/v1/cart'))), new Set([a.id, b.id, d.id]));
  });

  test('a signed-in browser whose access cookie lapsed is 401 (refresh), never served a guest cart', async () => {
    const c = await customer();
    const [a, b] = products(2);
    const g = guest();
    const login = await g.req('/api/v1/auth/login', { method: 'POST', body: { email: c.email, password: PASSWORD } });
    assert.equal(login.status, 200, login.text);
    assert.equal((await add(g, a.id)).status, 200);
    // 15 minutes idle: the browser drops souk_at (Max-Age), keeps souk_csrf and souk_rt
    g.cookies.delete('souk_at');
    for (const r of [await add(g, b.id), await cart(g),
      await g.req(`/api/v1/cart/items/${a.id}`, { method: 'DELETE' }),
      await g.req('/api/v1/cart/coupon', { method: 'PUT', body: { code: 'NOPE' } }),
      await g.req('/api/v1/cart/coupon', { method: 'DELETE' })]) {
      expectError(r, 401, 'unauthenticated');
      assert.match(r.json.error.message, /refresh/);
    }
    assert.ok(!g.cookies.has('souk_cart'), 'no guest cart was made');
    // a forged or stale access token is the same
    g.cookies.set('souk_at', 'not.a.token');
    expectError(await cart(g), 401, 'unauthenticated');
    g.cookies.delete('souk_at');
    const refreshed = await g.req('/api/v1/auth/refresh', { method: 'POST' });
    assert.equal(refreshed.status, 200, refreshed.text);
    assert.equal((await add(g, b.id)).status, 200);
    assert.deepEqual(new Set(ids(await cart(c))), new Set([a.id, b.id]), "both in the user's cart");
    // a refresh that cannot succeed ends the session's cookies: the browser is a guest again
    g.cookies.delete('souk_at');
    g.cookies.delete('souk_rt');
    expectError(await g.req('/api/v1/auth/refresh', { method: 'POST' }), 401, 'unauthenticated');
    assert.ok(!g.cookies.has('souk_csrf'), 'the CSRF cookie should be cleared');
    assert.equal((await cart(g)).status, 200);
    assert.deepEqual(ids(await cart(g)), []);
  });

  test('a cart holds at most 100 products, even when adds race', async () => {
    const c = await customer();
    const many = products(104, 100);
    const results = [];
    for (let i = 0; i < many.length; i += 8) {
      results.push(...await Promise.all(many.slice(i, i + 8).map((x) => add(c, x.id))));
    }
    assert.equal(results.filter((r) => r.status === 200).length, 100);
    const full = results.filter((r) => r.status === 422);
    assert.equal(full.length, 4);
    assert.match(full[0].json.error.fields.product, /at most 100/);
    const r = await cart(c);
    assert.equal(r.json.items.length, 100);
    assert.equal(r.json.subtotal_paise, 100 * 100);
    // a product already in the full cart is still fine to add again
    assert.equal((await add(c, ids(r)[0])).status, 200);
  });

  test('Redis down: cart routes answer 503 dependency_unavailable; the catalog and sign-in still work', async () => {
    const c = await customer();
    stackCtl('stop', 'redis');
    try {
      expectError(await cart(c), 503, 'dependency_unavailable');
      expectError(await add(c, p[2].id), 503, 'dependency_unavailable');
      expectError(await call(c.token, 'DELETE', `/api/v1/cart/items/${p[2].id}`), 503, 'dependency_unavailable');
      const g = guest();
      g.cookies.set('souk_cart', '0123456789abcdef0123456789abcdef');
      expectError(await g.req('/api/v1/cart'), 503, 'dependency_unavailable');
      assert.equal((await api(`/api/v1/products/${p[2].slug}`)).status, 200);
      const login = await g.req('/api/v1/auth/login', { method: 'POST', body: { email: c.email, password: PASSWORD } });
      assert.equal(login.status, 200, login.text);
    } finally {
      stackCtl('start', 'redis');
    }
    assert.ok(await until(async () => (await cart(c)).status === 200), 'the cart did not come back');
    // every worker's next write works too (a stale connection is retried, never a 503)
    const more = products(8);
    for (const x of more) assert.equal((await add(c, x.id)).status, 200);
  });
});

/** A coupon straight in the database; returns its code. */
function coupon(fields) {
  const code = `T${process.pid}${Date.now() % 1e6}${++run}`.slice(0, 40);
  const f = { kind: "'percent'", value: 1000, ...fields };
  const cols = Object.keys(f).join(', ');
  const r = sql(`insert into coupons (code, ${cols}) values ('${code}', ${Object.values(f).join(', ')}) returning id`);
  assert.equal(r.code, 0, r.stderr);
  return { code, id: r.stdout };
}
const putCoupon = (who, code) => (who instanceof Browser
  ? who.req('/api/v1/cart/coupon', { method: 'PUT', body: { code } })
  : call(who.token, 'PUT', '/api/v1/cart/coupon', { code }));

describe('cart coupons', () => {
  let p;
  before(() => { p = products(3); });

  test('a percent coupon comes off the lines before GST, and the cart keeps it', async () => {
    const c = await customer();
    assert.equal((await add(c, p[0].id)).status, 200);
    assert.equal((await add(c, p[1].id)).status, 200);
    const { code } = coupon({});
    const r = await putCoupon(c, code.toLowerCase()); // codes are case-insensitive
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.coupon.code, code);
    assert.equal(r.json.discount_paise, 9980); // 10 % of 99,800
    assert.deepEqual(r.json.items.map((i) => [i.discount_paise, i.taxable_paise, i.tax_paise]),
      [[4990, 44910, 8084], [4990, 44910, 8084]]);
    assert.equal(r.json.total_paise, 99800 - 9980 + 2 * 8084);
    assert.equal(r.json.coupon.discount_paise, 9980);
    assert.equal((await cart(c)).json.coupon.code, code);
    const off = await call(c.token, 'DELETE', '/api/v1/cart/coupon');
    assert.equal(off.status, 200, off.text);
    assert.equal(off.json.coupon, null);
    assert.equal(off.json.discount_paise, 0);
  });

  test('bad codes are a 422 on code saying why, and the cart is left as it was', async () => {
    const c = await customer();
    await add(c, p[0].id);
    const cid = sql(`select id from categories order by id limit 1`).stdout;
    const cases = [
      ['NO-SUCH-CODE', /not a valid coupon/],
      [coupon({ active: false }).code, /not a valid coupon/],
      [coupon({ valid_until: "now() - interval '1 day'", valid_from: "now() - interval '9 days'" }).code, /expired/],
      [coupon({ valid_from: "now() + interval '1 day'" }).code, /not valid yet/],
      [coupon({ max_redemptions: 2, redemptions: 2 }).code, /used up/],
      [coupon({ kind: "'fixed'", value: 20000, min_order_paise: 100000 }).code, /at least Rs 1000\.00 before GST/],
    ];
    const scoped = coupon({});
    sql(`insert into coupon_categories (coupon_id, category_id) values (${scoped.id}, ${cid})`);
    cases.push([scoped.code, /does not apply/]);
    const once = coupon({ per_customer_limit: 1 });
    sql(`insert into orders (user_id, status, subtotal_paise, total_paise, coupon_id, paid_at)
      values (${c.id}, 'paid', 1000, 1000, ${once.id}, now())`);
    cases.push([once.code, /already used on your account/]);
    for (const [code, why] of cases) {
      const r = await putCoupon(c, code);
      expectError(r, 422, 'validation_failed');
      assert.match(r.json.error.fields.code, why, code);
    }
    expectError(await call(c.token, 'PUT', '/api/v1/cart/coupon', { code: 'X', discount: 5 }), 422, 'validation_failed');
    const r = await cart(c);
    assert.equal(r.json.coupon, null);
    assert.equal(r.json.discount_paise, 0);
    // an empty cart takes no coupon
    const empty = await customer();
    expectError(await putCoupon(empty, coupon({}).code), 422, 'validation_failed');
  });

  test('a coupon for one product discounts that line only', async () => {
    const c = await customer();
    await add(c, p[0].id);
    await add(c, p[1].id);
    const one = coupon({ kind: "'fixed'", value: 10000 });
    sql(`insert into coupon_products (coupon_id, product_id)
      select ${one.id}, id from products where public_id = '${p[1].id}'`);
    const r = await putCoupon(c, one.code);
    assert.equal(r.status, 200, r.text);
    const by = Object.fromEntries(r.json.items.map((i) => [i.product, i.discount_paise]));
    assert.deepEqual(by, { [p[0].id]: 0, [p[1].id]: 10000 });
  });

  test('a coupon that stops applying is taken off at the next read with a notice', async () => {
    const c = await customer();
    await add(c, p[0].id);
    await add(c, p[1].id);
    const min = coupon({ kind: "'fixed'", value: 5000, min_order_paise: 90000 });
    assert.equal((await putCoupon(c, min.code)).status, 200);
    // the answer to the change that broke the minimum says so at once
    const r = await call(c.token, 'DELETE', `/api/v1/cart/items/${p[1].id}`);
    assert.equal(r.json.coupon, null);
    assert.equal(r.json.discount_paise, 0);
    assert.deepEqual(r.json.notices.map((n) => [n.product, n.code]), [[null, 'coupon']]);
    assert.match(r.json.notices[0].message, /at least Rs 900\.00/);
    assert.deepEqual((await cart(c)).json.notices, []);
  });

  test('a scoped coupon stays scoped when its category is deleted; refunded orders count as used', async () => {
    const c = await customer();
    await add(c, p[0].id);
    const cat = sql(`insert into categories (slug, name) values ('${tag()}', 'Doomed') returning id`).stdout;
    const scoped = coupon({});
    sql(`insert into coupon_categories (coupon_id, category_id) values (${scoped.id}, ${cat})`);
    assert.equal(sql(`delete from categories where id = ${cat}`).code, 0);
    const r = await putCoupon(c, scoped.code);
    expectError(r, 422, 'validation_failed');
    assert.match(r.json.error.fields.code, /does not apply/);
    const once = coupon({ per_customer_limit: 1 });
    sql(`insert into orders (user_id, status, subtotal_paise, total_paise, coupon_id, paid_at, refunded_at)
      values (${c.id}, 'refunded', 1000, 1000, ${once.id}, now(), now())`);
    const again = await putCoupon(c, once.code);
    expectError(again, 422, 'validation_failed');
    assert.match(again.json.error.fields.code, /already used on your account/);
  });

  test('a fixed coupon in another currency is refused', async () => {
    const c = await customer();
    await add(c, p[0].id);
    const usd = coupon({ kind: "'fixed'", value: 500, currency: "'USD'" });
    const r = await putCoupon(c, usd.code);
    expectError(r, 422, 'validation_failed');
    assert.match(r.json.error.fields.code, /currency/);
  });

  test("a guest's coupon comes along at sign-in unless the user's cart has one", async () => {
    const c = await customer();
    const g = guest();
    await add(g, p[2].id);
    const { code } = coupon({});
    assert.equal((await putCoupon(g, code)).status, 200);
    const login = await g.req('/api/v1/auth/login', { method: 'POST', body: { email: c.email, password: PASSWORD } });
    assert.equal(login.status, 200, login.text);
    const r = await cart(c);
    assert.equal(r.json.coupon?.code, code);
    assert.equal(r.json.discount_paise, 4990);
  });
});
