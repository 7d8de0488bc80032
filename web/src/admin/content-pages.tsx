// content-pages.tsx - back office: CMS pages. The list (with "New page"),
// and the editor of one page: title and slug, its blocks (added, edited,
// moved, removed), Save draft, a live preview, Publish / Unpublish, and the
// kept versions with Roll back. Every write names the version the editor
// started from; a 409 (someone else saved) offers to load the page again.
import { useState } from 'preact/hooks';
import { api, ApiError } from '../api/ApiService';
import type { components } from '../api/types';
import { Link, navigate } from '../lib/router';
import { Button, ErrorBox, Field, FormError, Load, Notice, Spinner, useAction, useAsync } from '../lib/ui';
import { AdminPage, Confirm, PagedFooter, Status, usePaged, when } from './ui';
import type { AdminRoute } from './types';
import {
  BLOCK_TYPES, BlockForm, LivePreview, RenderedPreview, SelectField, newBlock, shownPaths, toEdit, toInput, useDebounced, useFocusAfter,
  type BlockType, type EditBlock, type Rec,
} from './content-blocks';
import '../styles/admin-content.css';

type PageAdmin = components['schemas']['CmsPageAdmin'];
type PageSummary = components['schemas']['CmsPageSummary'];

/** A 409 because the page moved on (not because a slug is taken). */
export const isStale = (e: ApiError | null) => !!e && e.status === 409 && !/slug/i.test(e.message);
/** A taken slug is a 409 without fields: made a field error, so it shows beside the Slug field. */
export const slugTaken = (e: unknown) =>
  e instanceof ApiError && e.status === 409 && !isStale(e) && Object.keys(e.fields).length === 0 ? new ApiError(409, e.code, e.message, { slug: e.message }) : e;

function pageStatus(p: { published_version: number | null; unpublished_changes: boolean }) {
  if (p.published_version === null) return <Status value="draft" />;
  return <>{<Status value="published" />}{p.unpublished_changes && <span class="muted small"> draft has changes</span>}</>;
}

/* ---------------------------------------------------------------- list */

function NewPage() {
  const [slug, setSlug] = useState('');
  const [title, setTitle] = useState('');
  const create = useAction(async () => {
    const p = await api.post('/api/v1/admin/pages', { body: { slug: slug.trim(), title: title.trim(), blocks: [] } }).catch((e: unknown) => { throw slugTaken(e); });
    navigate(`/admin/pages/${encodeURIComponent(p.slug)}`);
  });
  return (
    <form class="admin-section card content-new" onSubmit={(e) => { e.preventDefault(); void create.run(); }} aria-labelledby="new-page-h">
      <h2 id="new-page-h">New page</h2>
      <FormError error={create.error} shown={['slug', 'title']} />
      <div class="content-row">
        <Field label="Title" name="title" error={create.error} required value={title} onInput={(e) => setTitle((e.target as HTMLInputElement).value)} />
        <Field label="Slug (the address: /pages/slug)" name="slug" error={create.error} required hint="Lower-case letters, digits and dashes." value={slug}
          onInput={(e) => setSlug((e.target as HTMLInputElement).value)} />
      </div>
      <Button type="submit" busy={create.busy}>Create page</Button>
    </form>
  );
}

