// validate.mjs - checks the stack's answers against the OpenAPI description
// (docs/openapi.yaml). t/api/lib.mjs calls check() after every response of the
// test stack; t/openapi/validate.test.mjs shows what it refuses.
//
// For a request under /api/ (everything else is HTML, XML or files: skipped):
//   - the (method, path) must be an operation of the spec (HEAD is GET's): a path the
//     spec does not describe is a failure, except for what comes before any route: the
//     router's 404 and 405 (an unknown path or method) and nginx's own errors (400 for
//     a path it cannot decode, 429, 413, 502 ...), whose JSON must be the Error schema;
//   - the status must be a response of the operation ("201" or "2XX"): a 1xx/2xx/3xx
//     not listed is a failure; a 4xx/5xx not listed takes "default", else (nginx's 413,
//     429, 502, 504 ... can answer any route) components.responses.Error;
//   - a JSON body (Content-Type application/json or +json) must be allowed by that
//     response (no content = no JSON) and valid against its schema (JSON Schema 2020-12
//     with Ajv and ajv-formats; $refs into components resolved in place).
// Each schema is compiled once, on first use.
//
// SOUK_TEST_OPENAPI=0 turns the check off (for debugging only); SOUK_TEST_OPENAPI_FILE
// names another description (default: docs/openapi.yaml). Until the default file
// exists, the check is skipped with one warning.
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join, relative, resolve } from 'node:path';

// ajv, ajv-formats and yaml come from t/fakes (npm ci from its lockfile)
const require = createRequire(new URL('../fakes/package.json', import.meta.url));
const Ajv2020 = require('ajv/dist/2020.js');
const addFormats = require('ajv-formats');
const YAML = require('yaml');

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const DEFAULT_SPEC = resolve(ROOT, 'docs/openapi.yaml');
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const SPEC_ID = 'https://souk.invalid/openapi.json';
// the statuses a request can get without reaching a route (the router, nginx)
const NO_ROUTE = new Set([400, 404, 405, 408, 413, 414, 429, 500, 502, 503, 504]);

/** Reads a YAML (or JSON) OpenAPI description. Parsing the YAML takes about 0.4 s and
 * each API test file is a process of its own, so the result is kept as JSON in the
 * temporary directory under the hash of the text (the newest only). */
export function loadSpec(file) {
  const text = readFileSync(file, 'utf8');
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 20);
  const cache = join(tmpdir(), `souk-openapi-${hash}.json`);
  try { return JSON.parse(readFileSync(cache, 'utf8')); } catch { /* not cached yet */ }
  const spec = YAML.parse(text, { maxAliasCount: -1 });
  try {
    const tmp = `${cache}.${process.pid}`;
    writeFileSync(tmp, JSON.stringify(spec));
    renameSync(tmp, cache);
    for (const f of readdirSync(tmpdir())) {
      if (/^souk-openapi-[0-9a-f]{20}\.json$/.test(f) && join(tmpdir(), f) !== cache) rmSync(join(tmpdir(), f), { force: true });
    }
  } catch { /* a cache we cannot write costs time only */ }
  return spec;
}

