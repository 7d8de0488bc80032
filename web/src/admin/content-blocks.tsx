// content-blocks.tsx - the block editor of CMS pages: one form per block
// type, described by tables of members that mirror the server's schema
// (src/cms/blocks.c, CmsBlockInput in the spec), the conversion of a stored
// block into editable values and back into what the API accepts, and a live
// preview of unsaved blocks through the storefront's Blocks.tsx.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ApiError } from '../api/ApiService';
import type { components } from '../api/types';
import { Blocks, type Block } from '../components/Blocks';
import { ProductDescription } from '../components/ProductDescription';
import { Button, Field } from '../lib/ui';

type S = components['schemas'];
export type BlockInput = S['CmsBlockInput'];
export type StoredBlock = S['CmsBlock'];
export type BlockType = BlockInput['type'];

/** A block's values while they are edited (the members by name). */
export type Rec = Record<string, unknown>;
/** A block in the editor: a key that survives reordering, and its values. */
export interface EditBlock { key: number; type: BlockType; data: Rec }

interface Leaf {
  key: string; label: string; required?: boolean; hint?: string;
  kind: 'text' | 'textarea' | 'markdown' | 'url' | 'int' | 'paise' | 'bool' | 'select' | 'lines' | 'slugs';
  options?: readonly string[];
  /** shown (and sent) only when this holds */
  when?: (r: Rec) => boolean;
}
interface LinkSpec { key: string; label: string; kind: 'link' }
interface ItemsSpec { key: string; label: string; kind: 'items'; item: string; max: number; fields: (Leaf | LinkSpec)[]; blank: () => Rec }
type Spec = Leaf | LinkSpec | ItemsSpec;

const ICON_NAMES = ['check', 'download', 'star', 'cart', 'heart', 'user', 'shield', 'bolt', 'mail', 'lock'] as const;
const heading: Leaf = { key: 'heading', label: 'Heading', kind: 'text' };