function PagesList() {
  const list = usePaged<PageSummary>((cursor, signal) => api.get('/api/v1/admin/pages', { query: { cursor: cursor ?? undefined }, signal }), 'pages');
  const [adding, setAdding] = useState(false);
  return (
    <AdminPage title="Pages" actions={<Button kind={adding ? 'secondary' : 'primary'} aria-expanded={adding} onClick={() => setAdding(!adding)}>{adding ? 'Close the new page form' : 'New page'}</Button>}>
      {adding && <NewPage />}
      <div class="admin-table-wrap">
        <table class="admin-table">
          <caption class="visually-hidden">CMS pages</caption>
          <thead><tr><th scope="col">Title</th><th scope="col">Slug</th><th scope="col">Status</th><th scope="col" class="num">Version</th><th scope="col">Updated</th></tr></thead>
          <tbody>
            {list.items.map((p) => (
              <tr key={p.slug}>
                <td><Link href={`/admin/pages/${encodeURIComponent(p.slug)}`}>{p.title || p.slug}</Link></td>
                <td><code>{p.slug}</code></td>
                <td>{pageStatus(p)}</td>
                <td class="num">{p.version}{p.published_version !== null && p.published_version !== p.version ? ` (live: ${p.published_version})` : ''}</td>
                <td>{when(p.updated_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <PagedFooter list={list} empty="No pages yet." />
    </AdminPage>
  );
}

/* -------------------------------------------------------------- editor */

function Versions({ page, dirty, onRolledBack, onView }: { page: PageAdmin; dirty: boolean; onRolledBack: (p: PageAdmin) => void; onView: (v: number, title: string, blocks: EditBlock[]) => void }) {
  const list = usePaged((cursor, signal) => api.get('/api/v1/admin/pages/{slug}/versions', { path: { slug: page.slug }, query: { cursor: cursor ?? undefined }, signal }), `${page.slug}:${page.version}:${page.published_version}`);
  const [target, setTarget] = useState<number | null>(null);
  const rollback = useAction(async (to: number) => {
    const p = await api.post('/api/v1/admin/pages/{slug}/rollback', { path: { slug: page.slug }, body: { version: page.version, to_version: to } });
    setTarget(null);
    onRolledBack(p);
  });
  const [viewing, setViewing] = useState<number | null>(null);
  const view = useAction(async (v: number) => {
    setViewing(v);
    const got = await api.get('/api/v1/admin/pages/{slug}/versions/{version}', { path: { slug: page.slug, version: v } });
    // a kept version's rich text may lack html (written by SQL): previewed from its Markdown
    onView(v, got.title, got.blocks.map(toEdit));
    document.getElementById('preview-h')?.scrollIntoView({ block: 'nearest' });
  });
  return (
    <section class="admin-section" aria-labelledby="versions-h">
      <h2 id="versions-h">Versions</h2>
      <ErrorBox error={view.error} />
      <div class="admin-table-wrap">
        <table class="admin-table">
          <thead><tr><th scope="col" class="num">Version</th><th scope="col">Title</th><th scope="col" class="num">Blocks</th><th scope="col">Saved</th><th scope="col">By</th><th scope="col">State</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
          <tbody>
            {list.items.map((v) => (
              <tr key={v.version}>
                <td class="num">{v.version}</td>
                <td>{v.title}</td>
                <td class="num">{v.blocks}</td>
                <td>{when(v.created_at)}</td>
                <td>{v.created_by ?? '—'}</td>
                <td>{v.current && <span class="status status-muted">draft</span>} {v.published && <Status value="published" />}</td>
                <td class="content-actions-cell">
                  <Button kind="secondary" class="btn-small" busy={view.busy && viewing === v.version} disabled={view.busy} onClick={() => void view.run(v.version)}>Show<span class="visually-hidden"> version {v.version}</span></Button>
                  {!v.current && <Button kind="secondary" class="btn-small" onClick={() => { rollback.setError(null); setTarget(v.version); }}>Roll back<span class="visually-hidden"> to version {v.version}</span></Button>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <PagedFooter list={list} empty="No versions kept." />
      <Confirm open={target !== null} title={`Roll back to version ${target ?? ''}?`} confirm="Roll back and publish" danger busy={rollback.busy}
        onConfirm={() => { if (target !== null) void rollback.run(target); }} onCancel={() => setTarget(null)}>
        <p>Version {target}'s title and blocks become a new version of the draft, and that version is <strong>published at once</strong>.</p>
        {dirty && <p><strong>Your unsaved changes on this screen will be lost.</strong></p>}
        {rollback.error && <ErrorBox error={rollback.error} />}
      </Confirm>
    </section>
  );
}

function Editor({ initial, onRenamed }: { initial: PageAdmin; onRenamed: (slug: string) => void }) {
  const [page, setPage] = useState(initial);
  const [title, setTitle] = useState(initial.title);
  const [slug, setSlug] = useState(initial.slug);
  const [blocks, setBlocks] = useState<EditBlock[]>(() => initial.draft.blocks.map(toEdit));
  const [dirty, setDirty] = useState(false);
  const [addType, setAddType] = useState<BlockType>('rich_text');
  const [done, setDone] = useState<string | null>(null);
  const [previewMode, setPreviewMode] = useState<'live' | 'server'>('live');
  const [shown, setShown] = useState<{ label: string; title: string; blocks: EditBlock[] } | null>(null);
  const [confirmUnpublish, setConfirmUnpublish] = useState(false);
  const focusAfter = useFocusAfter();
  const debounced = useDebounced(blocks);

  const reset = (p: PageAdmin, message: string | null) => {
    setPage(p); setTitle(p.title); setSlug(p.slug); setBlocks(p.draft.blocks.map(toEdit)); setDirty(false); setDone(message);
    if (p.slug !== page.slug) {
      onRenamed(p.slug);
      navigate(`/admin/pages/${encodeURIComponent(p.slug)}`, { replace: true, scroll: false });
    }
  };
  const edit = (fn: (b: EditBlock[]) => EditBlock[]) => { setBlocks(fn); setDirty(true); setDone(null); };

  const save = useAction(async () => {
    const body: components['schemas']['CmsPageUpdate'] = { version: page.version, title: title.trim(), blocks: toInput(blocks) };
    if (slug.trim() !== page.slug) body.slug = slug.trim();
    const p = await api.patch('/api/v1/admin/pages/{slug}', { path: { slug: page.slug }, body }).catch((e: unknown) => { throw slugTaken(e); });
    reset(p, `Draft saved as version ${p.version}. It is not live until you publish it.`);
  });
  const publish = useAction(async () => {
    const p = await api.post('/api/v1/admin/pages/{slug}/publish', { path: { slug: page.slug }, body: { version: page.version } });
    setPage(p); setDone(`Version ${p.version} is live.`);
  });
  const unpublish = useAction(async () => {
    const p = await api.post('/api/v1/admin/pages/{slug}/unpublish', { path: { slug: page.slug }, body: {} });
    setPage(p); setConfirmUnpublish(false); setDone('The page is no longer on the site. Its draft and versions are kept.');
  });
  const reload = useAction(async () => {
    const p = await api.get('/api/v1/admin/pages/{slug}', { path: { slug: page.slug } });
    reset(p, `Loaded version ${p.version}.`);
    save.setError(null); publish.setError(null);
  });
  const server = useAsync(
    (signal) => (previewMode === 'server' ? api.get('/api/v1/admin/pages/{slug}/preview', { path: { slug: page.slug }, signal }) : Promise.resolve(null)),
    [previewMode, page.slug, page.version],
  );

  const stale = [save.error, publish.error].find(isStale) ?? null;
  const err = save.error && !isStale(save.error) ? save.error : null;

  const move = (i: number, d: -1 | 1) => {
    const b = blocks[i]!;
    edit((xs) => { const ys = xs.slice(); ys.splice(i, 1); ys.splice(i + d, 0, b); return ys; });
    focusAfter(`blk-${b.key}-${d < 0 ? 'up' : 'down'}`, `blk-${b.key}-${d < 0 ? 'down' : 'up'}`);
  };
  const remove = (i: number) => {
    const next = blocks[i + 1] ?? blocks[i - 1];
    edit((xs) => xs.filter((_, j) => j !== i));
    focusAfter(next ? `blk-${next.key}-h` : 'add-block-type');
  };
  const add = () => {
    const b = newBlock(addType);
    edit((xs) => [...xs, b]);
    focusAfter(`blk-${b.key}-h`);
  };
  // FormError lists what is not beside a field; the editor's own fields and blocks are
  const shownFields = ['title', 'slug', 'version', ...shownPaths(save.error)];

  return (
    <AdminPage title={`Page: ${page.title || page.slug}`} actions={
      <>
        {page.published_version !== null && <a class="btn btn-secondary" href={`/pages/${encodeURIComponent(page.slug)}`} target="_blank" rel="noopener">View live page<span class="visually-hidden"> (opens a new tab)</span></a>}
        <Link class="btn btn-secondary" href="/admin/pages">All pages</Link>
      </>
    }>
      <p class="content-meta">
        {pageStatus(page)} Draft version {page.version}{page.published_version !== null ? `, live version ${page.published_version} (published ${when(page.published_at)})` : ', not published'}.
        {' '}Last changed {when(page.updated_at)}{page.updated_by ? ` by ${page.updated_by}` : ''}.
      </p>
      {done && <Notice kind="success">{done}</Notice>}
      {stale && (
        <div class="notice notice-warning" role="alert">
          <p><strong>This page was changed elsewhere.</strong> {stale.message}</p>
          <p><Button kind="secondary" busy={reload.busy} onClick={() => void reload.run()}>Load the latest version (discards your changes here)</Button></p>
          <ErrorBox error={reload.error} />
        </div>
      )}
      <div class="content-editor">
        <form class="content-edit-col" onSubmit={(e) => { e.preventDefault(); void save.run(); }} aria-label="Edit the draft">
          <FormError error={err} shown={shownFields} />
          <div class="content-row">
            <Field label="Title" name="title" error={err} required value={title} onInput={(e) => { setTitle((e.target as HTMLInputElement).value); setDirty(true); setDone(null); }} />
            <Field label="Slug" name="slug" error={err} required hint="Changing it changes the page's address." value={slug} onInput={(e) => { setSlug((e.target as HTMLInputElement).value); setDirty(true); setDone(null); }} />
          </div>
          <h2>Blocks</h2>
          {err?.fields.blocks && <p class="field-error" role="alert">{err.fields.blocks}</p>}
          {blocks.length === 0 && <p class="muted">No blocks yet: add one below.</p>}
          {blocks.map((b, i) => (
            <BlockForm key={b.key} b={b} index={i} count={blocks.length} error={err}
              onChange={(data: Rec) => edit((xs) => xs.map((x) => (x.key === b.key ? { ...x, data } : x)))}
              onMove={(d) => move(i, d)} onRemove={() => remove(i)} />
          ))}
          <div class="content-add card">
            <SelectField label="New block type" path="add-block-type" error={null} value={addType} options={BLOCK_TYPES.map((t) => t.type)} labels={Object.fromEntries(BLOCK_TYPES.map((t) => [t.type, t.label]))}
              onChange={(v) => setAddType(v as BlockType)} />
            <Button id="add-block-type" kind="secondary" disabled={blocks.length >= 100} onClick={add}>Add block</Button>
          </div>
          <div class="content-savebar">
            <Button type="submit" busy={save.busy}>Save draft</Button>
            <Button kind="secondary" busy={publish.busy} disabled={dirty} onClick={() => void publish.run()} aria-describedby={dirty ? 'publish-hint' : undefined}>
              Publish version {page.version}
            </Button>
            {page.published_version !== null && <Button kind="secondary" onClick={() => { unpublish.setError(null); setConfirmUnpublish(true); }}>Unpublish</Button>}
            {dirty && <span id="publish-hint" class="muted small">Unsaved changes: save the draft before publishing.</span>}
          </div>
          {publish.error && !isStale(publish.error) && <ErrorBox error={publish.error} />}
        </form>
        <aside class="content-preview-col" aria-labelledby="preview-h">
          <div class="content-preview-head">
            <h2 id="preview-h">Preview</h2>
            <div role="group" aria-label="Preview of">
              <Button kind={previewMode === 'live' && !shown ? 'primary' : 'secondary'} class="btn-small" aria-pressed={previewMode === 'live' && !shown} onClick={() => { setShown(null); setPreviewMode('live'); }}>This screen</Button>
              <Button kind={previewMode === 'server' && !shown ? 'primary' : 'secondary'} class="btn-small" aria-pressed={previewMode === 'server' && !shown} onClick={() => { setShown(null); setPreviewMode('server'); }}>Saved draft</Button>
            </div>
          </div>
          {shown ? (
            <>
              <p class="muted">Showing {shown.label}: “{shown.title}”. <Button kind="link" onClick={() => setShown(null)}>Back to the draft</Button></p>
              <div class="content-preview"><LivePreview blocks={shown.blocks} /></div>
            </>
          ) : previewMode === 'live' ? (
            <>
              <p class="muted small">With your unsaved changes. Text blocks are rendered here approximately; “Saved draft” shows them as the site will.</p>
              <div class="content-preview"><p class="content-preview-title">{title}</p><LivePreview blocks={debounced} /></div>
            </>
          ) : (
            <Load state={server} label="Rendering the saved draft">
              {(p) => p && (
                <>
                  <p class="muted small">Version {p.version} as the site will show it{dirty ? ' (without your unsaved changes)' : ''}.</p>
                  <div class="content-preview"><p class="content-preview-title">{p.title}</p><RenderedPreview blocks={p.blocks} /></div>
                </>
              )}
            </Load>
          )}
        </aside>
      </div>
      <Versions page={page} dirty={dirty} onRolledBack={(p) => reset(p, `Rolled back: version ${p.version} is the draft and is live.`)}
        onView={(v, t, bs) => setShown({ label: `version ${v}`, title: t, blocks: bs })} />
      <Confirm open={confirmUnpublish} title="Unpublish this page?" confirm="Unpublish" danger busy={unpublish.busy}
        onConfirm={() => void unpublish.run()} onCancel={() => setConfirmUnpublish(false)}>
        <p>The page will no longer be on the site (its address answers “not found”). The draft and every version are kept; you can publish again.</p>
        {unpublish.error && <ErrorBox error={unpublish.error} />}
      </Confirm>
    </AdminPage>
  );
}

function PageEditor({ slug }: { slug: string }) {
  // a page renamed in the editor keeps its editor (and its messages) at the new address
  const [alias, setAlias] = useState<Record<string, string>>({});
  const state = useAsync((signal) => api.get('/api/v1/admin/pages/{slug}', { path: { slug }, signal }), [slug]);
  if (state.error?.status === 404) {
    return <AdminPage title="Page not found"><p>There is no page “{slug}”. <Link href="/admin/pages">All pages</Link></p></AdminPage>;
  }
  if (!state.data && !state.error) return <AdminPage title="Page"><Spinner label="Loading the page" /></AdminPage>;
  return <Load state={state} label="Loading the page">{(p) => <Editor key={alias[p.slug] ?? p.slug} initial={p} onRenamed={(n) => setAlias((a) => ({ ...a, [n]: a[slug] ?? slug }))} />}</Load>;
}

export const pageRoutes: AdminRoute[] = [
  { pattern: '/admin/pages', permission: 'cms:write', view: () => <PagesList />, nav: { label: 'Pages', group: 'Content' } },
  { pattern: '/admin/pages/:slug', permission: 'cms:write', view: ({ params }) => <PageEditor slug={params.slug!} /> },
];
