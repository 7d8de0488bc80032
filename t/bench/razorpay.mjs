// razorpay.mjs - runs the Razorpay stand-in of the tests (t/fakes/razorpay.mjs) alone,
// for `./souk bench checkout`, until SIGTERM or SIGINT. It needs no npm package (the
// other stand-ins of t/fakes/start.mjs do). Prints one line when it listens:
//
//   souk-bench-razorpay ready http://127.0.0.1:28094
//
// Settings (environment): FAKE_RAZORPAY_PORT (28094), FAKE_RAZORPAY_KEY_ID,
// FAKE_RAZORPAY_KEY_SECRET, FAKE_RAZORPAY_WEBHOOK_SECRET (the pair and secret the bench
// stack's souk-fcgi is given). It listens on 127.0.0.1 only.
import { startRazorpay } from '../fakes/razorpay.mjs';

const env = process.env;
const port = Number(env.FAKE_RAZORPAY_PORT ?? 28094);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error('souk-bench-razorpay: FAKE_RAZORPAY_PORT must be a port number');
  process.exit(2);
}
for (const name of ['FAKE_RAZORPAY_KEY_ID', 'FAKE_RAZORPAY_KEY_SECRET', 'FAKE_RAZORPAY_WEBHOOK_SECRET']) {
  if (!env[name]) {
    console.error(`souk-bench-razorpay: ${name} is required`);
    process.exit(2);
  }
}

let razorpay;
try {
  razorpay = await startRazorpay({ port, keyId: env.FAKE_RAZORPAY_KEY_ID,
    keySecret: env.FAKE_RAZORPAY_KEY_SECRET, webhookSecret: env.FAKE_RAZORPAY_WEBHOOK_SECRET });
} catch (e) {
  console.error(`souk-bench-razorpay: cannot start: ${e?.message ?? e}`);
  process.exit(1);
}
console.log(`souk-bench-razorpay ready ${razorpay.url}`);

let stopping = false;
async function stop(signal) {
  if (stopping) return;
  stopping = true;
  await razorpay.close();
  console.log(`souk-bench-razorpay stopped (${signal})`);
  process.exit(0);
}
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
