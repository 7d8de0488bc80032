// razorpay-sdk.test.mjs - the signatures Souk computes (t/unit/test_commerce.c checks
// src/commerce/razorpay.c against razorpay-vectors.json) are the ones the official
// `razorpay` npm SDK accepts: validatePaymentVerification() for Checkout's
// razorpay_signature and validateWebhookSignature() for X-Razorpay-Signature.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(new URL('../fakes/package.json', import.meta.url));
const { validatePaymentVerification, validateWebhookSignature } =
  require('razorpay/dist/utils/razorpay-utils');
const vectors = JSON.parse(readFileSync(new URL('./razorpay-vectors.json', import.meta.url)));

// one character of a hex signature changed
const flip = (sig) => sig.slice(0, -1) + (sig.at(-1) === '0' ? '1' : '0');

test('the SDK accepts every payment signature vector, and refuses it altered', () => {
  assert.ok(vectors.payment.length >= 3);
  for (const v of vectors.payment) {
    const ids = { order_id: v.order_id, payment_id: v.payment_id };
    assert.equal(validatePaymentVerification(ids, v.signature, v.secret), true, v.order_id);
    assert.equal(validatePaymentVerification(ids, flip(v.signature), v.secret), false);
    assert.equal(validatePaymentVerification({ ...ids, payment_id: v.payment_id + 'x' },
      v.signature, v.secret), false);
  }
});

test('the SDK accepts every webhook signature vector over the raw body, and refuses it altered', () => {
  assert.ok(vectors.webhook.length >= 3);
  for (const v of vectors.webhook) {
    assert.equal(validateWebhookSignature(v.body, v.signature, v.secret), true, v.body);
    assert.equal(validateWebhookSignature(v.body, flip(v.signature), v.secret), false);
    assert.equal(validateWebhookSignature(v.body + ' ', v.signature, v.secret), false);
  }
});
