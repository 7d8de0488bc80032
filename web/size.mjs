// size.mjs - the storefront's first-load JavaScript budget: the scripts that
// web/dist/index.html loads before anything else (its module entry and the
// chunks it preloads), gzipped as nginx sends them. Fails above 100 KB.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BUDGET = 100 * 1024;
const dist = join(dirname(fileURLToPath(import.meta.url)), 'dist');
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const files = new Set();
for (const m of html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g)) files.add(m[1]);
for (const m of html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)) files.add(m[1]);
if (files.size === 0) { console.error('size.mjs: index.html loads no module script'); process.exit(1); }
let raw = 0, gz = 0;
for (const f of files) {
  const b = readFileSync(join(dist, f.replace(/^\//, '')));
  raw += b.length;
  gz += gzipSync(b, { level: 6 }).length;
}
const kb = (n) => (n / 1024).toFixed(1);
console.log(`storefront first load: ${kb(gz)} KB of JavaScript gzipped (${kb(raw)} KB raw, ${files.size} file${files.size === 1 ? '' : 's'}; budget ${kb(BUDGET)} KB)`);
if (gz > BUDGET) process.exit(1);
