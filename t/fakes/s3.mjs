// s3.mjs - a stand-in for Amazon S3: s3rver (npm) for the storage, with
// AWS Signature Version 4 checked in front of it, on 127.0.0.1 only.
//
// Why a gate in front: s3rver 3.7.1 checks only Signature Version 2. For a
// Version 4 request (Authorization header or X-Amz-* query) it looks up the
// access key and the presigned URL's expiry and accepts any signature; it
// also serves anonymous requests. The gate (verifySigV4 below) refuses, as
// S3 does:
//   - a request with no authentication (403 AccessDenied; CORS preflights pass);
//   - a wrong access key (403 InvalidAccessKeyId), a credential scope for
//     another date, region or service (400 AuthorizationHeaderMalformed /
//     AuthorizationQueryParametersError);
//   - a signature that is not the one the official AWS signer
//     (@smithy/signature-v4, what the AWS SDK for JavaScript v3 uses) computes
//     from the request as received: method, path, every query parameter,
//     every header named in SignedHeaders with its value as sent (403
//     SignatureDoesNotMatch, with the CanonicalRequest and StringToSign S3
//     would show). So a changed X-Amz-Expires, a different Content-Type or
//     Content-Length than the one signed, another key or method all fail;
//   - an x-amz-* header that is not signed (403 AccessDenied, HeadersNotSigned);
//   - SignedHeaders without host;
//   - a presigned URL past X-Amz-Date + X-Amz-Expires (403 AccessDenied
//     "Request has expired"), or dated more than 15 minutes ahead, or an
//     X-Amz-Expires outside 1..604800 (400);
//   - an Authorization-header request whose x-amz-date (or Date) is more than
//     15 minutes off (403 RequestTimeTooSkewed), or without
//     x-amz-content-sha256 (400);
//   - a body whose SHA-256 is not its x-amz-content-sha256 (400
//     XAmzContentSHA256Mismatch; such bodies are read whole first, at most
//     64 MiB); STREAMING-* (aws-chunked) payloads are not supported (501).
// What passes goes to s3rver unchanged (path-style, or virtual-hosted as
// <bucket>.s3.localhost[:port]: s3rver's serviceEndpoint is "localhost").
//
// s3rver keeps objects under `dir`; the bucket is created at start.
import { createHash, timingSafeEqual } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';

import { Hash } from '@smithy/hash-node';
import { SignatureV4, getCanonicalHeaders } from '@smithy/signature-v4';
import S3rver from 's3rver';

const require = createRequire(import.meta.url);
const AWSAccount = require('s3rver/lib/models/account.js');
const S3Error = require('s3rver/lib/models/error.js');

const SKEW_MS = 15 * 60 * 1000;
const EXPIRES_MAX = 604800;
const SIGNED_BODY_MAX = 64 * 1024 * 1024;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

function fail(code, message, detail = {}, status) {
  const err = new S3Error(code, message, detail);
  if (status) err.status = status;
  return err;
}

function parseAmzDate(s) {
  const m = AMZ_DATE.exec(s ?? '');
  return m ? new Date(Date.UTC(+m[1], m[2] - 1, +m[3], +m[4], +m[5], +m[6])) : null;
}

// The query as sent: [name, value] pairs, percent-decoded ('+' is a plus).
function parseQuery(raw) {
  if (!raw) return [];
  return raw.split('&').filter(Boolean).map((part) => {
    const eq = part.indexOf('=');
    const dec = (s) => { try { return decodeURIComponent(s); } catch { return s; } };
    return eq < 0 ? [dec(part), ''] : [dec(part.slice(0, eq)), dec(part.slice(eq + 1))];
  });
}

// SigV4's URI encoding (what @smithy's escapeUri does).
const escapeUri = (s) => encodeURIComponent(s)
  .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

// S3's canonical URI: the path decoded, then each segment encoded once.
function canonicalPath(rawPath) {
  return rawPath.split('/').map((seg) => {
    try { return escapeUri(decodeURIComponent(seg)); } catch { return seg; }
  }).join('/');
}

// Header values as sent, repeated names joined with ',' (SigV4's rule).
function rawHeaderMap(rawHeaders) {
  const map = new Map();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase();
    map.set(name, map.has(name) ? `${map.get(name)},${rawHeaders[i + 1]}` : rawHeaders[i + 1]);
  }
  return map;
}