export const BLOCK_TYPES: { type: BlockType; label: string; fields: Spec[]; blank: () => Rec }[] = [
  {
    type: 'hero', label: 'Hero (large heading)', blank: () => ({ heading: '' }),
    fields: [
      { key: 'heading', label: 'Heading', kind: 'text', required: true },
      { key: 'subheading', label: 'Subheading', kind: 'text' },
      { key: 'cta', label: 'Main button', kind: 'link' },
      { key: 'secondary_cta', label: 'Second button', kind: 'link' },
      { key: 'image', label: 'Image address', kind: 'url', hint: 'An https:// address or a path on the site.' },
      { key: 'image_alt', label: 'Image description (alt text)', kind: 'text' },
    ],
  },
  {
    type: 'rich_text', label: 'Text (Markdown)', blank: () => ({ markdown: '' }),
    fields: [{ key: 'markdown', label: 'Text (Markdown)', kind: 'markdown', required: true, hint: 'GitHub-flavoured Markdown. Raw HTML is removed.' }],
  },
  {
    type: 'product_list', label: 'Product list', blank: () => ({ source: 'popular', limit: 8 }),
    fields: [
      heading,
      { key: 'source', label: 'Products', kind: 'select', required: true, options: ['popular', 'newest', 'category', 'search', 'list'] },
      { key: 'category', label: 'Category slug', kind: 'text', required: true, when: (r) => r.source === 'category' },
      { key: 'query', label: 'Search words', kind: 'text', required: true, when: (r) => r.source === 'search' },
      { key: 'products', label: 'Product slugs, in order', kind: 'slugs', required: true, hint: 'Separated by commas; at most 24.', when: (r) => r.source === 'list' },
      { key: 'limit', label: 'How many to show', kind: 'int', hint: '0 to 24; empty shows 8.' },
    ],
  },
  { type: 'category_grid', label: 'Category grid', blank: () => ({}), fields: [heading] },
  {
    type: 'feature_grid', label: 'Features', blank: () => ({ items: [{ title: '' }] }),
    fields: [heading, {
      key: 'items', label: 'Features', kind: 'items', item: 'Feature', max: 24, blank: () => ({ title: '' }),
      fields: [
        { key: 'icon', label: 'Icon', kind: 'select', options: ICON_NAMES },
        { key: 'title', label: 'Title', kind: 'text', required: true },
        { key: 'text', label: 'Text', kind: 'text' },
      ],
    }],
  },
  {
    type: 'testimonials', label: 'Testimonials', blank: () => ({ items: [{ quote: '', name: '' }] }),
    fields: [heading, {
      key: 'items', label: 'Testimonials', kind: 'items', item: 'Testimonial', max: 24, blank: () => ({ quote: '', name: '' }),
      fields: [
        { key: 'quote', label: 'Quote', kind: 'text', required: true },
        { key: 'name', label: 'Name', kind: 'text', required: true },
        { key: 'role', label: 'Role', kind: 'text' },
      ],
    }],
  },
  {
    type: 'faq', label: 'Questions and answers', blank: () => ({ items: [{ q: '', a: '' }] }),
    fields: [heading, {
      key: 'items', label: 'Questions', kind: 'items', item: 'Question', max: 50, blank: () => ({ q: '', a: '' }),
      fields: [
        { key: 'q', label: 'Question', kind: 'text', required: true },
        { key: 'a', label: 'Answer', kind: 'textarea', required: true, hint: 'Plain text; a blank line starts a new paragraph.' },
      ],
    }],
  },
  {
    type: 'pricing_tiers', label: 'Pricing plans', blank: () => ({ tiers: [{ name: '', price_paise: 0 }] }),
    fields: [heading, {
      key: 'tiers', label: 'Plans', kind: 'items', item: 'Plan', max: 6, blank: () => ({ name: '', price_paise: 0 }),
      fields: [
        { key: 'name', label: 'Name', kind: 'text', required: true },
        { key: 'price_paise', label: 'Price (₹)', kind: 'paise', required: true },
        { key: 'period', label: 'Per (month, year…)', kind: 'text' },
        { key: 'description', label: 'Description', kind: 'text' },
        { key: 'features', label: 'Features, one a line', kind: 'lines' },
        { key: 'cta', label: 'Button', kind: 'link' },
        { key: 'highlighted', label: 'Highlight this plan ("Most popular")', kind: 'bool' },
      ],
    }],
  },
  { type: 'team', label: 'Team', blank: () => ({}), fields: [heading] },
  {
    type: 'cta', label: 'Call to action', blank: () => ({ heading: '' }),
    fields: [
      { key: 'heading', label: 'Heading', kind: 'text', required: true },
      { key: 'text', label: 'Text', kind: 'text' },
      { key: 'button', label: 'Button', kind: 'link' },
    ],
  },
  {
    type: 'image', label: 'Image', blank: () => ({ src: '', alt: '' }),
    fields: [
      { key: 'src', label: 'Image address', kind: 'url', required: true, hint: 'An https:// address or a path on the site.' },
      { key: 'alt', label: 'Description (alt text)', kind: 'text', required: true },
      { key: 'caption', label: 'Caption', kind: 'text' },
      { key: 'href', label: 'Links to', kind: 'url' },
    ],
  },
];

const typeOf = (t: string) => BLOCK_TYPES.find((b) => b.type === t);
export const blockLabel = (t: string) => typeOf(t)?.label ?? t;

let keySeq = 0;
export const nextKey = () => ++keySeq;

/** A stored block as editable values (the derived html dropped). */
export function toEdit(b: StoredBlock): EditBlock {
  const { type, ...rest } = b as StoredBlock & Rec;
  delete (rest as Rec).html;
  return { key: nextKey(), type, data: JSON.parse(JSON.stringify(rest)) as Rec };
}

