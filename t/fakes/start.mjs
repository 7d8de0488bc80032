// start.mjs - runs the stand-ins until killed (SIGTERM/SIGINT): a
// Google-like OpenID provider (google.mjs), a GitHub-like OAuth server
// (github.mjs) and an S3 (s3.mjs: s3rver behind a Signature Version 4 check),
// all on 127.0.0.1 only. Prints one line when all listen:
//
//   souk-fakes ready google=http://127.0.0.1:18091 github=http://127.0.0.1:18092 s3=http://127.0.0.1:18093
//
// Settings (environment):
//   FAKE_GOOGLE_PORT, FAKE_GITHUB_PORT      ports (18091, 18092)
//   FAKE_REDIRECT_BASES   comma-separated site origins whose
//                         /api/v1/auth/oauth/<provider>/callback is registered
//                         (https://127.0.0.1:18443,http://127.0.0.1:18080)
//   FAKE_GOOGLE_CLIENT_ID / FAKE_GOOGLE_CLIENT_SECRET   (souk-test-google / souk-test-google-secret)
//   FAKE_GITHUB_CLIENT_ID / FAKE_GITHUB_CLIENT_SECRET   (souk-test-github / souk-test-github-secret)
//   FAKE_S3_PORT           port of the S3 stand-in (18093)
//   FAKE_S3_BUCKET         the bucket it creates (souk-test)
//   FAKE_S3_ACCESS_KEY / FAKE_S3_SECRET_KEY   the one key pair it accepts (S3RVER / S3RVER,
//                          s3rver's own)
//   FAKE_S3_REGION         the region signatures must name (us-east-1)
//   FAKE_S3_DIR            where objects are kept (default: a new temporary folder,
//                          removed at stop; a given folder is kept)
//   FAKE_RAZORPAY_PORT     port of the Razorpay stand-in (18094)
//   FAKE_RAZORPAY_KEY_ID / FAKE_RAZORPAY_KEY_SECRET / FAKE_RAZORPAY_WEBHOOK_SECRET
//                          (rzp_test_souk / souk-test-razorpay-secret / souk-test-webhook-secret)
//   FAKE_SMTP_PORT / FAKE_SMTP_CONTROL_PORT   the SMTP server (smtp.mjs) and its test controls
//                          (18025 / 18095); FAKE_SMTP_USER / FAKE_SMTP_PASSWORD (souk-test-smtp /
//                          souk-test-smtp-password); FAKE_SMTP_KEY / FAKE_SMTP_CERT: PEM files for
//                          STARTTLS (the test stack's certificate; without them no SMTP server)
//   FAKE_SES_PORT          the SES v2 stand-in (ses.mjs, 18096); FAKE_SES_ACCESS_KEY /
//                          FAKE_SES_SECRET_KEY / FAKE_SES_REGION (AKIDSOUKTESTSES /
//                          souk-test-ses-secret / ap-south-1)
// Install once with `npm ci` in this folder.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startGithub } from './github.mjs';
import { startGoogle } from './google.mjs';
import { startRazorpay } from './razorpay.mjs';
import { startS3 } from './s3.mjs';
import { startSes } from './ses.mjs';
import { startSmtp } from './smtp.mjs';

const env = process.env;
const port = (name, fallback) => {
  const v = Number(env[name] ?? fallback);
  if (!Number.isInteger(v) || v < 1 || v > 65535) {
    console.error(`souk-fakes: ${name} must be a port number`);
    process.exit(2);
  }
  return v;
};
const bases = (env.FAKE_REDIRECT_BASES ?? 'https://127.0.0.1:18443,http://127.0.0.1:18080')
  .split(',').map((s) => s.trim().replace(/\/+$/, '')).filter(Boolean);
const callbacks = (provider) => bases.map((b) => `${b}/api/v1/auth/oauth/${provider}/callback`);

const s3Dir = env.FAKE_S3_DIR || mkdtempSync(join(tmpdir(), 'souk-fake-s3-'));
const removeS3Dir = () => { if (!env.FAKE_S3_DIR) rmSync(s3Dir, { recursive: true, force: true }); };

let google, github, s3, razorpay, smtp, ses;
try {
  google = await startGoogle({
    port: port('FAKE_GOOGLE_PORT', 18091),
    clientId: env.FAKE_GOOGLE_CLIENT_ID ?? 'souk-test-google',
    clientSecret: env.FAKE_GOOGLE_CLIENT_SECRET ?? 'souk-test-google-secret',
    redirectUris: callbacks('google'),
  });
  github = await startGithub({
    port: port('FAKE_GITHUB_PORT', 18092),
    clientId: env.FAKE_GITHUB_CLIENT_ID ?? 'souk-test-github',
    clientSecret: env.FAKE_GITHUB_CLIENT_SECRET ?? 'souk-test-github-secret',
    redirectUris: callbacks('github'),
  });
  s3 = await startS3({
    port: port('FAKE_S3_PORT', 18093),
    bucket: env.FAKE_S3_BUCKET ?? 'souk-test',
    accessKey: env.FAKE_S3_ACCESS_KEY ?? 'S3RVER',
    secretKey: env.FAKE_S3_SECRET_KEY ?? 'S3RVER',
    region: env.FAKE_S3_REGION ?? 'us-east-1',
    dir: s3Dir,
  });
  razorpay = await startRazorpay({
    port: port('FAKE_RAZORPAY_PORT', 18094),
    keyId: env.FAKE_RAZORPAY_KEY_ID ?? 'rzp_test_souk',
    keySecret: env.FAKE_RAZORPAY_KEY_SECRET ?? 'souk-test-razorpay-secret',
    webhookSecret: env.FAKE_RAZORPAY_WEBHOOK_SECRET ?? 'souk-test-webhook-secret',
  });
  ses = await startSes({
    port: port('FAKE_SES_PORT', 18096),
    accessKey: env.FAKE_SES_ACCESS_KEY ?? 'AKIDSOUKTESTSES',
    secretKey: env.FAKE_SES_SECRET_KEY ?? 'souk-test-ses-secret',
    region: env.FAKE_SES_REGION ?? 'ap-south-1',
  });
  if (env.FAKE_SMTP_KEY && env.FAKE_SMTP_CERT) {
    smtp = await startSmtp({
      port: port('FAKE_SMTP_PORT', 18025),
      controlPort: port('FAKE_SMTP_CONTROL_PORT', 18095),
      user: env.FAKE_SMTP_USER ?? 'souk-test-smtp',
      password: env.FAKE_SMTP_PASSWORD ?? 'souk-test-smtp-password',
      key: readFileSync(env.FAKE_SMTP_KEY),
      cert: readFileSync(env.FAKE_SMTP_CERT),
    });
  }
} catch (e) {
  console.error(`souk-fakes: cannot start: ${e?.message ?? e}`);
  await razorpay?.close();
  await google?.close();
  await github?.close();
  await s3?.close();
  removeS3Dir();
  process.exit(1);
}

console.log(`souk-fakes ready google=${google.issuer} github=${github.url} s3=${s3.url} razorpay=${razorpay.url}${smtp ? ` smtp=${smtp.url}` : ''}`);

let stopping = false;
async function stop(signal) {
  if (stopping) return;
  stopping = true;
  await Promise.all([google.close(), github.close(), s3.close(), razorpay.close(), smtp?.close(),
    ses.close()]);
  removeS3Dir();
  console.log(`souk-fakes stopped (${signal})`);
  process.exit(0);
}
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
