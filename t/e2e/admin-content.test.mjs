// admin-content.test.mjs - the back office's content and site screens in a browser:
// an editor changes the home page (a CMS page) and publishes it, support answers an
// enquiry by e-mail, every content, people and site screen passes axe-core (and keeps
// its picture), and the team's Move down works from the keyboard.
import { before, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  e2e, checkA11y, shot, heading, settle, visible, expectText, eventually,
  call, mailOf, freshEmail, redis, PHONE, DESKTOP,
} from './lib.mjs';
import { sessionCookies, staff, uniq } from './fixtures.mjs';

const HOME = 'home';
const re = (s) => new RegExp(s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));

/** A stored block as the API takes it back (the derived html dropped). */
const asInput = (b) => {
  const { html, ...rest } = b;
  void html;
  return rest;
};

/** An enquiry through the public API: {id, email, subject}. */
async function enquiry(tag) {
  // the API tests may have spent this address's hourly allowance of enquiries
  redis('DEL', 'rl:enquiry:ip:127.0.0.1');
  const email = freshEmail(tag);
  const subject = `Invoice question ${uniq()}`;
  const r = await call(null, 'POST', '/api/v1/enquiries', {
    name: 'Kavya Menon', email, subject,
    message: 'Hello,\nmy invoice for the Aurora kit shows the wrong GSTIN. Could you issue a corrected one?',
  });
  assert.equal(r.status, 202, r.text);
  return { id: r.json.id, email, subject };
}

e2e('an editor adds a block to the home page, previews it and publishes it', async ({ page, context }) => {
  const editor = await staff('editor@souk.test');
  const start = await call(editor, 'GET', `/api/v1/admin/pages/${HOME}`);
  assert.equal(start.status, 200, start.text);
  const text = `Monsoon sale notes ${uniq()}: every template is half price this week.`;
  try {
    await sessionCookies('editor@souk.test').then((c) => context.addCookies(c));
    await page.goto('/admin/pages');
    await heading(page, /^Pages$/);
    await page.getByRole('link', { name: start.json.title }).click();
    await heading(page, re(`Page: ${start.json.title}`));

    const form = page.getByRole('form', { name: 'Edit the draft' });
    await form.getByLabel('New block type').selectOption({ label: 'Text (Markdown)' });
    await form.getByRole('button', { name: 'Add block' }).click();
    const blocks = form.locator('section.content-block');
    const added = blocks.last();
    await visible(added);
    // focus went to the new block's heading
    await eventually(async () => (await added.getByRole('heading', { level: 3 }).evaluate((h) => h === document.activeElement)),
      'focus on the new block\'s heading');
    await added.getByLabel('Text (Markdown) (required)').fill(`## This week\n\n${text}`);

    // the live preview (unsaved), then the saved draft as the server renders it
    const preview = page.getByRole('complementary', { name: 'Preview' });
    await expectText(preview, re(text));
    await form.getByRole('button', { name: 'Save draft' }).click();
    await expectText(page, /Draft saved as version \d+\. It is not live until you publish it\./);
    await preview.getByRole('button', { name: 'Saved draft' }).click();
    await expectText(preview, /Version \d+ as the site will show it/);
    await expectText(preview, re(text));
    // not live yet
    const live = await call(null, 'GET', `/api/v1/pages/${HOME}`);
    assert.doesNotMatch(live.text, re(text));

    await form.getByRole('button', { name: /^Publish version \d+$/ }).click();
    await expectText(page, /Version \d+ is live\./);

    await page.goto('/');
    await eventually(async () => {
      if (await page.getByRole('main').getByText(text).count()) return true;
      await page.reload();
      return false;
    }, 'the home page shows the published text');
    await visible(page.getByRole('main').getByRole('heading', { name: 'This week' }));
  } finally {
    // put the home page back as the seed had it: the published blocks live, the seed's draft as the draft
    const now = await call(editor, 'GET', `/api/v1/admin/pages/${HOME}`);
    if (now.status === 200 && now.json.version !== start.json.version) {
      let version = now.json.version;
      if (start.json.published_version !== null && now.json.published_version !== start.json.published_version) {
        const rb = await call(editor, 'POST', `/api/v1/admin/pages/${HOME}/rollback`, { version, to_version: start.json.published_version });
        assert.equal(rb.status, 200, rb.text);
        version = rb.json.version;
      }
      const back = await call(editor, 'PATCH', `/api/v1/admin/pages/${HOME}`, {
        version, title: start.json.title, blocks: start.json.draft.blocks.map(asInput),
      });
      assert.equal(back.status, 200, back.text);
    }
  }
});

