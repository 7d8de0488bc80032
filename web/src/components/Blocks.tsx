// Blocks.tsx - renders a CMS page's blocks (README "CMS blocks"; the schema is
// src/cms/blocks.c). The public read does not resolve the dynamic blocks:
// product_list fetches /api/v1/products (or each listed product),
// category_grid /api/v1/categories and team /api/v1/team. rich_text carries
// `html` rendered and sanitised by the server: the only HTML inserted as is.
// Unknown block types are skipped.
import type { ComponentChildren, JSX } from 'preact';
import { api, type Get } from '../api/ApiService';
import type { components } from '../api/types';
import { navigate, Link } from '../lib/router';
import { plural, rupees } from '../lib/format';
import { ErrorBox, Spinner, useAsync } from '../lib/ui';
import { ProductGrid } from './ProductCard';
import '../styles/content.css';

type S = components['schemas'];
export type Block = S['CmsRenderedBlock'];
export type ProductItem = S['ProductSummary'];
export type TeamMember = S['TeamMember'];
type CmsLink = S['CmsLink'];

/** An in-app path (routed by <Link>), as opposed to an https:// address or a file nginx serves. */
function inApp(href: string): boolean {
  return href.startsWith('/') && !href.startsWith('//') && !/^\/(api|docs|media|blog\/(rss|atom)\.xml|sitemap)/.test(href);
}

/** A link from content: <Link> for paths of the app, <a> otherwise. */
export function SmartLink({ href, children, ...rest }: { href: string; children?: ComponentChildren } & JSX.AnchorHTMLAttributes<HTMLAnchorElement>) {
  if (inApp(href)) return <Link href={href} {...rest}>{children}</Link>;
  const external = /^https?:\/\//.test(href);
  return <a href={href} rel={external ? 'noopener noreferrer' : undefined} {...rest}>{children}</a>;
}

function LinkButton({ link, kind = 'primary' }: { link: CmsLink | undefined; kind?: 'primary' | 'secondary' }) {
  if (!link?.href || !link.label) return null;
  return <SmartLink href={link.href} class={`btn btn-${kind}`}>{link.label}</SmartLink>;
}

/**
 * Clicks on links inside server HTML (.prose): in-app paths are routed
 * instead of reloading the page. Put on the element that holds the html.
 */
export function routeProseClick(e: MouseEvent): void {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = (e.target as Element | null)?.closest?.('a');
  const href = a?.getAttribute('href');
  if (!a || !href || a.target || !inApp(href)) return;
  e.preventDefault();
  navigate(href);
}

/* ------------------------------------------------------------------ icons */

const ICONS: Record<string, string> = {
  download: 'M12 3v12m0 0-5-5m5 5 5-5M4 19h16',
  star: 'm12 3 2.8 5.7 6.2.9-4.5 4.4 1.1 6.2L12 17.3 6.4 20.2l1.1-6.2L3 9.6l6.2-.9z',
  cart: 'M3 4h2l2.4 11h10.2L20 8H6.2M9 20a1 1 0 1 0 0-.01M17 20a1 1 0 1 0 0-.01',
  heart: 'M12 20s-7-4.4-9-8.6C1.6 8.3 3.6 5 7 5c2 0 3.3 1.1 5 3 1.7-1.9 3-3 5-3 3.4 0 5.4 3.3 4 6.4C19 15.6 12 20 12 20z',
  user: 'M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zm-8 8c0-3.3 3.6-6 8-6s8 2.7 8 6',
  check: 'm5 12 5 5 9-10',
  shield: 'M12 3 4 6v6c0 4.4 3.4 8.3 8 9 4.6-.7 8-4.6 8-9V6z',
  bolt: 'M13 2 4 14h7l-1 8 9-12h-7z',
  mail: 'M3 6h18v12H3zm0 0 9 7 9-7',
  lock: 'M6 11h12v10H6zm2 0V7a4 4 0 0 1 8 0v4',
};

export function Icon({ name }: { name: string | undefined }) {
  const d = ICONS[name ?? ''] ?? ICONS.check!;
  return (
    <svg class="icon" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
      <path d={d} fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" />
    </svg>
  );
}

/* ------------------------------------------------------- shared displays */

const SOCIAL_NAMES: Record<string, string> = { x: 'X', twitter: 'X (Twitter)', linkedin: 'LinkedIn', github: 'GitHub', instagram: 'Instagram', youtube: 'YouTube', website: 'Website', mastodon: 'Mastodon', dribbble: 'Dribbble', behance: 'Behance' };
const socialName = (k: string) => SOCIAL_NAMES[k] ?? k.charAt(0).toUpperCase() + k.slice(1).replace(/-/g, ' ');

