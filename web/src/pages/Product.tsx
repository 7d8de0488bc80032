// Product.tsx - a product's page (/products/:slug): breadcrumbs, the image
// gallery, what it is and who made it, the files it comes with, the price
// (stored before GST: the product's rate is added at checkout, CGST + SGST
// or IGST in India, none outside it; src/commerce/gst.c), and the one thing
// the visitor can do: add it to the cart, get it free (a free product is
// claimed into the library), or, owning it, go to the library. Then the
// reviews and related products. 404 from the API renders NotFound.
import { useState } from 'preact/hooks';
import { api, ApiError, type Get } from '../api/ApiService';
import type { components } from '../api/types';
import { bytes, day, number, percent, plural, rupeesExact } from '../lib/format';
import { Link } from '../lib/router';
import { cartNotices, loadCartCount, user } from '../lib/store';
import { Button, ErrorBox, Notice, Price, Spinner, useAction, useAsync, useTitle } from '../lib/ui';
import { initialOf, ProductGrid, StarRating, type CatalogItem } from '../components/ProductCard';
import { ProductDescription } from '../components/ProductDescription';
import { Reviews } from '../components/Reviews';
import { NotFound } from './NotFound';
import '../styles/catalog.css';

type Detail = Get<'/api/v1/products/{slug}'>;
type LibraryItem = components['schemas']['LibraryItem'];
type ProductFile = components['schemas']['ProductFile'];

/** The signed-in user's library entry for this product, or null (pages through the library). */
async function findOwned(slug: string, signal: AbortSignal): Promise<LibraryItem | null> {
  let cursor: string | undefined;
  for (let i = 0; i < 20; i++) {
    const page = await api.get('/api/v1/me/library', { query: { limit: 100, cursor }, signal });
    const hit = page.items.find((x) => x.slug === slug);
    if (hit) return hit;
    if (!page.next_cursor) return null;
    cursor = page.next_cursor;
  }
  return null;
}

const FORMATS: Record<string, string> = {
  'application/pdf': 'PDF', 'application/zip': 'ZIP archive', 'application/x-zip-compressed': 'ZIP archive',
  'application/epub+zip': 'EPUB', 'text/markdown': 'Markdown', 'text/plain': 'Text', 'text/csv': 'CSV',
  'application/json': 'JSON', 'image/png': 'PNG image', 'image/jpeg': 'JPEG image', 'image/webp': 'WebP image',
  'image/gif': 'GIF image', 'image/svg+xml': 'SVG image', 'video/mp4': 'MP4 video', 'audio/mpeg': 'MP3 audio',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'Excel workbook',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'PowerPoint deck',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'Word document',
  'font/ttf': 'TrueType font', 'font/otf': 'OpenType font', 'font/woff2': 'WOFF2 font',
};
function formatOf(f: ProductFile): string {
  const known = FORMATS[f.content_type.split(';')[0]!.trim().toLowerCase()];
  if (known) return known;
  const ext = f.filename.match(/\.([A-Za-z0-9]{1,8})$/)?.[1];
  return ext ? ext.toUpperCase() : f.content_type;
}

export function Product({ slug }: { slug: string }) {
  const state = useAsync((signal) => api.get('/api/v1/products/{slug}', { path: { slug }, signal }), [slug]);
  if (state.error?.status === 404) return <NotFound what="product" />;
  if (state.error) {
    return (
      <section>
        <h1>This product could not be loaded</h1>
        <ErrorBox error={state.error} retry={state.reload} />
      </section>
    );
  }
  // a related product's link keeps this component: wait for the new one
  if (!state.data || state.data.slug !== slug) return <Spinner label="Loading the product" />;
  return <ProductView key={state.data.slug} p={state.data} />;
}

