// seo.tsx - back office: the SEO rules (/admin/seo, seo:manage). One rule
// per scope (the site, products, categories, blog posts, pages): the scope
// chosen is kept in the URL (?scope=); its stored rule, or the built-in one
// when there is none, is edited (title, description and canonical
// templates, robots, enabled), saved (a full replace) or deleted (back to
// the built-in rule). Beside it, a preview of what a path of the site
// resolves to, with the saved rules or with the form's unsaved templates.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type Get, type Post } from '../api/ApiService';
import { Link } from '../lib/router';
import { Button, ErrorBox, Field, FormError, Load, Notice, useAction, useAsync } from '../lib/ui';
import { AdminPage, Confirm, when } from './ui';
import type { AdminRoute } from './types';
import '../styles/admin-people.css';

type RuleList = Get<'/api/v1/admin/seo/rules'>;
type Rule = RuleList['items'][number];
type Scope = Rule['scope'];
type Default = RuleList['defaults'][number];
type Meta = Post<'/api/v1/admin/seo/preview'>;

const SCOPES: { scope: Scope; label: string; sample: string; hint: string }[] = [
  { scope: 'site', label: 'Site', sample: '/', hint: 'The home page and the pages that are not a product, category, blog post or page.' },
  { scope: 'product', label: 'Products', sample: '/products/', hint: 'Each product page (/products/slug).' },
  { scope: 'category', label: 'Categories', sample: '/categories/', hint: 'Each category page (/categories/slug).' },
  { scope: 'blog_post', label: 'Blog posts', sample: '/blog/', hint: 'Each blog post (/blog/slug).' },
  { scope: 'page', label: 'Pages', sample: '/pages/', hint: 'Each content page (/pages/slug).' },
];
const isScope = (s: string | null): s is Scope => SCOPES.some((x) => x.scope === s);
const VARIABLES = ['site_name', 'base_url', 'path', 'title', 'summary', 'excerpt', 'name', 'description', 'slug', 'category', 'price', 'tags'];
const ROBOTS = ['index,follow', 'noindex,follow', 'index,nofollow', 'noindex,nofollow'];
const SHOWN = ['title_template', 'description_template', 'canonical_template', 'robots', 'enabled'];

interface Draft { title_template: string; description_template: string; canonical_template: string; robots: string; enabled: boolean }

function draftOf(r: Rule | Default): Draft {
  return {
    title_template: r.title_template, description_template: r.description_template,
    canonical_template: r.canonical_template, robots: r.robots, enabled: 'enabled' in r ? r.enabled : true,
  };
}
const same = (a: Draft, b: Draft) =>
  a.title_template === b.title_template && a.description_template === b.description_template &&
  a.canonical_template === b.canonical_template && a.robots === b.robots && a.enabled === b.enabled;

function previewOf(body: { path: string } & Partial<Omit<Draft, 'enabled'>>) {
  return api.post('/api/v1/admin/seo/preview', { body });
}

function SeoPage({ query }: { query: URLSearchParams }) {
  const q = query.get('scope');
  const scope: Scope = isScope(q) ? q : 'site';
  const rules = useAsync((signal) => api.get('/api/v1/admin/seo/rules', { signal }), []);
  return (
    <AdminPage title="SEO">
      <p class="muted">What search engines and link previews show for each kind of page. A scope without a rule of its own uses the built-in one.</p>
      <Load state={rules} label="Loading the SEO rules">
        {(list) => {
          const stored = (s: Scope) => list.items.find((r) => r.scope === s);
          const def = list.defaults.find((d) => d.scope === scope);
          const meta = SCOPES.find((s) => s.scope === scope)!;
          return (
            <div class="admin-seo">
              <nav aria-label="Scopes">
                <ul class="admin-seo-scopes">
                  {SCOPES.map((s) => {
                    const r = stored(s.scope);
                    return (
                      <li key={s.scope}>
                        <Link href={s.scope === 'site' ? '/admin/seo' : `/admin/seo?scope=${s.scope}`} aria-current={s.scope === scope ? 'page' : undefined}>
                          {s.label}
                          <span class="small muted">{r ? (r.enabled ? 'Own rule' : 'Own rule, turned off') : 'Built-in rule'}</span>
                        </Link>
                      </li>
                    );
                  })}
                </ul>
              </nav>
              <div>
                <RuleEditor key={scope} scope={scope} label={meta.label} hint={meta.hint} sample={meta.sample}
                  rule={stored(scope)} builtin={def}
                  onSaved={(r) => rules.set({ ...list, items: list.items.some((x) => x.scope === r.scope) ? list.items.map((x) => (x.scope === r.scope ? r : x)) : [...list.items, r] })}
                  onDeleted={() => rules.set({ ...list, items: list.items.filter((x) => x.scope !== scope) })} />
              </div>
            </div>
          );
        }}
      </Load>
    </AdminPage>
  );
}

