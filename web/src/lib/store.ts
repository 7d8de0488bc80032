// store.ts - what every page shares: the signed-in user (or null), loaded once
// at start from GET /me, and the cart's line count for the header. A tiny
// observable with a hook; no state library.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, onSignedOut, type Get } from '../api/ApiService';

export type User = Get<'/api/v1/me'>['user'];

class Box<T> {
  private subs = new Set<(v: T) => void>();
  constructor(private v: T) {}
  get value(): T { return this.v; }
  set(v: T) { this.v = v; this.subs.forEach((fn) => fn(v)); }
  use(): T {
    const [v, setV] = useState(this.v);
    useEffect(() => { this.subs.add(setV); setV(this.v); return () => { this.subs.delete(setV); }; }, []);
    return v;
  }
}

/** undefined while loading, null when signed out. */
export const user = new Box<User | null | undefined>(undefined);
export const cartCount = new Box<number>(0);
export type CartNotice = Get<'/api/v1/cart'>['notices'][number];
/** What a cart read outside the cart page reported (the API tells each notice once). */
export const cartNotices = new Box<CartNotice[]>([]);
export const providers = new Box<string[]>([]);

export async function loadUser(): Promise<void> {
  try {
    const r = await api.get('/api/v1/me');
    user.set(r.user);
  } catch (e) {
    if (e instanceof ApiError && (e.status === 401 || e.status === 403)) { user.set(null); return; }
    // a blip (429, 503, network): one more try before showing the signed-out header
    await new Promise((r) => setTimeout(r, 1500));
    try { user.set((await api.get('/api/v1/me')).user); } catch { user.set(null); }
  }
}

export async function loadCartCount(): Promise<void> {
  try {
    const c = await api.get('/api/v1/cart');
    cartCount.set(c.items.length);
    if (c.notices.length) cartNotices.set([...cartNotices.value, ...c.notices]);
  } catch { /* the header count is a courtesy */ }
}

export function can(u: User | null | undefined, permission: string): boolean {
  return !!u && u.permissions.includes(permission);
}

onSignedOut(() => user.set(null));
