#!/usr/bin/env node
// routes.mjs - the route table (src/api/routes.c) and the OpenAPI description
// (docs/openapi.yaml) describe the same API:
//
//   node t/openapi/routes.mjs [--spec FILE] [--routes FILE]
//
// Fails (exit 1, one line a problem) unless
//   - the set of (method, path) of the spec's operations is exactly the route table's:
//     a route without a description fails, and so does a described path or method that
//     is not a route (HEAD is served by GET routes, so the spec describes no HEAD);
//   - every operation has an operationId, and no two share one;
//   - each operation's x-souk-permission is its route's permission: "signed-in" for
//     ROUTE_SIGNED_IN, the permission's name, or absent for NULL (public);
//   - ROUTE_TEST_ONLY routes, and only they, carry x-souk-test-only: true.
// t/openapi/routes.test.mjs shows it failing on each of these.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { relative, resolve } from 'node:path';

const require = createRequire(new URL('../fakes/package.json', import.meta.url));
const YAML = require('yaml'); // from t/fakes (npm ci from its lockfile)

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** The rows of `const struct route api_routes[] = {...};` in C source text:
 * [{method, pattern, handler, permission (null | '' for ROUTE_SIGNED_IN | name), flags: [...], line}].
 * Throws on a row it cannot read, so a table it misreads never passes. */
export function parseRoutes(source, file = 'routes.c') {
  // comments out (kept as spaces and newlines, so line numbers hold)
  const text = source.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, (c) => c.replace(/[^\n]/g, ' '));
  const start = /\bapi_routes\s*\[\s*\]\s*=\s*\{/.exec(text);
  if (!start) throw new Error(`${file}: no api_routes[] table`);
  const routes = [];
  let i = start.index + start[0].length;
  const lineAt = (pos) => text.slice(0, pos).split('\n').length;
  for (;;) {
    while (i < text.length && /[\s,]/.test(text[i])) i++;
    if (text[i] === '}') break;
    if (text[i] !== '{') throw new Error(`${file}:${lineAt(i)}: expected a route row, found ${JSON.stringify(text.slice(i, i + 30))}`);
    let end = i + 1; // the row's closing brace, outside string literals ("/x/{id}")
    for (let str = false; end < text.length && (str || text[end] !== '}'); end++) {
      if (text[end] === '\\' && str) end++;
      else if (text[end] === '"') str = !str;
    }
    if (end >= text.length) throw new Error(`${file}:${lineAt(i)}: unterminated route row`);
    const row = text.slice(i + 1, end);
    const m = /^\s*"([A-Z]+)"\s*,\s*"([^"]+)"\s*,\s*([A-Za-z_]\w*)\s*,\s*(NULL|ROUTE_SIGNED_IN|"[^"]*")\s*,\s*([A-Z0-9_|\s]+?)\s*$/.exec(row);
    if (!m) throw new Error(`${file}:${lineAt(i)}: cannot read the route row {${row.replace(/\s+/g, ' ').trim()}}`);
    const flags = m[5].split('|').map((f) => f.trim());
    if (flags.some((f) => !/^(0|ROUTE_[A-Z_]+)$/.test(f))) throw new Error(`${file}:${lineAt(i)}: cannot read the flags ${m[5]}`);
    routes.push({
      method: m[1], pattern: m[2], handler: m[3],
      permission: m[4] === 'NULL' ? null : m[4] === 'ROUTE_SIGNED_IN' ? '' : m[4].slice(1, -1),
      flags: flags.filter((f) => f !== '0'), line: lineAt(i),
    });
    i = end + 1;
  }
  if (routes.length === 0) throw new Error(`${file}: the route table is empty`);
  return routes;
}

/** What x-souk-permission must say for a route's permission (undefined = absent). */
export const permissionName = (p) => (p === null ? undefined : p === '' ? 'signed-in' : p);

/** The problems between routes (parseRoutes) and spec (a parsed OpenAPI object): [] when they agree. */
export function checkSpec(routes, spec) {
  const problems = [];
  const ops = new Map();
  for (const [path, item] of Object.entries(spec?.paths ?? {})) {
    for (const method of METHODS) {
      if (item?.[method] !== undefined) ops.set(`${method.toUpperCase()} ${path}`, { path, method, op: item[method] });
    }
  }
  const byKey = new Map();
  for (const r of routes) {
    const key = `${r.method} ${r.pattern}`;
    if (byKey.has(key)) problems.push(`routes.c:${r.line}: ${key} is in the table twice`);
    byKey.set(key, r);
  }
  // the same path with other parameter names: worth naming in the message
  const shape = (p) => p.replace(/\{[^}]*\}/g, '{}');
  for (const [key, r] of byKey) {
    if (ops.has(key)) continue;
    const near = [...ops.keys()].find((k) => shape(k) === shape(key));
    problems.push(`route without a description: ${key} (routes.c:${r.line}, ${r.handler})` +
      (near ? `; the spec has ${near}` : ''));
  }
  for (const key of ops.keys()) {
    if (!byKey.has(key)) problems.push(`described but not a route: ${key}`);
  }
  const ids = new Map();
  for (const [key, { op }] of ops) {
    const id = op?.operationId;
    if (typeof id !== 'string' || id === '') problems.push(`no operationId: ${key}`);
    else if (ids.has(id)) problems.push(`operationId ${id} is used twice: ${ids.get(id)} and ${key}`);
    else ids.set(id, key);
    const r = byKey.get(key);
    if (!r) continue;
    const want = permissionName(r.permission);
    const have = op?.['x-souk-permission'];
    if (have !== want) {
      problems.push(`x-souk-permission of ${key}: the spec says ${have === undefined ? '(none)' : JSON.stringify(have)}, ` +
        `the route ${want === undefined ? 'is public (NULL): leave it out' : `needs ${JSON.stringify(want)}`}`);
    }
    const testOnly = r.flags.includes('ROUTE_TEST_ONLY');
    if (testOnly && op?.['x-souk-test-only'] !== true) problems.push(`x-souk-test-only: true missing on ${key} (ROUTE_TEST_ONLY)`);
    if (!testOnly && op?.['x-souk-test-only'] !== undefined && op['x-souk-test-only'] !== false) {
      problems.push(`x-souk-test-only on ${key}, which is not a ROUTE_TEST_ONLY route`);
    }
  }
  return problems;
}

function main(argv) {
  let specFile = resolve(ROOT, 'docs/openapi.yaml');
  let routesFile = resolve(ROOT, 'src/api/routes.c');
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--spec') specFile = resolve(argv[++i]);
    else if (argv[i] === '--routes') routesFile = resolve(argv[++i]);
    else { console.error('usage: routes.mjs [--spec FILE] [--routes FILE]'); return 2; }
  }
  const name = (f) => (relative(ROOT, f).startsWith('..') ? f : relative(ROOT, f));
  let routes, spec;
  try {
    routes = parseRoutes(readFileSync(routesFile, 'utf8'), name(routesFile));
    spec = YAML.parse(readFileSync(specFile, 'utf8'), { maxAliasCount: -1 });
  } catch (e) {
    console.error(`routes.mjs: ${e.message}`);
    return 1;
  }
  const problems = checkSpec(routes, spec);
  if (problems.length) {
    console.error(`routes.mjs: ${name(specFile)} and ${name(routesFile)} disagree (${problems.length}):`);
    for (const p of problems) console.error(`  ${p}`);
    return 1;
  }
  console.log(`routes.mjs: ${routes.length} routes, each described once in ${name(specFile)}, with its permission`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