function RuleEditor({ scope, label, hint, sample, rule, builtin, onSaved, onDeleted }: {
  scope: Scope; label: string; hint: string; sample: string; rule: Rule | undefined; builtin: Default | undefined;
  onSaved: (r: Rule) => void; onDeleted: () => void;
}) {
  const initial = rule ? draftOf(rule) : builtin ? draftOf(builtin) : { title_template: '', description_template: '', canonical_template: '', robots: 'index,follow', enabled: true };
  const [draft, setDraft] = useState<Draft>(initial);
  const [done, setDone] = useState<string | null>(null);
  const [asking, setAsking] = useState(false);
  const dirty = !same(draft, initial);
  const change = (k: keyof Draft) => (e: JSX.TargetedEvent<HTMLInputElement | HTMLTextAreaElement>) => {
    const t = e.currentTarget;
    const v = t instanceof HTMLInputElement && t.type === 'checkbox' ? t.checked : t.value;
    setDraft((d) => ({ ...d, [k]: v }));
    setDone(null);
  };

  const save = useAction(async () => {
    const r = await api.put('/api/v1/admin/seo/rules/{scope}', {
      path: { scope },
      body: {
        title_template: draft.title_template, description_template: draft.description_template,
        canonical_template: draft.canonical_template, robots: draft.robots.trim() || undefined, enabled: draft.enabled,
      },
    });
    onSaved(r);
    setDraft(draftOf(r));
    setDone(r.enabled ? `The ${label.toLowerCase()} rule is saved and in use.` : `The ${label.toLowerCase()} rule is saved, turned off: the built-in rule stays in use.`);
  });
  const del = useAction(async () => {
    await api.delete('/api/v1/admin/seo/rules/{scope}', { path: { scope } });
    setAsking(false);
    onDeleted();
  });
  // after a delete the editor shows the built-in rule
  useEffect(() => { if (!rule && builtin) setDraft(draftOf(builtin)); }, [rule === undefined]);

  const h = `seo-rule-h-${scope}`;
  return (
    <>
      <section class="admin-section admin-seo-form" aria-labelledby={h}>
        <h2 id={h}>{label}</h2>
        <p class="muted">{hint}</p>
        {rule
          ? <p class="small">Own rule, {rule.enabled ? 'in use' : 'turned off'}; last saved {when(rule.updated_at)}.</p>
          : <p class="small">No rule of its own: the built-in rule below is in use. Saving makes it this scope's own rule.</p>}
        <form onSubmit={(e) => { e.preventDefault(); setDone(null); void save.run(); }} noValidate>
          <FormError error={save.error} shown={SHOWN} />
          <Field label="Title template" name="title_template" type="text" required maxLength={500} value={draft.title_template}
            onInput={change('title_template')} error={save.error}
            hint={builtin && builtin.title_template !== draft.title_template ? `Built-in: ${builtin.title_template}` : 'Titles are cut to 60 characters.'} />
          <Field label="Description template" name="description_template" textarea maxLength={1000} value={draft.description_template}
            onInput={change('description_template')} error={save.error}
            hint={builtin && builtin.description_template !== draft.description_template ? `Built-in: ${builtin.description_template || '(empty)'}` : 'One line; descriptions are cut to 160 characters.'} />
          <Field label="Canonical URL template" name="canonical_template" type="text" maxLength={1000} value={draft.canonical_template}
            onInput={change('canonical_template')} error={save.error}
            hint="Empty means the page's own address ({{base_url}}{{path}})." />
          <Field label="Robots" name="robots" type="text" maxLength={100} list="seo-robots" value={draft.robots}
            onInput={change('robots')} error={save.error}
            hint="Comma-separated, no spaces: index or noindex, follow or nofollow, noarchive, nosnippet, noimageindex." />
          <datalist id="seo-robots">{ROBOTS.map((r) => <option key={r} value={r} />)}</datalist>
          <div class="admin-seo-check">
            <input id={`seo-enabled-${scope}`} type="checkbox" checked={draft.enabled} onChange={change('enabled')} />
            <label for={`seo-enabled-${scope}`}>Use this rule (when off, the built-in rule is used)</label>
          </div>
          <p class="admin-seo-vars muted">
            Variables: {VARIABLES.map((v) => <code key={v}>{`{{${v}}}`}</code>)}
          </p>
          {done && <Notice kind="success">{done}</Notice>}
          <div class="actions">
            <Button type="submit" busy={save.busy} disabled={!!rule && !dirty}>{rule ? 'Save the rule' : 'Save as own rule'}</Button>
            {dirty && <Button kind="secondary" onClick={() => { setDraft(initial); save.setError(null); setDone(null); }}>Undo the changes</Button>}
            {builtin && !same(draft, draftOf(builtin)) && (
              <Button kind="secondary" onClick={() => { setDraft(draftOf(builtin)); setDone(null); }}>Start from the built-in rule</Button>
            )}
            {rule && <Button kind="danger" onClick={() => { del.setError(null); setAsking(true); }}>Delete the rule</Button>}
          </div>
          {del.error && !asking && <ErrorBox error={del.error} />}
        </form>
        <Confirm open={asking} title={`Delete the ${label.toLowerCase()} rule?`} confirm="Delete the rule" danger busy={del.busy}
          onConfirm={() => void del.run()} onCancel={() => { setAsking(false); del.setError(null); }}>
          <p>The {label.toLowerCase()} scope goes back to the built-in rule at once.</p>
          {del.error && <ErrorBox error={del.error} />}
        </Confirm>
      </section>
      <Preview scope={scope} sample={sample} draft={draft} />
    </>
  );
}

function Preview({ scope, sample, draft }: { scope: Scope; sample: string; draft: Draft }) {
  const [path, setPath] = useState(sample);
  const [result, setResult] = useState<{ meta: Meta; withForm: boolean } | null>(null);
  const run = useAction(async (withForm: boolean) => {
    const p = path.trim();
    if (!p.startsWith('/')) throw new ApiError(422, 'invalid', 'Please correct the path.', { path: 'Enter a path of the site, starting with /, such as /products/a-slug.' });
    const meta = await previewOf(withForm
      ? { path: p, title_template: draft.title_template, description_template: draft.description_template, canonical_template: draft.canonical_template, robots: draft.robots.trim() || undefined }
      : { path: p });
    setResult({ meta, withForm });
  });
  const h = `seo-preview-h-${scope}`;
  return (
    <section class="admin-section admin-seo-preview" aria-labelledby={h}>
      <h2 id={h}>Preview</h2>
      <form onSubmit={(e) => { e.preventDefault(); void run.run(true); }} noValidate>
        <FormError error={run.error} shown={['path']} />
        <Field label="A path of the site" name="path" type="text" required maxLength={2000} value={path} onInput={(e) => setPath(e.currentTarget.value)}
          error={run.error} hint="Such as /, /products/a-slug, /categories/a-slug, /blog/a-slug or /search?q=tea. The form's templates apply when the path is of this scope." />
        <div class="actions">
          <Button type="submit" busy={run.busy}>Preview with this form</Button>
          <Button kind="secondary" onClick={() => void run.run(false)} disabled={run.busy}>Preview the saved rules</Button>
        </div>
      </form>
      <div aria-live="polite">
        {result && !run.error && <MetaView meta={result.meta} withForm={result.withForm} />}
      </div>
    </section>
  );
}

function MetaView({ meta, withForm }: { meta: Meta; withForm: boolean }) {
  const og = meta.open_graph, tw = meta.twitter;
  return (
    <div class="admin-section">
      <h3>{meta.path} {withForm ? '(with the form’s templates)' : '(with the saved rules)'}</h3>
      {meta.status === 404 && <Notice kind="warning">This path shows nothing (unknown, a draft or hidden): it answers 404 with this meta.</Notice>}
      <div class="card admin-seo-snippet" aria-label="As a search result">
        <p class="t">{meta.title}</p>
        <p class="u">{meta.canonical}</p>
        <p class="d">{meta.description || <span class="muted">(no description)</span>}</p>
      </div>
      <dl class="admin-seo-meta">
        <dt>Title</dt><dd>{meta.title} <span class="muted small">({meta.title.length} characters)</span></dd>
        <dt>Description</dt><dd>{meta.description || '—'} <span class="muted small">({meta.description.length} characters)</span></dd>
        <dt>Canonical</dt><dd>{meta.canonical}</dd>
        <dt>Robots</dt><dd><code>{meta.robots}</code></dd>
        <dt>Open Graph</dt>
        <dd>
          <code>og:type</code> {og.type}; <code>og:title</code> {og.title}; <code>og:url</code> {og.url}; <code>og:site_name</code> {og.site_name}
          {og.description && <>; <code>og:description</code> {og.description}</>}
          ; <code>og:image</code> {og.image ?? 'none'}
        </dd>
        <dt>Twitter card</dt>
        <dd><code>twitter:card</code> {tw.card}; <code>twitter:title</code> {tw.title}; <code>twitter:image</code> {tw.image ?? 'none'}</dd>
        <dt>JSON-LD</dt>
        <dd>
          {meta.json_ld.length === 0
            ? 'None'
            : (
              <details>
                <summary>{meta.json_ld.map((j) => j['@type']).join(', ')}</summary>
                <pre>{JSON.stringify(meta.json_ld, null, 2)}</pre>
              </details>
            )}
        </dd>
      </dl>
    </div>
  );
}

export const seoRoutes: AdminRoute[] = [
  { pattern: '/admin/seo', permission: 'seo:manage', view: ({ query }) => <SeoPage query={query} />, nav: { label: 'SEO', group: 'Site' } },
];
