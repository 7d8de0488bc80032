// purchase.test.mjs - the buyer's whole journey in the browser, on the sandbox payment
// provider: find a product with a misspelt search, add it to the cart as a guest, sign
// up, verify the e-mail from the message the SMTP stand-in received, sign in (the guest
// cart is merged), apply a coupon, check out, pay in the sandbox, see the order paid,
// the invoice PDF (202 while it is rendered: the page tries again by itself) and the
// file from the library (the very bytes uploaded); and a failed sandbox payment, which
// says so and grants nothing.
import { before } from 'node:test';
import assert from 'node:assert/strict';
import {
  e2e, expectText, expectPath, heading, visible, downloaded,
  mailOf, freshEmail, sql, call,
} from './lib.mjs';
import { jobs } from '../api/shop.mjs';
import { product, coupon, customer, signIn, PASSWORD, linkIn } from './fixtures.mjs';

let kit;
let other;
let code;

before(async () => {
  kit = await product({
    title: 'Aurora Landing Kit', price_paise: 149900, tags: ['e2e', 'landing-page'],
    summary: 'A landing page kit with twelve sections, made by the browser tests.',
  });
  other = await product({ title: `Failing Payment Pack ${Date.now() % 1e6}`, price_paise: 29900 });
  code = await coupon({ kind: 'percent', value: 1000 });
});

/** The header's cart link, once it counts n items. */
const cartLink = (page, n) => page.getByRole('banner').getByRole('link', { name: new RegExp(`^Cart,?\\s*${n} items?$`) });
const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** On /checkout: the billing details, then "Pay ₹X": the sandbox panel opens. */
async function placeOrder(page) {
  await heading(page, 'Checkout');
  const name = page.getByLabel('Name on the invoice');
  if (!(await name.inputValue())) await name.fill('Asha Rao');
  await page.getByLabel('State', { exact: true }).selectOption('29'); // Karnataka
  await page.getByRole('button', { name: /^Pay ₹/ }).click();
  await visible(page.getByRole('heading', { name: /Sandbox payment/ }));
}

