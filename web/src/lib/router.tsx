// router.tsx - a small client-side router on the History API: a route table
// of patterns ("/products/:slug"), <Link> for in-app navigation, navigate(),
// and focus moved to the new page's heading after each navigation so that
// keyboard and screen-reader users land on the new content.
import { createContext, type ComponentChildren, type JSX } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';

export interface Location { path: string; query: URLSearchParams; hash: string }

function current(): Location {
  return { path: location.pathname, query: new URLSearchParams(location.search), hash: location.hash };
}

const subscribers = new Set<(l: Location) => void>();
function emit() {
  const l = current();
  subscribers.forEach((fn) => fn(l));
}
window.addEventListener('popstate', emit);

/** Go to an in-app URL (pushes history unless replace). */
export function navigate(to: string, { replace = false, scroll = true } = {}): void {
  if (to === location.pathname + location.search + location.hash) return;
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  if (scroll) window.scrollTo(0, 0);
  emit();
}

/** Change the query string of the current page (replace: no new history entry). */
export function setQuery(params: Record<string, string | number | undefined | null>, { replace = true } = {}): void {
  const q = new URLSearchParams(location.search);
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') q.delete(k);
    else q.set(k, String(v));
  }
  const s = q.toString();
  navigate(location.pathname + (s ? '?' + s : ''), { replace, scroll: false });
}

export function useLocation(): Location {
  const [loc, setLoc] = useState(current);
  useEffect(() => {
    subscribers.add(setLoc);
    return () => { subscribers.delete(setLoc); };
  }, []);
  return loc;
}

export type Params = Record<string, string>;
export interface Route { pattern: string; view: (p: { params: Params; query: URLSearchParams }) => JSX.Element | null }

/** A pattern's segments match the path's; a last segment "*" matches the rest (none too). */
function match(pattern: string, path: string): Params | null {
  let a = pattern.split('/').filter(Boolean);
  const b = path.split('/').filter(Boolean);
  if (a[a.length - 1] === '*') {
    a = a.slice(0, -1);
    if (b.length < a.length) return null;
    b.length = a.length;
  }
  if (a.length !== b.length) return null;
  const out: Params = {};
  for (let i = 0; i < a.length; i++) {
    const pa = a[i]!, pb = b[i]!;
    if (pa.startsWith(':')) {
      try { out[pa.slice(1)] = decodeURIComponent(pb); } catch { return null; }
    } else if (pa !== pb) return null;
  }
  return out;
}

const RouteContext = createContext<{ pattern: string; params: Params }>({ pattern: '', params: {} });
export const useRoute = () => useContext(RouteContext);

/** The first route whose pattern matches the path, or `fallback`. */
export function Router({ routes, fallback, onChange }: { routes: Route[]; fallback: Route['view']; onChange?: (l: Location, pattern: string) => void }) {
  const loc = useLocation();
  let found: { route: Route; params: Params } | null = null;
  for (const route of routes) {
    const params = match(route.pattern, loc.path);
    if (params) { found = { route, params }; break; }
  }
  const pattern = found?.route.pattern ?? '*';
  useEffect(() => { onChange?.(loc, pattern); }, [loc.path]);
  useEffect(() => {
    // move focus to the page's heading once it has rendered (screens that load
    // first render it later: retry), or to the #fragment; only while focus is
    // nowhere (a control the user is in keeps it)
    let hashTries = loc.hash ? 0 : 20, tries = 0;
    const free = () => !document.activeElement || document.activeElement === document.body;
    const go = () => {
      if (hashTries < 20) {
        const el = document.getElementById(decodeURIComponent(loc.hash.slice(1)));
        if (el) { el.scrollIntoView(); return; }
        if (++hashTries < 20) { t = setTimeout(go, 100); return; }
      }
      if (!free()) return;
      const h = document.querySelector<HTMLElement>('main h1');
      if (h) { h.tabIndex = -1; h.focus({ preventScroll: true }); return; }
      if (++tries < 20) t = setTimeout(go, 100);
    };
    let t = setTimeout(go, 60);
    return () => clearTimeout(t);
  }, [loc.path, loc.hash]);
  const View = found?.route.view ?? fallback;
  return (
    <RouteContext.Provider value={{ pattern, params: found?.params ?? {} }}>
      <View params={found?.params ?? {}} query={loc.query} />
    </RouteContext.Provider>
  );
}

/** An in-app link: plain <a href> (works with a middle click), routed on a plain click. */
export function Link(props: JSX.AnchorHTMLAttributes<HTMLAnchorElement> & { href: string; children?: ComponentChildren }) {
  const { href, onClick, ...rest } = props;
  return (
    <a
      href={href}
      {...rest}
      onClick={(e) => {
        onClick?.(e as never);
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        if (!href.startsWith('/') || href.startsWith('/api/') || href.startsWith('/docs/') || rest.target) return;
        e.preventDefault();
        navigate(href);
      }}
    />
  );
}
