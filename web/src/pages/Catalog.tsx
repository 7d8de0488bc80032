// Catalog.tsx - the storefront's list and search (/products, /search,
// /categories/:slug). The URL is the state: q, category (or the path's),
// tags, min and max (rupees), free and sort; the field searches as you type
// (250 ms after the last key, the previous request aborted) and keeps ?q= in
// the URL (replacing the history entry while typing; filters push one, so
// back undoes them). With q the page asks /search (ranked, highlights,
// facets, typo correction); without, /products with facets.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../api/ApiService';
import type { components } from '../api/types';
import { Link, navigate, setQuery } from '../lib/router';
import { Button, ErrorBox, FormError, Spinner, useAction, useAsync, useTitle } from '../lib/ui';
import { number, plural } from '../lib/format';
import { ProductGrid, type CatalogItem } from '../components/ProductCard';
import { NotFound } from './NotFound';
import '../styles/catalog.css';

type ProductList = components['schemas']['ProductList'];
type Category = components['schemas']['Category'];
type Sort = 'relevance' | 'newest' | 'price_asc' | 'price_desc' | 'popular';

const PAGE = 24;
const SORTS: { value: Sort; label: string; needsQ?: boolean }[] = [
  { value: 'relevance', label: 'Best match', needsQ: true },
  { value: 'newest', label: 'Newest' },
  { value: 'popular', label: 'Most popular' },
  { value: 'price_asc', label: 'Price: low to high' },
  { value: 'price_desc', label: 'Price: high to low' },
];
const TAGS_SHOWN = 10;

interface Filters { q: string; category: string; tags: string[]; min: string; max: string; free: boolean; sort: Sort | '' }

/** A rupee amount typed by the buyer as paise, or an error to show. */
function toPaise(s: string): { paise?: number; error?: string } {
  const t = s.trim();
  if (!t) return {};
  const n = Number(t);
  if (!Number.isFinite(n) || n < 0) return { error: 'Enter an amount in rupees, 0 or more.' };
  if (n > 1e9) return { error: 'Enter a smaller amount.' };
  return { paise: Math.round(n * 100) };
}

function readFilters(query: URLSearchParams, pathCategory?: string): Filters {
  const q = (query.get('q') ?? '').trim().slice(0, 200);
  const tags = [...new Set((query.get('tags') ?? query.get('tag') ?? '').split(',').map((t) => t.trim().toLowerCase()).filter((t) => /^[a-z0-9]+(-[a-z0-9]+)*$/.test(t)))].slice(0, 10);
  const min = query.get('min') ?? '', max = query.get('max') ?? '';
  let sort = (query.get('sort') ?? '') as Sort | '';
  if (!SORTS.some((s) => s.value === sort) || (sort === 'relevance' && !q)) sort = '';
  const free = query.get('free');
  return {
    q,
    category: pathCategory ?? (query.get('category') ?? '').trim().toLowerCase(),
    tags,
    min: toPaise(min).error ? '' : min,
    max: toPaise(max).error ? '' : max,
    free: free === '1' || free === 'true',
    sort,
  };
}

function pageQuery(f: Filters, cursor: string | null) {
  let min = toPaise(f.min).paise, max = toPaise(f.max).paise;
  if (min !== undefined && max !== undefined && min > max) [min, max] = [max, min];
  return {
    category: f.category || undefined,
    // the server reads one comma-separated `tags` parameter (style: form, explode: false)
    tags: f.tags.length ? [f.tags.join(',')] : undefined,
    min_price: min,
    max_price: max,
    free: f.free ? true : undefined,
    sort: f.sort || undefined,
    limit: PAGE,
    cursor: cursor ?? undefined,
    facets: cursor ? undefined : true,
  };
}

function fetchPage(f: Filters, cursor: string | null, signal: AbortSignal): Promise<ProductList> {
  if (f.q) return api.get('/api/v1/search', { query: { q: f.q, ...pageQuery(f, cursor) }, signal });
  return api.get('/api/v1/products', { query: pageQuery(f, cursor), signal });
}

