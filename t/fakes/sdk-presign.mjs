// sdk-presign.mjs - presigned S3 URLs made by the official AWS signer, to
// cross-check Souk's own (src/storage/s3.c) in the API tests.
//
// @smithy/signature-v4 is the signer inside the AWS SDK for JavaScript v3;
// @aws-sdk/s3-request-presigner wraps it with S3's settings, which are used
// here: service "s3", the path encoded once and not normalised
// (uriEscapePath false), UNSIGNED-PAYLOAD. Two of that wrapper's habits are
// left out so that the same inputs give the same signature as Souk's:
//   - it adds X-Amz-Content-Sha256=UNSIGNED-PAYLOAD to the query (a signed
//     parameter S3 does not need; Souk does not send it);
//   - it never signs content-type unless asked (signableHeaders): here every
//     header in signedHeaders is signed, as Souk signs what it is given.
//
//   import { sdkPresign } from '../fakes/sdk-presign.mjs';
//   const url = await sdkPresign({ method: 'GET', url: 'http://127.0.0.1:18093/souk-test/a.zip',
//     accessKey, secretKey, region: 'us-east-1', date: new Date(...), expires: 300 });
//   new URL(url).searchParams.get('X-Amz-Signature')
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';

// SigV4's URI encoding (@smithy's escapeUri).
const escapeUri = (s) => encodeURIComponent(s)
  .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const decode = (s) => decodeURIComponent(s);

/**
 * The SDK's presigned URL for method on url (an object URL, path-style or
 * virtual-hosted, possibly with extra query parameters such as
 * response-content-disposition, which are signed too), as of date (a Date)
 * for expires seconds. signedHeaders ({name: value}) are headers the client
 * must then send exactly (e.g. content-type, content-length). Resolves to
 * the URL: the object URL's origin and path, the query sorted as in the
 * canonical request, X-Amz-Signature last.
 */
export async function sdkPresign({ method, url, accessKey, secretKey, region, date, expires,
  signedHeaders = {} }) {
  const u = new URL(url);
  const query = {};
  for (const part of u.search.slice(1).split('&').filter(Boolean)) {
    const eq = part.indexOf('=');
    const name = decode(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? '' : decode(part.slice(eq + 1));
    query[name] = name in query ? [].concat(query[name], value) : value;
  }
  const headers = { host: u.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' };
  for (const [name, value] of Object.entries(signedHeaders)) headers[name.toLowerCase()] = String(value);

  const signer = new SignatureV4({
    service: 's3', region, credentials: { accessKeyId: accessKey, secretAccessKey: secretKey },
    sha256: Hash.bind(null, 'sha256'), uriEscapePath: false, applyChecksum: false,
  });
  const signed = await signer.presign({
    method, protocol: u.protocol, hostname: u.hostname, port: u.port ? Number(u.port) : undefined,
    // the key as the S3 client puts it in the path: each segment encoded once
    path: u.pathname.split('/').map((seg) => escapeUri(decode(seg))).join('/'),
    query, headers,
  }, {
    signingDate: date, expiresIn: expires,
    // the payload marker is read from this header, which stays out of the URL and the signature
    unhoistableHeaders: new Set(['x-amz-content-sha256']),
    unsignableHeaders: new Set(['x-amz-content-sha256']),
    signableHeaders: new Set(Object.keys(signedHeaders).map((n) => n.toLowerCase())),
  });

  const pairs = [];
  for (const [name, value] of Object.entries(signed.query)) {
    if (name === 'X-Amz-Signature') continue;
    for (const v of [].concat(value)) pairs.push(`${escapeUri(name)}=${escapeUri(v)}`);
  }
  pairs.sort();
  pairs.push(`X-Amz-Signature=${signed.query['X-Amz-Signature']}`);
  return `${u.origin}${signed.path}?${pairs.join('&')}`;
}
