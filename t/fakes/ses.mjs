// ses.mjs - a stand-in for Amazon SES v2's SendEmail (raw content), on loopback, that
// checks each request's Signature Version 4 with the official AWS signer
// (@smithy/signature-v4, what the AWS SDK for JavaScript signs with):
//
//   POST /v2/email/outbound-emails  {FromEmailAddress, Destination:{ToAddresses:[..]},
//                                    Content:{Raw:{Data: base64}}}  -> 200 {MessageId}
//     403 {message} for a missing or wrong signature, a wrong key, region or service, a
//     date more than 5 minutes off; 400 MessageRejected for a recipient starting "reject"
//     (SES's answer for a message it will not send); 400 BadRequestException for a body
//     that is not what SendEmail takes.
// Test controls (no signature): GET /_fake/ses/messages -> [{messageId, from, to, raw}],
// GET /_fake/ses/stats -> {accepted, refused}.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { Hash } from '@smithy/hash-node';
import { readBody } from './http.mjs';

export async function startSes({ port, accessKey, secretKey, region }) {
  const signer = new SignatureV4({
    service: 'ses', region, credentials: { accessKeyId: accessKey, secretAccessKey: secretKey },
    sha256: Hash.bind(null, 'sha256'),
  });
  const messages = [];
  const stats = { accepted: 0, refused: 0 };

  const send = (res, status, body) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-requestid': randomBytes(8).toString('hex') });
    res.end(text);
  };
  const refuse = (res, status, type, message) => {
    stats.refused += 1;
    res.setHeader('x-amzn-errortype', type);
    return send(res, status, { message });
  };

  async function check(req, body) {
    const auth = req.headers.authorization ?? '';
    const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(auth);
    if (!m) return 'the Authorization header is not SigV4';
    const [, key, day, reg, service, signedHeaders, signature] = m;
    if (key !== accessKey) return 'The security token included in the request is invalid.';
    if (reg !== region || service !== 'ses') return `Credential should be scoped to a valid region (${region}) and service (ses)`;
    const stamp = req.headers['x-amz-date'] ?? '';
    const when = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(stamp);
    if (!when || stamp.slice(0, 8) !== day) return 'x-amz-date is missing or not the credential date';
    const date = new Date(Date.UTC(+when[1], +when[2] - 1, +when[3], +when[4], +when[5], +when[6]));
    if (Math.abs(Date.now() - date.getTime()) > 5 * 60 * 1000) return 'Signature expired';
    const hash = createHash('sha256').update(body).digest('hex');
    if (req.headers['x-amz-content-sha256'] && req.headers['x-amz-content-sha256'] !== hash) return 'the body is not what was signed';
    const names = signedHeaders.split(';');
    if (!names.includes('host')) return 'host must be signed';
    const headers = {};
    for (const n of names) {
      if (req.headers[n] === undefined) return `signed header ${n} is missing`;
      headers[n] = req.headers[n];
    }
    const url = new URL(req.url, `http://${req.headers.host}`);
    const signed = await signer.sign({
      method: req.method, protocol: 'http:', hostname: url.hostname, port: url.port ? Number(url.port) : undefined,
      path: url.pathname, query: Object.fromEntries(url.searchParams), headers, body,
    }, { signingDate: date, unsignableHeaders: new Set(), signableHeaders: new Set(names) });
    const want = /Signature=([0-9a-f]{64})/.exec(signed.headers.authorization)[1];
    const a = Buffer.from(want), b = Buffer.from(signature);
    return a.length === b.length && timingSafeEqual(a, b) ? null : 'The request signature we calculated does not match the signature you provided.';
  }

  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://127.0.0.1');
      const body = await readBody(req);
      if (url.pathname === '/_fake/ses/messages') return send(res, 200, messages);
      if (url.pathname === '/_fake/ses/stats') return send(res, 200, stats);
      if (url.pathname !== '/v2/email/outbound-emails' || req.method !== 'POST') {
        return refuse(res, 404, 'NotFoundException', 'not found');
      }
      const bad = await check(req, body);
      if (bad) return refuse(res, 403, 'SignatureDoesNotMatch', bad);
      let b;
      try { b = JSON.parse(body); } catch { return refuse(res, 400, 'BadRequestException', 'the body is not JSON'); }
      const to = b?.Destination?.ToAddresses;
      const data = b?.Content?.Raw?.Data;
      if (typeof b?.FromEmailAddress !== 'string' || !Array.isArray(to) || to.length !== 1 || typeof data !== 'string') {
        return refuse(res, 400, 'BadRequestException', 'FromEmailAddress, Destination.ToAddresses and Content.Raw.Data are required');
      }
      if (/^reject/i.test(to[0])) return refuse(res, 400, 'MessageRejected', 'Email address is not verified.');
      const id = `0109${randomBytes(12).toString('hex')}-000000`;
      messages.push({ messageId: id, from: b.FromEmailAddress, to: to[0], raw: Buffer.from(data, 'base64').toString('utf8') });
      stats.accepted += 1;
      return send(res, 200, { MessageId: id });
    } catch (e) {
      if (!res.headersSent) send(res, 500, { message: String(e?.message ?? e) });
      return undefined;
    }
  });
  await new Promise((resolve, reject) => { server.once('error', reject); server.listen(port, '127.0.0.1', resolve); });
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(r); }) };
}