/** The current URL with some query parameters changed (for links). */
function withQuery(params: Record<string, string | null>, path = location.pathname): string {
  const q = new URLSearchParams(location.search);
  for (const [k, v] of Object.entries(params)) {
    if (v === null || v === '') q.delete(k);
    else q.set(k, v);
  }
  const s = q.toString();
  return path + (s ? '?' + s : '');
}

/** Another category: its own page (/categories/x), keeping the other filters. */
function goCategory(slug: string) {
  const path = slug ? `/categories/${encodeURIComponent(slug)}` : '/products';
  navigate(withQuery({ category: null }, path));
}

function prettySlug(s: string): string {
  const t = s.replace(/-/g, ' ');
  return t.charAt(0).toUpperCase() + t.slice(1);
}

/** A rupee amount with its label and its error (a local check, or the server's 422 field). */
function PriceInput({ label, name, error, value, onValue }: { label: string; name: 'min_price' | 'max_price'; error: ApiError | null; value: string; onValue: (v: string) => void }) {
  const id = `catalog-${name}`;
  const msg = error?.fields[name];
  return (
    <div class={`field${msg ? ' field-invalid' : ''}`}>
      <label for={id}>{label}</label>
      <input id={id} name={name} type="number" inputMode="decimal" min={0} step="any" value={value}
        aria-invalid={msg ? true : undefined} aria-describedby={msg ? id + '-err' : undefined}
        onInput={(e) => onValue(e.currentTarget.value)} />
      {msg && <p class="field-error" id={id + '-err'}>{msg}</p>}
    </div>
  );
}

function CatalogError({ error, retry }: { error: ApiError; retry: () => void }) {
  if (error.status === 422) return <FormError error={error} shown={['min_price', 'max_price']} />;
  return (
    <>
      <ErrorBox error={error} retry={retry} />
      {error.retryAfter && <p class="muted small">Please wait {plural(error.retryAfter, 'second')} before trying again.</p>}
    </>
  );
}