function sameHex(a, b) {
  const x = Buffer.from(String(a)), y = Buffer.from(String(b));
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * A Koa middleware that checks AWS Signature Version 4 as S3 does (see the
 * top of this file). On success, the request goes on; on failure it throws
 * an S3Error that s3rver renders as S3's XML error.
 */
export function verifySigV4({ accessKey, secretKey, region }) {
  const signer = new SignatureV4({
    service: 's3', region, credentials: { accessKeyId: accessKey, secretAccessKey: secretKey },
    sha256: Hash.bind(null, 'sha256'), uriEscapePath: false, applyChecksum: false,
  });

  return async function sigv4Gate(ctx, next) {
    if (ctx.method === 'OPTIONS') return next(); // CORS preflight: never signed
    const query = parseQuery(ctx.querystring);
    const q = new Map(query);
    const headers = rawHeaderMap(ctx.req.rawHeaders);
    const presigned = q.has('X-Amz-Algorithm');
    const authorization = headers.get('authorization');

    if (!presigned && authorization === undefined) {
      throw fail('AccessDenied', 'Access Denied (this stand-in serves signed requests only)');
    }
    if (presigned && authorization !== undefined) {
      throw fail('InvalidArgument', 'Only one auth mechanism allowed');
    }

    let credential, signedHeaders, signature, date, payloadHash;
    const now = Date.now();
    if (presigned) {
      if (q.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') {
        throw fail('AuthorizationQueryParametersError', 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
      }
      for (const name of ['X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature']) {
        if (!q.has(name)) {
          throw fail('AuthorizationQueryParametersError',
            'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, ' +
            'X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.');
        }
      }
      credential = q.get('X-Amz-Credential');
      signedHeaders = q.get('X-Amz-SignedHeaders');
      signature = q.get('X-Amz-Signature');
      date = parseAmzDate(q.get('X-Amz-Date'));
      if (!date) {
        throw fail('AuthorizationQueryParametersError',
          "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
      }
      const expires = q.get('X-Amz-Expires');
      if (!/^\d{1,6}$/.test(expires) || +expires < 1 || +expires > EXPIRES_MAX) {
        throw fail('AuthorizationQueryParametersError',
          'X-Amz-Expires must be a number of seconds from 1 to 604800');
      }
      if (now > date.getTime() + +expires * 1000) {
        throw fail('AccessDenied', 'Request has expired', {
          'X-Amz-Expires': expires,
          Expires: new Date(date.getTime() + +expires * 1000).toISOString().replace(/\.\d+/, ''),
          ServerTime: new Date(now).toISOString().replace(/\.\d+/, ''),
        });
      }
      if (date.getTime() - now > SKEW_MS) throw fail('AccessDenied', 'Request is not valid yet');
      payloadHash = 'UNSIGNED-PAYLOAD';
    } else {
      const m = /^AWS4-HMAC-SHA256 +Credential=([^,]+), *SignedHeaders=([^,]+), *Signature=([0-9a-f]+)$/
        .exec(authorization);
      if (!m) {
        throw fail('AuthorizationHeaderMalformed', 'The authorization header is malformed; it must be ' +
          '"AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=..."');
      }
      [, credential, signedHeaders, signature] = m;
      const stamp = headers.get('x-amz-date') ?? headers.get('date');
      date = parseAmzDate(stamp) ?? (stamp ? new Date(stamp) : null);
      if (!date || Number.isNaN(date.getTime())) {
        throw fail('AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header');
      }
      if (Math.abs(now - date.getTime()) > SKEW_MS) {
        throw fail('RequestTimeTooSkewed',
          'The difference between the request time and the current time is too large.');
      }
      payloadHash = headers.get('x-amz-content-sha256');
      if (payloadHash === undefined) {
        throw fail('InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
      }
      if (!/^([0-9a-f]{64}|UNSIGNED-PAYLOAD)$/.test(payloadHash)) {
        if (payloadHash.startsWith('STREAMING-')) {
          throw fail('NotImplemented', 'aws-chunked uploads are not supported by this stand-in', {}, 501);
        }
        throw fail('InvalidArgument', 'x-amz-content-sha256 must be UNSIGNED-PAYLOAD or a valid sha256 value.');
      }
    }

    // the credential scope: key/date/region/s3/aws4_request
    const [keyId, scopeDate, scopeRegion, scopeService, terminator, ...rest] = credential.split('/');
    const malformed = presigned ? 'AuthorizationQueryParametersError' : 'AuthorizationHeaderMalformed';
    if (rest.length || terminator !== 'aws4_request' || scopeService !== 's3') {
      throw fail(malformed, `The credential is malformed; expecting "<YOUR-AKID>/YYYYMMDD/${region}/s3/aws4_request".`);
    }
    if (keyId !== accessKey) {
      throw fail('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.',
        { AWSAccessKeyId: keyId });
    }
    const longDate = date.toISOString().replace(/[-:]|\.\d+/g, '');
    if (scopeDate !== longDate.slice(0, 8)) {
      throw fail(malformed, `The credential date "${scopeDate}" is not the request's date "${longDate.slice(0, 8)}".`);
    }
    if (scopeRegion !== region) {
      throw fail(malformed, `The region '${scopeRegion}' is wrong; expecting '${region}'`, { Region: region });
    }

    const signed = signedHeaders.split(';');
    if (!signed.includes('host')) {
      throw fail(malformed, 'SignedHeaders must include host');
    }
    const missing = signed.filter((h) => !headers.has(h));
    if (missing.length) {
      throw fail('AccessDenied', `Signed headers are missing from the request: ${missing.join(', ')}`);
    }
    const unsigned = [...headers.keys()].filter((h) => h.startsWith('x-amz-') && !signed.includes(h));
    if (unsigned.length) {
      throw fail('AccessDenied', 'There were headers present in the request which were not signed',
        { HeadersNotSigned: unsigned.join(', ') });
    }

    // the official signer, over the request as received
    const request = {
      method: ctx.method,
      path: canonicalPath(ctx.path),
      query: {},
      headers: Object.fromEntries(signed.map((h) => [h, headers.get(h)])),
    };
    for (const [name, value] of query) {
      if (name === 'X-Amz-Signature') continue;
      const prev = request.query[name];
      request.query[name] = prev === undefined ? value : [].concat(prev, value);
    }
    const canonicalHeaders = getCanonicalHeaders(request, undefined, new Set(signed));
    const canonicalRequest = signer.createCanonicalRequest(request, canonicalHeaders, payloadHash);
    const scope = `${scopeDate}/${region}/s3/aws4_request`;
    const expected = await signer.getSignature(longDate, scope,
      signer.getSigningKey({ accessKeyId: accessKey, secretAccessKey: secretKey }, region, scopeDate, 's3'),
      canonicalRequest);
    if (!sameHex(signature, expected)) {
      const stringToSign = await signer.createStringToSign(longDate, scope, canonicalRequest, 'AWS4-HMAC-SHA256');
      throw fail('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature ' +
        'you provided. Check your key and signing method.',
      { AWSAccessKeyId: keyId, StringToSign: stringToSign, SignatureProvided: signature,
        CanonicalRequest: canonicalRequest });
    }

    // a signed body must be the bytes it was signed as
    if (!presigned && payloadHash !== 'UNSIGNED-PAYLOAD' && ['PUT', 'POST'].includes(ctx.method)) {
      const chunks = [];
      let size = 0;
      for await (const chunk of ctx.req) {
        size += chunk.length;
        if (size > SIGNED_BODY_MAX) throw fail('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', {}, 400);
        chunks.push(chunk);
      }
      const body = Buffer.concat(chunks);
      const actual = createHash('sha256').update(body).digest('hex');
      if (actual !== payloadHash) {
        throw fail('XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.",
          { ClientComputedContentSHA256: payloadHash, S3ComputedContentSHA256: actual }, 400);
      }
      ctx.req = Readable.from([body]);
    }
    return next();
  };
}

/**
 * Starts the stand-in: resolves to {server, url, bucket, region, dir, close()}.
 * port 0 picks a free port. dir (optional) holds the objects; without it a
 * temporary folder is made (and left for the caller to remove: see start.mjs).
 */
export async function startS3({ port, bucket, accessKey, secretKey, dir, region = 'us-east-1' }) {
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket ?? '')) throw new Error(`bad bucket name: ${bucket}`);
  if (!accessKey || !secretKey) throw new Error('an access key and a secret key are needed');
  const directory = dir ?? mkdtempSync(join(tmpdir(), 'souk-s3-'));

  // s3rver looks the key up itself once the gate has passed a request
  AWSAccount.DUMMY_ACCOUNT.createKeyPair(accessKey, secretKey);
  const app = new S3rver({
    address: '127.0.0.1', port, silent: true, directory,
    serviceEndpoint: 'localhost', vhostBuckets: false, allowMismatchedSignatures: false,
    configureBuckets: [{ name: bucket }],
  });
  app.middleware.unshift(verifySigV4({ accessKey, secretKey, region }));
  const address = await app.run();
  const url = `http://127.0.0.1:${address.port}`;
  return {
    server: app.httpServer, url, bucket, region, dir: directory,
    close: () => new Promise((resolve) => {
      app.httpServer.closeAllConnections?.();
      app.httpServer.close(() => resolve());
    }),
  };
}