function initials(name: string): string {
  return name.split(/\s+/).filter(Boolean).slice(0, 2).map((w) => w.charAt(0).toUpperCase()).join('');
}

/** The team members: photo, name, role, bio, links. */
export function TeamCards({ members, level = 3 }: { members: TeamMember[]; level?: 2 | 3 }) {
  const H = level === 2 ? 'h2' : 'h3';
  return (
    <ul class="team-grid" role="list">
      {members.map((m) => {
        const links = Object.entries(m.socials ?? {}).filter(([, url]) => typeof url === 'string' && url);
        return (
          <li key={m.id} class="card team-card">
            {m.photo_url
              ? <img class="team-photo" src={m.photo_url} alt={`Photo of ${m.name}`} width="96" height="96" loading="lazy" />
              : <div class="team-photo team-initials" aria-hidden="true">{initials(m.name)}</div>}
            <div class="team-text">
              <H>{m.name}</H>
              {m.role_title && <p class="team-role">{m.role_title}</p>}
              {m.bio && <p class="team-bio">{m.bio}</p>}
              {links.length > 0 && (
                <ul class="team-links" role="list" aria-label={`${m.name} elsewhere`}>
                  {links.map(([k, url]) => (
                    <li key={k}><a href={url} rel="noopener noreferrer me" aria-label={`${m.name} on ${socialName(k)}`}>{socialName(k)}</a></li>
                  ))}
                </ul>
              )}
            </div>
          </li>
        );
      })}
    </ul>
  );
}

/* ----------------------------------------------------------- the blocks */

type Of<T extends Block['type']> = Extract<Block, { type: T }>;

/** A block's section, labelled by its heading when it has one. */
function Section({ id, heading, class: cls, children }: { id: string; heading?: string | undefined; class: string; children: ComponentChildren }) {
  return (
    <section class={`block ${cls}`} aria-labelledby={heading ? id : undefined}>
      {heading && <h2 id={id}>{heading}</h2>}
      {children}
    </section>
  );
}

function Hero({ b, id, h1 }: { b: Of<'hero'>; id: string; h1: boolean }) {
  const H = h1 ? 'h1' : 'h2';
  return (
    <section class={`block block-hero${b.image ? ' has-image' : ''}`} aria-labelledby={id}>
      <div class="hero-text">
        <H id={id} class="hero-heading">{b.heading}</H>
        {b.subheading && <p class="hero-sub">{b.subheading}</p>}
        {(b.cta || b.secondary_cta) && (
          <p class="actions">
            <LinkButton link={b.cta} />
            <LinkButton link={b.secondary_cta} kind="secondary" />
          </p>
        )}
      </div>
      {b.image && <img class="hero-image" src={b.image} alt={b.image_alt ?? ''} />}
    </section>
  );
}

const DEFAULT_LIST_HEADINGS: Record<string, string> = {
  popular: 'Popular products', newest: 'New products', category: 'From this category', search: 'Products', list: 'Featured products',
};

async function loadProducts(b: Of<'product_list'>, signal: AbortSignal): Promise<ProductItem[]> {
  const limit = b.limit && b.limit > 0 ? b.limit : 8;
  switch (b.source) {
    case 'popular':
    case 'newest':
      return (await api.get('/api/v1/products', { query: { sort: b.source, limit }, signal })).items;
    case 'category':
      if (!b.category) return [];
      return (await api.get('/api/v1/products', { query: { category: b.category, limit }, signal })).items;
    case 'search':
      if (!b.query) return [];
      return (await api.get('/api/v1/products', { query: { q: b.query, limit }, signal })).items;
    case 'list': {
      // one read per product, in the editor's order; what is no longer for sale is left out
      const slugs = (b.products ?? []).slice(0, limit);
      const got = await Promise.allSettled(slugs.map((slug) => api.get('/api/v1/products/{slug}', { path: { slug }, signal })));
      const items: ProductItem[] = [];
      for (const r of got) {
        if (r.status !== 'fulfilled') continue;
        const p = r.value;
        items.push({
          id: p.id, slug: p.slug, title: p.title, summary: p.summary, price_paise: p.price_paise, currency: p.currency,
          tax_rate_bp: p.tax_rate_bp, is_free: p.is_free, category: p.category, tags: p.tags,
          cover_image_url: p.cover_image_url, published_at: p.published_at, sales_count: p.sales_count,
        });
      }
      if (items.length === 0 && got.length > 0 && got.every((r) => r.status === 'rejected')) {
        const first = got[0] as PromiseRejectedResult;
        if ((first.reason as { status?: number })?.status !== 404) throw first.reason;
      }
      return items;
    }
    default:
      return [];
  }
}

