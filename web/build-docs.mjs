#!/usr/bin/env node
// build-docs.mjs - the API reference page at /docs/api, from docs/openapi.yaml:
//
//   node web/build-docs.mjs [SPEC [OUTDIR]]   (docs/openapi.yaml, web/dist/docs/api)
//   bash web/build-docs.sh [SPEC [OUTDIR]]    (the same; what ./souk's web_build runs)
//
// Run it after `vite build` (which empties web/dist). redocly build-docs (web/package.json's
// @redocly/cli, themed by docs/redocly.yaml) prerenders Redoc into one HTML file that
// would load Redoc from cdn.redocly.com; this serves the same Redoc version from here
// instead, so the page works offline and under a CSP with script-src 'self':
//   index.html                the prerendered page (its styles inline, as Redoc's
//                             styled-components also add at run time)
//   redoc.standalone.js       the npm redoc package's bundle, the version build-docs names
//   redoc-init.js             the page's state (the spec) and Redoc.hydrate(), which
//                             build-docs writes as an inline script
// It fails if anything in the page would still load from another host. nginx serves
// the directory with its own CSP (nginx/nginx.conf.in, $souk_csp).
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const WEB = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(WEB, '..');
const BASE = '/docs/api/'; // where nginx serves OUTDIR (absolute: /docs/api answers too)
const spec = resolve(process.argv[2] ?? join(ROOT, 'docs/openapi.yaml'));
const out = resolve(process.argv[3] ?? join(WEB, 'dist/docs/api'));
const die = (msg) => { console.error(`build-docs: ${msg}`); process.exit(1); };

if (!existsSync(spec)) {
  if (process.argv[2] !== undefined) die(`${spec} does not exist`);
  // until the spec is written, the page is simply not built (./souk up still works)
  console.error(`build-docs: ${relative(ROOT, spec)} does not exist yet: no /docs/api page`);
  process.exit(0);
}
const require = createRequire(join(WEB, 'package.json'));
let cliPkg;
try { cliPkg = require.resolve('@redocly/cli/package.json'); } catch { die('no @redocly/cli in web/node_modules (cd web && npm ci)'); }
const cli = join(dirname(cliPkg), 'bin/cli.js');
// the redoc build-docs prerenders with is the one whose bundle must hydrate the page
const redocPkg = createRequire(cliPkg).resolve('redoc/package.json');
const redocVersion = JSON.parse(readFileSync(redocPkg, 'utf8')).version;
const bundle = join(dirname(redocPkg), 'bundles/redoc.standalone.js');

const TEMPLATE = `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{{title}}</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="icon" href="/favicon.svg">
  <style>body { margin: 0; padding: 0; }</style>
  {{{redocHead}}}
</head>
<body>
  {{{redocHTML}}}
</body>
</html>
`;