e2e('browse, search with a typo, add to cart, sign up, verify, coupon, pay, invoice and download', async ({ page }) => {
  // browse: the home page, then the catalog
  await page.clock.install(); // the invoice's retry waits 30 s: fast-forwarded below
  await page.goto('/');
  await heading(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Catalog' }).click();
  await expectPath(page, /^\/products$/);
  await heading(page);

  // search with a typo: the results are for the corrected words and show the kit
  const search = page.getByRole('searchbox', { name: 'Search products' });
  await search.fill('aurra landing');
  await search.press('Enter');
  await expectPath(page, /^\/products\?q=aurra(\+|%20)landing$/);
  await expectText(page, /Showing results for “aurora landing”/i);
  await page.getByRole('link', { name: 'Aurora Landing Kit' }).first().click();

  // the product page: add to cart as a guest
  await expectPath(page, new RegExp(`^/products/${kit.slug}$`));
  await heading(page, 'Aurora Landing Kit');
  await expectText(page, /₹1,499/);
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await visible(page.getByText('Added to your cart.'));
  await visible(cartLink(page, 1));

  // to checkout: a guest is sent to sign in, and from there to sign up
  await cartLink(page, 1).click();
  await heading(page, 'Your cart');
  await page.getByRole('button', { name: 'Checkout' }).click();
  await expectPath(page, /^\/signin\?next=(%2F|\/)checkout$/);
  await page.getByRole('link', { name: 'Create an account' }).click();
  await expectPath(page, /^\/signup\?next=/);
  await heading(page, 'Create an account');
  const email = freshEmail('e2e-buyer');
  await page.getByLabel('Name').fill('Asha Rao');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await heading(page, 'Check your inbox');

  // the verification e-mail, as the SMTP stand-in received it: open its link here
  const { m } = await mailOf('verify_email', email);
  await page.goto(linkIn(m.text, /https?:\/\/\S+\/verify-email\?token=[A-Za-z0-9_-]+/));
  await heading(page, 'Your e-mail is verified');
  assert.equal(sql(`select email_verified_at is not null from users where email = '${email}'`).stdout, 't');

  // sign in: the guest cart was merged into the account's
  await page.getByRole('main').getByRole('link', { name: 'Sign in' }).click();
  await heading(page, 'Sign in');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expectPath(page, /^\/account$/);
  await visible(page.getByRole('link', { name: 'Asha Rao' }));
  await cartLink(page, 1).click();
  await heading(page, 'Your cart');
  await visible(page.getByRole('main').getByRole('link', { name: 'Aurora Landing Kit' }));

  // a coupon: 10 % off ₹1,499.00
  await page.getByLabel('Coupon code').fill(code);
  await page.getByRole('button', { name: 'Apply' }).click();
  await visible(page.getByText(new RegExp(`^Coupon ${esc(code)}$`, 'i')));
  await expectText(page, new RegExp(`Discount \\(${esc(code)}\\) −₹149\\.90`, 'i'));

  // checkout and the sandbox payment
  await page.getByRole('button', { name: 'Checkout' }).click();
  await expectPath(page, /^\/checkout$/);
  await placeOrder(page);
  await page.getByRole('button', { name: 'Pay (succeeds)' }).click();
  await expectPath(page, /^\/checkout\/[0-9a-f-]{36}$/, { timeout: 15_000 });
  const orderId = new URL(page.url()).pathname.split('/').pop();
  await heading(page, /^Thank you: order .* is paid$/);
  assert.equal(sql(`select o.status || ' ' || upper(c.code) || ' ' || o.discount_paise from orders o
    join coupons c on c.id = o.coupon_id where o.public_id = '${orderId}'`).stdout, `paid ${code.toUpperCase()} 14990`);

  // the order page says paid
  await page.goto(`/account/orders/${orderId}`);
  await heading(page, /^Order /);
  await expectText(page, /\bPaid on\b/);
  await visible(page.getByRole('main').getByRole('link', { name: 'Aurora Landing Kit' }));

  // the invoice: 202 (being rendered) first, the page says so and tries again by itself
  await page.getByRole('button', { name: 'Download invoice' }).click();
  await visible(page.getByText(/Your invoice is being prepared/));
  const j = jobs('invoices');
  assert.equal(j.code, 0, j.stderr);
  const invoice = await downloaded(page, () => page.clock.fastForward(31_000));
  assert.match(invoice.download.suggestedFilename(), /^SK\d{4}-\d{6}\.pdf$/);
  assert.equal(invoice.bytes.subarray(0, 5).toString('latin1'), '%PDF-', 'the invoice is a PDF');

  // the library: the file downloads, the very bytes uploaded
  await page.getByRole('link', { name: 'Download your files' }).click();
  await heading(page, 'Your library');
  await visible(page.getByRole('heading', { name: 'Aurora Landing Kit' }));
  const file = await downloaded(page, () => page.getByRole('button', { name: `Download ${kit.filename}` }).click());
  assert.equal(file.download.suggestedFilename(), kit.filename);
  assert.equal(file.bytes.length, kit.bytes.length, 'the downloaded file has the uploaded size');
  assert.ok(file.bytes.equals(kit.bytes), 'the downloaded file is the uploaded one');
  await expectText(page, /1 of \d+ downloads used/);
});

e2e('a failed sandbox payment says so clearly and grants nothing', async ({ page, context }) => {
  const c = await customer();
  await signIn(context, c.email);
  await page.goto(`/products/${other.slug}`);
  await heading(page, other.title);
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await visible(cartLink(page, 1));
  await page.goto('/checkout');
  await placeOrder(page);

  await page.getByRole('button', { name: 'Fail the payment' }).click();
  const alert = page.getByRole('alert').filter({ hasText: 'The payment failed' });
  await visible(alert);
  await expectText(alert, /The payment failed; you have not been charged\. Try again\./);
  const orders = await call(c.token, 'GET', '/api/v1/me/orders?limit=1');
  const orderId = orders.json.items[0].id;

  // the order is not paid; the library is empty
  await page.goto(`/account/orders/${orderId}`);
  await heading(page, /^Order /);
  await expectText(page, /Awaiting payment/);
  await expectText(page, /We are waiting for the payment/);
  await page.goto('/account/library');
  await heading(page, 'Your library');
  await visible(page.getByText('Your library is empty.'));

  // and the API agrees
  const lib = await call(c.token, 'GET', '/api/v1/me/library');
  assert.equal(lib.status, 200, lib.text);
  assert.deepEqual(lib.json.items, []);
  assert.equal(sql(`select status from orders where public_id = '${orderId}'`).stdout, 'pending');
  assert.equal(sql(`select count(*) from entitlements where user_id = ${c.id}`).stdout, '0');
  assert.equal(sql(`select count(*) from payments p join orders o on o.id = p.order_id
    where o.public_id = '${orderId}' and p.status = 'captured'`).stdout, '0');
});