e2e('support answers an enquiry and the reply is e-mailed to the sender', async ({ page, context }) => {
  const e = await enquiry('e2e-reply');
  const sentence = `Your corrected invoice ${uniq()} is attached to this message.`;
  await context.addCookies(await sessionCookies('support@souk.test'));
  await page.goto('/admin/enquiries');
  await heading(page, /^Enquiries$/);
  await page.getByRole('link', { name: e.subject }).click();
  await heading(page, re(`Enquiry: ${e.subject}`));
  await expectText(page, /wrong GSTIN/);

  const form = page.getByRole('form', { name: 'Reply by e-mail' });
  await form.getByLabel('Your reply').fill(`Hello Kavya,\n\n${sentence}`);
  await form.getByRole('button', { name: `Send reply to ${e.email}` }).click();
  await expectText(form, re(`Reply queued: it is e-mailed to ${e.email}.`));
  // kept among the notes, and the enquiry is open now
  await expectText(page.getByRole('region', { name: 'Notes and replies' }), re(sentence));
  await expectText(page.getByRole('region', { name: 'Message' }), /Status open/);

  const mail = await mailOf('enquiry_reply', e.email);
  assert.match(mail.m.text, re(sentence));
});

describe('accessibility of the back office content, people and site screens', () => {
  let admin, enq;
  before(async () => {
    admin = await sessionCookies('admin@souk.test');
    enq = await enquiry('e2e-a11y');
  });
  // [screenshot name, path, its h1]
  const SCREENS = [
    ['pages', () => '/admin/pages', /^Pages$/],
    ['page-editor', () => '/admin/pages/about', /^Page: /],
    ['blog', () => '/admin/blog', /^Blog$/],
    ['team', () => '/admin/team', /^Team$/],
    ['enquiries', () => '/admin/enquiries', /^Enquiries$/],
    ['enquiry', () => `/admin/enquiries/${enq.id}`, /^Enquiry: /],
    ['reviews', () => '/admin/reviews', /^Reviews$/],
    ['users', () => '/admin/users', /^Users$/],
    ['audit', () => '/admin/audit', /^Audit log$/],
    ['seo', () => '/admin/seo', /^SEO$/],
    ['outbox', () => '/admin/outbox', /^Outbox$/],
    ['coupons', () => '/admin/coupons', /^Coupons$/],
  ];
  for (const [name, path, h1] of SCREENS) {
    e2e(`admin ${name} has no serious or critical axe violation`, async ({ page, context }) => {
      await context.addCookies(admin);
      const res = await page.goto(path());
      assert.ok(res && res.status() < 500, `${path()}: ${res?.status()}`);
      await heading(page, h1);
      await settle(page);
      assert.equal(await page.locator('main h1').count(), 1, 'one h1');
      const errors = await page.locator('main .notice-error').allInnerTexts();
      assert.deepEqual(errors, [], 'no error shown');
      await checkA11y(page, `admin ${name} (desktop)`);
      await page.setViewportSize(PHONE);
      await checkA11y(page, `admin ${name} (phone)`);
      await page.setViewportSize(DESKTOP);
      await shot(page, `admin-${name}`);
    }, { timeout: 45_000 });
  }
});

e2e('Move down on the team works from the keyboard and keeps focus on the moved member', async ({ page, context }) => {
  const editor = await staff('editor@souk.test');
  const team = await call(editor, 'GET', '/api/v1/admin/team');
  assert.equal(team.status, 200, team.text);
  assert.ok(team.json.items.length >= 2, 'the seed has a team of two or more');
  const [first, second] = team.json.items;
  const order = team.json.items.map((m) => m.id);
  try {
    await context.addCookies(await sessionCookies('editor@souk.test'));
    await page.goto('/admin/team');
    await heading(page, /^Team$/);
    const rows = page.getByRole('table').locator('tbody tr');
    await expectText(rows.first(), re(first.name));

    const down = page.getByRole('button', { name: `Move down ${first.name}`, exact: true });
    await down.focus();
    await page.keyboard.press('Enter');
    await expectText(page, re(`${first.name} moved down (now 2 of ${order.length}).`));
    await expectText(rows.nth(0), re(second.name));
    await expectText(rows.nth(1), re(first.name));
    // focus stays on the moved member's Move down button
    await eventually(async () => (await page.evaluate(() => document.activeElement?.id)) === `tm-${first.id}-down`,
      'focus on the moved member\'s Move down');
    const saved = await call(editor, 'GET', '/api/v1/admin/team');
    assert.deepEqual(saved.json.items.slice(0, 2).map((m) => m.id), [second.id, first.id]);

    // and back up with the keyboard: Shift+Tab to its Move up, Space
    await page.keyboard.press('Shift+Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), `tm-${first.id}-up`);
    await page.keyboard.press('Space');
    await expectText(page, re(`${first.name} moved up (now 1 of ${order.length}).`));
    await expectText(rows.nth(0), re(first.name));
    await eventually(async () => (await page.evaluate(() => document.activeElement?.id)) === `tm-${first.id}-down`,
      'focus on the moved member\'s Move down (Move up is disabled at the top)');
  } finally {
    await call(editor, 'PUT', '/api/v1/admin/team/order', { ids: order });
  }
});
