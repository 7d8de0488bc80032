// google.mjs - a stand-in for Google sign-in: a real OpenID provider
// (oidc-provider from npm) with one confidential client, PKCE (S256)
// required, RS256 ID tokens that carry email + email_verified, and a fixed
// set of test accounts.
//
// Signing in without a person: the authorization request may carry the
// standard OIDC parameter login_hint=<account id>; the interaction handler
// below then logs that account in and grants consent at once, and the flow
// goes on through the provider's own code (authorization code, PKCE check at
// the token endpoint, ID token signed with the key in /jwks). Without
// login_hint it shows a small page listing the accounts, for people using the
// dev stack in a browser. login_hint=deny answers error=access_denied.
//
// Test controls (only on this loopback fake):
//   POST /_fake/accounts  {"id","email","email_verified","name"}  add/replace an account
//   POST /_fake/sabotage  {"sub","mode"}  the next ID token issued for sub is
//        spoiled: bad-signature | wrong-audience | wrong-issuer | wrong-nonce |
//        expired | unverified-email | alg-none | hs256 | unknown-kid
import { createHmac, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import http from 'node:http';
import Provider from 'oidc-provider';
import { readBody } from './http.mjs';

const ACCOUNTS = [
  { id: 'alice', email: 'alice@gmail.test', email_verified: true, name: 'Alice Google',
    picture: 'https://avatars.example.test/alice.png' },
  { id: 'bob-unverified', email: 'bob@gmail.test', email_verified: false, name: 'Bob Unverified' },
  { id: 'carol', email: 'carol@gmail.test', email_verified: true, name: 'Carol Google' },
];

const SABOTAGE_MODES = new Set(['bad-signature', 'wrong-audience', 'wrong-issuer', 'wrong-nonce',
  'expired', 'unverified-email', 'alg-none', 'hs256', 'unknown-kid']);

const b64 = (v) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

function send(res, status, body, type = 'application/json') {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store' });
  res.end(text);
}

const escapeHtml = (s) => String(s).replace(/[&<>"']/g,
  (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

/**
 * Starts the provider on 127.0.0.1:port. redirectUris: the client's
 * registered callbacks. Resolves to {server, issuer, close()}.
 */
export async function startGoogle({ port, clientId, clientSecret, redirectUris }) {
  const issuer = `http://127.0.0.1:${port}`;
  const accounts = new Map(ACCOUNTS.map((a) => [a.id, { ...a }]));
  const sabotage = new Map(); // sub -> mode, used once

  // the signing key lives only in this process (a fresh one at every start:
  // Souk refetches the JWKS when it meets an unknown kid)
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = `fake-google-${randomBytes(6).toString('hex')}`;
  const signingJwk = { ...privateKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' };

  const provider = new Provider(issuer, {
    clients: [{
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: redirectUris,
      response_types: ['code'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'client_secret_post',
      id_token_signed_response_alg: 'RS256',
    }],
    jwks: { keys: [signingJwk] },
    pkce: { methods: ['S256'], required: () => true },
    scopes: ['openid', 'email', 'profile'],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'picture'] },
    // like Google: the claims of the requested scopes go into the ID token
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    ttl: { AuthorizationCode: 120, AccessToken: 600, IdToken: 600, Interaction: 600,
      Session: 600, Grant: 600 },
    async findAccount(ctx, sub) {
      const a = accounts.get(sub);
      if (!a) return undefined;
      return {
        accountId: sub,
        async claims() {
          const out = { sub, email: a.email, email_verified: a.email_verified, name: a.name };
          if (a.picture) out.picture = a.picture;
          return out;
        },
      };
    },
  });

  // Spoils the next ID token of an account on demand (test control). The
  // re-signed variants use the provider's own key, so only the claim (or
  // header) under test is wrong.
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path !== '/token' || ctx.status !== 200 || typeof ctx.body?.id_token !== 'string') return;
    const [h, p, s] = ctx.body.id_token.split('.');
    const header = JSON.parse(Buffer.from(h, 'base64url'));
    const claims = JSON.parse(Buffer.from(p, 'base64url'));
    const mode = sabotage.get(claims.sub);
    if (!mode) return;
    sabotage.delete(claims.sub);
    const rs256 = (hd, cl, key = privateKey) => {
      const input = `${b64(hd)}.${b64(cl)}`;
      return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
    };
    const now = Math.floor(Date.now() / 1000);
    let token;
    switch (mode) {
      case 'bad-signature': {
        const raw = Buffer.from(s, 'base64url');
        raw[raw.length >> 1] ^= 0x01;
        token = `${h}.${p}.${raw.toString('base64url')}`;
        break;
      }
      case 'wrong-audience': token = rs256(header, { ...claims, aud: 'someone-else' }); break;
      case 'wrong-issuer': token = rs256(header, { ...claims, iss: 'https://evil.example.test' }); break;
      case 'wrong-nonce': token = rs256(header, { ...claims, nonce: 'not-the-nonce' }); break;
      case 'expired': token = rs256(header, { ...claims, iat: now - 7200, exp: now - 3600 }); break;
      case 'unverified-email': token = rs256(header, { ...claims, email_verified: false }); break;
      case 'alg-none': token = `${b64({ alg: 'none', typ: 'JWT' })}.${p}.`; break;
      case 'hs256': {
        const input = `${b64({ alg: 'HS256', typ: 'JWT', kid: header.kid })}.${p}`;
        token = `${input}.${createHmac('sha256', clientSecret).update(input).digest('base64url')}`;
        break;
      }
      case 'unknown-kid': {
        const { privateKey: other } = generateKeyPairSync('rsa', { modulusLength: 2048 });
        token = rs256({ ...header, kid: 'rotated-away' }, claims, other);
        break;
      }
      default: return;
    }
    ctx.body = { ...ctx.body, id_token: token };
  });

  const callback = provider.callback();

  async function interaction(req, res, uid, chosen) {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) return send(res, 400, 'interaction mismatch', 'text/plain');
    const { prompt, params, session } = details;
    const pick = chosen ?? params.login_hint;
    if (pick === 'deny') {
      return provider.interactionFinished(req, res, {
        error: 'access_denied', error_description: 'the test user declined',
      }, { mergeWithLastSubmission: false });
    }
    let accountId = session?.accountId;
    if (prompt.name === 'login' || !accountId) {
      if (!pick) {
        // a person on the dev stack: offer the accounts
        const links = [...accounts.values()].map((a) =>
          `<li><a href="/interaction/${escapeHtml(uid)}/login?account=${encodeURIComponent(a.id)}">` +
          `${escapeHtml(a.name)} &lt;${escapeHtml(a.email)}&gt;${a.email_verified ? '' : ' (unverified)'}</a></li>`);
        return send(res, 200, `<!doctype html><title>Fake Google</title><h1>Fake Google sign-in</h1>` +
          `<ul>${links.join('')}</ul>`, 'text/html; charset=utf-8');
      }
      if (!accounts.has(pick)) return send(res, 400, `no test account "${pick}"`, 'text/plain');
      accountId = pick;
    }
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId, clientId: params.client_id });
    grant.addOIDCScope(String(params.scope ?? 'openid'));
    const grantId = await grant.save();
    return provider.interactionFinished(req, res, {
      login: { accountId }, consent: { grantId },
    }, { mergeWithLastSubmission: false });
  }

  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url, issuer);
      const m = url.pathname.match(/^\/interaction\/([\w-]+)(\/login)?$/);
      if (m && req.method === 'GET') {
        return await interaction(req, res, m[1], m[2] ? url.searchParams.get('account') : undefined);
      }
      if (url.pathname === '/_fake/accounts' && req.method === 'POST') {
        const a = JSON.parse(await readBody(req));
        if (typeof a.id !== 'string' || typeof a.email !== 'string') {
          return send(res, 400, { error: 'id and email are required' });
        }
        accounts.set(a.id, { id: a.id, email: a.email, email_verified: a.email_verified !== false,
          name: a.name ?? a.id, picture: a.picture });
        return send(res, 200, accounts.get(a.id));
      }
      if (url.pathname === '/_fake/sabotage' && req.method === 'POST') {
        const { sub, mode } = JSON.parse(await readBody(req));
        if (!SABOTAGE_MODES.has(mode) || typeof sub !== 'string') {
          return send(res, 400, { error: `mode must be one of ${[...SABOTAGE_MODES].join(', ')}` });
        }
        sabotage.set(sub, mode);
        return send(res, 200, { sub, mode });
      }
      return callback(req, res);
    } catch (e) {
      if (!res.headersSent) send(res, 500, { error: String(e?.message ?? e) });
      else res.destroy();
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    server,
    issuer,
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(resolve); }),
  };
}
