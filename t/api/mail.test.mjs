// mail.test.mjs - souk-mailer against a real SMTP server (t/fakes/smtp.mjs: smtp-server
// with STARTTLS required and AUTH, mailparser reading what arrives): the e-mails of
// sign-up, OTP sign-in and password reset arrive and what they carry works; two mailers
// at once send 200 messages exactly once; the server down means later, not lost or twice;
// a recipient refused for good fails alone; the order confirmation carries the invoice PDF.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import {
  VAR, ROOT, postJson, sql, freshEmail, until, stackCtl, tokenFor, call, expectError, allPages,
  received, mailOf, mailRow,
} from './lib.mjs';
import { bought, products, jobs } from './shop.mjs';

const SMTP = process.env.SOUK_TEST_FAKE_SMTP;
const ENV_FILE = process.env.SOUK_TEST_ENV_FILE;
const BUILD = process.env.SOUK_TEST_BUILD;
const PASSWORD = 'Souk-mail-test-9';

const smtpMode = async (mode) => {
  const r = await fetch(`${SMTP}/_fake/mode`, { method: 'POST', body: JSON.stringify({ mode }) });
  assert.equal(r.status, 200);
};
const row = mailRow;
function queue(template, recipient, data = {}) {
  const r = sql(`insert into email_outbox (template, recipient, data) values ('${template}',
    '${recipient}', '${JSON.stringify(data).replace(/'/g, "''")}') returning id`);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

/** One souk-mailer --once run as the service user, awaited. */
function mailerOnce() {
  return new Promise((resolve) => {
    const p = spawn(`${ROOT}/souk`, ['stack-ctl', 'test', 'mailer', '--once'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => { err += d; });
    p.on('close', (code) => resolve({ code, err }));
  });
}

describe('souk-mailer over SMTP', () => {
  before(() => smtpMode('ok'));
  after(() => smtpMode('ok'));

  test('sign-up: the verification e-mail arrives, multipart, well-formed, and its link verifies', async () => {
    const email = freshEmail('mail-verify');
    const r = await postJson('/api/v1/auth/register', { email, password: PASSWORD, name: 'Zoë Ñandú अनु' });
    assert.equal(r.status, 201, r.text);
    const { m, id } = await mailOf('verify_email', email);
    assert.match(m.subject, /e-mail/i);
    assert.equal(m.envelope.from, 'shop@souk.test');
    assert.deepEqual(m.envelope.to, [email]);
    assert.equal(m.headers['auto-submitted'], 'auto-generated');
    assert.match(m.raw, /^Content-Type: multipart\/alternative/m);
    assert.match(m.raw, /Content-Type: text\/plain; charset=UTF-8/i);
    assert.match(m.raw, /Content-Type: text\/html; charset=UTF-8/i);
    assert.ok(m.raw.split('\r\n').every((l) => l.length <= 998));
    assert.match(m.text, /Zoë Ñandú अनु/);
    assert.match(m.html, /Zoë Ñandú अनु/);
    const link = /https:\/\/\S+verify-email\?token=([A-Za-z0-9_-]+)/.exec(m.text);
    assert.ok(link, m.text);
    const ok = await postJson('/api/v1/auth/verify-email', { token: link[1] });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(row(id)[0], 'sent');
    // nothing secret in the mailer's log
    const log = readFileSync(`${VAR}/log/souk-mailer.log`, 'utf8');
    assert.ok(!log.includes(link[1]), 'the token is not logged');
  });

  test('a sign-in from a new device is told by e-mail, once; a known device and the first sign-in are not', async () => {
    const email = freshEmail('mail-device');
    assert.equal((await postJson('/api/v1/auth/register', { email, password: PASSWORD, name: 'Dev Ice' })).status, 201);
    const signIn = async (ua) => {
      const r = await postJson('/api/v1/auth/login', { email, password: PASSWORD }, { 'user-agent': ua });
      assert.equal(r.status, 200, r.text);
    };
    const notices = () => Number(sql(`select count(*) from email_outbox
      where template = 'new_signin' and recipient = '${email}'`).stdout);
    await signIn('Souk-Test-Laptop/1.0');
    await signIn('Souk-Test-Laptop/1.0');
    assert.equal(notices(), 0, 'the first device, and it again: nothing to tell');
    await signIn('Souk-Test-Phone/2.0 (Android 14)');
    const { m } = await mailOf('new_signin', email);
    assert.match(m.text, /Souk-Test-Phone\/2\.0 \(Android 14\)/);
    assert.match(m.text, /\/account\/sessions/);
    assert.match(m.text, /IST/);
    assert.match(m.html, /Souk-Test-Phone\/2\.0 \(Android 14\)/);
    await signIn('Souk-Test-Phone/2.0 (Android 14)');
    await signIn('Souk-Test-Laptop/1.0');
    assert.equal(notices(), 1);
  });

  test('OTP sign-in and password reset work end to end through the mail', async () => {
    const email = freshEmail('mail-otp');
    assert.equal((await postJson('/api/v1/auth/register', { email, password: PASSWORD, name: 'Ravi' })).status, 201);
    sql(`update users set email_verified_at = now() where email = '${email}'`);
    assert.equal((await postJson('/api/v1/auth/otp/request', { email })).status, 202);
    const { m: otp } = await mailOf('otp_code', email);
    const code = /\b(\d{6})\b/.exec(otp.text)[1];
    assert.ok(!otp.subject.includes(code), 'no code in the subject');
    const signedIn = await postJson('/api/v1/auth/otp/verify', { email, code, mode: 'token' });
    assert.equal(signedIn.status, 200, signedIn.text);
    assert.ok(!readFileSync(`${VAR}/log/souk-mailer.log`, 'utf8').includes(code));

    assert.equal((await postJson('/api/v1/auth/password-reset/request', { email })).status, 202);
    const { m: reset } = await mailOf('password_reset', email);
    const token = /token=([A-Za-z0-9_-]+)/.exec(reset.text)[1];
    const done = await postJson('/api/v1/auth/password-reset/confirm', { token, password: 'Souk-new-pass-77' });
    assert.equal(done.status, 200, done.text);
    assert.equal((await postJson('/api/v1/auth/login', { email, password: 'Souk-new-pass-77', mode: 'token' })).status, 200);
    const { m: changed } = await mailOf('password_changed', email);
    assert.match(changed.text, /\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} IST/);
  });

  test('two mailers at once send 200 queued messages exactly once each', async () => {
    stackCtl('stop', 'mailer');
    try {
      const tag = `bulk-${process.pid}-${Date.now()}`;
      sql(`insert into email_outbox (template, recipient, data)
        select 'welcome', '${tag}-' || i || '@example.com', '{"name":"Bulk"}'::jsonb from generate_series(1, 200) i`);
      const [a, b] = await Promise.all([mailerOnce(), mailerOnce()]);
      assert.equal(a.code, 0, a.err);
      assert.equal(b.code, 0, b.err);
      assert.equal(sql(`select count(*) filter (where status = 'sent') || ' ' || count(*) from email_outbox
        where recipient like '${tag}-%'`).stdout, '200 200');
      const all = await (await fetch(`${SMTP}/_fake/messages`)).json();
      const mine = all.filter((m) => m.envelope.to[0].startsWith(`${tag}-`));
      assert.equal(mine.length, 200);
      assert.equal(new Set(mine.map((m) => m.envelope.to[0])).size, 200);
      assert.equal(new Set(mine.map((m) => m.messageId)).size, 200);
    } finally {
      stackCtl('start', 'mailer');
    }
  });

  test('the SMTP server down: the message waits and is sent once when it is back', async () => {
    const to = freshEmail('mail-down');
    await smtpMode('down');
    let id;
    try {
      id = queue('welcome', to, { name: 'Later' });
      await until(() => Number(row(id)[1]) >= 1 && row(id)[0] === 'pending', { timeout: 20000 });
      assert.match(row(id)[2], /421|try again|refused|Service not available/i);
    } finally {
      await smtpMode('ok');
    }
    sql(`update email_outbox set next_attempt_at = now() where id = ${id}`);
    const r = await mailerOnce();
    assert.equal(r.code, 0, r.err);
    assert.equal(row(id)[0], 'sent');
    assert.equal((await received(to)).length, 1);
  });

  test('a recipient the server refuses for good fails alone, with the reason', async () => {
    const bad = `reject-${process.pid}-${Date.now()}@example.com`;
    const good = freshEmail('mail-good');
    const badId = queue('welcome', bad, { name: 'No' });
    const goodId = queue('welcome', good, { name: 'Yes' });
    await until(() => row(badId)[0] === 'failed' && row(goodId)[0] === 'sent', { timeout: 20000 });
    assert.match(row(badId)[2], /550/);
    assert.equal(row(badId)[1], '1');
    assert.equal((await received(good)).length, 1);
  });

  test('staff (mail:read) see the outbox without its data, and send a failed message again', async () => {
    const support = await tokenFor('support@souk.test');
    const customer = await tokenFor('customer@souk.test');
    const to = `reject-again-${process.pid}-${Date.now()}@example.com`;
    const id = queue('otp_code', to, { name: 'X', code: '424242', minutes: 10 });
    await until(() => row(id)[0] === 'failed', { timeout: 20000 });
    expectError(await call(customer, 'GET', '/api/v1/admin/outbox'), 403, 'forbidden');
    const list = await call(support, 'GET', `/api/v1/admin/outbox?status=failed&recipient=${encodeURIComponent(to)}`);
    assert.equal(list.status, 200, list.text);
    assert.equal(list.json.items.length, 1);
    assert.equal(list.json.items[0].id, id);
    assert.match(list.json.items[0].last_error, /550/);
    assert.ok(!list.text.includes('424242'), 'no message data in the list');
    expectError(await call(support, 'GET', '/api/v1/admin/outbox?status=lost'), 422, 'validation_failed');
    const { items } = await allPages(support, '/api/v1/admin/outbox?template=welcome', { limit: 50 });
    assert.ok(items.length > 0 && items.every((x) => x.template === 'welcome'));
    // the server now takes it (the address is changed by hand, as staff would after a typo)
    sql(`update email_outbox set recipient = 'fixed-${process.pid}-${Date.now()}@example.com' where id = ${id}`);
    const again = await call(support, 'POST', `/api/v1/admin/outbox/${id}/retry`);
    assert.equal(again.status, 202, again.text);
    await until(() => row(id)[0] === 'sent', { timeout: 20000 });
    assert.equal(row(id)[0], 'sent');
    expectError(await call(support, 'POST', `/api/v1/admin/outbox/${id}/retry`), 409, 'conflict');
    expectError(await call(support, 'POST', '/api/v1/admin/outbox/99999999999/retry'), 404, 'not_found');
    expectError(await call(support, 'POST', '/api/v1/admin/outbox/x1/retry'), 404, 'not_found');
    assert.equal(sql(`select count(*) from audit_log where action = 'mail.retry' and entity_id = '${id}'`).stdout, '1');
  });

  test('a template that does not exist fails the message for good, nothing sent', async () => {
    const to = freshEmail('mail-none');
    const id = queue('no_such_template', to);
    await until(() => row(id)[0] === 'failed', { timeout: 20000 });
    assert.match(row(id)[2], /not found/);
  });

  test('the order confirmation carries the invoice PDF once it is rendered', async () => {
    stackCtl('stop', 'mailer');
    try {
      const { c, order } = await bought(products(1));
      const j = jobs('invoices');
      assert.equal(j.code, 0, j.stderr);
      const r = await mailerOnce();
      assert.equal(r.code, 0, r.err);
      const m = (await received(c.email)).find((x) => x.attachments.length > 0);
      assert.ok(m, 'an e-mail with an attachment');
      assert.equal(m.attachments[0].filename, `${order.invoice.number}.pdf`);
      assert.equal(m.attachments[0].contentType, 'application/pdf');
      const key = sql(`select pdf_storage_key from invoices where number = '${order.invoice.number}'`).stdout;
      const want = createHash('sha256').update(readFileSync(`${VAR}/storage/${key}`)).digest('hex');
      assert.equal(m.attachments[0].sha256, want);
      assert.match(m.raw, /^Content-Type: multipart\/mixed/m);
      assert.match(m.text, new RegExp(order.invoice.number));
    } finally {
      stackCtl('start', 'mailer');
    }
  });

  test('the ses transport: SES v2 SendEmail with the raw message, its SigV4 checked by the AWS signer', async () => {
    const SES = process.env.SOUK_TEST_FAKE_SES;
    const sesEnv = (secret) => ({ ...process.env, SOUK_MAIL_TRANSPORT: 'ses', SOUK_SES_ENDPOINT: SES,
      SOUK_SES_REGION: 'ap-south-1', SOUK_SES_ACCESS_KEY: 'AKIDSOUKTESTSES', SOUK_SES_SECRET_KEY: secret,
      ASAN_OPTIONS: 'detect_leaks=0' });
    const once = (secret) => spawnSync(`${BUILD}/souk-mailer`, ['--env-file', ENV_FILE, '--once'],
      { encoding: 'utf8', env: sesEnv(secret) });
    stackCtl('stop', 'mailer');
    try {
      const to = freshEmail('mail-ses');
      const id = queue('welcome', to, { name: 'Meera' });
      // a wrong secret: SES (the stand-in) refuses the signature; the message waits
      assert.equal(once('not-the-secret').status, 0);
      assert.equal(row(id)[0], 'pending');
      assert.match(row(id)[2], /SES 403/);
      sql(`update email_outbox set next_attempt_at = now() where id = ${id}`);
      const ok = once('souk-test-ses-secret');
      assert.equal(ok.status, 0, ok.stderr);
      assert.equal(row(id)[0], 'sent');
      const sent = (await (await fetch(`${SES}/_fake/ses/messages`)).json()).filter((x) => x.to === to);
      assert.equal(sent.length, 1);
      assert.equal(sql(`select provider_message_id from email_outbox where id = ${id}`).stdout, `ses:${sent[0].messageId}`);
      assert.match(sent[0].raw, new RegExp(`^Message-ID: <outbox-${id}@127.0.0.1>`, 'm'));
      // a message SES will not send fails for good
      const bad = queue('welcome', `reject-ses-${process.pid}@example.com`, { name: 'No' });
      once('souk-test-ses-secret');
      assert.equal(row(bad)[0], 'failed');
      assert.match(row(bad)[2], /SES 400/);
    } finally {
      stackCtl('start', 'mailer');
    }
  });

  test('preview renders every template from its fixture', () => {
    for (const name of ['welcome', 'verify_email', 'email_change_notice', 'otp_code', 'password_reset',
      'password_changed', 'new_signin', 'order_confirmation', 'payment_failed', 'refund_issued',
      'enquiry_received', 'enquiry_autoreply', 'enquiry_reply']) {
      const r = spawnSync(`${BUILD}/souk-mailer`, ['--env-file', ENV_FILE, 'preview', name], { encoding: 'utf8' });
      assert.equal(r.status, 0, `${name}: ${r.stderr}`);
      assert.match(r.stdout, /^Subject: /m, name);
      assert.match(r.stdout, /multipart\/alternative/, name);
    }
  });
});
