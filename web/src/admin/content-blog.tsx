// content-blog.tsx - back office: the blog. The list of every post (by
// status), and the editor: title, slug, excerpt, cover, tags, the Markdown
// body with a preview, and what happens to the post (a draft, published
// now, scheduled for a date and time, archived); Delete behind a Confirm.
import { useState } from 'preact/hooks';
import { api, type ApiError } from '../api/ApiService';
import type { components } from '../api/types';
import { Link, navigate, setQuery } from '../lib/router';
import { Button, ErrorBox, Field, FormError, Load, Notice, useAction, useAsync } from '../lib/ui';
import { ProductDescription } from '../components/ProductDescription';
import { AdminPage, Confirm, PagedFooter, Status, usePaged, when } from './ui';
import type { AdminRoute } from './types';
import { SelectField, TextArea } from './content-blocks';
import { isStale, slugTaken } from './content-pages';
import '../styles/admin-content.css';

type S = components['schemas'];
type Post = S['BlogPostAdmin'];
type PostStatus = S['BlogPostStatus'];
const STATUSES: PostStatus[] = ['draft', 'scheduled', 'published', 'archived'];

function PostsList({ query }: { query: URLSearchParams }) {
  const status = query.get('status') ?? '';
  const list = usePaged(
    (cursor, signal) => api.get('/api/v1/admin/blog', { query: { status: (STATUSES as string[]).includes(status) ? (status as PostStatus) : undefined, cursor: cursor ?? undefined }, signal }),
    status,
  );
  return (
    <AdminPage title="Blog" actions={<Link class="btn btn-primary" href="/admin/blog/new">New post</Link>}>
      <div class="admin-filters" role="search" aria-label="Filter posts">
        <SelectField label="Status" path="status" error={null} value={status} optional="Any status" options={STATUSES} onChange={(v) => setQuery({ status: v })} />
      </div>
      <div class="admin-table-wrap">
        <table class="admin-table">
          <caption class="visually-hidden">Blog posts, newest first</caption>
          <thead><tr><th scope="col">Title</th><th scope="col">Status</th><th scope="col">Publication</th><th scope="col">Tags</th><th scope="col">Updated</th></tr></thead>
          <tbody>
            {list.items.map((p) => (
              <tr key={p.id}>
                <td><Link href={`/admin/blog/${p.id}`}>{p.title}</Link><br /><code class="small">{p.slug}</code></td>
                <td><Status value={p.status} /></td>
                <td>{when(p.published_at)}</td>
                <td>{p.tags.join(', ') || '—'}</td>
                <td>{when(p.updated_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <PagedFooter list={list} empty="No posts." />
    </AdminPage>
  );
}

/** An ISO timestamp as a datetime-local value (the browser's time zone). */
function toLocalInput(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
}
/** A datetime-local value (local time) as an ISO timestamp, or null. */
function fromLocalInput(v: string): string | null {
  if (!v) return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

const parseTags = (s: string) => s.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean);

function Editor({ post, onSaved }: { post: Post | null; onSaved: (p: Post, message: string) => void }) {
  const [title, setTitle] = useState(post?.title ?? '');
  const [slug, setSlug] = useState(post?.slug ?? '');
  const [excerpt, setExcerpt] = useState(post?.excerpt ?? '');
  const [cover, setCover] = useState(post?.cover_image_url ?? '');
  const [tags, setTags] = useState((post?.tags ?? []).join(', '));
  const [body, setBody] = useState(post?.body ?? '');
  const [status, setStatus] = useState<PostStatus>(post?.status ?? 'draft');
  const [at, setAt] = useState(toLocalInput(post?.status === 'scheduled' ? post.published_at : null));
  const [tab, setTab] = useState<'write' | 'preview'>('write');
  const [confirmDelete, setConfirmDelete] = useState(false);

  const publication = (): { status: PostStatus; published_at?: string | null } => {
    if (status === 'scheduled') return { status, published_at: fromLocalInput(at) };
    // publishing a post that was not live: now (a scheduled one's date is dropped)
    if (status === 'published' && post && post.status !== 'published') return { status, published_at: null };
    return { status };
  };
  const save = useAction(async () => {
    const common = { title: title.trim(), body, tags: parseTags(tags), cover_image_url: cover.trim() || null, ...publication() };
    if (!post) {
      const p = await api.post('/api/v1/admin/blog', { body: { ...common, ...(slug.trim() ? { slug: slug.trim() } : {}), ...(excerpt.trim() ? { excerpt: excerpt.trim() } : {}) } }).catch((e: unknown) => { throw slugTaken(e); });
      onSaved(p, 'Post created.');
      return;
    }
    const upd: S['BlogPostUpdate'] = { version: post.version, ...common };
    if (slug.trim() !== post.slug) upd.slug = slug.trim();
    if (excerpt !== post.excerpt) upd.excerpt = excerpt.trim();
    const p = await api.patch('/api/v1/admin/blog/{id}', { path: { id: post.id }, body: upd }).catch((e: unknown) => { throw slugTaken(e); });
    onSaved(p, p.status === 'scheduled' ? `Saved: scheduled for ${when(p.published_at)}.` : p.status === 'published' ? 'Saved and published.' : `Saved as ${p.status}.`);
  });
  const del = useAction(async () => {
    if (!post) return;
    await api.delete('/api/v1/admin/blog/{id}', { path: { id: post.id } });
    navigate('/admin/blog');
  });
  const reload = useAction(async () => {
    if (!post) return;
    const p = await api.get('/api/v1/admin/blog/{id}', { path: { id: post.id } });
    onSaved(p, `Loaded version ${p.version}.`);
  });
  const err: ApiError | null = save.error && !isStale(save.error) ? save.error : null;
  const shown = ['title', 'slug', 'excerpt', 'cover_image_url', 'tags', 'body', 'status', 'published_at'];
  const statusHint: Record<PostStatus, string> = {
    draft: 'Not on the site.',
    published: post?.status === 'published' ? `On the site since ${when(post.published_at)}.` : 'On the site as soon as you save.',
    scheduled: 'Appears on the site by itself at the date and time below (your time zone).',
    archived: 'Hidden from the site; kept here.',
  };

  return (
    <>
      {save.error && isStale(save.error) && (
        <div class="notice notice-warning" role="alert">
          <p><strong>This post was changed elsewhere.</strong> {save.error.message}</p>
          <p><Button kind="secondary" busy={reload.busy} onClick={() => void reload.run()}>Load the latest version (discards your changes here)</Button></p>
          <ErrorBox error={reload.error} />
        </div>
      )}
      <form class="content-blog-form" onSubmit={(e) => { e.preventDefault(); void save.run(); }} aria-label={post ? 'Edit the post' : 'Write a post'}>
        <FormError error={err} shown={shown} />
        <Field label="Title (required)" name="title" error={err} required value={title} onInput={(e) => setTitle((e.target as HTMLInputElement).value)} />
        <div class="content-row">
          <Field label="Slug" name="slug" error={err} hint={post ? 'The address: /blog/slug.' : 'Made from the title when empty.'} value={slug} onInput={(e) => setSlug((e.target as HTMLInputElement).value)} />
          <Field label="Tags" name="tags" error={err} hint="Separated by commas (lower-case letters, digits, dashes)." value={tags} onInput={(e) => setTags((e.target as HTMLInputElement).value)} />
        </div>
        <Field label="Cover image address" name="cover_image_url" error={err} hint="An https:// address or a path on the site; empty for none." value={cover} onInput={(e) => setCover((e.target as HTMLInputElement).value)} />
        <TextArea label="Excerpt" name="excerpt" error={err} rows={3} hint={post ? 'Shown in lists and feeds.' : 'Cut from the body when empty.'} value={excerpt} onInput={setExcerpt} />

        <div class="content-tabs" role="group" aria-label="Body">
          <Button kind={tab === 'write' ? 'primary' : 'secondary'} class="btn-small" aria-pressed={tab === 'write'} onClick={() => setTab('write')}>Write</Button>
          <Button kind={tab === 'preview' ? 'primary' : 'secondary'} class="btn-small" aria-pressed={tab === 'preview'} onClick={() => setTab('preview')}>Preview</Button>
        </div>
        {tab === 'write'
          ? <TextArea label="Body (Markdown)" name="body" error={err} rows={18} value={body} onInput={setBody} hint="GitHub-flavoured Markdown; raw HTML is removed." />
          : (
            <section class="content-preview" aria-label="Preview of the body">
              <p class="muted small">An approximation: the site renders the Markdown on save.</p>
              {body.trim() ? <ProductDescription source={body} baseLevel={2} /> : <p class="muted">The body is empty.</p>}
              {err?.fields.body && <p class="field-error">{err.fields.body}</p>}
            </section>
          )}

        <fieldset class="content-pub">
          <legend>Publication</legend>
          {STATUSES.map((s) => (
            <label key={s} class="content-radio">
              <input type="radio" name="status" value={s} checked={status === s} onChange={() => setStatus(s)} />
              {' '}{s === 'published' ? (post?.status === 'published' ? 'Published' : 'Publish now') : s === 'scheduled' ? 'Schedule' : s === 'draft' ? 'Draft' : 'Archived'}
            </label>
          ))}
          <p class="field-hint">{statusHint[status]}</p>
          {err?.fields.status && <p class="field-error">{err.fields.status}</p>}
          {status === 'scheduled' && (
            <Field label="Publish at" name="published_at" error={err} type="datetime-local" required value={at} onInput={(e) => setAt((e.target as HTMLInputElement).value)} />
          )}
        </fieldset>
        <div class="content-savebar">
          <Button type="submit" busy={save.busy}>{post ? 'Save' : 'Create post'}</Button>
          {post && <Button kind="danger" onClick={() => { del.setError(null); setConfirmDelete(true); }}>Delete</Button>}
          {post?.status === 'published' && <a class="btn btn-secondary" href={`/blog/${encodeURIComponent(post.slug)}`} target="_blank" rel="noopener">View on the site<span class="visually-hidden"> (opens a new tab)</span></a>}
        </div>
      </form>
      <Confirm open={confirmDelete} title="Delete this post?" confirm="Delete for good" danger busy={del.busy} onConfirm={() => void del.run()} onCancel={() => setConfirmDelete(false)}>
        <p>“{post?.title}” is deleted for good. To hide it but keep it, choose Archived instead.</p>
        {del.error && <ErrorBox error={del.error} />}
      </Confirm>
    </>
  );
}

function NewPost() {
  return (
    <AdminPage title="New post" actions={<Link class="btn btn-secondary" href="/admin/blog">All posts</Link>}>
      <Editor post={null} onSaved={(p) => navigate(`/admin/blog/${p.id}?created=1`, { replace: true })} />
    </AdminPage>
  );
}

function EditPost({ id, created }: { id: string; created: boolean }) {
  const state = useAsync((signal) => api.get('/api/v1/admin/blog/{id}', { path: { id }, signal }), [id]);
  const [message, setMessage] = useState<string | null>(created ? 'Post created.' : null);
  return (
    <Load state={state} label="Loading the post">
      {(p) => (
        <AdminPage title={`Post: ${p.title}`} actions={<Link class="btn btn-secondary" href="/admin/blog">All posts</Link>}>
          <p class="content-meta"><Status value={p.status} /> Version {p.version}. {p.author?.name ? `By ${p.author.name}. ` : ''}About {p.reading_minutes} min to read. Last changed {when(p.updated_at)}.</p>
          {message && <Notice kind="success">{message}</Notice>}
          <Editor key={p.version} post={p} onSaved={(n, m) => { state.set(n); setMessage(m); }} />
        </AdminPage>
      )}
    </Load>
  );
}

export const blogRoutes: AdminRoute[] = [
  { pattern: '/admin/blog', permission: 'blog:write', view: ({ query }) => <PostsList query={query} />, nav: { label: 'Blog', group: 'Content' } },
  { pattern: '/admin/blog/new', permission: 'blog:write', view: () => <NewPost /> },
  { pattern: '/admin/blog/:id', permission: 'blog:write', view: ({ params, query }) => <EditPost id={params.id!} created={query.get('created') === '1'} /> },
];
