// start.mjs - runs the sign-in stand-ins until killed (SIGTERM/SIGINT):
// a Google-like OpenID provider (google.mjs) and a GitHub-like OAuth server
// (github.mjs), both on 127.0.0.1 only. Prints one line when both listen:
//
//   souk-fakes ready google=http://127.0.0.1:18091 github=http://127.0.0.1:18092
//
// Settings (environment):
//   FAKE_GOOGLE_PORT, FAKE_GITHUB_PORT      ports (18091, 18092)
//   FAKE_REDIRECT_BASES   comma-separated site origins whose
//                         /api/v1/auth/oauth/<provider>/callback is registered
//                         (https://127.0.0.1:18443,http://127.0.0.1:18080)
//   FAKE_GOOGLE_CLIENT_ID / FAKE_GOOGLE_CLIENT_SECRET   (souk-test-google / souk-test-google-secret)
//   FAKE_GITHUB_CLIENT_ID / FAKE_GITHUB_CLIENT_SECRET   (souk-test-github / souk-test-github-secret)
// Install once with `npm ci` in this folder.
import { startGithub } from './github.mjs';
import { startGoogle } from './google.mjs';

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

let google, github;
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
} catch (e) {
  console.error(`souk-fakes: cannot start: ${e?.message ?? e}`);
  await google?.close();
  process.exit(1);
}

console.log(`souk-fakes ready google=${google.issuer} github=${github.url}`);

let stopping = false;
async function stop(signal) {
  if (stopping) return;
  stopping = true;
  await Promise.all([google.close(), github.close()]);
  console.log(`souk-fakes stopped (${signal})`);
  process.exit(0);
}
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
