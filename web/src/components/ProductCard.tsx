// ProductCard.tsx - a product as the catalog, search and the home page's
// product_list blocks show it (the list item of GET /products and /search),
// and ProductGrid, a list of them. Search highlights are escaped HTML in which
// the server adds only <mark> and </mark>: they are turned into text and
// <mark> elements here, never put into the page as HTML.
import type { ComponentChildren } from 'preact';
import type { components } from '../api/types';
import { Link } from '../lib/router';
import { Price } from '../lib/ui';
import '../styles/catalog.css';

/** The catalog's list item (GET /api/v1/products, /api/v1/search). */
export type CatalogItem = components['schemas']['ProductSummary'];

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** Decodes the entities of escaped HTML text (&amp; &#39; &#x27; ...). */
function decode(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') {
      const n = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(n) && n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : m;
    }
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

/**
 * A highlight string ("Investor <mark>Template</mark> &amp; deck") as text
 * and <mark> elements. Any other tag would be shown as text (the server
 * escapes everything else, so there is none).
 */
export function Marked({ html }: { html: string }) {
  const out: ComponentChildren[] = [];
  const parts = html.split(/(<mark>|<\/mark>)/);
  let inMark = false;
  parts.forEach((p, i) => {
    if (p === '<mark>') { inMark = true; return; }
    if (p === '</mark>') { inMark = false; return; }
    if (!p) return;
    const text = decode(p);
    out.push(inMark ? <mark key={i}>{text}</mark> : text);
  });
  return <>{out}</>;
}

/** The first letter of a title, for the cover placeholder. */
export function initialOf(title: string): string {
  const m = title.match(/[\p{L}\p{N}]/u);
  return (m?.[0] ?? '•').toUpperCase();
}

/** Stars as an image with its text (role=img, so the label is allowed). */
export function StarRating({ average, count, showCount = true }: { average: number; count: number; showCount?: boolean }) {
  const full = Math.max(0, Math.min(5, Math.round(average)));
  return (
    <span class="stars" role="img" aria-label={`Rated ${average.toFixed(1)} out of 5 by ${count} ${count === 1 ? 'buyer' : 'buyers'}`}>
      <span aria-hidden="true">{'★'.repeat(full)}{'☆'.repeat(5 - full)}</span>
      <span class="stars-num" aria-hidden="true">{average.toFixed(1)}{showCount ? ` (${count})` : ''}</span>
    </span>
  );
}

export interface CardRating { average: number | null; count: number }

export function ProductCard({ product: p, level = 3, rating }: { product: CatalogItem; level?: 2 | 3 | 4; rating?: CardRating | null }) {
  const H = `h${level}` as 'h2' | 'h3' | 'h4';
  const href = `/products/${encodeURIComponent(p.slug)}`;
  return (
    <article class="product-card catalog-card">
      {p.cover_image_url
        ? <img src={p.cover_image_url} alt={`Cover of ${p.title}`} loading="lazy" decoding="async" width={400} height={300} />
        : <div class="cover-placeholder" aria-hidden="true">{initialOf(p.title)}</div>}
      <div class="body">
        <H class="card-title">
          <Link href={href}>{p.highlight ? <Marked html={p.highlight.title} /> : p.title}</Link>
        </H>
        {p.category && <p class="card-category">{p.category.name}</p>}
        <p class="card-summary">{p.highlight?.snippet ? <Marked html={p.highlight.snippet} /> : p.summary}</p>
        <div class="card-foot">
          <Price paise={p.price_paise} />
          {rating && rating.count > 0 && rating.average !== null && <StarRating average={rating.average} count={rating.count} />}
        </div>
      </div>
    </article>
  );
}

/** A grid of product cards: a list, so screen readers announce how many. */
export function ProductGrid({ items, level = 3, label, ratings }: {
  items: CatalogItem[];
  level?: 2 | 3 | 4;
  /** An accessible name for the list (when no heading names it). */
  label?: string;
  /** Ratings by slug, when the caller has them (list items carry none). */
  ratings?: Record<string, CardRating | null | undefined>;
}) {
  return (
    <ul class="grid product-grid" aria-label={label}>
      {items.map((p) => (
        <li key={p.id}>
          <ProductCard product={p} level={level} rating={ratings?.[p.slug]} />
        </li>
      ))}
    </ul>
  );
}
