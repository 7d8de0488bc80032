// admin-shop.test.mjs - the back office's shop screens in the browser (/admin): who may
// enter, the editor's product from draft to the shop (an upload with its progress bar),
// the admin's full refund of a paid order (the buyer loses access), the metrics
// dashboard after a sale and page views (rolled up by souk-jobs), and axe-core on every
// shop screen with its screenshots.
import { before, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  e2e, checkA11y, shot, heading, settle, visible, expectText, expectPath, eventually, downloaded,
  call, sql,
} from './lib.mjs';
import { jobs } from '../api/shop.mjs';
import { product, registered, sessionCookies, pdfBytes, uniq, paidOrder, PASSWORD } from './fixtures.mjs';

let kit, buyer, kept, refundOrder, keptOrder, adminSession, editorSession, customerSession;

/** Today in the shop (IST), YYYY-MM-DD. */
const today = () => new Date(Date.now() + 19800e3).toISOString().slice(0, 10);
const nav = (page) => page.getByRole('navigation', { name: 'Back office' });

before(async () => {
  kit = await product({ title: `Admin Refund Kit ${uniq()}`, price_paise: 79900 });
  buyer = await registered(`refund.buyer.${uniq()}@example.com`, 'Ravi Kumar');
  kept = await registered(`kept.buyer.${uniq()}@example.com`, 'Meera Iyer');
  refundOrder = await paidOrder(buyer, kit);
  keptOrder = await paidOrder(kept, kit);
  [adminSession, editorSession, customerSession] = await Promise.all([
    sessionCookies('admin@souk.test'), sessionCookies('editor@souk.test'), sessionCookies(kept.email, PASSWORD),
  ]);
});

