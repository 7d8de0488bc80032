// content.test.mjs - the content of the shop (src/cms): CMS pages with drafts, versions,
// publish and roll back; the blog with Markdown, schedules and feeds; the team page;
// the contact form and the staff inbox (with the e-mails at the SMTP stand-in); reviews,
// rating summaries and moderation. Permissions (403 for the wrong role), bad input (422
// with fields) and XSS attempts for each.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  api, sql, redis, tokenFor, call, expectError, allPages, until, sleep, mailOf, freshEmail,
} from './lib.mjs';
import { customer, products, jobs, tag } from './shop.mjs';

const INERT = [/<script/i, /javascript:/i, /\sonerror/i, /\sonclick/i, /<iframe/i, /srcdoc/i];
const assertInert = (html) => { for (const re of INERT) assert.doesNotMatch(html, re, html); };
const xmlOk = (text) => {
  const r = spawnSync('xmllint', ['--noout', '-'], { input: text, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
};

let editor; let support; let cust;
before(async () => {
  [editor, support, cust] = await Promise.all(['editor@souk.test', 'support@souk.test',
    'customer@souk.test'].map((e) => tokenFor(e)));
});

describe('CMS pages', () => {
  test('the seeded pages are served, rich text rendered and sanitised', async () => {
    const home = await api('/api/v1/pages/home');
    assert.equal(home.status, 200, home.text);
    assert.match(home.headers.get('content-type'), /^application\/json/);
    assert.equal(home.json.slug, 'home');
    assert.ok(home.json.blocks.length >= 3);
    assert.equal(home.json.blocks[0].type, 'hero');
    // the published copy, not the draft (the seed's draft has another hero heading)
    assert.equal(home.json.blocks[0].heading, 'Templates, e-books and code from independent creators');
    const about = await api('/api/v1/pages/about');
    const rich = about.json.blocks.find((b) => b.type === 'rich_text');
    assert.match(rich.html, /<strong>Our principles<\/strong>/);
    assert.match(rich.html, /<li>/);
    expectError(await api('/api/v1/pages/no-such-page'), 404, 'not_found');
  });

  test('staff only: anonymous 401, a customer or support 403', async () => {
    expectError(await api('/api/v1/admin/pages'), 401, 'unauthenticated');
    expectError(await call(cust, 'GET', '/api/v1/admin/pages'), 403, 'forbidden');
    expectError(await call(support, 'POST', '/api/v1/admin/pages', { slug: 'x', title: 'x', blocks: [] }), 403, 'forbidden');
  });

  test('create, publish, edit, preview, versions, roll back, unpublish', async () => {
    const slug = `page-${tag()}`;
    const made = await call(editor, 'POST', '/api/v1/admin/pages', {
      slug, title: 'Launch', blocks: [{ type: 'hero', heading: 'First' }],
    });
    assert.equal(made.status, 201, made.text);
    assert.equal(made.json.version, 1);
    assert.equal(made.json.published, null);
    expectError(await api(`/api/v1/pages/${slug}`), 404, 'not_found');
    expectError(await call(editor, 'POST', '/api/v1/admin/pages', { slug, title: 'Again', blocks: [] }), 409, 'conflict');

    let r = await call(editor, 'POST', `/api/v1/admin/pages/${slug}/publish`, { version: 1 });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.published_version, 1);
    r = await api(`/api/v1/pages/${slug}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.blocks[0].heading, 'First');

    r = await call(editor, 'PATCH', `/api/v1/admin/pages/${slug}`, {
      version: 1, title: 'Launch day', blocks: [{ type: 'hero', heading: 'Second' }, { type: 'faq', items: [{ q: 'Why?', a: 'Because.' }] }],
    });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.version, 2);
    assert.equal(r.json.unpublished_changes, true);
    // a second editor still on version 1 is refused
    r = await call(editor, 'PATCH', `/api/v1/admin/pages/${slug}`, { version: 1, title: 'Stale' });
    expectError(r, 409, 'conflict');
    assert.match(r.json.error.message, /version 2/);
    // the site still serves version 1; the preview shows the draft
    r = await api(`/api/v1/pages/${slug}`);
    assert.equal(r.json.blocks[0].heading, 'First');
    assert.equal(r.json.title, 'Launch');
    r = await call(editor, 'GET', `/api/v1/admin/pages/${slug}/preview`);
    assert.equal(r.json.blocks[0].heading, 'Second');
    assert.equal(r.json.version, 2);
    expectError(await call(editor, 'POST', `/api/v1/admin/pages/${slug}/publish`, { version: 1 }), 409, 'conflict');
    r = await call(editor, 'POST', `/api/v1/admin/pages/${slug}/publish`, { version: 2 });
    assert.equal(r.status, 200, r.text);
    r = await api(`/api/v1/pages/${slug}`);
    assert.equal(r.json.blocks[0].heading, 'Second');
    assert.equal(r.json.title, 'Launch day');

    const versions = await allPages(editor, `/api/v1/admin/pages/${slug}/versions`, { limit: 1 });
    assert.deepEqual(versions.items.map((v) => v.version), [2, 1]);
    assert.equal(versions.items[0].published, true);
    r = await call(editor, 'GET', `/api/v1/admin/pages/${slug}/versions/1`);
    assert.equal(r.json.blocks[0].heading, 'First');
    expectError(await call(editor, 'GET', `/api/v1/admin/pages/${slug}/versions/9`), 404, 'not_found');

    r = await call(editor, 'POST', `/api/v1/admin/pages/${slug}/rollback`, { version: 2, to_version: 9 });
    expectError(r, 422, 'validation_failed');
    assert.ok(r.json.error.fields.to_version);
    r = await call(editor, 'POST', `/api/v1/admin/pages/${slug}/rollback`, { version: 2, to_version: 1 });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.version, 3);
    assert.equal(r.json.published_version, 3);
    r = await api(`/api/v1/pages/${slug}`);
    assert.equal(r.json.blocks[0].heading, 'First');
    assert.equal(r.json.title, 'Launch');

    r = await call(editor, 'POST', `/api/v1/admin/pages/${slug}/unpublish`);
    assert.equal(r.status, 200, r.text);
    expectError(await api(`/api/v1/pages/${slug}`), 404, 'not_found');
    const audit = sql(`select string_agg(action, ',' order by id) from audit_log where entity = 'cms_page' and entity_id = '${slug}'`).stdout;
    assert.equal(audit, 'page.create,page.publish,page.update,page.publish,page.rollback,page.unpublish');
  });

  test('the block schema: every problem at its path', async () => {
    const r = await call(editor, 'POST', '/api/v1/admin/pages', {
      slug: `bad-${tag()}`, title: 'Bad',
      blocks: [
        { type: 'hero', heading: 'ok', colour: 'red' },
        { type: 'carousel' },
        { type: 'faq', items: [{ q: 1, a: 'x' }] },
        { type: 'cta', heading: 'x'.repeat(201) },
        { type: 'product_list', source: 'category' },
        { type: 'image', src: 'javascript:alert(1)', alt: 'x' },
        'hero',
      ],
    });
    expectError(r, 422, 'validation_failed');
    const f = r.json.error.fields;
    assert.match(f['blocks[0].colour'], /not a field/);
    assert.match(f['blocks[1].type'], /not a known block type/);
    assert.match(f['blocks[2].items[0].q'], /string/);
    assert.match(f['blocks[3].heading'], /200/);
    assert.match(f['blocks[4].category'], /required/);
    assert.ok(f['blocks[5].src']);
    assert.match(f['blocks[6]'], /object/);
    expectError(await call(editor, 'POST', '/api/v1/admin/pages', { slug: 'Not A Slug', title: '', blocks: 'x' }), 422, 'validation_failed');
    expectError(await call(editor, 'PATCH', '/api/v1/admin/pages/home', { title: 'no version' }), 422, 'validation_failed');
  });

  test('rich text is sanitised on save', async () => {
    const slug = `xss-${tag()}`;
    const md = 'Hi <script>alert(1)</script> [a](javascript:alert(1)) <img src=x onerror=alert(1)>'
      + ' <iframe srcdoc="x"></iframe> [ok](https://example.org/x)';
    const r = await call(editor, 'POST', '/api/v1/admin/pages', { slug, title: 'X', blocks: [{ type: 'rich_text', markdown: md, html: '<script>forged</script>' }] });
    assert.equal(r.status, 201, r.text);
    const html = r.json.draft.blocks[0].html;
    assertInert(html);
    assert.doesNotMatch(html, /forged/);
    assert.match(html, /<a href="https:\/\/example.org\/x" rel="noopener nofollow">ok<\/a>/);
  });

  test('the staff list pages to its end', async () => {
    const all = await allPages(editor, '/api/v1/admin/pages', { limit: 2 });
    const slugs = all.items.map((p) => p.slug);
    assert.ok(slugs.includes('home') && slugs.includes('pricing'));
    assert.equal(new Set(slugs).size, slugs.length);
  });
});

describe('blog', () => {
  test('public list: pages, tags, search; a post by slug with its html', async () => {
    const all = await allPages(null, '/api/v1/blog', { limit: 2 });
    assert.ok(all.items.length >= 4, JSON.stringify(all.items.map((p) => p.slug)));
    const dates = all.items.map((p) => p.published_at);
    assert.deepEqual([...dates].sort().reverse(), dates);
    assert.ok(all.items.every((p) => !('body' in p) && p.reading_minutes >= 1));
    const gst = await api('/api/v1/blog?tag=gst');
    assert.deepEqual(gst.json.items.map((p) => p.slug), ['gst-invoices-for-creators']);
    const found = await api('/api/v1/blog?q=invoice%20numbering');
    assert.ok(found.json.items.some((p) => p.slug === 'gst-invoices-for-creators'));
    expectError(await api('/api/v1/blog?tag=Not%20a%20tag'), 422, 'validation_failed');
    const post = await api('/api/v1/blog/gst-invoices-for-creators');
    assert.equal(post.status, 200, post.text);
    assert.match(post.json.body_html, /<h2>Numbering<\/h2>/);
    assert.match(post.json.body_html, /<li>/);
    assert.equal(post.json.author.name.length > 0, true);
    expectError(await api('/api/v1/blog/no-such-post'), 404, 'not_found');
  });

  test('staff CRUD: draft, publish, stale edit, XSS inert, delete; customers 403', async () => {
    expectError(await call(cust, 'POST', '/api/v1/admin/blog', { title: 'x', body: 'x' }), 403, 'forbidden');
    const body = '# Title\n\nText with <script>alert(1)</script> and [bad](javascript:alert(1)) and'
      + ' <img src="x" onerror="alert(1)"> and [site](/products) and https://example.com/out\n\n'
      + '| a | b |\n|---|---|\n| 1 | 2 |\n';
    let r = await call(editor, 'POST', '/api/v1/admin/blog', { title: `Post ${tag()}`, body, tags: ['news'] });
    assert.equal(r.status, 201, r.text);
    const post = r.json;
    assert.equal(post.status, 'draft');
    assert.equal(post.version, 1);
    assertInert(post.body_html);
    assert.match(post.body_html, /<table>/);
    assert.match(post.body_html, /<a href="\/products">site<\/a>/);
    assert.match(post.body_html, /href="https:\/\/example.com\/out" rel="noopener nofollow"/);
    assert.ok(post.excerpt.length > 0 && post.excerpt.length <= 301);
    expectError(await api(`/api/v1/blog/${post.slug}`), 404, 'not_found');
    r = await call(editor, 'PATCH', `/api/v1/admin/blog/${post.id}`, { version: 1, status: 'published' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status, 'published');
    assert.ok(r.json.published_at);
    r = await api(`/api/v1/blog/${post.slug}`);
    assert.equal(r.status, 200, r.text);
    assertInert(r.json.body_html);
    expectError(await call(editor, 'PATCH', `/api/v1/admin/blog/${post.id}`, { version: 1, title: 'stale' }), 409, 'conflict');
    r = await call(editor, 'PATCH', `/api/v1/admin/blog/${post.id}`, { version: 2, status: 'archived' });
    assert.equal(r.json.status, 'archived');
    expectError(await api(`/api/v1/blog/${post.slug}`), 404, 'not_found');
    r = await call(editor, 'POST', '/api/v1/admin/blog', { title: '', body: 5, status: 'live', published_at: 'tomorrow', extra: 1 });
    expectError(r, 422, 'validation_failed');
    for (const f of ['title', 'body', 'status', 'published_at', 'extra']) assert.ok(r.json.error.fields[f], f);
    expectError(await call(editor, 'POST', '/api/v1/admin/blog', { title: 'x', body: 'x', status: 'scheduled', published_at: '2020-01-01T00:00:00Z' }), 422, 'validation_failed');
    r = await call(editor, 'DELETE', `/api/v1/admin/blog/${post.id}`);
    assert.equal(r.status, 204);
    expectError(await call(editor, 'GET', `/api/v1/admin/blog/${post.id}`), 404, 'not_found');
  });

  test('a scheduled post appears by itself when its time comes', async () => {
    const at = new Date(Date.now() + 3000).toISOString();
    const r = await call(editor, 'POST', '/api/v1/admin/blog', { title: `Soon ${tag()}`, body: 'Later.', status: 'scheduled', published_at: at });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.status, 'scheduled');
    const first = await api('/api/v1/blog?limit=100');
    assert.ok(!first.json.items.some((p) => p.slug === r.json.slug));
    expectError(await api(`/api/v1/blog/${r.json.slug}`), 404, 'not_found');
    await sleep(Math.max(0, Date.parse(at) - Date.now()) + 300);
    const ran = jobs('publish');
    assert.equal(ran.code, 0, ran.stderr);
    const list = await api('/api/v1/blog?limit=100');
    assert.ok(list.json.items.some((p) => p.slug === r.json.slug), 'listed once due');
    assert.equal((await api(`/api/v1/blog/${r.json.slug}`)).status, 200);
    const rss = await api('/api/v1/blog/feed/rss');
    assert.match(rss.text, new RegExp(r.json.slug));
    const again = await call(editor, 'GET', `/api/v1/admin/blog/${r.json.id}`);
    assert.equal(again.json.status, 'published');
  });

  test('RSS 2.0 and Atom parse and list the newest posts', async () => {
    const rss = await api('/api/v1/blog/feed/rss');
    assert.equal(rss.status, 200);
    assert.match(rss.headers.get('content-type'), /^application\/rss\+xml/);
    xmlOk(rss.text);
    assert.match(rss.text, /<rss version="2.0"/);
    assert.match(rss.text, /<item>[\s\S]*<link>[^<]+\/blog\/[a-z0-9-]+<\/link>/);
    const atom = await api('/api/v1/blog/feed/atom');
    assert.match(atom.headers.get('content-type'), /^application\/atom\+xml/);
    xmlOk(atom.text);
    assert.match(atom.text, /<feed xmlns="http:\/\/www.w3.org\/2005\/Atom">/);
    assert.ok((atom.text.match(/<entry>/g) ?? []).length >= 4);
    assertInert(atom.text.replace(/&lt;/g, '<'));
  });
});

describe('team', () => {
  test('visible members in order; staff create, hide, reorder, delete', async () => {
    const pub = await api('/api/v1/team');
    assert.equal(pub.status, 200);
    assert.ok(pub.json.items.length >= 3);
    assert.equal(pub.json.next_cursor, null);
    expectError(await call(support, 'POST', '/api/v1/admin/team', { name: 'x' }), 403, 'forbidden');
    let r = await call(editor, 'POST', '/api/v1/admin/team', { name: 'Hidden Person', visible: false, socials: { github: 'https://github.com/h' } });
    assert.equal(r.status, 201, r.text);
    const hidden = r.json;
    assert.ok(!(await api('/api/v1/team')).json.items.some((m) => m.id === hidden.id));
    r = await call(editor, 'PATCH', `/api/v1/admin/team/${hidden.id}`, { visible: true, role_title: 'Support' });
    assert.equal(r.status, 200, r.text);
    let list = (await api('/api/v1/team')).json.items;
    assert.equal(list.at(-1).id, hidden.id, 'a new member goes last');
    const ids = (await call(editor, 'GET', '/api/v1/admin/team')).json.items.map((m) => m.id);
    const wanted = [ids.at(-1), ...ids.slice(0, -1)];
    r = await call(editor, 'PUT', '/api/v1/admin/team/order', { ids: wanted });
    assert.equal(r.status, 200, r.text);
    list = (await api('/api/v1/team')).json.items;
    assert.equal(list[0].id, hidden.id);
    expectError(await call(editor, 'PUT', '/api/v1/admin/team/order', { ids: wanted.slice(1) }), 422, 'validation_failed');
    expectError(await call(editor, 'PUT', '/api/v1/admin/team/order', { ids: [wanted[0], wanted[0]] }), 422, 'validation_failed');
    r = await call(editor, 'POST', '/api/v1/admin/team', { name: '', socials: { github: 'javascript:alert(1)' }, photo_url: 'ftp://x' });
    expectError(r, 422, 'validation_failed');
    for (const f of ['name', 'socials.github', 'photo_url']) assert.ok(r.json.error.fields[f], f);
    assert.equal((await call(editor, 'DELETE', `/api/v1/admin/team/${hidden.id}`)).status, 204);
    // back to the seed's order for the other tests
    await call(editor, 'PUT', '/api/v1/admin/team/order', { ids: ids.filter((id) => id !== hidden.id) });
  });
});

describe('enquiries', () => {
  const send = (body) => call(null, 'POST', '/api/v1/enquiries', body);

  test('the contact form stores it and both e-mails arrive', async () => {
    const email = freshEmail('enq');
    const r = await send({ name: 'Meera <b>N</b>', email, subject: 'Team licence', message: 'Hello,\n<script>alert(1)</script> need 6 seats.' });
    assert.equal(r.status, 202, r.text);
    assert.equal(r.json.status, 'received');
    assert.equal(sql(`select status || ' ' || name from enquiries where public_id = '${r.json.id}'`).stdout, 'new Meera <b>N</b>');
    const staff = await mailOf('enquiry_received', 'support@souk.test');
    assert.match(staff.m.subject, /New enquiry from Meera <b>N<\/b>: Team licence/);
    assert.match(staff.m.text, /need 6 seats/);
    assert.doesNotMatch(staff.m.html, /<script>/);
    assert.match(staff.m.html, /&lt;script&gt;/);
    const auto = await mailOf('enquiry_autoreply', email);
    assert.match(auto.m.text, new RegExp(r.json.id));
    assert.doesNotMatch(auto.m.subject, /Team licence/);
    assert.doesNotMatch(auto.m.text, /need 6 seats/, 'the form relays no text');
    assert.doesNotMatch(auto.m.html, /need 6 seats/);
  });

  test('bad input is 422 with fields; the honeypot stores nothing', async () => {
    const r = await send({ name: '', email: 'nope', message: '', extra: 1 });
    expectError(r, 422, 'validation_failed');
    for (const f of ['name', 'email', 'message', 'extra']) assert.ok(r.json.error.fields[f], f);
    const email = freshEmail('bot');
    const bot = await send({ name: 'Bot', email, message: 'Buy followers', website: 'http://spam.example' });
    assert.equal(bot.status, 202);
    assert.equal(sql(`select count(*) from enquiries where email = '${email}'`).stdout, '0');
    assert.equal(sql(`select count(*) from email_outbox where recipient = '${email}'`).stdout, '0');
  });

  test('one address may send three an hour', async () => {
    const email = freshEmail('flood');
    for (let i = 0; i < 3; i += 1) assert.equal((await send({ name: 'F', email, message: `m${i}` })).status, 202);
    const r = await send({ name: 'F', email, message: 'm4' });
    expectError(r, 429, 'rate_limited');
    assert.ok(Number(r.headers.get('retry-after')) > 0);
    assert.equal(sql(`select count(*) from enquiries where email = '${email}'`).stdout, '3');
    redis('DEL', 'rl:enquiry:ip:127.0.0.1');
  });

  test('the staff inbox: filters, assign, notes, reply by e-mail', async () => {
    redis('DEL', 'rl:enquiry:ip:127.0.0.1');
    const email = freshEmail('inbox');
    const sent = await send({ name: 'Ravi', email, subject: 'Invoice', message: 'Need a GST invoice.' });
    const id = sent.json.id;
    expectError(await call(editor, 'GET', '/api/v1/admin/enquiries'), 403, 'forbidden');
    const fresh = await allPages(support, '/api/v1/admin/enquiries?status=new', { limit: 3 });
    assert.ok(fresh.items.some((e) => e.id === id));
    assert.ok(fresh.items.every((e) => e.status === 'new'));
    let r = await call(support, 'PATCH', `/api/v1/admin/enquiries/${id}`, { assignee: 'customer@souk.test' });
    expectError(r, 422, 'validation_failed');
    r = await call(support, 'PATCH', `/api/v1/admin/enquiries/${id}`, { assignee: 'support@souk.test', status: 'open' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.assignee.email, 'support@souk.test');
    const mine = await allPages(support, '/api/v1/admin/enquiries?assignee=me', { limit: 50 });
    assert.ok(mine.items.some((e) => e.id === id));
    r = await call(support, 'POST', `/api/v1/admin/enquiries/${id}/notes`, { body: 'Customer on the pro plan.' });
    assert.equal(r.status, 201, r.text);
    r = await call(support, 'POST', `/api/v1/admin/enquiries/${id}/reply`, { body: 'Hello Ravi,\nThe invoice is in your account.' });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(r.json.notes.map((n) => n.kind), ['note', 'reply']);
    const reply = await mailOf('enquiry_reply', email);
    assert.match(reply.m.subject, /^Re: Invoice/);
    assert.match(reply.m.text, /The invoice is in your account/);
    assert.match(reply.m.text, /Need a GST invoice/);
    expectError(await call(support, 'POST', `/api/v1/admin/enquiries/${id}/reply`, { body: '   ' }), 422, 'validation_failed');
    expectError(await call(support, 'PATCH', `/api/v1/admin/enquiries/${id}`, { status: 'spam' }), 422, 'validation_failed');
    expectError(await call(support, 'GET', '/api/v1/admin/enquiries/00000000-0000-4000-8000-000000000000'), 404, 'not_found');
  });
});

describe('reviews and feedback', () => {
  let product; let buyer;
  const rating = async () => (await api(`/api/v1/products/${product.slug}/rating`)).json;

  before(async () => {
    [product] = products(1);
    buyer = await customer();
    sql(`insert into entitlements (user_id, product_id, source) values (${buyer.id}, ${product.dbid}, 'grant')`);
  });

  test('only a buyer may review; reviews wait for moderation', async () => {
    const stranger = await customer();
    const r = await call(stranger.token, 'PUT', `/api/v1/products/${product.slug}/review`, { rating: 5 });
    expectError(r, 403, 'forbidden');
    expectError(await call(null, 'PUT', `/api/v1/products/${product.slug}/review`, { rating: 5 }), 401, 'unauthenticated');
    expectError(await call(buyer.token, 'PUT', `/api/v1/products/${product.slug}/review`, { rating: 6, comment: 5, x: 1 }), 422, 'validation_failed');
    expectError(await call(buyer.token, 'PUT', '/api/v1/products/no-such-product/review', { rating: 5 }), 404, 'not_found');
  });

  test('rating summary after approve, edit and reject', async () => {
    assert.deepEqual(await rating(), { product: product.slug, count: 0, average: null, distribution: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 } });
    let r = await call(buyer.token, 'PUT', `/api/v1/products/${product.slug}/review`, { rating: 4, comment: '<script>alert(1)</script> good' });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.status, 'pending');
    const id = r.json.id;
    assert.equal((await rating()).count, 0);
    assert.equal((await api(`/api/v1/products/${product.slug}/reviews`)).json.items.length, 0);
    expectError(await call(editor, 'POST', `/api/v1/admin/feedback/${id}/approve`), 403, 'forbidden');
    const queue = await allPages(support, '/api/v1/admin/feedback?status=pending&kind=product', { limit: 50 });
    assert.ok(queue.items.some((f) => f.id === id));
    r = await call(support, 'POST', `/api/v1/admin/feedback/${id}/approve`);
    assert.equal(r.status, 200, r.text);
    let s = await rating();
    assert.equal(s.count, 1);
    assert.equal(s.average, 4);
    assert.equal(s.distribution[4], 1);
    const reviews = await api(`/api/v1/products/${product.slug}/reviews`);
    assert.equal(reviews.json.items.length, 1);
    assert.match(reviews.headers.get('content-type'), /^application\/json/);
    assert.equal(reviews.json.items[0].comment, '<script>alert(1)</script> good');
    // another buyer, approved: the average moves
    const second = await customer();
    sql(`insert into entitlements (user_id, product_id, source) values (${second.id}, ${product.dbid}, 'grant')`);
    const r2 = await call(second.token, 'PUT', `/api/v1/products/${product.slug}/review`, { rating: 1 });
    await call(support, 'POST', `/api/v1/admin/feedback/${r2.json.id}/approve`);
    s = await rating();
    assert.deepEqual([s.count, s.average, s.distribution[1], s.distribution[4]], [2, 2.5, 1, 1]);
    // an edit goes back to moderation and leaves the summary
    r = await call(buyer.token, 'PUT', `/api/v1/products/${product.slug}/review`, { rating: 5, comment: 'even better' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status, 'pending');
    s = await rating();
    assert.deepEqual([s.count, s.average], [1, 1]);
    await call(support, 'POST', `/api/v1/admin/feedback/${id}/approve`);
    s = await rating();
    assert.deepEqual([s.count, s.average, s.distribution[5], s.distribution[4]], [2, 3, 1, 0]);
    await call(support, 'POST', `/api/v1/admin/feedback/${id}/reject`);
    s = await rating();
    assert.deepEqual([s.count, s.average, s.distribution[5]], [1, 1, 0]);
    const stored = sql(`select count, total, stars_1 + stars_2 + stars_3 + stars_4 + stars_5 from product_ratings where product_id = ${product.dbid}`).stdout;
    assert.equal(stored, '1|1|1');
    r = await call(buyer.token, 'GET', `/api/v1/products/${product.slug}/review`);
    assert.equal(r.json.status, 'rejected');
    assert.equal((await call(second.token, 'DELETE', `/api/v1/products/${product.slug}/review`)).status, 204);
    assert.equal((await rating()).count, 0);
  });

  test('reviews page to their end', async () => {
    const [p] = products(1);
    const people = await Promise.all([1, 2, 3, 4, 5].map(() => customer()));
    for (const c of people) {
      sql(`insert into entitlements (user_id, product_id, source) values (${c.id}, ${p.dbid}, 'grant')`);
      const r = await call(c.token, 'PUT', `/api/v1/products/${p.slug}/review`, { rating: 3 });
      await call(support, 'POST', `/api/v1/admin/feedback/${r.json.id}/approve`);
    }
    const all = await allPages(null, `/api/v1/products/${p.slug}/reviews`, { limit: 2 });
    assert.equal(all.items.length, 5);
    assert.equal(all.pages, 3);
  });

  test('site feedback goes to the moderation queue', async () => {
    const r = await call(cust, 'POST', '/api/v1/feedback', { rating: 5, comment: 'Lovely shop' });
    assert.equal(r.status, 201, r.text);
    const queue = await allPages(support, '/api/v1/admin/feedback?kind=site&status=pending', { limit: 50 });
    assert.ok(queue.items.some((f) => f.id === r.json.id && f.kind === 'site'));
    expectError(await call(cust, 'POST', '/api/v1/feedback', { rating: 0 }), 422, 'validation_failed');
    expectError(await call(support, 'GET', '/api/v1/admin/feedback?status=bogus'), 422, 'validation_failed');
  });
});

describe('SEO', () => {
  const HTML = (path) => api(path, { headers: { accept: 'text/html' } });
  const head = (html) => {
    const title = /<title>([^<]*)<\/title>/.exec(html)?.[1];
    const canonical = /<link rel="canonical" href="([^"]*)">/.exec(html)?.[1];
    const robots = /<meta name="robots" content="([^"]*)">/.exec(html)?.[1];
    const description = /<meta name="description" content="([^"]*)">/.exec(html)?.[1];
    const ld = /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(html)?.[1];
    return { title, canonical, robots, description, ld: ld ? JSON.parse(ld) : null, titles: (html.match(/<title>/g) ?? []).length };
  };
  const types = (ld) => ld.map((o) => o['@type']);
  const unescape = (s) => s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');

  test('a product page carries its meta and JSON-LD in the HTML, rating included', async () => {
    const [p] = products(1, 123400);
    const buyer = await customer();
    sql(`insert into entitlements (user_id, product_id, source) values (${buyer.id}, ${p.dbid}, 'grant')`);
    const rv = await call(buyer.token, 'PUT', `/api/v1/products/${p.slug}/review`, { rating: 4 });
    await call(support, 'POST', `/api/v1/admin/feedback/${rv.json.id}/approve`);
    const r = await HTML(`/products/${p.slug}`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^text\/html/);
    const h = head(r.text);
    assert.equal(h.titles, 1, 'the shell keeps one <title>');
    assert.ok(unescape(h.title).startsWith('Checkout test'), h.title);
    assert.ok(unescape(h.title).length <= 60);
    assert.ok(h.canonical.endsWith(`/products/${p.slug}`));
    assert.equal(h.robots, 'index,follow');
    assert.match(unescape(h.description), /₹1,234.00/);
    assert.deepEqual(types(h.ld), ['Product', 'BreadcrumbList']);
    const prod = h.ld[0];
    assert.equal(prod['@context'], 'https://schema.org');
    assert.equal(prod.offers['@type'], 'Offer');
    assert.equal(prod.offers.price, '1234.00');
    assert.equal(prod.offers.priceCurrency, 'INR');
    assert.equal(prod.aggregateRating['@type'], 'AggregateRating');
    assert.equal(prod.aggregateRating.reviewCount, 1);
    assert.equal(prod.aggregateRating.ratingValue, '4.0');
    assert.match(r.text, /<\/head>/);
    const json = await api(`/api/v1/seo?path=/products/${p.slug}`);
    assert.equal(json.json.status, 200);
    assert.equal(json.json.open_graph.type, 'product');
    assert.equal(json.json.twitter.card, 'summary');
    assert.deepEqual(types(json.json.json_ld), ['Product', 'BreadcrumbList']);
  });

  test('blog post, CMS page, home; 404 and private pages are noindex', async () => {
    let h = head((await HTML('/blog/gst-invoices-for-creators')).text);
    assert.match(h.title, /GST invoices for creators/);
    const post = h.ld.find((o) => o['@type'] === 'BlogPosting');
    assert.equal(post.headline, 'GST invoices for creators, without the headache');
    assert.ok(post.datePublished && post.author.name && post.publisher['@type'] === 'Organization');
    h = head((await HTML('/pages/about')).text);
    assert.match(h.title, /About Souk/);
    assert.ok(h.canonical.endsWith('/pages/about'));
    assert.deepEqual(types(h.ld), ['BreadcrumbList']);
    h = head((await HTML('/')).text);
    assert.deepEqual(types(h.ld), ['Organization', 'WebSite']);
    assert.equal(h.ld[1].potentialAction['@type'], 'SearchAction');
    const missing = await HTML('/products/no-such-product');
    assert.equal(missing.status, 404);
    assert.equal(head(missing.text).robots, 'noindex,nofollow');
    // a draft post is not found either
    const draft = await call(editor, 'POST', '/api/v1/admin/blog', { title: `Draft ${tag()}`, body: 'x' });
    assert.equal((await HTML(`/blog/${draft.json.slug}`)).status, 404);
    const acct = await api('/api/v1/seo?path=/account/orders');
    assert.equal(acct.json.robots, 'noindex,nofollow');
    const search = await api('/api/v1/seo?path=%2Fproducts%3Fq%3Dnotion');
    assert.equal(search.json.robots, 'noindex,follow');
    expectError(await api('/api/v1/seo?path=nope'), 422, 'validation_failed');
    expectError(await api('/api/v1/seo'), 422, 'validation_failed');
  });

  test('sitemap index and parts list every public page; robots.txt', async () => {
    const index = await api('/sitemap.xml');
    assert.equal(index.status, 200);
    assert.match(index.headers.get('content-type'), /^application\/xml/);
    xmlOk(index.text);
    const parts = [...index.text.matchAll(/<loc>[^<]*(\/sitemaps\/[a-z]+-\d+\.xml)<\/loc>/g)].map((m) => m[1]);
    assert.deepEqual(parts.map((p) => p.replace(/-\d+\.xml$/, '')).sort(), ['/sitemaps/blog', '/sitemaps/categories', '/sitemaps/pages', '/sitemaps/products']);
    const urls = [];
    for (const part of parts) {
      const r = await api(part);
      assert.equal(r.status, 200, part);
      xmlOk(r.text);
      assert.match(r.text, /<urlset xmlns="http:\/\/www.sitemaps.org\/schemas\/sitemap\/0.9">/);
      urls.push(...[...r.text.matchAll(/<loc>([^<]*)<\/loc>/g)].map((m) => new URL(m[1]).pathname));
    }
    const published = sql("select '/products/' || slug from products where status = 'published'").stdout.split('\n');
    for (const p of published) assert.ok(urls.includes(p), p);
    const posts = sql("select '/blog/' || slug from blog_posts where status = 'published' and published_at <= now()").stdout.split('\n');
    for (const p of posts) assert.ok(urls.includes(p), p);
    assert.ok(urls.includes('/') && urls.includes('/pages/about') && !urls.includes('/pages/home'));
    assert.ok(!urls.some((u) => u.startsWith('/products/') && sql(`select status from products where slug = '${u.slice(10)}'`).stdout !== 'published'));
    assert.equal((await api('/sitemaps/products-99.xml')).status, 404);
    const robots = await api('/robots.txt');
    assert.match(robots.headers.get('content-type'), /^text\/plain/);
    assert.match(robots.text, /^User-agent: \*$/m);
    assert.match(robots.text, /^Disallow: \/account$/m);
    assert.match(robots.text, /^Sitemap: https?:\/\/[^/]+\/sitemap.xml$/m);
    const rss = await api('/blog/rss.xml');
    assert.equal(rss.status, 200);
    xmlOk(rss.text);
  });

  test('rules: staff edit, preview and reset; bad templates 422; support 403', async () => {
    expectError(await call(support, 'GET', '/api/v1/admin/seo/rules'), 403, 'forbidden');
    const list = await call(editor, 'GET', '/api/v1/admin/seo/rules');
    assert.equal(list.status, 200);
    assert.equal(list.json.defaults.length, 5);
    const saved = list.json.items.find((r) => r.scope === 'blog_post');
    let r = await call(editor, 'PUT', '/api/v1/admin/seo/rules/blog_post', { title_template: 'Read: {{title}} ({{nope}})' });
    expectError(r, 422, 'validation_failed');
    assert.ok(r.json.error.fields.title_template);
    expectError(await call(editor, 'PUT', '/api/v1/admin/seo/rules/blog_post', { title_template: 'x', robots: 'index,jump' }), 422, 'validation_failed');
    expectError(await call(editor, 'PUT', '/api/v1/admin/seo/rules/footer', { title_template: 'x' }), 404, 'not_found');
    r = await call(editor, 'POST', '/api/v1/admin/seo/preview', { path: '/blog/gst-invoices-for-creators', title_template: 'Preview {{title}} {{title}} {{title}}', description_template: '{{excerpt}} {{excerpt}} {{excerpt}}' });
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.title.startsWith('Preview GST invoices'));
    assert.ok([...r.json.title].length <= 60 && r.json.title.endsWith('…'), r.json.title);
    assert.ok([...r.json.description].length <= 160, r.json.description);
    // nothing was saved
    assert.match(head((await HTML('/blog/gst-invoices-for-creators')).text).title, /\| Souk blog$/);
    r = await call(editor, 'PUT', '/api/v1/admin/seo/rules/blog_post', { title_template: 'Read: {{title}}', description_template: '{{excerpt}}', canonical_template: '{{base_url}}/blog/{{slug}}', robots: 'index,follow' });
    assert.equal(r.status, 200, r.text);
    assert.match(head((await HTML('/blog/gst-invoices-for-creators')).text).title, /^Read: GST invoices/);
    assert.equal((await call(editor, 'DELETE', '/api/v1/admin/seo/rules/blog_post')).status, 204);
    assert.match(head((await HTML('/blog/gst-invoices-for-creators')).text).title, /\| Souk blog$/, 'the built-in rule');
    // back as the seed had it
    await call(editor, 'PUT', '/api/v1/admin/seo/rules/blog_post', { title_template: saved.title_template, description_template: saved.description_template, canonical_template: saved.canonical_template, robots: saved.robots });
  });
});

describe('metrics', () => {
  const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120 Safari/537.36';
  const beacon = (body, ua = UA, extra = {}) => api('/api/v1/metrics/pageview', {
    method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': ua, ...extra }, body: JSON.stringify(body),
  });
  const today = () => new Date(Date.now() + 19800e3).toISOString().slice(0, 10);
  const row = (path) => sql(`select views || '|' || uniques || '|' || referrers::text from seo_metrics_daily
    where day = '${today()}' and path = '${path}'`).stdout;

  test('page views are counted, bots ignored, the rollup idempotent', async () => {
    const path = `/products/metrics-${tag()}`;
    for (let i = 0; i < 3; i += 1) assert.equal((await beacon({ path, referrer: 'https://www.google.com/search?q=x' })).status, 202);
    await beacon({ path: `${path}?utm_source=mail#top`, referrer: null });
    await beacon({ path, referrer: 'http://127.0.0.1:18080/blog' }, `${UA} other-device`);
    for (const bot of ['Googlebot/2.1 (+http://www.google.com/bot.html)', 'curl/8.0.1', '', 'Mozilla/5.0 HeadlessChrome/120']) {
      assert.equal((await beacon({ path }, bot)).status, 202, bot);
    }
    assert.equal(redis('HGET', `metrics:${today()}:views`, path), '5');
    let ran = jobs('rollup');
    assert.equal(ran.code, 0, ran.stderr);
    const [views, uniques, refs] = row(path).split('|');
    assert.equal(views, '5');
    assert.equal(uniques, '2', 'two user agents from one address: two visitors');
    assert.deepEqual(JSON.parse(refs), { 'google.com': 3, direct: 2 });
    ran = jobs('rollup');
    assert.equal(ran.code, 0, ran.stderr);
    assert.equal(row(path).split('|')[0], '5', 'a second run counts once');
    // no address or personal data is kept: only counters and HyperLogLog registers
    const keys = redis('KEYS', `metrics:${today()}:*${path}`).split('\n');
    assert.ok(keys.every((k) => !k.includes('127.0.0.1')));
    assert.equal(sql(`select count(*) from seo_metrics_daily where referrers::text like '%127.0.0.1%'`).stdout, '0');
  });

  test('bad beacons are 422; the API and internal paths are not counted', async () => {
    for (const path of ['products', '//evil.test/x', '/api/v1/health', '/_files/x', 'x'.repeat(3000)]) {
      expectError(await beacon({ path }), 422, 'validation_failed');
    }
    expectError(await beacon({ referrer: 'x' }), 422, 'validation_failed');
    expectError(await beacon({ path: '/', extra: 1 }), 422, 'validation_failed');
  });

  test('searches and zero-result searches are counted and reported', async () => {
    const word = `zzq${Date.now() % 1e6}`;
    for (let i = 0; i < 2; i += 1) assert.equal((await api(`/api/v1/search?q=${word}`)).status, 200);
    await api('/api/v1/search?q=Notion%20%20Budget');
    ran();
    function ran() { const r = jobs('rollup'); assert.equal(r.code, 0, r.stderr); }
    const zero = await call(editor, 'GET', '/api/v1/admin/metrics/searches?zero=1&limit=100');
    assert.equal(zero.status, 200, zero.text);
    const mine = zero.json.items.find((t) => t.term === word);
    assert.ok(mine, JSON.stringify(zero.json.items));
    assert.ok(mine.searches >= 1 && mine.zero_results === mine.searches, JSON.stringify(mine));
    const all = await call(editor, 'GET', '/api/v1/admin/metrics/searches?limit=100');
    assert.ok(all.json.items.some((t) => t.term === 'notion budget' && t.zero_results === 0));
  });

  test('reports: series, top pages, referrers; metrics:read only; bad ranges 422', async () => {
    const path = `/blog/report-${tag()}`;
    await beacon({ path, referrer: 'https://instagram.com/p/1' });
    jobs('rollup');
    expectError(await call(support, 'GET', '/api/v1/admin/metrics/pages'), 403, 'forbidden');
    expectError(await call(cust, 'GET', '/api/v1/admin/metrics/views'), 403, 'forbidden');
    let r = await call(editor, 'GET', `/api/v1/admin/metrics/views?path=${encodeURIComponent(path)}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.items.length, 30);
    assert.deepEqual(r.json.items.at(-1), { day: today(), views: 1, uniques: 1 });
    r = await call(editor, 'GET', '/api/v1/admin/metrics/views?from=2026-10-25&to=2026-10-26');
    assert.equal(r.json.items.length, 2);
    assert.ok(r.json.items[0].views > 0, 'the seeded days');
    r = await call(editor, 'GET', '/api/v1/admin/metrics/pages?from=2026-10-25&to=2026-11-23&limit=3');
    assert.deepEqual(r.json.items.map((p) => p.path), ['/', '/products', '/products/notion-budget-tracker']);
    r = await call(editor, 'GET', '/api/v1/admin/metrics/referrers?from=2026-10-25&to=2026-11-23');
    assert.equal(r.json.items[0].host, 'google.com');
    r = await call(editor, 'GET', '/api/v1/admin/metrics/referrers');
    assert.ok(r.json.items.some((h) => h.host === 'instagram.com'));
    for (const q of ['from=yesterday', 'to=2026-13-01', 'from=2026-12-02&to=2026-12-01', 'from=2024-01-01&to=2026-01-01', 'limit=0', 'limit=101']) {
      expectError(await call(editor, 'GET', `/api/v1/admin/metrics/pages?${q}`), 422, 'validation_failed');
    }
  });
});