export function newBlock(type: BlockType): EditBlock {
  return { key: nextKey(), type, data: typeOf(type)?.blank() ?? {} };
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** The values of one table, as the API takes them: blanks of optional members left out. */
function clean(specs: Spec[], r: Rec): Rec {
  const out: Rec = {};
  for (const s of specs) {
    const v = r[s.key];
    if (s.kind === 'items') {
      out[s.key] = (Array.isArray(v) ? (v as Rec[]) : []).map((it) => clean(s.fields, it));
      continue;
    }
    if (s.kind === 'link') {
      const l = (v ?? {}) as Rec;
      const label = str(l.label).trim(), href = str(l.href).trim();
      if (label || href) out[s.key] = { label, href };
      continue;
    }
    if (s.when && !s.when(r)) continue;
    switch (s.kind) {
      case 'text': case 'url': case 'select': {
        const t = str(v).trim();
        if (t || s.required) out[s.key] = t;
        break;
      }
      case 'textarea': case 'markdown':
        if (str(v).trim() || s.required) out[s.key] = str(v);
        break;
      case 'int': case 'paise':
        if (typeof v === 'number' && Number.isFinite(v)) out[s.key] = v;
        else if (s.required) out[s.key] = null;
        break;
      case 'bool':
        if (v === true) out[s.key] = true;
        break;
      case 'lines': case 'slugs': {
        const xs = (Array.isArray(v) ? (v as unknown[]) : []).map((x) => str(x).trim()).filter(Boolean);
        if (xs.length || s.required) out[s.key] = xs;
        break;
      }
    }
  }
  return out;
}

/** The blocks as the API takes them (the server checks them again, every problem at its path). */
export function toInput(blocks: EditBlock[]): BlockInput[] {
  return blocks.map((b) => ({ type: b.type, ...clean(typeOf(b.type)?.fields ?? [], b.data) }) as unknown as BlockInput);
}

/** The paths of the members the editor shows beside their inputs (for FormError's `shown`). */
export function shownPaths(err: ApiError | null): string[] {
  return err ? Object.keys(err.fields).filter((k) => /^blocks(\[|$)/.test(k)) : [];
}

/* ----------------------------------------------------------- the forms */

let selSeq = 0;
/** A labelled <textarea> of `rows` lines with its hint and field error. */
export function TextArea({ label, name, error, hint, rows = 4, value, onInput, required, maxLength }: {
  label: string; name: string; error: ApiError | null; hint?: string | undefined; rows?: number; value: string; onInput: (v: string) => void; required?: boolean; maxLength?: number;
}) {
  const id = useRef(`ta-${++selSeq}`).current;
  const msg = error?.fields[name];
  const describedBy = [hint ? id + '-hint' : '', msg ? id + '-err' : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field${msg ? ' field-invalid' : ''}`}>
      <label for={id}>{label}</label>
      <textarea id={id} name={name} rows={rows} value={value} required={required} maxLength={maxLength} aria-invalid={msg ? true : undefined} aria-describedby={describedBy}
        onInput={(e) => onInput((e.target as HTMLTextAreaElement).value)} />
      {hint && <p class="field-hint" id={id + '-hint'}>{hint}</p>}
      {msg && <p class="field-error" id={id + '-err'}>{msg}</p>}
    </div>
  );
}

/** A labelled <select> with its field error (Field takes inputs only). */
export function SelectField({ label, path, error, value, options, optional, labels, onChange }: {
  label: string; path: string; error: ApiError | null; value: string; options: readonly string[]; optional?: boolean | string; labels?: Record<string, string>; onChange: (v: string) => void;
}) {
  const id = useRef(`sel-${++selSeq}`).current;
  const msg = error?.fields[path];
  return (
    <div class={`field${msg ? ' field-invalid' : ''}`}>
      <label for={id}>{label}</label>
      <select id={id} name={path} value={value} aria-invalid={msg ? true : undefined} aria-describedby={msg ? id + '-err' : undefined}
        onChange={(e) => onChange((e.target as HTMLSelectElement).value)}>
        {optional && <option value="">{typeof optional === 'string' ? optional : '(none)'}</option>}
        {options.map((o) => <option key={o} value={o}>{labels?.[o] ?? o.replace(/_/g, ' ')}</option>)}
      </select>
      {msg && <p class="field-error" id={id + '-err'}>{msg}</p>}
    </div>
  );
}

function LeafInput({ s, r, path, error, onChange }: { s: Leaf; r: Rec; path: string; error: ApiError | null; onChange: (v: unknown) => void }) {
  const v = r[s.key];
  const label = s.label + (s.required ? ' (required)' : '');
  switch (s.kind) {
    case 'markdown': case 'textarea':
      return <TextArea label={label} name={path} error={error} hint={s.hint} rows={s.kind === 'markdown' ? 10 : 4} value={str(v)} onInput={onChange} />;
    case 'select':
      return <SelectField label={label} path={path} error={error} value={str(v)} options={s.options ?? []} optional={!s.required} onChange={onChange} />;
    case 'int':
      return <Field label={label} name={path} error={error} hint={s.hint} type="number" min={0} step={1} inputMode="numeric" value={typeof v === 'number' ? String(v) : ''}
        onInput={(e) => { const t = (e.target as HTMLInputElement).value; onChange(t === '' ? undefined : Math.trunc(Number(t))); }} />;
    case 'paise':
      return <Field label={label} name={path} error={error} hint={s.hint} type="number" min={0} step={0.01} inputMode="decimal" value={typeof v === 'number' ? String(v / 100) : ''}
        onInput={(e) => { const t = (e.target as HTMLInputElement).value; onChange(t === '' ? undefined : Math.round(Number(t) * 100)); }} />;
    case 'bool':
      return (
        <div class="field field-check">
          <label><input type="checkbox" name={path} checked={v === true} onChange={(e) => onChange((e.target as HTMLInputElement).checked)} /> {s.label}</label>
          {error?.fields[path] && <p class="field-error">{error.fields[path]}</p>}
        </div>
      );
    case 'lines':
      return <TextArea label={label} name={path} error={error} hint={s.hint} rows={4} value={(Array.isArray(v) ? (v as unknown[]).map(str) : []).join('\n')}
        onInput={(t) => onChange(t.split('\n'))} />;
    case 'slugs':
      return <Field label={label} name={path} error={error} hint={s.hint} value={(Array.isArray(v) ? (v as unknown[]).map(str) : []).join(',')}
        onInput={(e) => onChange((e.target as HTMLInputElement).value.split(','))} />;
    default:
      return <Field label={label} name={path} error={error} hint={s.hint} inputMode={s.kind === 'url' ? 'url' : undefined}
        value={str(v)} onInput={(e) => onChange((e.target as HTMLInputElement).value)} />;
  }
}

function LinkInput({ s, r, path, error, onChange }: { s: LinkSpec; r: Rec; path: string; error: ApiError | null; onChange: (v: Rec) => void }) {
  const l = (r[s.key] ?? {}) as Rec;
  const msg = error?.fields[path];
  return (
    <fieldset class="content-link">
      <legend>{s.label} <span class="muted small">(optional: leave both empty for none)</span></legend>
      {msg && <p class="field-error">{msg}</p>}
      <div class="content-row">
        <Field label="Label" name={`${path}.label`} error={error} value={str(l.label)} onInput={(e) => onChange({ ...l, label: (e.target as HTMLInputElement).value })} />
        <Field label="Address" name={`${path}.href`} error={error} hint="https://… or /a-path" value={str(l.href)} onInput={(e) => onChange({ ...l, href: (e.target as HTMLInputElement).value })} />
      </div>
    </fieldset>
  );
}

function SpecInputs({ specs, r, path, error, onChange }: { specs: Spec[]; r: Rec; path: string; error: ApiError | null; onChange: (r: Rec) => void }) {
  return (
    <>
      {specs.map((s) => {
        const p = `${path}.${s.key}`;
        const set = (v: unknown) => onChange({ ...r, [s.key]: v });
        if (s.kind === 'link') return <LinkInput key={s.key} s={s} r={r} path={p} error={error} onChange={set} />;
        if (s.kind === 'items') return <ItemsInput key={s.key} s={s} r={r} path={p} error={error} onChange={set} />;
        if (s.when && !s.when(r)) return null;
        return <LeafInput key={s.key} s={s} r={r} path={p} error={error} onChange={set} />;
      })}
    </>
  );
}

function ItemsInput({ s, r, path, error, onChange }: { s: ItemsSpec; r: Rec; path: string; error: ApiError | null; onChange: (v: Rec[]) => void }) {
  const items = Array.isArray(r[s.key]) ? (r[s.key] as Rec[]) : [];
  const msg = error?.fields[path];
  const move = (i: number, d: number) => {
    const xs = items.slice();
    const [x] = xs.splice(i, 1);
    xs.splice(i + d, 0, x!);
    onChange(xs);
  };
  return (
    <fieldset class="content-items">
      <legend>{s.label}</legend>
      {msg && <p class="field-error">{msg}</p>}
      <ol class="content-item-list">
        {items.map((it, i) => {
          const ip = `${path}[${i}]`;
          return (
            <li key={i} class="content-item">
              <fieldset>
                <legend>{s.item} {i + 1}</legend>
                {error?.fields[ip] && <p class="field-error">{error.fields[ip]}</p>}
                <SpecInputs specs={s.fields} r={it} path={ip} error={error} onChange={(n) => onChange(items.map((x, j) => (j === i ? n : x)))} />
                <div class="content-item-actions">
                  <Button kind="secondary" class="btn-small" disabled={i === 0} onClick={() => move(i, -1)}>Move up<span class="visually-hidden"> {s.item.toLowerCase()} {i + 1}</span></Button>
                  <Button kind="secondary" class="btn-small" disabled={i === items.length - 1} onClick={() => move(i, 1)}>Move down<span class="visually-hidden"> {s.item.toLowerCase()} {i + 1}</span></Button>
                  <Button kind="secondary" class="btn-small" onClick={() => onChange(items.filter((_, j) => j !== i))}>Remove<span class="visually-hidden"> {s.item.toLowerCase()} {i + 1}</span></Button>
                </div>
              </fieldset>
            </li>
          );
        })}
      </ol>
      <Button kind="secondary" class="btn-small" disabled={items.length >= s.max} onClick={() => onChange([...items, s.blank()])}>Add {s.item.toLowerCase()}</Button>
    </fieldset>
  );
}

/** The paths this block's form shows, to list any other problem of the block at its foot. */
function pathsOf(specs: Spec[], r: Rec, path: string, out: Set<string>) {
  for (const s of specs) {
    const p = `${path}.${s.key}`;
    out.add(p);
    if (s.kind === 'link') { out.add(p + '.label'); out.add(p + '.href'); }
    if (s.kind === 'items') {
      const items = Array.isArray(r[s.key]) ? (r[s.key] as Rec[]) : [];
      items.forEach((it, i) => { out.add(`${p}[${i}]`); pathsOf(s.fields, it, `${p}[${i}]`, out); });
    }
  }
}

/** The form of one block, with its Move up / Move down / Remove buttons. */
export function BlockForm({ b, index, count, error, onChange, onMove, onRemove }: {
  b: EditBlock; index: number; count: number; error: ApiError | null;
  onChange: (data: Rec) => void; onMove: (d: -1 | 1) => void; onRemove: () => void;
}) {
  const t = typeOf(b.type);
  const path = `blocks[${index}]`;
  const seen = new Set<string>([path]);
  pathsOf(t?.fields ?? [], b.data, path, seen);
  const other = error ? Object.entries(error.fields).filter(([k]) => (k.startsWith(path + '.') || k.startsWith(path + '[')) && !seen.has(k)) : [];
  const invalid = error ? Object.keys(error.fields).some((k) => k === path || k.startsWith(path + '.') || k.startsWith(path + '[')) : false;
  const name = `block ${index + 1} (${blockLabel(b.type)})`;
  return (
    <section class={`content-block card${invalid ? ' content-block-invalid' : ''}`} aria-labelledby={`blk-${b.key}-h`}>
      <header class="content-block-head">
        <h3 id={`blk-${b.key}-h`} tabIndex={-1}>{index + 1}. {blockLabel(b.type)}{invalid && <span class="field-error-inline"> (has problems)</span>}</h3>
        <div class="content-block-actions">
          <Button id={`blk-${b.key}-up`} kind="secondary" class="btn-small" disabled={index === 0} onClick={() => onMove(-1)}>Move up<span class="visually-hidden"> {name}</span></Button>
          <Button id={`blk-${b.key}-down`} kind="secondary" class="btn-small" disabled={index === count - 1} onClick={() => onMove(1)}>Move down<span class="visually-hidden"> {name}</span></Button>
          <Button kind="danger" class="btn-small" onClick={onRemove}>Remove<span class="visually-hidden"> {name}</span></Button>
        </div>
      </header>
      {error?.fields[path] && <p class="field-error">{error.fields[path]}</p>}
      {t ? <SpecInputs specs={t.fields} r={b.data} path={path} error={error} onChange={onChange} />
        : <p class="muted">This block type is not known to the editor; it is kept as it is.</p>}
      {other.length > 0 && (
        <ul class="field-error">{other.map(([k, m]) => <li key={k}>{k.slice(path.length + 1)}: {m}</li>)}</ul>
      )}
    </section>
  );
}

/* ------------------------------------------------------------ preview */

/** A value that follows `v` after `ms` of quiet (the preview re-renders while typing stops). */
export function useDebounced<T>(v: T, ms = 400): T {
  const [d, setD] = useState(v);
  useEffect(() => { const t = setTimeout(() => setD(v), ms); return () => clearTimeout(t); }, [v, ms]);
  return d;
}

/**
 * Unsaved blocks as the storefront draws them. The server renders rich
 * text (Markdown to sanitised HTML) only on save, so here rich text goes
 * through the storefront's own Markdown renderer: close, not identical.
 */
export function LivePreview({ blocks }: { blocks: EditBlock[] }) {
  const input = toInput(blocks);
  if (input.length === 0) return <p class="muted">No blocks yet.</p>;
  return (
    <div class="blocks">
      {input.map((b, i) => (b.type === 'rich_text'
        ? <div key={blocks[i]!.key} class="block block-rich"><ProductDescription source={b.markdown} baseLevel={2} /></div>
        : <Blocks key={blocks[i]!.key} blocks={[b as unknown as Block]} idPrefix={`pv-${blocks[i]!.key}`} />))}
    </div>
  );
}

/** Blocks the server rendered (its preview, or a kept version's). */
export function RenderedPreview({ blocks }: { blocks: Block[] }): ComponentChildren {
  return blocks.length ? <Blocks blocks={blocks} idPrefix="spv" /> : <p class="muted">No blocks.</p>;
}

/** After a move or a removal, focus goes to the element of this id once it has rendered. */
export function useFocusAfter() {
  const want = useRef<string[] | null>(null);
  useEffect(() => {
    if (!want.current) return;
    for (const id of want.current) {
      const el = document.getElementById(id) as HTMLButtonElement | null;
      if (el && !el.disabled) { el.focus(); break; }
    }
    want.current = null;
  });
  return (...ids: string[]) => { want.current = ids; };
}