describe('the back office: shop screens', () => {
  e2e('a customer has no access; an anonymous visitor is asked to sign in', async ({ page, context }) => {
    await page.goto('/admin');
    await heading(page, 'No access');
    await visible(page.getByRole('main').getByRole('link', { name: 'Sign in' }));
    assert.equal(await nav(page).count(), 0, 'no back-office navigation for a visitor');

    await context.addCookies(customerSession);
    await page.goto('/admin/products');
    await heading(page, 'No access');
    await expectText(page, new RegExp(`Your account \\(${kept.email.replace(/[.+]/g, '\\$&')}\\) has no back-office permission`));
    assert.equal(await nav(page).count(), 0, 'no back-office navigation for a customer');
    assert.equal(await page.getByRole('main').getByRole('link', { name: 'Sign in' }).count(), 0);
  });

  e2e('the editor creates a product, uploads its file, publishes it and the shop finds it', async ({ page, context }) => {
    await context.addCookies(editorSession);
    const word = `Kestrel${uniq()}`;
    const title = `${word} Field Guide`;

    await page.goto('/admin');
    await heading(page, 'Back office');
    await nav(page).getByRole('link', { name: 'Products' }).click();
    await expectPath(page, /^\/admin\/products$/);
    await heading(page, 'Products');
    await page.getByRole('link', { name: 'New product' }).click();
    await heading(page, 'New product');
    await page.getByLabel('Title').fill(title);
    await page.getByLabel('Price (₹)').fill('249.50');
    await page.getByRole('button', { name: 'Create draft' }).click();

    // its own page: a draft of ₹249.50 with no file yet
    await expectPath(page, /^\/admin\/products\/[0-9a-f-]{36}$/);
    const id = new URL(page.url()).pathname.split('/').pop();
    await heading(page, title);
    await expectText(page, /No files yet/);
    assert.equal(sql(`select status || ' ' || price_paise from products where public_id = '${id}'`).stdout, 'draft 24950');

    // the upload: the request is held until the progress bar has been seen
    let release;
    const held = new Promise((r) => { release = r; });
    await page.route((u) => u.pathname.endsWith(`/products/${id}/files`) || u.port === '18093', async (route) => {
      const m = route.request().method();
      if (m === 'POST' || m === 'PUT') await held;
      await route.fallback();
    });
    const bytes = pdfBytes(title);
    await page.getByLabel('Label').fill('PDF edition');
    await page.getByLabel('File', { exact: true }).setInputFiles({ name: 'field-guide.pdf', mimeType: 'application/pdf', buffer: bytes });
    assert.equal(await page.getByLabel('Filename buyers get').inputValue(), 'field-guide.pdf');
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await visible(page.locator('main progress'));
    release();
    await visible(page.getByText('Uploaded field-guide.pdf as PDF edition version 1.'));
    const files = page.getByRole('table', { name: /The product's files/ });
    const row = files.getByRole('row').filter({ hasText: 'field-guide.pdf' });
    await visible(row);
    await expectText(row, /PDF edition\s+1\s+field-guide\.pdf/);
    assert.equal(sql(`select count(*) || ' ' || max(f.size_bytes) from product_files f join products p on p.id = f.product_id
      where p.public_id = '${id}'`).stdout, `1 ${bytes.length}`);

    // publish: the status says so and the shop's search finds it
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await visible(page.getByRole('button', { name: 'Unpublish' }));
    await visible(page.getByRole('link', { name: 'View in the shop' }));
    assert.equal(sql(`select status from products where public_id = '${id}'`).stdout, 'published');

    await page.goto(`/products?q=${encodeURIComponent(word)}`);
    await heading(page, /^Results for /);
    await visible(page.getByRole('main').getByRole('link', { name: title }));
  });

  e2e('the admin refunds a paid order in full and the buyer loses access', async ({ page, context }) => {
    // before: the buyer owns the kit
    let lib = await call(buyer.token, 'GET', '/api/v1/me/library');
    assert.equal(lib.status, 200, lib.text);
    assert.ok(lib.json.items.length === 1, `the buyer's library before: ${lib.text}`);

    await context.addCookies(adminSession);
    await page.goto('/admin/orders');
    await heading(page, 'Orders');
    await page.getByLabel("Buyer's e-mail").fill(buyer.email);
    await page.getByRole('button', { name: 'Filter' }).click();
    await expectPath(page, /^\/admin\/orders\?.*email=/);
    const link = page.getByRole('main').getByRole('link', { name: new RegExp(`^${refundOrder.slice(0, 8)}`) });
    await visible(link);
    await link.click();
    await expectPath(page, new RegExp(`^/admin/orders/${refundOrder}$`));
    await heading(page, `Order ${refundOrder.slice(0, 8)}`);
    const facts = page.locator('.admin-orders-facts').first();
    await expectText(facts, /Status paid/i);

    // the refund form: all that is left, a reason, then the dialog
    await page.getByLabel('All that is left: ₹').check();
    await page.getByLabel('Reason (printed on the credit note)').fill('The buyer asked for a refund.');
    await page.getByRole('button', { name: 'Refund…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Refund this order?' });
    await visible(dialog);
    await expectText(dialog, /This refunds the order in full/);
    await dialog.getByRole('button', { name: /^Refund ₹/ }).click();
    await visible(page.getByText(/^Refunded ₹[\d,]+\.\d\d\./));
    assert.equal(await dialog.isVisible(), false, 'the dialog is closed');
    await expectText(facts, /Status refunded/i);
    await expectText(page, /been refunded in full/);

    // the buyer lost access: the order is refunded, the entitlement revoked, the library empty
    assert.equal(sql(`select status from orders where public_id = '${refundOrder}'`).stdout, 'refunded');
    assert.equal(sql(`select count(*) filter (where revoked_at is not null) || '/' || count(*) from entitlements e
      join orders o on o.id = e.order_id where o.public_id = '${refundOrder}'`).stdout, '1/1');
    lib = await call(buyer.token, 'GET', '/api/v1/me/library');
    assert.equal(lib.status, 200, lib.text);
    assert.deepEqual(lib.json.items, [], 'the refunded buyer has nothing to download');
    const mine = await call(buyer.token, 'GET', `/api/v1/me/orders/${refundOrder}`);
    assert.equal(mine.json?.status ?? mine.json?.order?.status, 'refunded', mine.text);

    // the refund's credit note, once souk-jobs has made its PDF, downloads from the order
    const j = jobs('invoices');
    assert.equal(j.code, 0, j.stderr);
    const cn = sql(`select c.number from credit_notes c join invoices v on v.id = c.invoice_id
      join orders o on o.id = v.order_id where o.public_id = '${refundOrder}'`).stdout;
    assert.match(cn, /^CN\d{4}-\d{6}$/);
    await page.reload();
    await heading(page, `Order ${refundOrder.slice(0, 8)}`);
    const notes = page.getByRole('region', { name: 'Credit notes' });
    const pdf = await downloaded(page, () => notes.getByRole('button', { name: `Download ${cn}` }).click());
    assert.equal(pdf.download.suggestedFilename(), `${cn}.pdf`);
    assert.equal(pdf.bytes.subarray(0, 5).toString(), '%PDF-');
    await expectText(notes, new RegExp(`${cn} downloaded`));
  });

  e2e('the dashboard shows today\'s sale and page views, each chart drawn', async ({ page, context }) => {
    // page views from a browser that does not say it is headless (bots are not counted)
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.setUserAgentOverride', {
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36',
    });
    const path = `/products/${kit.slug}`;
    const beacon = page.waitForRequest((r) => r.url().endsWith('/api/v1/metrics/pageview'));
    await page.goto(path);
    await heading(page, kit.title);
    await beacon;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Catalog' }).click();
    await expectPath(page, /^\/products$/);
    await eventually(() => {
      const j = jobs('rollup');
      assert.equal(j.code, 0, j.stderr);
      return Number(sql(`select coalesce(sum(views), 0) from seo_metrics_daily where day = '${today()}' and path = '${path}'`).stdout) > 0;
    }, 'the rollup has today\'s view of the product page');
    await cdp.detach();

    await context.addCookies(adminSession);
    await page.goto('/admin');
    await nav(page).getByRole('link', { name: 'Dashboard' }).click();
    await expectPath(page, /^\/admin\/metrics$/);
    await heading(page, 'Dashboard');
    await page.goto(`/admin/metrics?from=${today()}&to=${today()}`);
    await heading(page, 'Dashboard');
    const totals = page.locator('dl.admin-metrics-totals');
    await visible(totals);
    const figure = async (term) => (await totals.locator('div').filter({ has: page.locator('dt', { hasText: new RegExp(`^${term}`) }) })
      .locator('dd').innerText()).trim();
    const orders = Number((await figure('Orders')).replace(/,/g, ''));
    assert.ok(orders >= 2, `today's orders: ${orders}`);
    const revenue = Number((await figure('Revenue')).replace(/[₹,]/g, ''));
    assert.ok(revenue > 0, `today's revenue: ${revenue}`);
    const refunded = Number((await figure('Refunded')).replace(/[₹,]/g, ''));
    assert.ok(refunded > 0, `today's refunds (the refund above): ${refunded}`);

    for (const chart of ['sales', 'revenue', 'views']) {
      await visible(page.locator(`[data-chart="${chart}"] canvas`));
    }
    const views = page.locator('[data-chart="views"]');
    await expectText(views, /\b[1-9][\d,]* page views? and [1-9][\d,]* uniques? on /);
    await visible(page.getByRole('table', { name: 'Top pages' }).or(page.getByRole('region', { name: 'Top pages' }))
      .getByRole('link', { name: path }));
    await expectText(page.locator('[data-chart="sales"]'), /[1-9][\d,]* orders? on /);
  });

  e2e('the editor adds a category, renames it and deletes it; a taken slug shows beside its field', async ({ page, context }) => {
    const name = `Field Guides ${uniq()}`;
    const slug = name.toLowerCase().replace(/ /g, '-');
    await context.addCookies(editorSession);
    await page.goto('/admin');
    await nav(page).getByRole('link', { name: 'Categories' }).click();
    await expectPath(page, /^\/admin\/categories$/);
    await heading(page, 'Categories');
    await page.getByRole('button', { name: 'New category' }).click();
    const form = page.getByRole('form', { name: 'New category' });
    await form.getByLabel('Name').fill(name);
    await form.getByRole('button', { name: 'Create category' }).click();
    await expectText(page.getByRole('status').first(), new RegExp(`Created ${name}`));
    const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name }) });
    await visible(row);
    await expectText(row, new RegExp(slug));
    // the slug of a category already there: 409 beside the field, nothing changed
    await row.getByRole('button', { name: `Edit ${name}` }).click();
    const edit = page.getByRole('form', { name: `Edit ${name}` });
    await edit.getByLabel('Slug').fill('ebooks');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await expectText(edit.locator('.field-invalid'), /taken/);
    await edit.getByLabel('Slug').fill(slug);
    await edit.getByLabel('Name').fill(`${name} Renamed`);
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await expectText(page.getByRole('status').first(), new RegExp(`Saved ${name} Renamed`));
    const renamed = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: `${name} Renamed` }) });
    await renamed.getByRole('button', { name: `Delete ${name} Renamed` }).click();
    const dialog = page.getByRole('dialog', { name: `Delete ${name} Renamed?` });
    await dialog.getByRole('button', { name: 'Delete the category' }).click();
    await expectText(page.getByRole('status').first(), new RegExp(`Deleted ${name} Renamed`));
    await eventually(async () => (await renamed.count()) === 0, 'the row is gone');
    assert.equal(sql(`select count(*) from categories where slug = '${slug}'`).stdout, '0');
    // a category with products offers no Delete
    const used = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: /^E-books/ }) });
    await expectText(used, /In use/);
  });

  // the shop screens for axe-core and the screenshots: [name, path, its h1]
  const SCREENS = [
    ['overview', () => '/admin', /^Back office$/],
    ['products', () => '/admin/products', /^Products$/],
    ['product-edit', () => `/admin/products/${kit.id}`, () => new RegExp(`^${kit.title}$`)],
    ['orders', () => '/admin/orders', /^Orders$/],
    ['order', () => `/admin/orders/${keptOrder}`, /^Order /],
    ['metrics', () => '/admin/metrics', /^Dashboard$/],
    ['categories', () => '/admin/categories', /^Categories$/],
    ['coupon-new', () => '/admin/coupons/new', /^New coupon$/],
  ];
  const CONTENT = {
    products: (page) => page.getByRole('main').getByRole('link', { name: kit.title }).first(),
    'product-edit': (page) => page.getByRole('heading', { name: 'Files' }),
    orders: (page) => page.getByRole('main').getByRole('link', { name: new RegExp(`^${keptOrder.slice(0, 8)}`) }),
    order: (page) => page.getByRole('button', { name: 'Refund…' }),
    metrics: (page) => page.locator('[data-chart="views"] canvas'),
    categories: (page) => page.getByRole('main').getByRole('table'),
  };
  for (const [name, path, h1] of SCREENS) {
    e2e(`admin ${name} has no serious or critical axe violation`, async ({ page, context }) => {
      await context.addCookies(adminSession);
      const res = await page.goto(path());
      assert.ok(res && res.status() < 500, `${path()}: ${res?.status()}`);
      await heading(page, typeof h1 === 'function' ? h1() : h1);
      await visible(nav(page));
      if (CONTENT[name]) await visible(CONTENT[name](page));
      await settle(page);
      assert.equal(await page.locator('main h1').count(), 1, 'one h1');
      assert.deepEqual(await page.locator('main .notice-error').allInnerTexts(), [], 'no error shown');
      await checkA11y(page, `admin ${name}`);
      await shot(page, `admin-${name}`);
    }, { timeout: 45_000 });
  }
});