function moreHref(b: Of<'product_list'>): string | null {
  switch (b.source) {
    case 'popular': return '/products?sort=popular';
    case 'newest': return '/products?sort=newest';
    case 'category': return b.category ? `/categories/${encodeURIComponent(b.category)}` : null;
    case 'search': return b.query ? `/products?q=${encodeURIComponent(b.query)}` : null;
    default: return null;
  }
}

function ProductList({ b, id }: { b: Of<'product_list'>; id: string }) {
  const state = useAsync((signal) => loadProducts(b, signal), [JSON.stringify(b)]);
  const heading = b.heading || (b.source === 'search' && b.query ? `Matching “${b.query}”` : DEFAULT_LIST_HEADINGS[b.source]) || 'Products';
  const more = moreHref(b);
  if (state.data && state.data.length === 0) return null;
  return (
    <Section id={id} heading={heading} class="block-products">
      {state.error ? <ErrorBox error={state.error} retry={state.reload} />
        : !state.data ? <Spinner label="Loading products" />
        : <>
            <ProductGrid items={state.data} />
            {more && <p class="block-more"><Link href={more}>See all<span class="visually-hidden"> {heading.toLowerCase()}</span></Link></p>}
          </>}
    </Section>
  );
}

function CategoryGrid({ b, id }: { b: Of<'category_grid'>; id: string }) {
  const state = useAsync((signal) => api.get('/api/v1/categories', { signal }), []);
  const items = state.data?.items.filter((c) => c.product_count > 0);
  if (items && items.length === 0) return null;
  return (
    <Section id={id} heading={b.heading || 'Shop by category'} class="block-categories">
      {state.error ? <ErrorBox error={state.error} retry={state.reload} />
        : !items ? <Spinner label="Loading categories" />
        : (
          <ul class="category-grid" role="list">
            {items.map((c) => (
              <li key={c.slug}>
                <Link href={`/categories/${c.slug}`} class="category-card">
                  <span class="category-name">{c.name}</span>
                  {c.description && <span class="category-desc">{c.description}</span>}
                  <span class="category-count">{plural(c.product_count, 'product')}</span>
                </Link>
              </li>
            ))}
          </ul>
        )}
    </Section>
  );
}

function FeatureGrid({ b, id }: { b: Of<'feature_grid'>; id: string }) {
  const H = b.heading ? 'h3' : 'h2';
  return (
    <Section id={id} heading={b.heading} class="block-features">
      <ul class="feature-grid" role="list">
        {b.items.map((f, i) => (
          <li key={i} class="feature">
            <span class="feature-icon"><Icon name={f.icon} /></span>
            <H>{f.title}</H>
            {f.text && <p>{f.text}</p>}
          </li>
        ))}
      </ul>
    </Section>
  );
}

function Testimonials({ b, id }: { b: Of<'testimonials'>; id: string }) {
  return (
    <Section id={id} heading={b.heading} class="block-testimonials">
      <ul class="testimonial-grid" role="list">
        {b.items.map((t, i) => (
          <li key={i}>
            <figure class="testimonial">
              <blockquote><p>{t.quote}</p></blockquote>
              <figcaption>
                <span class="testimonial-name">{t.name}</span>
                {t.role && <span class="testimonial-role">{t.role}</span>}
              </figcaption>
            </figure>
          </li>
        ))}
      </ul>
    </Section>
  );
}

/** Plain text with newlines: blank lines make paragraphs, single ones line breaks. */
function Paragraphs({ text }: { text: string }) {
  return <>{text.split(/\n\s*\n/).filter((p) => p.trim()).map((p, i) => <p key={i} class="pre-line">{p.trim()}</p>)}</>;
}

function Faq({ b, id }: { b: Of<'faq'>; id: string }) {
  return (
    <Section id={id} heading={b.heading || 'Questions'} class="block-faq">
      <div class="faq-list">
        {b.items.map((q, i) => (
          <details key={i} class="faq-item">
            <summary>{q.q}</summary>
            <div class="faq-answer"><Paragraphs text={q.a} /></div>
          </details>
        ))}
      </div>
    </Section>
  );
}

