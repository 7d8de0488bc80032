// CmsPage.tsx - a published CMS page (/pages/:slug): its title and blocks.
import { api } from '../api/ApiService';
import { Blocks } from '../components/Blocks';
import { Load, useAsync, useTitle } from '../lib/ui';
import { NotFound } from './NotFound';

export function CmsPageView({ slug }: { slug: string }) {
  const page = useAsync((signal) => api.get('/api/v1/pages/{slug}', { path: { slug }, signal }), [slug]);
  useTitle(page.data?.title);
  if (page.error?.status === 404) return <NotFound what="page" />;
  return (
    <Load state={page.loading ? { ...page, data: undefined } : page} label="Loading the page">
      {(p) => (
        <article class="cms-page" aria-labelledby="page-title">
          <h1 id="page-title" class="page-title">{p.title}</h1>
          <Blocks blocks={p.blocks} idPrefix={`page-${slug}`} />
        </article>
      )}
    </Load>
  );
}