export function Catalog({ query, category }: { query: URLSearchParams; category?: string }) {
  const f = readFilters(query, category);
  const key = JSON.stringify(f);
  const categories = useAsync((signal) => api.get('/api/v1/categories', { signal }), []);
  const first = useAsync((signal) => fetchPage(f, null, signal), [key]);

  // ---- the search field: as you type, debounced, ?q= kept in the URL
  const [text, setText] = useState(f.q);
  const sent = useRef<string | null>(null);
  useEffect(() => {
    // the URL changed: our own debounced write (ignore) or back/forward, a link, the header's box
    if (sent.current === f.q) { sent.current = null; return; }
    sent.current = null;
    if (text.trim() !== f.q) setText(f.q);
  }, [f.q]);
  useEffect(() => {
    const t = text.trim();
    if (t === f.q) return;
    const h = setTimeout(() => { sent.current = t; setQuery({ q: t || null }); }, 250);
    return () => clearTimeout(h);
  }, [text]);

  // ---- price inputs (applied with their button or Enter)
  const [minText, setMinText] = useState(f.min);
  const [maxText, setMaxText] = useState(f.max);
  const [priceError, setPriceError] = useState<ApiError | null>(null);
  useEffect(() => { setMinText(f.min); setMaxText(f.max); setPriceError(null); }, [f.min, f.max]);
  const applyPrice = (e: Event) => {
    e.preventDefault();
    const a = toPaise(minText), b = toPaise(maxText);
    const fields: Record<string, string> = {};
    if (a.error) fields.min_price = a.error;
    if (b.error) fields.max_price = b.error;
    if (!a.error && !b.error && a.paise !== undefined && b.paise !== undefined && a.paise > b.paise) fields.max_price = 'The maximum must not be below the minimum.';
    if (Object.keys(fields).length) { setPriceError(new ApiError(422, 'client', 'Check the price range.', fields)); return; }
    setPriceError(null);
    setQuery({ min: minText.trim() || null, max: maxText.trim() || null }, { replace: false });
  };

  // ---- paging: "Load more" appends the next pages of this key
  const [extra, setExtra] = useState<{ key: string; items: CatalogItem[]; next: string | null } | null>(null);
  const [announce, setAnnounce] = useState('');
  const [filtersOpen, setFiltersOpen] = useState(false);
  const [allTags, setAllTags] = useState(false);
  const moreCtl = useRef<AbortController | null>(null);
  const gridRef = useRef<HTMLDivElement>(null);
  const mine = extra && extra.key === key ? extra : null;
  const items = [...(first.data?.items ?? []), ...(mine?.items ?? [])];
  const next = mine ? mine.next : first.data?.next_cursor ?? null;
  const more = useAction(async () => {
    moreCtl.current?.abort();
    const ctl = new AbortController();
    moreCtl.current = ctl;
    const before = items.length;
    let page: ProductList;
    try {
      page = await fetchPage(f, next, ctl.signal);
    } catch (err) {
      if ((err as Error).name === 'AbortError') return;
      throw err;
    }
    if (ctl.signal.aborted) return;
    setExtra({ key, items: [...(mine?.items ?? []), ...page.items], next: page.next_cursor });
    const shown = before + page.items.length;
    setAnnounce(`${plural(page.items.length, 'more product')} loaded; ${number(shown)} shown${page.next_cursor ? '' : ', that is all of them'}.`);
    // keyboard users land on the first new product
    setTimeout(() => gridRef.current?.querySelectorAll('li')[before]?.querySelector('a')?.focus(), 0);
  });
  useEffect(() => () => { moreCtl.current?.abort(); more.setError(null); }, [key]);

  // announce each new first page politely
  useEffect(() => {
    const d = first.data;
    if (!d) return;
    const n = d.items.length;
    const fix = d.corrected && d.corrected.toLowerCase() !== f.q.toLowerCase() ? ` Search corrected to ${d.corrected}.` : '';
    setAnnounce(n === 0 ? `Nothing matches.${fix}` : `${n === PAGE && d.next_cursor ? `${number(n)} products shown, more available` : plural(n, 'product') + ' found'}.${fix}`);
  }, [first.data]);

  const cats = categories.data?.items;
  const cat: Category | undefined = cats?.find((c) => c.slug === f.category);
  const heading = f.category ? (cat?.name ?? prettySlug(f.category)) : f.q ? `Results for “${f.q}”` : 'All products';
  useTitle(f.category ? (cat?.name ?? null) : f.q ? `Search: ${f.q}` : 'Catalog');

  if (category && cats && !cat) return <NotFound what="category" />;

  const facets = first.data?.facets;
  const filtersActive = !!(f.category || f.tags.length || f.min || f.max || f.free);
  const clearFilters = () => navigate(withQuery({ category: null, tags: null, min: null, max: null, free: null }, '/products'));
  const sortValue = f.sort || (f.q ? 'relevance' : 'newest');
  const corrected = first.data?.corrected && first.data.corrected.toLowerCase() !== f.q.toLowerCase() ? first.data.corrected : null;

  // category options: every category, counted by the facets when there are some
  const catCount = (c: Category) => facets ? (facets.categories.find((x) => x.slug === c.slug)?.count ?? 0) : c.product_count;
  // tag options: the facets' tags, and the chosen ones whatever they count
  const tagOpts = [...f.tags.filter((t) => !facets?.tags.some((x) => x.tag === t)).map((t) => ({ tag: t, count: null as number | null })),
    ...(facets?.tags ?? []).map((x) => ({ tag: x.tag, count: x.count as number | null }))];
  const tagsShown = allTags ? tagOpts : tagOpts.slice(0, Math.max(TAGS_SHOWN, f.tags.length));
  const toggleTag = (t: string, on: boolean) => {
    const next = on ? [...f.tags, t] : f.tags.filter((x) => x !== t);
    setQuery({ tags: next.join(',') || null }, { replace: false });
  };
  const priceErr = priceError ?? (first.error?.status === 422 ? first.error : null);

  return (
    <div class="catalog">
      <header class="catalog-head">
        {f.category && (
          <nav class="breadcrumbs" aria-label="Breadcrumb">
            <ol><li><Link href="/">Home</Link></li><li><Link href="/products">Catalog</Link></li><li aria-current="page">{heading}</li></ol>
          </nav>
        )}
        <h1>{heading}</h1>
        {cat?.description && <p class="muted catalog-lead">{cat.description}</p>}
        <form class="catalog-search" role="search" aria-label="Catalog" onSubmit={(e) => { e.preventDefault(); const t = text.trim(); if (t !== f.q) { sent.current = t; setQuery({ q: t || null }); } }}>
          <label for="catalog-search">Search the catalog</label>
          <input id="catalog-search" type="search" value={text} maxLength={200} autocomplete="off" spellcheck={false}
            placeholder="Try “notion”, “gst” or “luts”" aria-describedby="catalog-search-hint"
            onInput={(e) => setText(e.currentTarget.value)} />
          <p id="catalog-search-hint" class="field-hint">Results update as you type.</p>
        </form>
        {corrected && (
          <p class="search-correction">
            Showing results for <strong>“{corrected}”</strong>. You searched for “{f.q}”.
          </p>
        )}
      </header>

      <div class="catalog-layout">
        <div class="catalog-filters-wrap">
          <button type="button" class="btn btn-secondary catalog-filters-toggle" aria-expanded={filtersOpen} aria-controls="catalog-filters" onClick={() => setFiltersOpen(!filtersOpen)}>
            Filters{filtersActive && <span class="filters-on"> (in use)</span>}
          </button>
          <section id="catalog-filters" class={`catalog-filters card${filtersOpen ? ' open' : ''}`} aria-labelledby="filters-heading">
            <h2 id="filters-heading">Filters</h2>
            <div class="field">
              <label for="catalog-category">Category</label>
              <select id="catalog-category" value={f.category} onChange={(e) => goCategory(e.currentTarget.value)}>
                <option value="">All categories</option>
                {cats?.map((c) => <option key={c.slug} value={c.slug}>{c.name} ({number(catCount(c))})</option>)}
                {f.category && cats === undefined && <option value={f.category}>{prettySlug(f.category)}</option>}
              </select>
            </div>

            <label class="check"><input type="checkbox" checked={f.free} onChange={(e) => setQuery({ free: e.currentTarget.checked ? '1' : null }, { replace: false })} /> Free only</label>

            <form class="price-filter" onSubmit={applyPrice} noValidate>
              <fieldset>
                <legend>Price (₹, before GST)</legend>
                <div class="price-inputs">
                  <PriceInput label="Minimum price (₹)" name="min_price" error={priceErr} value={minText} onValue={setMinText} />
                  <PriceInput label="Maximum price (₹)" name="max_price" error={priceErr} value={maxText} onValue={setMaxText} />
                </div>
                <Button type="submit" kind="secondary" class="btn-small">Apply price</Button>
              </fieldset>
            </form>

            {tagOpts.length > 0 && (
              <fieldset class="tag-filter">
                <legend>Tags</legend>
                <ul>
                  {tagsShown.map((t) => (
                    <li key={t.tag}>
                      <label class="check">
                        <input type="checkbox" checked={f.tags.includes(t.tag)} onChange={(e) => toggleTag(t.tag, e.currentTarget.checked)} />
                        {t.tag}{t.count !== null ? ` (${number(t.count)})` : ''}
                      </label>
                    </li>
                  ))}
                </ul>
                {tagOpts.length > tagsShown.length && <button type="button" class="btn btn-link btn-small" onClick={() => setAllTags(true)}>Show {plural(tagOpts.length - tagsShown.length, 'more tag')}</button>}
                {allTags && tagOpts.length > TAGS_SHOWN && <button type="button" class="btn btn-link btn-small" onClick={() => setAllTags(false)}>Show fewer tags</button>}
              </fieldset>
            )}
            {facets?.approximate && <p class="muted small">Counts are estimates: over 1,000 products match.</p>}
            {filtersActive && <button type="button" class="btn btn-secondary btn-small" onClick={clearFilters}>Clear filters</button>}
          </section>
        </div>

        <section class="catalog-results" aria-labelledby="results-heading" aria-busy={first.loading || more.busy}>
          <h2 id="results-heading" class="visually-hidden">Products</h2>
          <p class="visually-hidden" role="status" aria-live="polite">{announce}</p>
          <div class="results-bar">
            <p class="results-count" aria-hidden="true">
              {first.data ? (items.length ? `${plural(items.length, 'product')} shown${next ? ', more available' : ''}` : '') : ''}
              {first.loading && first.data && <span class="updating"><span class="spinner-dot" aria-hidden="true" /> Updating…</span>}
            </p>
            <div class="sort-field">
              <label for="catalog-sort">Sort by</label>
              <select id="catalog-sort" value={sortValue} onChange={(e) => {
                const v = e.currentTarget.value as Sort;
                setQuery({ sort: v === (f.q ? 'relevance' : 'newest') ? null : v }, { replace: false });
              }}>
                {SORTS.filter((s) => !s.needsQ || f.q).map((s) => <option key={s.value} value={s.value}>{s.label}</option>)}
              </select>
            </div>
          </div>

          {first.error ? <CatalogError error={first.error} retry={first.reload} />
            : !first.data ? <Spinner label="Loading products" />
            : items.length === 0 ? <NoResults f={f} corrected={first.data.corrected ?? null} filtersActive={filtersActive} onClear={clearFilters} categories={cats} />
            : (
              <div ref={gridRef} class={first.loading ? 'is-updating' : undefined}>
                <ProductGrid items={items} level={3} />
                {more.error && <ErrorBox error={more.error} retry={() => void more.run()} />}
                {next && (
                  <div class="load-more">
                    <Button kind="secondary" busy={more.busy} disabled={first.loading} onClick={() => void more.run()}>Load more</Button>
                  </div>
                )}
              </div>
            )}
        </section>
      </div>
    </div>
  );
}

