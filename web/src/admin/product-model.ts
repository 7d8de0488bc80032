// product-model.ts - the product form's state as the text of its inputs, and
// how that text becomes the API's body: exact paise and basis points, lists,
// nullable limits, and for an edit only the members that changed.
import type { Get } from '../api/ApiService';
import type { components } from '../api/types';
import { fieldErrors, hundredthsText, parseOptionalInt, parsePercent, parseRupees, splitList } from './shop-forms';
import type { ApiError } from '../api/ApiService';

export type Product = Get<'/api/v1/admin/products/{id}'>;
export type ProductCreate = components['schemas']['AdminProductCreate'];
export type ProductPatch = components['schemas']['AdminProductPatch'];
type Values = Omit<ProductPatch, 'version'>;
type Key = keyof Values;

export interface ProductForm {
  title: string; slug: string; summary: string; description: string;
  price: string; tax: string; category: string; tags: string;
  cover: string; previews: string; downloadLimit: string; linkTtl: string;
}

/** The names of the fields beside which 422 messages are shown, with their labels. */
export const FIELD_LABELS: Record<Key, string> = {
  title: 'Title', slug: 'Slug', summary: 'Summary', description: 'Description',
  price_paise: 'Price', currency: 'Currency', tax_rate_bp: 'GST rate', category: 'Category', tags: 'Tags',
  cover_image_url: 'Cover image URL', preview_image_urls: 'Preview image URLs',
  download_limit: 'Download limit', link_ttl_seconds: 'Link lifetime',
};
export const SHOWN_FIELDS = Object.keys(FIELD_LABELS).filter((k) => k !== 'currency');

export function formOf(p: Product | null): ProductForm {
  if (!p) {
    return { title: '', slug: '', summary: '', description: '', price: '0', tax: '18', category: '', tags: '', cover: '', previews: '', downloadLimit: '', linkTtl: '' };
  }
  return {
    title: p.title, slug: p.slug, summary: p.summary, description: p.description,
    price: hundredthsText(p.price_paise), tax: hundredthsText(p.tax_rate_bp),
    category: p.category?.slug ?? '', tags: p.tags.join(', '),
    cover: p.cover_image_url ?? '', previews: p.preview_image_urls.join('\n'),
    downloadLimit: p.download_limit === null ? '' : String(p.download_limit),
    linkTtl: p.link_ttl_seconds === null ? '' : String(p.link_ttl_seconds),
  };
}

/** The form's values in the API's terms, or the problems found before sending. */
export function valuesOf(f: ProductForm, creating: boolean): { values: Values; error: null } | { values: null; error: ApiError } {
  const errs: Record<string, string> = {};
  const values: Values = {};
  const title = f.title.trim();
  if (!title) errs.title = 'is required';
  else values.title = title;
  const slug = f.slug.trim();
  if (slug) values.slug = slug;
  else if (!creating) errs.slug = 'is required (it is in the product\'s address)';
  values.summary = f.summary.trim();
  values.description = f.description;
  if (f.price.trim() === '') errs.price_paise = 'is required (0 makes the product free)';
  else {
    const price = parseRupees(f.price);
    if (price.ok) values.price_paise = price.value; else errs.price_paise = price.error;
  }
  const tax = parsePercent(f.tax);
  if (tax.ok) values.tax_rate_bp = tax.value; else errs.tax_rate_bp = tax.error;
  values.category = f.category || null;
  values.tags = splitList(f.tags).map((t) => t.toLowerCase());
  if (values.tags.length > 20) errs.tags = 'may be at most 20';
  values.cover_image_url = f.cover.trim() || null;
  values.preview_image_urls = splitList(f.previews, true);
  if (values.preview_image_urls.length > 20) errs.preview_image_urls = 'may be at most 20';
  const limit = parseOptionalInt(f.downloadLimit, 1, 100_000);
  if (limit.ok) values.download_limit = limit.value; else errs.download_limit = limit.error;
  const ttl = parseOptionalInt(f.linkTtl, 10, 604_800);
  if (ttl.ok) values.link_ttl_seconds = ttl.value; else errs.link_ttl_seconds = ttl.error;
  const error = fieldErrors(errs);
  return error ? { values: null, error } : { values, error: null };
}

/** The product's current values, to compare an edit with. */
function baseValues(p: Product): Values {
  return {
    title: p.title, slug: p.slug, summary: p.summary, description: p.description,
    price_paise: p.price_paise, tax_rate_bp: p.tax_rate_bp, category: p.category?.slug ?? null,
    tags: p.tags, cover_image_url: p.cover_image_url, preview_image_urls: p.preview_image_urls,
    download_limit: p.download_limit, link_ttl_seconds: p.link_ttl_seconds,
  };
}

/** The members of values that differ from the product (what a PATCH sends). */
export function changes(values: Values, p: Product): Values {
  const base = baseValues(p);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(values) as Key[]) {
    if (JSON.stringify(values[k]) !== JSON.stringify(base[k])) out[k] = values[k];
  }
  return out as Values;
}

/** The labels of the fields the form has changed from the product (for the conflict notice). */
export function changedLabels(f: ProductForm, p: Product): string[] {
  const now = formOf(p);
  const map: [keyof ProductForm, Key][] = [
    ['title', 'title'], ['slug', 'slug'], ['summary', 'summary'], ['description', 'description'], ['price', 'price_paise'],
    ['tax', 'tax_rate_bp'], ['category', 'category'], ['tags', 'tags'], ['cover', 'cover_image_url'],
    ['previews', 'preview_image_urls'], ['downloadLimit', 'download_limit'], ['linkTtl', 'link_ttl_seconds'],
  ];
  return map.filter(([fk]) => f[fk] !== now[fk]).map(([, k]) => FIELD_LABELS[k]);
}

/** The create body: the values without the empty optional members. */
export function createBody(values: Values): ProductCreate {
  const body: ProductCreate = { title: values.title ?? '' };
  for (const k of Object.keys(values) as Key[]) {
    const v = values[k];
    if (v === null || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    (body as Record<string, unknown>)[k] = v;
  }
  return body;
}
