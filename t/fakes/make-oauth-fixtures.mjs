// make-oauth-fixtures.mjs - prints the fixed keys and ID tokens that
// t/unit/test_oauth.c embeds, as C. Run it only to regenerate them:
//
//   node t/fakes/make-oauth-fixtures.mjs > /tmp/fixtures.h
//
// and paste the block between the FIXTURES markers of test_oauth.c. A fresh
// RSA key pair is made with the openssl CLI each run; the private key is
// thrown away (only the public JWK and the tokens it signed are kept).
import { execFileSync } from 'node:child_process';
import { createHmac, createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ISSUER = 'https://issuer.test';
const CLIENT = 'souk-test-client';
const NONCE = 'n-0S6_WzA2Mj';
const IAT = 1700000000;
const EXP = IAT + 3600;

function rsaKey(bits) {
  const dir = mkdtempSync(join(tmpdir(), 'souk-fixture-'));
  try {
    const file = join(dir, 'key.pem');
    execFileSync('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${bits}`,
      '-out', file], { stdio: 'pipe' });
    return createPrivateKey(readFileSync(file));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const b64 = (v) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

function jws(header, payload, key) {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

const key = rsaKey(2048);
const other = rsaKey(2048);
const small = rsaKey(1024);
const jwk = { ...createPublicKey(key).export({ format: 'jwk' }), kid: 'test-key-1', use: 'sig', alg: 'RS256' };
const smallJwk = { ...createPublicKey(small).export({ format: 'jwk' }), kid: 'small-key' };

const claims = {
  iss: ISSUER, aud: CLIENT, sub: '1234567890', email: 'Alice@Example.test', email_verified: true,
  name: 'Alice Example', picture: 'https://example.test/alice.png', nonce: NONCE, iat: IAT, exp: EXP,
};
const header = { alg: 'RS256', kid: 'test-key-1', typ: 'JWT' };
const tokens = {
  valid: jws(header, claims, key),
  aud_array: jws(header, { ...claims, aud: [CLIENT] }, key),
  aud_multi_azp: jws(header, { ...claims, aud: [CLIENT, 'other-client'], azp: CLIENT }, key),
  aud_multi_no_azp: jws(header, { ...claims, aud: [CLIENT, 'other-client'] }, key),
  azp_other: jws(header, { ...claims, azp: 'other-client' }, key),
  wrong_aud: jws(header, { ...claims, aud: 'other-client' }, key),
  wrong_iss: jws(header, { ...claims, iss: 'https://evil.test' }, key),
  wrong_nonce: jws(header, { ...claims, nonce: 'not-the-nonce' }, key),
  no_nonce: jws(header, (({ nonce, ...c }) => c)(claims), key),
  unverified: jws(header, { ...claims, email_verified: false }, key),
  verified_string: jws(header, { ...claims, email_verified: 'true' }, key),
  no_email: jws(header, (({ email, ...c }) => c)(claims), key),
  no_exp: jws(header, (({ exp, ...c }) => c)(claims), key),
  exp_string: jws(header, { ...claims, exp: String(EXP) }, key),
  future_nbf: jws(header, { ...claims, nbf: IAT + 600 }, key),
  no_sub: jws(header, (({ sub, ...c }) => c)(claims), key),
  wrong_kid: jws({ ...header, kid: 'rotated-away' }, claims, key),
  no_kid: jws({ alg: 'RS256', typ: 'JWT' }, claims, key),
  ec_kid: jws({ ...header, kid: 'ec-key' }, claims, key),
  other_key: jws(header, claims, other),
  small_key: jws({ ...header, kid: 'small-key' }, claims, small),
  crit: jws({ ...header, crit: ['exp'] }, claims, key),
  // a good RS256 signature under a header that names another algorithm:
  // only the alg check itself refuses these
  alg_hs256_rsa_signed: jws({ ...header, alg: 'HS256' }, claims, key),
  alg_lowercase: jws({ ...header, alg: 'rs256' }, claims, key),
  alg_ps256_rsa_signed: jws({ ...header, alg: 'PS256' }, claims, key),
  alg_missing: jws({ kid: 'test-key-1', typ: 'JWT' }, claims, key),
  alg_rs512: (() => {
    const input = `${b64({ ...header, alg: 'RS512' })}.${b64(claims)}`;
    return `${input}.${sign('sha512', Buffer.from(input), key).toString('base64url')}`;
  })(),
  alg_none: `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`,
  alg_none_kid: `${b64({ alg: 'none', kid: 'test-key-1' })}.${b64(claims)}.${b64('x')}`,
  // HS256 MACed with the public modulus and with the client id: classic
  // algorithm-confusion attempts
  hs256_modulus: (() => {
    const input = `${b64({ ...header, alg: 'HS256' })}.${b64(claims)}`;
    return `${input}.${createHmac('sha256', jwk.n).update(input).digest('base64url')}`;
  })(),
  hs256_client: (() => {
    const input = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
    return `${input}.${createHmac('sha256', CLIENT).update(input).digest('base64url')}`;
  })(),
};
// one bit of the signature flipped (in the middle, so base64url stays canonical)
{
  const [h, p, s] = tokens.valid.split('.');
  const raw = Buffer.from(s, 'base64url');
  raw[raw.length >> 1] ^= 0x01;
  tokens.bad_signature = `${h}.${p}.${raw.toString('base64url')}`;
  // the payload changed after signing
  tokens.tampered = `${h}.${b64({ ...claims, email: 'mallory@example.test' })}.${s}`;
}

const cstr = (s) => {
  const parts = s.match(/.{1,90}/g) ?? [''];
  return parts.map((x) => `\t"${x.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join('\n');
};
const ecJwk = { kty: 'EC', crv: 'P-256', kid: 'ec-key', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
  y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' };
console.log('/* FIXTURES: generated by t/fakes/make-oauth-fixtures.mjs */');
console.log(`#define FX_ISSUER "${ISSUER}"`);
console.log(`#define FX_CLIENT "${CLIENT}"`);
console.log(`#define FX_NONCE "${NONCE}"`);
console.log(`#define FX_IAT ${IAT}LL`);
console.log(`#define FX_EXP ${EXP}LL`);
console.log(`static const char fx_jwks[] =\n${cstr(JSON.stringify({ keys: [ecJwk, smallJwk, jwk] }))};`);
console.log(`static const char fx_jwk[] =\n${cstr(JSON.stringify(jwk))};`);
console.log(`static const char fx_small_jwk[] =\n${cstr(JSON.stringify(smallJwk))};`);
for (const [name, t] of Object.entries(tokens))
  console.log(`static const char fx_${name}[] =\n${cstr(t)};`);
console.log('/* END FIXTURES */');
