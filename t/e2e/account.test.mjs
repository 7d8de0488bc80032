// account.test.mjs - signing in with a one-time code read from the SMTP stand-in, a
// buyer's review waiting for moderation, and the account's data export.
import { before } from 'node:test';
import assert from 'node:assert/strict';
import {
  e2e, expectText, expectPath, heading, visible, downloaded, eventually,
  mailOf, freshEmail, sql, call, allPages,
} from './lib.mjs';
import { product, owner, registered, signIn, staff, customer } from './fixtures.mjs';

let reviewed;

before(async () => {
  reviewed = await product({ title: `Reviewable Icon Set ${Date.now() % 1e6}`, price_paise: 19900 });
});

e2e('sign in with a one-time code from the e-mail', async ({ page }) => {
  const email = freshEmail('e2e-otp');
  await registered(email, 'Code Signer');
  await page.goto('/signin/code?next=/account');
  await heading(page, 'Sign in with a code');
  await page.getByLabel('E-mail').fill(email);
  await page.getByRole('button', { name: 'Send me a code' }).click();
  await visible(page.getByLabel('6-digit code'));

  const { m } = await mailOf('otp_code', email);
  const code = /\b(\d{6})\b/.exec(m.text)?.[1];
  assert.ok(code, m.text);
  await page.getByLabel('6-digit code').fill(code);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expectPath(page, /^\/account$/);
  await heading(page, 'Hello, Code Signer');
  await visible(page.getByRole('banner').getByRole('link', { name: 'Code Signer' }));
  // the session is the browser's: /me answers for this address
  const me = await page.evaluate(async () => (await fetch('/api/v1/me', { credentials: 'same-origin' })).json());
  assert.equal(me.user.email, email);
});

e2e('a buyer reviews an owned product: it waits for moderation', async ({ page, context }) => {
  const buyer = await owner(reviewed);
  await signIn(context, buyer.email);
  await page.goto(`/products/${reviewed.slug}`);
  await heading(page, reviewed.title);

  const form = page.getByRole('form', { name: 'Write a review' });
  await visible(form);
  await form.getByRole('radio', { name: '4 stars' }).check();
  const comment = `Clean icons, easy to recolour (${reviewed.title}).`;
  await form.getByLabel('Your review (optional)').fill(comment);
  await form.getByRole('button', { name: 'Submit review' }).click();
  await visible(page.getByText('Thanks, your review was submitted.'));
  await expectText(page.getByRole('status').filter({ hasText: 'Thanks, your review' }), /waiting for moderation/);

  // the API has it, pending
  const rows = await eventually(() => {
    const r = sql(`select f.status || '|' || f.rating || '|' || coalesce(f.comment, '') from feedback f
      join products p on p.id = f.product_id where p.public_id = '${reviewed.id}' and f.user_id = ${buyer.id}`);
    return r.code === 0 && r.stdout ? r.stdout : null;
  }, 'the review in the database');
  assert.equal(rows, `pending|4|${comment}`);
  const queue = await allPages(await staff('support@souk.test'), '/api/v1/admin/feedback?status=pending&kind=product', { limit: 50 });
  assert.ok(queue.items.some((f) => f.comment === comment), 'the moderation queue has it');
  const mine = await call(buyer.token, 'GET', `/api/v1/products/${reviewed.slug}/review`);
  assert.equal(mine.status, 200, mine.text);
  assert.deepEqual([mine.json.status, mine.json.rating, mine.json.comment], ['pending', 4, comment]);
  // not public until approved
  const pub = await call(null, 'GET', `/api/v1/products/${reviewed.slug}/reviews`);
  assert.equal(pub.json.items.length, 0);
});

e2e('the account data export downloads as JSON with the e-mail in it', async ({ page, context }) => {
  const c = await customer();
  await signIn(context, c.email);
  await page.goto('/account/profile');
  await heading(page, 'Your profile');
  const { download, bytes } = await downloaded(page, () => page.getByRole('button', { name: 'Download my data' }).click());
  assert.match(download.suggestedFilename(), /\.json$/i);
  const doc = JSON.parse(bytes.toString('utf8'));
  assert.equal(doc.profile?.email, c.email, 'the export is of this account');
  for (const k of ['orders', 'entitlements', 'sessions']) assert.ok(Array.isArray(doc[k]), k);
  await visible(page.getByText(/Your data has been downloaded as souk-export-\d{4}-\d{2}-\d{2}\.json/));
});
