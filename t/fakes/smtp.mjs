// smtp.mjs - a real SMTP server for the tests (smtp-server from npm, the one Nodemailer's
// authors keep), with STARTTLS required and AUTH (PLAIN, LOGIN) for one user, on
// loopback; every message it accepts is parsed with mailparser and kept for the tests.
//
//   SMTP on 127.0.0.1:port      EHLO, STARTTLS (the test stack's certificate), AUTH, MAIL,
//                               RCPT (an address starting "reject" gets 550 5.1.1, for good),
//                               DATA
// Test controls over HTTP on 127.0.0.1:controlPort:
//   GET  /_fake/messages?to=ADDR   the messages received (to that address), oldest first:
//                                  [{id, envelope:{from,to}, messageId, subject, from, to, date,
//                                    headers:{name: value}, text, html, attachments:[{filename,
//                                    contentType, size, sha256}], raw}]
//   POST /_fake/mode {mode}        "ok"; "down": every connection is answered 421 (try later)
//   GET  /_fake/stats              {connections, accepted, rejected, authFailures}
import { createHash } from 'node:crypto';
import http from 'node:http';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';

export async function startSmtp({ port, controlPort, user, password, key, cert }) {
  const messages = [];
  const stats = { connections: 0, accepted: 0, rejected: 0, authFailures: 0 };
  let mode = 'ok';

  const server = new SMTPServer({
    secure: false,
    key,
    cert,
    name: 'smtp.souk.test',
    banner: 'Souk test SMTP',
    authMethods: ['PLAIN', 'LOGIN'],
    authOptional: false,
    // AUTH only after STARTTLS, as a real relay demands
    allowInsecureAuth: false,
    size: 25 * 1024 * 1024,
    logger: false,
    onConnect(session, cb) {
      stats.connections += 1;
      if (mode === 'down') {
        const e = new Error('Service not available, try again later');
        e.responseCode = 421;
        return cb(e);
      }
      return cb();
    },
    onAuth(auth, session, cb) {
      if (!session.secure) return cb(new Error('Must issue a STARTTLS command first'));
      if (auth.username !== user || auth.password !== password) {
        stats.authFailures += 1;
        return cb(new Error('Invalid username or password'));
      }
      return cb(null, { user: auth.username });
    },
    onMailFrom(address, session, cb) {
      if (!session.secure) return cb(Object.assign(new Error('STARTTLS first'), { responseCode: 530 }));
      return cb();
    },
    onRcptTo(address, session, cb) {
      if (/^reject/i.test(address.address)) {
        stats.rejected += 1;
        return cb(Object.assign(new Error('5.1.1 No such user here'), { responseCode: 550 }));
      }
      return cb();
    },
    onData(stream, session, cb) {
      const chunks = [];
      stream.on('data', (c) => chunks.push(c));
      stream.on('end', async () => {
        try {
          const raw = Buffer.concat(chunks);
          const m = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true });
          const headers = {};
          for (const [k, v] of m.headers) headers[k] = typeof v === 'object' && v !== null && 'text' in v ? v.text : String(v?.value ?? v);
          messages.push({
            id: messages.length + 1,
            envelope: { from: session.envelope.mailFrom.address, to: session.envelope.rcptTo.map((r) => r.address) },
            messageId: m.messageId, subject: m.subject, from: m.from?.text, to: m.to?.text,
            date: m.date, headers, text: m.text, html: m.html || '',
            attachments: m.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType,
              size: a.size, sha256: createHash('sha256').update(a.content).digest('hex') })),
            raw: raw.toString('utf8'),
          });
          stats.accepted += 1;
          cb(null, `Ok: queued as ${messages.length}`);
        } catch (e) {
          cb(e);
        }
      });
    },
  });
  server.on('error', () => {}); // a client hanging up mid-session is not the server's failure

  const control = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const send = (status, body) => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(text);
    };
    if (url.pathname === '/_fake/messages' && req.method === 'GET') {
      const to = url.searchParams.get('to');
      return send(200, to ? messages.filter((m) => m.envelope.to.includes(to.toLowerCase()) || m.envelope.to.includes(to)) : messages);
    }
    if (url.pathname === '/_fake/stats') return send(200, stats);
    if (url.pathname === '/_fake/mode' && req.method === 'POST') {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => {
        try {
          const b = JSON.parse(body);
          if (!['ok', 'down'].includes(b.mode)) return send(400, { error: 'mode: ok or down' });
          mode = b.mode;
          return send(200, { mode });
        } catch { return send(400, { error: 'JSON' }); }
      });
      return undefined;
    }
    return send(404, { error: 'not found' });
  });

  await new Promise((resolve, reject) => { server.once('error', reject); server.listen(port, '127.0.0.1', resolve); });
  await new Promise((resolve, reject) => { control.once('error', reject); control.listen(controlPort, '127.0.0.1', resolve); });
  return {
    url: `smtp://127.0.0.1:${port}`,
    control: `http://127.0.0.1:${controlPort}`,
    close: () => Promise.all([new Promise((r) => server.close(r)), new Promise((r) => { control.closeAllConnections?.(); control.close(r); })]),
  };
}