function PricingTiers({ b, id }: { b: Of<'pricing_tiers'>; id: string }) {
  const H = 'h3';
  return (
    <Section id={id} heading={b.heading || 'Plans'} class="block-pricing">
      <ul class="tier-grid" role="list">
        {b.tiers.map((t, i) => (
          <li key={i} class={`card tier${t.highlighted ? ' tier-highlighted' : ''}`}>
            {t.highlighted && <p class="tier-badge">Most popular</p>}
            <H>{t.name}</H>
            <p class="tier-price">
              <span class="tier-amount">{rupees(t.price_paise)}</span>
              {t.period && <span class="tier-period"> per {t.period}</span>}
            </p>
            {t.description && <p class="muted">{t.description}</p>}
            {t.features && t.features.length > 0 && (
              <ul class="tier-features" aria-label={`${t.name} includes`}>
                {t.features.map((f, j) => <li key={j}><Icon name="check" /> {f}</li>)}
              </ul>
            )}
            {t.cta && <p class="tier-cta"><LinkButton link={t.cta} kind={t.highlighted ? 'primary' : 'secondary'} /></p>}
          </li>
        ))}
      </ul>
    </Section>
  );
}

function TeamBlock({ b, id }: { b: Of<'team'>; id: string }) {
  const state = useAsync((signal) => api.get('/api/v1/team', { signal }), []);
  if (state.data && state.data.items.length === 0) return null;
  return (
    <Section id={id} heading={b.heading || 'The team'} class="block-team">
      {state.error ? <ErrorBox error={state.error} retry={state.reload} />
        : !state.data ? <Spinner label="Loading the team" />
        : <TeamCards members={state.data.items} />}
    </Section>
  );
}

function Cta({ b, id }: { b: Of<'cta'>; id: string }) {
  return (
    <section class="block block-cta" aria-labelledby={id}>
      <h2 id={id}>{b.heading}</h2>
      {b.text && <p>{b.text}</p>}
      {b.button && <p><LinkButton link={b.button} kind="secondary" /></p>}
    </section>
  );
}

function ImageBlock({ b }: { b: Of<'image'> }) {
  const img = <img src={b.src} alt={b.alt} loading="lazy" />;
  return (
    <figure class="block block-image">
      {b.href ? <SmartLink href={b.href}>{img}</SmartLink> : img}
      {b.caption && <figcaption>{b.caption}</figcaption>}
    </figure>
  );
}

function RichText({ b }: { b: Of<'rich_text'> }) {
  // html is the server's: Markdown rendered by cmark-gfm in safe mode, then
  // an allow-list sanitiser (src/cms/html.c). Nothing else is inserted as HTML.
  if (!b.html) return null;
  return <div class="block block-rich prose" onClick={routeProseClick} dangerouslySetInnerHTML={{ __html: b.html }} />;
}

/**
 * The blocks of a page, in order. heroTitle: the first hero's heading is the
 * page's h1 (the home page); otherwise the caller renders the h1 and every
 * block heading is an h2.
 */
export function Blocks({ blocks, heroTitle = false, idPrefix = 'b' }: { blocks: Block[]; heroTitle?: boolean; idPrefix?: string }) {
  let heroSeen = false;
  return (
    <div class="blocks">
      {blocks.map((b, i) => {
        const id = `${idPrefix}-${i}`;
        switch (b.type) {
          case 'hero': {
            const h1 = heroTitle && !heroSeen;
            heroSeen = true;
            return <Hero key={i} b={b} id={id} h1={h1} />;
          }
          case 'rich_text': return <RichText key={i} b={b} />;
          case 'product_list': return <ProductList key={i} b={b} id={id} />;
          case 'category_grid': return <CategoryGrid key={i} b={b} id={id} />;
          case 'feature_grid': return <FeatureGrid key={i} b={b} id={id} />;
          case 'testimonials': return <Testimonials key={i} b={b} id={id} />;
          case 'faq': return <Faq key={i} b={b} id={id} />;
          case 'pricing_tiers': return <PricingTiers key={i} b={b} id={id} />;
          case 'team': return <TeamBlock key={i} b={b} id={id} />;
          case 'cta': return <Cta key={i} b={b} id={id} />;
          case 'image': return b.src && b.alt ? <ImageBlock key={i} b={b} /> : null;
          default: return null; // a block type this front end does not know
        }
      })}
    </div>
  );
}

/** Whether the blocks start with a hero (its heading then serves as the page's h1). */
export const startsWithHero = (blocks: Block[]) => blocks[0]?.type === 'hero';

export type CmsPageData = Get<'/api/v1/pages/{slug}'>;
