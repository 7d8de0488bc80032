// Blog.tsx - the blog: the list (/blog?tag=&q=, newest first, "Load more"
// on next_cursor, links to the RSS and Atom feeds) and a post
// (/blog/:slug) with its server-rendered, sanitised body_html.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type Get } from '../api/ApiService';
import { routeProseClick } from '../components/Blocks';
import { day, plural } from '../lib/format';
import { Link, navigate, setQuery } from '../lib/router';
import { Button, ErrorBox, Load, Notice, useAction, useAsync, useTitle } from '../lib/ui';
import { NotFound } from './NotFound';
import '../styles/content.css';

type Page = Get<'/api/v1/blog'>;
type Summary = Page['items'][number];

function Meta({ author, published_at, reading_minutes }: { author: Summary['author']; published_at: string; reading_minutes: number }) {
  return (
    <p class="post-meta">
      {author?.name && <><span>By {author.name}</span><span aria-hidden="true"> · </span></>}
      <time dateTime={published_at}>{day(published_at)}</time>
      <span aria-hidden="true"> · </span>
      <span>{reading_minutes} min read</span>
    </p>
  );
}

function Tags({ tags, label }: { tags: string[]; label: string }) {
  if (!tags.length) return null;
  return (
    <ul class="post-tags" role="list" aria-label={label}>
      {tags.map((t) => <li key={t}><Link href={`/blog?tag=${encodeURIComponent(t)}`} class="tag">#{t}</Link></li>)}
    </ul>
  );
}

function SearchForm({ q }: { q: string }) {
  const [text, setText] = useState(q);
  useEffect(() => setText(q), [q]);
  return (
    <form class="blog-search" role="search" onSubmit={(e) => { e.preventDefault(); setQuery({ q: text.trim() || null }, { replace: false }); }}>
      <label for="blog-q">Search the blog</label>
      <div class="blog-search-row">
        <input id="blog-q" type="search" value={text} onInput={(e) => setText(e.currentTarget.value)} maxLength={200} autocomplete="off" />
        <button type="submit" class="btn btn-primary">Search posts</button>
      </div>
    </form>
  );
}

export function BlogList({ query }: { query: URLSearchParams }) {
  const q = (query.get('q') ?? '').trim();
  const tag = (query.get('tag') ?? '').trim();
  useTitle(tag ? `Blog: posts tagged ${tag}` : q ? `Blog: search for ${q}` : 'Blog');
  const first = useAsync((signal) => api.get('/api/v1/blog', { query: { q: q || undefined, tag: tag || undefined }, signal }), [q, tag]);
  const [more, setMore] = useState<{ items: Summary[]; next: string | null } | null>(null);
  const focusSlug = useRef<string | null>(null);
  useEffect(() => setMore(null), [q, tag]);
  useEffect(() => {
    if (!focusSlug.current) return;
    document.getElementById(`post-${focusSlug.current}`)?.focus();
    focusSlug.current = null;
  }, [more]);

  const loadMore = useAction(async (cursor: string) => {
    const page = await api.get('/api/v1/blog', { query: { q: q || undefined, tag: tag || undefined, cursor } });
    focusSlug.current = page.items[0]?.slug ?? null;
    setMore((m) => ({ items: [...(m?.items ?? []), ...page.items], next: page.next_cursor ?? null }));
  });

  const items = first.data ? [...first.data.items, ...(more?.items ?? [])] : [];
  const next = more ? more.next : first.data?.next_cursor ?? null;

  return (
    <div class="blog">
      <header class="blog-head">
        <h1>Blog</h1>
        <p class="muted">News, guides and stories from Souk and its creators.</p>
        <p class="feeds small">
          Follow along: <a href="/blog/rss.xml" type="application/rss+xml">RSS feed</a>
          <span aria-hidden="true"> · </span>
          <a href="/blog/atom.xml" type="application/atom+xml">Atom feed</a>
        </p>
      </header>
      <SearchForm q={q} />
      {tag && (
        <Notice kind="info">
          <p>Showing posts tagged <strong>#{tag}</strong>. <Link href={q ? `/blog?q=${encodeURIComponent(q)}` : '/blog'}>Show all posts</Link></p>
        </Notice>
      )}
      <Load state={first.loading ? { ...first, data: undefined } : first} label="Loading posts">
        {() => items.length === 0 ? (
          <div class="empty-state">
            <h2>No posts found</h2>
            <p>{q ? <>Nothing matches “{q}”{tag ? <> in #{tag}</> : null}.</> : 'There are no posts here yet.'}</p>
            {(q || tag) && <p><Button kind="secondary" onClick={() => navigate('/blog')}>Show all posts</Button></p>}
          </div>
        ) : (
          <>
            {q && <p class="muted" role="status">{plural(items.length, 'post')}{next ? ' so far' : ''} matching “{q}”.</p>}
            <ul class="post-list" role="list">
              {items.map((p) => (
                <li key={p.slug}>
                  <article class="card post-card" aria-labelledby={`post-${p.slug}`}>
                    {p.cover_image_url && <img class="post-cover" src={p.cover_image_url} alt="" loading="lazy" />}
                    <h2 class="post-title"><Link href={`/blog/${p.slug}`} id={`post-${p.slug}`}>{p.title}</Link></h2>
                    <Meta author={p.author} published_at={p.published_at} reading_minutes={p.reading_minutes} />
                    {p.excerpt && <p class="post-excerpt">{p.excerpt}</p>}
                    <Tags tags={p.tags} label={`Tags of ${p.title}`} />
                  </article>
                </li>
              ))}
            </ul>
            <ErrorBox error={loadMore.error} />
            {next && (
              <p class="load-more">
                <Button kind="secondary" busy={loadMore.busy} onClick={() => void loadMore.run(next)}>Load more posts</Button>
              </p>
            )}
          </>
        )}
      </Load>
    </div>
  );
}

export function BlogPost({ slug }: { slug: string }) {
  const post = useAsync((signal) => api.get('/api/v1/blog/{slug}', { path: { slug }, signal }), [slug]);
  useTitle(post.data?.title);
  if (post.error?.status === 404) return <NotFound what="post" />;
  return (
    <Load state={post.loading ? { ...post, data: undefined } : post} label="Loading the post">
      {(p) => (
        <article class="blog-post" aria-labelledby="post-title">
          <nav aria-label="Breadcrumb" class="breadcrumbs">
            <ol><li><Link href="/blog">Blog</Link></li><li aria-current="page">{p.title}</li></ol>
          </nav>
          <header>
            <h1 id="post-title">{p.title}</h1>
            <Meta author={p.author} published_at={p.published_at} reading_minutes={p.reading_minutes} />
          </header>
          {p.cover_image_url && <img class="post-hero" src={p.cover_image_url} alt="" />}
          {/* body_html: the server's Markdown rendering, sanitised (src/cms/html.c) */}
          <div class="prose post-body" onClick={routeProseClick} dangerouslySetInnerHTML={{ __html: p.body_html }} />
          <footer class="post-foot">
            <Tags tags={p.tags} label="Tags" />
            <p><Link href="/blog">← Back to the blog</Link></p>
          </footer>
        </article>
      )}
    </Load>
  );
}