const tmp = mkdtempSync(join(tmpdir(), 'souk-docs-'));
try {
  writeFileSync(join(tmp, 'template.hbs'), TEMPLATE);
  try {
    execFileSync(process.execPath, [cli, 'build-docs', spec, '--config', join(ROOT, 'docs/redocly.yaml'),
      '--lint-config', 'error', '--disableGoogleFont', '-t', join(tmp, 'template.hbs'), '-o', join(tmp, 'index.html')],
    { stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } });
  } catch { die('redocly build-docs failed'); }
  let html = readFileSync(join(tmp, 'index.html'), 'utf8');

  // Redoc from here, not from the CDN
  const cdn = /<script src="https:\/\/cdn\.redocly\.com\/redoc\/v([^/"]+)\/bundles\/redoc\.standalone\.js"><\/script>/g;
  const tags = [...html.matchAll(cdn)];
  if (tags.length !== 1) die(`expected one Redoc <script> from the CDN in build-docs' page, found ${tags.length} (a new @redocly/cli?)`);
  if (tags[0][1] !== redocVersion) die(`build-docs names Redoc ${tags[0][1]}, but redoc ${redocVersion} is installed`);
  html = html.replace(cdn, `<script src="${BASE}redoc.standalone.js"></script>`);

  // the inline state and hydrate() into a file of their own
  const inline = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)];
  if (inline.length !== 1 || !/Redoc\.hydrate\(/.test(inline[0][1])) die(`expected one inline <script> with Redoc.hydrate(), found ${inline.length}`);
  html = html.replace(inline[0][0], () => `<script src="${BASE}redoc-init.js"></script>`);
  // build-docs prerenders with its own React (19 as installed) while the bundle
  // hydrates with React 18: React reports the mismatch as recoverable errors and
  // renders the page afresh, which is all that happens; without the callback each
  // one would show as "Uncaught Error #418" in the console
  const hydrate = /Redoc\.hydrate\(__redoc_state, container\);/;
  if (!hydrate.test(inline[0][1])) die('Redoc.hydrate(__redoc_state, container) not found in the inline script');
  const init = `${inline[0][1].trim().replace(hydrate,
    'Redoc.hydrate(__redoc_state, container, function () { /* the page is rendered afresh */ });')}\n`;

  // nothing may load from elsewhere: no inline scripts or handlers left, and no
  // src/href (except links) nor CSS url()/@import naming another host
  const problems = [];
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
    if (!/\bsrc=/.test(m[1]) || m[2].trim()) problems.push(`an inline script: ${m[0].slice(0, 80)}`);
  }
  const external = /^\s*(?:[a-z][a-z0-9+.-]*:)?\/\//i;
  const links = new Set();
  for (const m of html.matchAll(/<([a-zA-Z][\w-]*)((?:\s+[^\s=>]+(?:=(?:"[^"]*"|'[^']*'|[^\s>]*))?)*)\s*\/?>/g)) {
    const [, tag, attrs] = m;
    for (const a of attrs.matchAll(/([^\s=]+)=(?:"([^"]*)"|'([^']*)'|([^\s>]*))/g)) {
      const name = a[1].toLowerCase();
      const value = a[2] ?? a[3] ?? a[4];
      if (/^on/.test(name)) problems.push(`an inline handler ${name} on <${tag}>`);
      if (!['src', 'href', 'srcset', 'poster', 'action', 'formaction', 'data', 'xlink:href'].includes(name)) continue;
      if (!external.test(value) && !/^\s*javascript:/i.test(value)) continue;
      if (tag.toLowerCase() === 'a' && name === 'href' && !/^\s*javascript:/i.test(value)) { links.add(new URL(value, 'https://x/').host); continue; }
      problems.push(`<${tag} ${name}="${value}">`);
    }
  }
  for (const m of html.matchAll(/url\(\s*['"]?((?:[a-z][a-z0-9+.-]*:)?\/\/[^)'"]*)|@import\s+(?:url\()?\s*['"]?([^'");\s]+)/gi)) {
    if (m[2] !== undefined || !/^data:/i.test(m[1])) problems.push(`CSS loading ${m[1] ?? m[2]}`);
  }
  if (problems.length) die(`the page would load from elsewhere:\n  ${problems.join('\n  ')}`);

  // into place (OUTDIR holds only this page's files)
  const next = `${out}.new`;
  rmSync(next, { recursive: true, force: true });
  mkdirSync(next, { recursive: true });
  writeFileSync(join(next, 'index.html'), html);
  writeFileSync(join(next, 'redoc-init.js'), init);
  copyFileSync(bundle, join(next, 'redoc.standalone.js'));
  copyFileSync(`${bundle}.LICENSE.txt`, join(next, 'redoc.standalone.js.LICENSE.txt'));
  rmSync(out, { recursive: true, force: true });
  renameSync(next, out);
  const kib = (s) => `${Math.ceil(Buffer.byteLength(s) / 1024)} KiB`;
  console.log(`build-docs: ${relative(process.cwd(), out) || '.'}/index.html (${kib(html)}, state ${kib(init)}, Redoc ${redocVersion})` +
    (links.size ? `; links (not loaded) to ${[...links].sort().join(', ')}` : ''));
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