function Gallery({ p }: { p: Detail }) {
  const images = [...new Set([p.cover_image_url, ...p.preview_image_urls].filter((u): u is string => !!u))];
  const [idx, setIdx] = useState(0);
  const n = images.length;
  const current = images[Math.min(idx, n - 1)];
  if (!current) {
    return (
      <div class="product-gallery">
        <div class="cover-placeholder gallery-main" role="img" aria-label={`No image for ${p.title} yet`}>
          <span aria-hidden="true">{initialOf(p.title)}</span>
        </div>
      </div>
    );
  }
  return (
    <div class="product-gallery">
      <img class="gallery-main" src={current} width={800} height={600}
        alt={n > 1 ? `${p.title}, image ${idx + 1} of ${n}` : `${p.title}`} />
      {n > 1 && (
        <ul class="gallery-thumbs" aria-label="Product images">
          {images.map((src, i) => (
            <li key={src}>
              <button type="button" class="gallery-thumb" aria-label={`Show image ${i + 1} of ${n}`} aria-pressed={i === idx} onClick={() => setIdx(i)}>
                <img src={src} alt="" width={96} height={72} loading="lazy" />
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function ProductView({ p }: { p: Detail }) {
  useTitle(p.title);
  const u = user.use();
  const here = `/products/${encodeURIComponent(p.slug)}`;
  const signIn = `/signin?next=${encodeURIComponent(here)}`;
  // whose library the answer is of: a sign-in while the page is open asks again
  const owned = useAsync(async (signal) => ({ uid: u?.id ?? null, entry: u ? await findOwned(p.slug, signal) : null }), [p.slug, u?.id]);
  const cart = useAsync((signal) => (p.is_free ? Promise.resolve(null) : api.get('/api/v1/cart', { signal })), [p.slug, u?.id]);
  const rating = useAsync((signal) => api.get('/api/v1/products/{slug}/rating', { path: { slug: p.slug }, signal }), [p.slug]);
  const related = useAsync(async (signal) => {
    const out: CatalogItem[] = [];
    const take = (xs: CatalogItem[]) => { for (const x of xs) if (x.slug !== p.slug && !out.some((o) => o.id === x.id) && out.length < 4) out.push(x); };
    if (p.category) take((await api.get('/api/v1/products', { query: { category: p.category.slug, sort: 'popular', limit: 5 }, signal })).items);
    for (const t of p.tags.slice(0, 2)) {
      if (out.length >= 4) break;
      take((await api.get('/api/v1/products', { query: { tags: [t], sort: 'popular', limit: 5 }, signal })).items);
    }
    return out;
  }, [p.slug]);

  const [added, setAdded] = useState(false);
  const [claimed, setClaimed] = useState(false);
  const add = useAction(async () => {
    const c = await api.post('/api/v1/cart/items', { body: { product: p.id } });
    cart.set(c);
    // the API reports each notice once: keep them for the cart page
    if (c.notices.length) cartNotices.set([...cartNotices.value, ...c.notices]);
    setAdded(true);
    await loadCartCount();
  });
  const claim = useAction(async () => {
    await api.post('/api/v1/products/{slug}/claim', { path: { slug: p.slug }, body: {} });
    setClaimed(true);
    owned.reload();
  });

  const checking = u === undefined || (!owned.error && owned.data?.uid !== (u?.id ?? null));
  const entry = owned.data && owned.data.uid === (u?.id ?? null) ? owned.data.entry : null;
  const owns = claimed || (!!entry && !entry.expired);
  const line = cart.data?.items.find((l) => l.slug === p.slug) ?? null;
  const ratingData = rating.data;

  let action;
  if (checking) {
    action = <Spinner label="Checking your library" />;
  } else if (owns) {
    action = (
      <>
        {claimed && <Notice kind="success"><p>It is in your library now: download it from there.</p></Notice>}
        <Link href="/account/library" class="btn btn-primary btn-block">You own this — go to your library</Link>
        {entry?.suspended && <p class="small muted">Downloads are paused while a dispute about the payment is open.</p>}
      </>
    );
  } else if (p.is_free) {
    action = u === null ? (
      <>
        <Link href={signIn} class="btn btn-primary btn-block">Sign in to get it free</Link>
        <p class="small muted">Free products go into your library: sign in, or create an account, to get this one.</p>
      </>
    ) : (
      <>
        <Button busy={claim.busy} class="btn-block" onClick={() => void claim.run()}>Get it free</Button>
        <ClaimError error={claim.error} signIn={signIn} />
      </>
    );
  } else if (added) {
    action = (
      <Notice kind="success">
        <p>Added to your cart. <Link href="/cart">View cart</Link></p>
      </Notice>
    );
  } else if (line) {
    action = (
      <>
        <Notice kind="info"><p>This product is already in your cart.</p></Notice>
        <Link href="/cart" class="btn btn-primary btn-block">Go to cart</Link>
      </>
    );
  } else {
    action = (
      <>
        <Button busy={add.busy} class="btn-block" onClick={() => void add.run()}>Add to cart</Button>
        <AddError error={add.error} />
      </>
    );
  }

  return (
    <article class="product-page">
      <nav class="breadcrumbs" aria-label="Breadcrumb">
        <ol>
          <li><Link href="/">Home</Link></li>
          {p.category ? <li><Link href={`/categories/${encodeURIComponent(p.category.slug)}`}>{p.category.name}</Link></li> : <li><Link href="/products">Catalog</Link></li>}
          <li aria-current="page">{p.title}</li>
        </ol>
      </nav>

      <div class="product-top">
        <Gallery p={p} />
        <div class="product-info">
          <h1>{p.title}</h1>
          {p.author && <p class="product-author">by {p.author.name}</p>}
          <p class="product-summary">{p.summary}</p>
          <p class="product-rating">
            {rating.error ? null
              : !ratingData ? <span class="muted small">Loading the rating…</span>
              : ratingData.count > 0 && ratingData.average !== null
                ? <a href="#product-reviews"><StarRating average={ratingData.average} count={ratingData.count} showCount={false} /> <span>{plural(ratingData.count, 'review')}</span></a>
                : <span class="muted small">No reviews yet</span>}
          </p>

          <div class="buy-box card">
            <p class="product-price">
              <Price paise={p.price_paise} />
              {p.price_paise > 0 && (p.tax_rate_bp > 0
                ? <span class="gst-note"> + {percent(p.tax_rate_bp)} GST</span>
                : <span class="gst-note"> (no GST)</span>)}
            </p>
            {p.price_paise > 0 && p.tax_rate_bp > 0 && (
              <p class="small muted">
                {line
                  ? <>In your cart: {rupeesExact(line.total_paise)}, including {rupeesExact(line.tax_paise)} GST, for a buyer in India. </>
                  : <>GST is added at checkout for where you are (none for buyers outside India). </>}
              </p>
            )}
            {action}
            {owned.error && <p class="small muted">We could not check your library. <button type="button" class="btn btn-link" onClick={owned.reload}>Check again</button></p>}
            {!p.is_free && cart.error && cart.error.status !== 0 && <p class="small muted">The cart is not available just now: {cart.error.message}</p>}
          </div>

          {p.tags.length > 0 && (
            <ul class="chip-list product-tags" aria-label="Tags">
              {p.tags.map((t) => <li key={t}><Link class="tag" href={`/products?tags=${encodeURIComponent(t)}`}>{t}</Link></li>)}
            </ul>
          )}
        </div>
      </div>

      <div class="product-body">
        <section class="product-about" aria-labelledby="about-h">
          <h2 id="about-h">About this product</h2>
          <ProductDescription source={p.description || p.summary} baseLevel={3} />
        </section>
        <section class="product-files card" aria-labelledby="files-h">
          <h2 id="files-h">What you get</h2>
          {p.files.length === 0 ? <p class="muted">The files are being prepared.</p> : (
            <ul class="file-list">
              {p.files.map((f) => (
                <li key={f.id}>
                  <span class="file-label">{f.label}</span>
                  <span class="file-name">{f.filename}</span>
                  <span class="file-meta">{formatOf(f)} · {bytes(f.size_bytes)} · version {number(f.version)}{f.updated_at ? `, ${day(f.updated_at)}` : ''}</span>
                </li>
              ))}
            </ul>
          )}
          <p class="small muted">Instant download after purchase, from your library. Each download link works for a short time; you can make a new one there.</p>
          <dl class="product-facts">
            {p.category && <><dt>Category</dt><dd><Link href={`/categories/${encodeURIComponent(p.category.slug)}`}>{p.category.name}</Link></dd></>}
            {p.author && <><dt>Author</dt><dd>{p.author.name}</dd></>}
            <dt>Published</dt><dd>{day(p.published_at)}</dd>
            {p.updated_at !== p.published_at && <><dt>Updated</dt><dd>{day(p.updated_at)}</dd></>}
            {p.sales_count > 0 && <><dt>Sales</dt><dd>{number(p.sales_count)}</dd></>}
          </dl>
        </section>
      </div>

      <div id="product-reviews" class="product-reviews">
        <Reviews slug={p.slug} owned={claimed || !!entry} />
      </div>

      <section class="related" aria-labelledby="related-h">
        <h2 id="related-h">Related products</h2>
        {related.error ? <ErrorBox error={related.error} retry={related.reload} />
          : !related.data ? <Spinner label="Loading related products" />
          : related.data.length === 0 ? <p class="muted">Nothing related yet. <Link href="/products">Browse the catalog</Link></p>
          : <ProductGrid items={related.data} level={3} />}
      </section>
    </article>
  );
}

function AddError({ error }: { error: ApiError | null }) {
  if (!error) return null;
  if (error.status === 409) {
    return <Notice kind="warning"><p>You already own this product. <Link href="/account/library">Go to your library</Link></p></Notice>;
  }
  if (error.status === 422) {
    const why = error.fields.product;
    return <Notice kind="error"><p>{why ? `This product ${why}.` : error.message}</p></Notice>;
  }
  if (error.status === 404) return <Notice kind="error"><p>This product is no longer for sale.</p></Notice>;
  return (
    <Notice kind="error">
      <p>{error.message}{error.retryAfter ? ` Please wait ${plural(error.retryAfter, 'second')} and try again.` : ''}</p>
    </Notice>
  );
}

function ClaimError({ error, signIn }: { error: ApiError | null; signIn: string }) {
  if (!error) return null;
  if (error.status === 401) return <Notice kind="error"><p>Your session has ended. <Link href={signIn}>Sign in</Link> to get this product.</p></Notice>;
  return (
    <Notice kind="error">
      <p>{error.message}{error.retryAfter ? ` Please wait ${plural(error.retryAfter, 'second')} and try again.` : ''}</p>
    </Notice>
  );
}
