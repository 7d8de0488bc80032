// contact.test.mjs - the contact form: an enquiry sent from the browser reaches the
// staff inbox (GET /api/v1/admin/enquiries with a support token) and its e-mail the
// support address.
import assert from 'node:assert/strict';
import { e2e, expectText, heading, visible, mailOf, freshEmail, allPages, redis } from './lib.mjs';
import { staff } from './fixtures.mjs';

e2e('an enquiry from the contact form reaches the staff inbox', async ({ page }) => {
  // the API tests may have spent this address's hourly allowance of enquiries
  redis('DEL', 'rl:enquiry:ip:127.0.0.1');
  const email = freshEmail('e2e-enquiry');
  const subject = `Team licence ${Date.now() % 1e6}`;
  const message = 'Hello,\nwe would like six seats of the Aurora kit for our studio. Is there a team price?';

  await page.goto('/contact');
  await heading(page, 'Contact us');
  await page.getByLabel('Your name').fill('Meera Nair');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Subject (optional)').fill(subject);
  await page.getByLabel('Message').fill(message);
  await page.getByRole('button', { name: 'Send message' }).click();
  await heading(page, 'Thanks, we got your message');
  const id = (await (await visible(page.getByRole('main').locator('code'))).innerText()).trim();
  assert.match(id, /^[0-9a-f-]{36}$/);
  await expectText(page, new RegExp(email.replace(/[.+]/g, '\\$&')));

  const inbox = await allPages(await staff('support@souk.test'), '/api/v1/admin/enquiries?status=new', { limit: 50 });
  const got = inbox.items.find((e) => e.id === id);
  assert.ok(got, `enquiry ${id} is in the staff inbox`);
  assert.equal(got.email, email);
  assert.equal(got.subject, subject);
  const staffMail = await mailOf('enquiry_received', 'support@souk.test');
  assert.match(staffMail.m.text, /six seats/);
});
