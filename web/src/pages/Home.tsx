// Home.tsx - the home page: the CMS page `home` (seed/060_cms_pages.sql)
// rendered by Blocks, its first hero's heading as the h1. When the page
// cannot be loaded (unpublished, the API down), a plain hero with the
// catalog link and the newest products instead.
import { api } from '../api/ApiService';
import { Blocks, startsWithHero } from '../components/Blocks';
import { ProductGrid } from '../components/ProductCard';
import { Link } from '../lib/router';
import { ErrorBox, Spinner, useAsync, useTitle } from '../lib/ui';

export const HOME_SLUG = 'home';

function Fallback() {
  useTitle('Digital goods from independent creators');
  const newest = useAsync((signal) => api.get('/api/v1/products', { query: { sort: 'newest', limit: 8 }, signal }), []);
  return (
    <div class="blocks">
      <section class="block block-hero" aria-labelledby="home-h1">
        <div class="hero-text">
          <h1 id="home-h1" class="hero-heading">Digital goods from independent creators</h1>
          <p class="hero-sub">Templates, e-books, code and design assets. Pay once, download instantly, get every update free.</p>
          <p class="actions"><Link href="/products" class="btn btn-primary">Browse the catalog</Link></p>
        </div>
      </section>
      <section class="block block-products" aria-labelledby="home-newest">
        <h2 id="home-newest">New in the catalog</h2>
        {newest.error ? <ErrorBox error={newest.error} retry={newest.reload} />
          : !newest.data ? <Spinner label="Loading products" />
          : newest.data.items.length === 0 ? <p class="muted">No products yet: check back soon.</p>
          : <>
              <ProductGrid items={newest.data.items} />
              <p class="block-more"><Link href="/products">See the whole catalog</Link></p>
            </>}
      </section>
    </div>
  );
}

export function Home() {
  const page = useAsync((signal) => api.get('/api/v1/pages/{slug}', { path: { slug: HOME_SLUG }, signal }), []);
  useTitle(page.data?.title);
  if (page.error) return <Fallback />;
  if (!page.data) return <Spinner label="Loading" />;
  const hero = startsWithHero(page.data.blocks);
  return (
    <div class="cms-page home-page">
      {!hero && <h1 class="visually-hidden">{page.data.title}</h1>}
      <Blocks blocks={page.data.blocks} heroTitle={hero} idPrefix="home" />
    </div>
  );
}
