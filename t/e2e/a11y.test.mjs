// a11y.test.mjs - every main page of the storefront, signed in where it needs to be:
// axe-core finds no serious or critical violation, and shot() keeps its picture at phone
// and desktop size (docs/screenshots when SOUK_E2E_SCREENSHOTS=docs/screenshots).
import { before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { e2e, checkA11y, shot, heading, settle, visible, api, call, PHONE, DESKTOP } from './lib.mjs';
import { product, category, registered, sessionCookies, staff, uniq, paidOrder, PASSWORD } from './fixtures.mjs';

let shelf, item, extra, buyer, orderId, postSlug, session;

before(async () => {
  shelf = await category('Landing pages');
  item = await product({
    title: 'Monsoon Portfolio Template', price_paise: 99900, category: shelf.slug, tags: ['e2e', 'portfolio'],
    summary: 'A one-page portfolio for photographers and designers: dark and light themes, a gallery, a contact form.',
    description: '## What is inside\n\n- Twelve sections\n- Dark and light themes\n- Figma source and HTML\n\nUpdates are free.',
  });
  extra = await product({ title: 'Diwali Social Media Pack', price_paise: 49900, category: shelf.slug });

  // a buyer with one paid order (the sandbox provider, as t/api/sandbox does) and one item in the cart
  buyer = await registered(`asha.rao.${uniq()}@example.com`, 'Asha Rao');
  orderId = await paidOrder(buyer, item);
  assert.equal((await call(buyer.token, 'POST', '/api/v1/cart/items', { product: extra.id })).status, 200);
  session = await sessionCookies(buyer.email, PASSWORD);

  // a published blog post (the newest, or one of our own)
  const blog = await api('/api/v1/blog?limit=1');
  postSlug = blog.json?.items?.[0]?.slug;
  if (!postSlug) {
    const editor = await staff('editor@souk.test');
    const made = await call(editor, 'POST', '/api/v1/admin/blog', {
      title: 'Selling digital goods in India', body: '# Selling\n\nGST, invoices and payouts in one place.', tags: ['guides'],
    });
    assert.equal(made.status, 201, made.text);
    const pub = await call(editor, 'PATCH', `/api/v1/admin/blog/${made.json.id}`, { version: made.json.version, status: 'published' });
    assert.equal(pub.status, 200, pub.text);
    postSlug = made.json.slug;
  }
});

// [screenshot name, path (a function: the fixtures exist only after before()), its h1,
//  signed in?]
const PAGES = [
  ['home', () => '/', /./, false],
  ['catalog', () => '/products', /^All products$/, false],
  ['search', () => '/products?q=portfolio', /^Results for “portfolio”$/, false],
  ['category', () => `/categories/${shelf.slug}`, /^Landing pages/, false],
  ['product', () => `/products/${item.slug}`, /^Monsoon Portfolio Template$/, false],
  ['cart', () => '/cart', /^Your cart$/, true],
  ['checkout', () => '/checkout', /^Checkout$/, true],
  ['signin', () => '/signin', /^Sign in$/, false],
  ['signup', () => '/signup', /^Create an account$/, false],
  ['signin-code', () => '/signin/code', /^Sign in with a code$/, false],
  ['reset-password', () => '/reset-password', /^Reset your password$/, false],
  ['account', () => '/account', /^Hello, /, true],
  ['orders', () => '/account/orders', /^Your orders$/, true],
  ['order', () => `/account/orders/${orderId}`, /^Order /, true],
  ['library', () => '/account/library', /^Your library$/, true],
  ['sessions', () => '/account/sessions', /^Your sessions$/, true],
  ['profile', () => '/account/profile', /^Your profile$/, true],
  ['blog', () => '/blog', /^Blog$/, false],
  ['blog-post', () => `/blog/${postSlug}`, /./, false],
  ['team', () => '/team', /^Our team$/, false],
  ['about', () => '/pages/about', /./, false],
  ['contact', () => '/contact', /^Contact us$/, false],
  ['not-found', () => '/no-such-page-here', /^We could not find that page$/, false],
];

// what each page must show besides its h1 (its real content, not an empty or error state)
const CONTENT = {
  product: (page) => page.getByRole('button', { name: 'Add to cart' }),
  category: (page) => page.getByRole('link', { name: 'Monsoon Portfolio Template' }),
  search: (page) => page.getByRole('link', { name: 'Monsoon Portfolio Template' }),
  cart: (page) => page.getByRole('main').getByRole('link', { name: 'Diwali Social Media Pack' }),
  checkout: (page) => page.getByRole('button', { name: /^Pay ₹/ }),
  orders: (page) => page.getByRole('main').getByText(/Paid/).first(),
  order: (page) => page.getByRole('button', { name: 'Download invoice' }),
  library: (page) => page.getByRole('heading', { name: 'Monsoon Portfolio Template' }),
  sessions: (page) => page.getByRole('button', { name: 'Sign out everywhere' }),
};

describe('accessibility of every main page', () => {
  for (const [name, path, h1, signedIn] of PAGES) {
    e2e(`${name} has no serious or critical axe violation`, async ({ page, context }) => {
      if (signedIn) await context.addCookies(session);
      const res = await page.goto(path());
      assert.ok(res && res.status() < 500, `${path()}: ${res?.status()}`);
      await heading(page, h1);
      if (CONTENT[name]) await visible(CONTENT[name](page));
      await settle(page);
      assert.equal(await page.locator('main h1').count(), 1, 'one h1');
      const errors = await page.locator('main .notice-error').allInnerTexts();
      assert.deepEqual(errors, [], 'no error shown');
      await checkA11y(page, `${name} (desktop)`);
      await page.setViewportSize(PHONE);
      await checkA11y(page, `${name} (phone)`);
      await page.setViewportSize(DESKTOP);
      await shot(page, name);
    }, { timeout: 45_000 });
  }
});