function NoResults({ f, corrected, filtersActive, onClear, categories }: { f: Filters; corrected: string | null; filtersActive: boolean; onClear: () => void; categories: Category[] | undefined }) {
  const tags = useAsync((signal) => api.get('/api/v1/tags', { signal }), []);
  const didYouMean = corrected && corrected.toLowerCase() !== f.q.toLowerCase() ? corrected : null;
  return (
    <div class="empty-state catalog-empty">
      <h3 class="empty-title">No products found</h3>
      <p>{f.q ? <>Nothing matches “{f.q}”{filtersActive ? ' with these filters' : ''}.</> : 'Nothing matches these filters.'}</p>
      {didYouMean && <p class="did-you-mean">Did you mean <Link href={withQuery({ q: didYouMean })}>{didYouMean}</Link>?</p>}
      <ul class="suggestion-list">
        {f.q && <li>Check the spelling, or try fewer or more general words.</li>}
        {filtersActive && <li>Remove a filter, or <button type="button" class="btn btn-link" onClick={onClear}>remove all filters</button>.</li>}
      </ul>
      {categories && categories.length > 0 && (
        <>
          <h4>Browse a category</h4>
          <ul class="chip-list">
            {categories.map((c) => <li key={c.slug}><Link class="tag" href={`/categories/${encodeURIComponent(c.slug)}`}>{c.name}</Link></li>)}
          </ul>
        </>
      )}
      {tags.data && tags.data.items.length > 0 && (
        <>
          <h4>Popular tags</h4>
          <ul class="chip-list">
            {tags.data.items.slice(0, 12).map((t) => <li key={t.tag}><Link class="tag" href={`/products?tags=${encodeURIComponent(t.tag)}`}>{t.tag}</Link></li>)}
          </ul>
        </>
      )}
    </div>
  );
}