const isJsonType = (ct) => /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i.test(ct ?? '');
const mediaOf = (ct) => (ct ?? '').split(';')[0].trim().toLowerCase();
// a JSON pointer into the spec as a URI fragment (each token ~-escaped, then %-encoded)
const pointer = (tokens) => '#' + tokens.map((t) => '/' +
  encodeURIComponent(String(t).replace(/~/g, '~0').replace(/\//g, '~1'))).join('');
const clip = (s, n = 300) => (s.length > n ? `${s.slice(0, n)}...` : s);

export class OpenApiValidator {
  /** spec: the parsed description; name: how messages call it. */
  constructor(spec, { name = 'openapi.yaml' } = {}) {
    this.spec = spec;
    this.name = name;
    this.validators = new Map();
    this.ajv = new Ajv2020({
      strict: false, // OpenAPI keywords (example, discriminator, xml, x-*) are annotations
      allErrors: true,
      allowUnionTypes: true,
      logger: false,
    });
    addFormats(this.ajv);
    // the spec as one schema document, so '#/components/...' resolves inside it
    this.ajv.addSchema({ $id: SPEC_ID, paths: spec.paths ?? {}, components: spec.components ?? {} });
    // path templates by segment count; a literal segment wins over a parameter
    this.templates = new Map();
    for (const [template, item] of Object.entries(spec.paths ?? {})) {
      const segs = template.split('/');
      const entry = { template, item, segs: segs.map((s) => (/^\{[^}]+\}$/.test(s) ? null : s)) };
      if (!this.templates.has(segs.length)) this.templates.set(segs.length, []);
      this.templates.get(segs.length).push(entry);
    }
    for (const list of this.templates.values()) {
      list.sort((a, b) => {
        for (let i = 0; i < a.segs.length; i++) {
          if ((a.segs[i] === null) !== (b.segs[i] === null)) return a.segs[i] === null ? 1 : -1;
        }
        return 0;
      });
    }
    const err = spec.components?.responses?.Error;
    this.errorFallback = err ? { tokens: ['components', 'responses', 'Error'] } : null;
  }

  /** The operation for method and a raw URL path: {template, op} (op undefined when the
   * path is described but not that method), or null when no path template matches. */
  find(method, pathname) {
    const m = method.toLowerCase() === 'head' ? 'get' : method.toLowerCase();
    const segs = pathname.split('/');
    let first = null;
    for (const e of this.templates.get(segs.length) ?? []) {
      let ok = true;
      for (let i = 0; i < segs.length && ok; i++) {
        ok = e.segs[i] === null ? segs[i] !== '' : e.segs[i] === segs[i];
      }
      if (!ok) continue;
      if (e.item[m]) return { template: e.template, item: e.item, method: m, op: e.item[m] };
      first ??= { template: e.template, item: e.item, method: m, op: undefined };
    }
    return first;
  }

  /** The object at tokens (a path into the spec), its $ref chain followed: [object, its tokens]. */
  deref(tokens) {
    const at = (ts) => ts.reduce((o, t) => (o == null ? o : o[t]), this.spec);
    let obj = at(tokens);
    for (let n = 0; obj && typeof obj.$ref === 'string' && n < 20; n++) {
      if (!obj.$ref.startsWith('#/')) throw new Error(`external $ref ${obj.$ref} is not supported`);
      tokens = obj.$ref.slice(2).split('/').map((t) => decodeURIComponent(t).replace(/~1/g, '/').replace(/~0/g, '~'));
      obj = at(tokens);
    }
    return [obj, tokens];
  }

  /** The compiled validator of the schema at tokens (a path into the spec), cached. */
  validator(tokens) {
    const ref = SPEC_ID + pointer(tokens);
    let v = this.validators.get(ref);
    if (v === undefined) {
      try { v = this.ajv.compile({ $ref: ref }); } catch (e) { v = { compileError: e.message }; }
      this.validators.set(ref, v);
    }
    return v;
  }

  /** Checks a JSON body against the response object at tokens; returns a problem or null. */
  checkBody(tokens, contentType, text) {
    const [res, resTokens] = this.deref(tokens);
    if (!res) return `${tokens.join('.')} does not resolve`;
    const content = res.content ?? {};
    const types = Object.keys(content);
    if (types.length === 0) return `a JSON body, but the spec says no content (${resTokens.join('.')})`;
    const media = mediaOf(contentType);
    const key = types.find((t) => t.toLowerCase() === media) ??
      types.find((t) => isJsonType(t)) ?? types.find((t) => t === 'application/*' || t === '*/*');
    if (key === undefined) return `a JSON body, but the spec documents only ${types.join(', ')}`;
    if (content[key].schema === undefined) return null;
    let body;
    try { body = JSON.parse(text); } catch { return `Content-Type ${media}, but the body is not JSON: ${clip(text, 120)}`; }
    const v = this.validator([...resTokens, 'content', key, 'schema']);
    if (v.compileError) return `the schema of ${resTokens.join('.')} does not compile: ${v.compileError}`;
    if (v(body)) return null;
    const errors = v.errors.slice(0, 6).map((e) => {
      let extra = '';
      if (e.params?.additionalProperty !== undefined) extra = ` (${JSON.stringify(e.params.additionalProperty)})`;
      else if (e.params?.allowedValues) extra = ` (${e.params.allowedValues.map((x) => JSON.stringify(x)).join(', ')})`;
      return `${e.instancePath || '/'} ${e.message}${extra}`;
    });
    if (v.errors.length > 6) errors.push(`... ${v.errors.length - 6} more`);
    return `the body does not match ${resTokens.join('.')}: ${errors.join('; ')}; body: ${clip(text)}`;
  }

  /** A response to check: returns null when it conforms, else a message naming method,
   * path, status and what is wrong. */
  check({ method, path, status, contentType, text = '' }) {
    const pathname = path.split('?')[0];
    if (!pathname.startsWith('/api/')) return null;
    const fail = (why) => `OpenAPI (${this.name}): ${method.toUpperCase()} ${pathname} -> ${status}: ${why}`;
    const json = isJsonType(contentType) && text !== '' && method.toUpperCase() !== 'HEAD';
    const found = this.find(method, pathname);
    if (!found?.op) {
      // the router's answer to an unknown path or method, or nginx's before any route
      if (NO_ROUTE.has(status) && this.errorFallback) {
        if (!isJsonType(contentType)) return fail('not described in the spec, and not a JSON error');
        if (!json) return null;
        const p = this.checkBody(this.errorFallback.tokens, contentType, text);
        return p ? fail(p) : null;
      }
      if (found) {
        const have = METHODS.filter((m) => found.item[m]).map((m) => m.toUpperCase());
        return fail(`not described: the spec has ${found.template} only for ${have.join(', ') || 'no method'}`);
      }
      return fail('not described: no path of the spec matches');
    }
    const responses = found.op.responses ?? {};
    const where = ['paths', found.template, found.method, 'responses'];
    const s = String(status);
    const key = [s, `${s[0]}XX`, `${s[0]}xx`].find((k) => responses[k] !== undefined) ??
      (status >= 400 && responses.default !== undefined ? 'default' : undefined);
    let tokens;
    if (key !== undefined) tokens = [...where, key];
    else if (status >= 400 && this.errorFallback) tokens = this.errorFallback.tokens;
    else return fail(`status ${status} is not documented (documented: ${Object.keys(responses).join(', ') || 'none'})`);
    if (!json) return null;
    const p = this.checkBody(tokens, contentType, text);
    return p ? fail(p) : null;
  }
}

let shared; // the process's validator: undefined = not loaded, null = off
/** The validator the API tests use (SOUK_TEST_OPENAPI, SOUK_TEST_OPENAPI_FILE), or null.
 * SOUK_TEST_OPENAPI_STATS=1 prints what the checks cost when the process exits. */
export function testValidator() {
  if (shared !== undefined) return shared;
  const t0 = performance.now();
  shared = null;
  if (process.env.SOUK_TEST_OPENAPI_STATS === '1') {
    process.on('exit', () => {
      if (!shared?.stats) return;
      const { calls, ms } = shared.stats;
      console.error(`t/openapi/validate.mjs: loaded in ${shared.stats.loadMs.toFixed(0)} ms; ` +
        `${calls} responses checked in ${ms.toFixed(0)} ms (${shared.validators.size} schemas compiled)`);
    });
  }
  if (process.env.SOUK_TEST_OPENAPI === '0') return shared;
  const named = process.env.SOUK_TEST_OPENAPI_FILE;
  const file = named ? resolve(named) : DEFAULT_SPEC;
  if (!existsSync(file)) {
    if (named) throw new Error(`SOUK_TEST_OPENAPI_FILE=${named}: no such file`);
    // (console, not emitWarning: the API tests run with NODE_NO_WARNINGS=1)
    console.error(`t/openapi/validate.mjs: ${relative(ROOT, file)} does not exist yet: API responses are not checked against it`);
    return shared;
  }
  try {
    shared = new OpenApiValidator(loadSpec(file), { name: relative(ROOT, file).startsWith('..') ? file : relative(ROOT, file) });
    if (process.env.SOUK_TEST_OPENAPI_STATS === '1') {
      const v = shared;
      const check = v.check.bind(v);
      v.stats = { calls: 0, ms: 0, loadMs: performance.now() - t0 };
      v.check = (r) => { const t = performance.now(); try { return check(r); } finally { v.stats.calls++; v.stats.ms += performance.now() - t; } };
    }
  } catch (e) {
    // a description that does not parse fails every call, not none
    const failed = new Error(`OpenAPI: cannot load ${file}: ${e.message}`);
    shared = { check() { throw failed; } };
  }
  return shared;
}
