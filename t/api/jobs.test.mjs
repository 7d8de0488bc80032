// jobs.test.mjs - souk-jobs cleanup: what it deletes (expired sessions and e-mail tokens, old
// sent and failed mail, abandoned checkouts no money touched), what it must keep (live and
// recently expired tokens, recent mail, orders with a payment, paid orders), the Redis keys
// it gives back their expiry (carts, one-time codes), and that running it twice, or two at
// once, is harmless.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { sql, redis, expectError } from './lib.mjs';
import { products, checkedOut, fakePay, verify, bought, jobs, count } from './shop.mjs';

const one = (q) => sql(q).stdout;
const hex = () => randomBytes(32).toString('hex');

function refreshToken(user, expiresAgo) {
  return one(`insert into refresh_tokens (user_id, token_hash, family_id, issued_at, expires_at)
    values (${user}, decode('${hex()}', 'hex'), '${randomUUID()}',
      now() - interval '40 days', now() - interval '${expiresAgo}') returning id`);
}

function userToken(user, expiresAgo) {
  return one(`insert into user_tokens (user_id, purpose, token_hash, created_at, expires_at)
    values (${user}, 'password_reset', decode('${hex()}', 'hex'),
      now() - interval '40 days', now() - interval '${expiresAgo}') returning id`);
}

function mail(status, ago) {
  const at = `now() - interval '${ago}'`;
  return one(`insert into email_outbox (template, recipient, status, attempts, sent_at, created_at, updated_at)
    values ('welcome', 'cleanup-${process.pid}@example.com', '${status}', 1,
      ${status === 'sent' ? at : 'null'}, ${at}, ${at}) returning id`);
}

const exists = (table, id) => count(`select count(*) from ${table} where id = ${id}`) === 1;
const orderExists = (publicId) => count(`select count(*) from orders where public_id = '${publicId}'`) === 1;
const age = (publicId, status) => sql(`update orders set status = '${status}',
  created_at = now() - interval '91 days' where public_id = '${publicId}'`);

describe('souk-jobs cleanup', () => {
  let p;
  let user;
  before(() => {
    p = products(3);
    user = one(`select id from users where email = 'customer@souk.test'`);
  });

  test('deletes what is past keeping and keeps everything else', async () => {
    const tokens = {
      gone: refreshToken(user, '2 days'),
      graced: refreshToken(user, '1 hour'),
      live: refreshToken(user, '-10 days'),
    };
    const links = { gone: userToken(user, '3 days'), live: userToken(user, '-1 hour') };
    const mails = {
      oldSent: mail('sent', '31 days'),
      recentSent: mail('sent', '29 days'),
      oldFailed: mail('failed', '91 days'),
      recentFailed: mail('failed', '60 days'),
    };
    // an abandoned checkout, cancelled long ago: nothing ever paid, so it goes
    const abandoned = await checkedOut([p[0]]);
    age(abandoned.order.id, 'cancelled');
    // cancelled as old, but a payment was attempted: a record, it stays
    const tried = await checkedOut([p[1]]);
    const failed = await fakePay(tried.order.provider_order_id, { status: 'failed' });
    expectError(await verify(tried.c, failed), 422, 'validation_failed');
    age(tried.order.id, 'cancelled');
    // paid long ago: stays
    const paid = await bought([p[2]]);
    sql(`update orders set created_at = now() - interval '91 days' where public_id = '${paid.order.id}'`);

    const j = jobs('cleanup');
    assert.equal(j.code, 0, j.stderr);
    assert.match(j.stderr, /cleanup: \d+ rows deleted/);

    assert.equal(exists('refresh_tokens', tokens.gone), false);
    assert.equal(exists('refresh_tokens', tokens.graced), true);
    assert.equal(exists('refresh_tokens', tokens.live), true);
    assert.equal(exists('user_tokens', links.gone), false);
    assert.equal(exists('user_tokens', links.live), true);
    assert.equal(exists('email_outbox', mails.oldSent), false);
    assert.equal(exists('email_outbox', mails.recentSent), true);
    assert.equal(exists('email_outbox', mails.oldFailed), false);
    assert.equal(exists('email_outbox', mails.recentFailed), true);
    assert.equal(orderExists(abandoned.order.id), false);
    assert.equal(count(`select count(*) from order_items i join orders o on o.id = i.order_id
      where o.public_id = '${abandoned.order.id}'`), 0);
    assert.equal(orderExists(tried.order.id), true);
    assert.equal(orderExists(paid.order.id), true);

    // again, and two at once: nothing more to do, nothing fails
    const again = [jobs('cleanup'), jobs('cleanup')];
    for (const r of again) assert.equal(r.code, 0, r.stderr);
    assert.equal(orderExists(tried.order.id), true);
    assert.equal(exists('refresh_tokens', tokens.graced), true);
  });

  test('a cart or a one-time code left without its expiry gets it back; others keep theirs', () => {
    const stray = `cart:g:cleanup-${process.pid}-${Date.now()}`;
    const kept = `${stray}-kept`;
    const code = `otp:tries:cleanup-${process.pid}-${Date.now()}@example.com`;
    redis('HSET', stray, 'product', '1');
    redis('HSET', kept, 'product', '1');
    redis('EXPIRE', kept, '120');
    redis('SET', code, '3');
    // a whole pass over the keyspace: the walk goes on from where the last run stopped
    redis('DEL', 'scan:cart:*', 'scan:otp:*');
    const j = jobs('cleanup');
    assert.equal(j.code, 0, j.stderr);
    const cartTtl = Number(redis('TTL', stray));
    assert.ok(cartTtl > 29 * 86400 && cartTtl <= 30 * 86400, `cart TTL ${cartTtl}`);
    assert.ok(Number(redis('TTL', kept)) <= 120, 'a key with its own expiry keeps it');
    const codeTtl = Number(redis('TTL', code));
    assert.ok(codeTtl > 500 && codeTtl <= 600, `code TTL ${codeTtl}`);
    assert.match(j.stderr, /gave [1-9]\d* carts and [1-9]\d* one-time codes their expiry/);
    redis('DEL', stray, kept, code);
  });
});
