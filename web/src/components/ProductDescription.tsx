// ProductDescription.tsx - a product's description (Markdown, as staff wrote
// it: the API gives the source, not HTML) rendered as elements: paragraphs,
// headings, lists, quotes, code, **bold**, *italic*, `code` and [links](url).
// Nothing is ever inserted as HTML, so the text cannot carry markup or script;
// links are kept only for http(s), mailto and same-site paths.
import type { ComponentChildren } from 'preact';

type Block =
  | { kind: 'p'; text: string }
  | { kind: 'h'; level: number; text: string }
  | { kind: 'ul' | 'ol'; items: string[] }
  | { kind: 'quote'; text: string }
  | { kind: 'code'; text: string };

function blocks(src: string): Block[] {
  const lines = src.replace(/\r\n?/g, '\n').split('\n');
  const out: Block[] = [];
  let para: string[] = [];
  let list: { kind: 'ul' | 'ol'; items: string[] } | null = null;
  let quote: string[] = [];
  const flush = () => {
    if (para.length) out.push({ kind: 'p', text: para.join(' ') });
    if (list) out.push(list);
    if (quote.length) out.push({ kind: 'quote', text: quote.join(' ') });
    para = []; list = null; quote = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const t = line.trim();
    if (t.startsWith('```')) {
      flush();
      const code: string[] = [];
      for (i++; i < lines.length && !lines[i]!.trim().startsWith('```'); i++) code.push(lines[i]!);
      out.push({ kind: 'code', text: code.join('\n') });
      continue;
    }
    if (!t) { flush(); continue; }
    const h = t.match(/^(#{1,6})\s+(.*?)\s*#*$/);
    if (h) { flush(); out.push({ kind: 'h', level: h[1]!.length, text: h[2]! }); continue; }
    const ul = t.match(/^[-*+]\s+(.*)$/), ol = t.match(/^\d{1,3}[.)]\s+(.*)$/);
    if (ul || ol) {
      const kind = ul ? 'ul' : 'ol';
      if (para.length || quote.length || (list && list.kind !== kind)) flush();
      list ??= { kind, items: [] };
      list.items.push((ul ?? ol)![1]!);
      continue;
    }
    if (t.startsWith('>')) {
      if (para.length || list) flush();
      quote.push(t.replace(/^>\s?/, ''));
      continue;
    }
    if (list && /^\s{2,}/.test(line)) { // a list item's continuation line
      list.items[list.items.length - 1] += ' ' + t;
      continue;
    }
    if (list || quote.length) flush();
    para.push(t);
  }
  flush();
  return out;
}

function safeHref(url: string): string | null {
  const u = url.trim();
  if (/^https?:\/\//i.test(u) || /^mailto:/i.test(u)) return u;
  if (u.startsWith('/') && !u.startsWith('//')) return u;
  return null;
}

/** Inline Markdown: `code`, **bold**, *em* / _em_, [text](url). */
function inline(text: string, keyBase = 'i'): ComponentChildren[] {
  const out: ComponentChildren[] = [];
  const re = /`([^`]+)`|\*\*(.+?)\*\*|__(.+?)__|\*(?!\s)(.+?)\*|(?<![\w])_(?!\s)(.+?)_(?![\w])|\[([^\]]+)\]\(([^)\s]+)\)/g;
  let last = 0, m: RegExpExecArray | null, n = 0;
  while ((m = re.exec(text)) !== null) {
    if (m.index > last) out.push(text.slice(last, m.index));
    const k = `${keyBase}-${n++}`;
    if (m[1] !== undefined) out.push(<code key={k}>{m[1]}</code>);
    else if (m[2] !== undefined || m[3] !== undefined) out.push(<strong key={k}>{inline((m[2] ?? m[3])!, k)}</strong>);
    else if (m[4] !== undefined || m[5] !== undefined) out.push(<em key={k}>{inline((m[4] ?? m[5])!, k)}</em>);
    else if (m[6] !== undefined) {
      const href = safeHref(m[7]!);
      const external = href !== null && /^https?:/i.test(href);
      out.push(href ? <a key={k} href={href} rel={external ? 'nofollow noopener noreferrer' : undefined}>{inline(m[6], k)}</a> : m[6]);
    }
    last = re.lastIndex;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/** The description; its headings start at `baseLevel` (under the section's own heading). */
export function ProductDescription({ source, baseLevel = 3 }: { source: string; baseLevel?: number }) {
  const bs = blocks(source);
  const top = Math.min(6, ...bs.map((b) => (b.kind === 'h' ? b.level : 6)));
  return (
    <div class="prose product-description">
      {bs.map((b, i) => {
        switch (b.kind) {
          case 'p': return <p key={i}>{inline(b.text)}</p>;
          case 'h': {
            const H = `h${Math.min(6, baseLevel + b.level - top)}` as 'h3';
            return <H key={i}>{inline(b.text)}</H>;
          }
          case 'ul': return <ul key={i}>{b.items.map((x, j) => <li key={j}>{inline(x)}</li>)}</ul>;
          case 'ol': return <ol key={i}>{b.items.map((x, j) => <li key={j}>{inline(x)}</li>)}</ol>;
          case 'quote': return <blockquote key={i}><p>{inline(b.text)}</p></blockquote>;
          case 'code': return <pre key={i}><code>{b.text}</code></pre>;
        }
      })}
    </div>
  );
}
