// App.tsx - the layout (header, main, footer) and the route table of the
// storefront. Public pages' paths are the ones nginx renders a head for
// (/products/:slug, /blog/:slug, /pages/:slug, /categories/:slug); the rest
// fall back to index.html. Every navigation sends the pageview beacon.
import { useEffect, useState } from 'preact/hooks';
import { api } from './api/ApiService';
import { Link, navigate, Router, useLocation, type Route } from './lib/router';
import { cartCount, user } from './lib/store';
import { Home } from './pages/Home';
import { Catalog } from './pages/Catalog';
import { Product } from './pages/Product';
import { CmsPageView } from './pages/CmsPage';
import { Cart } from './pages/Cart';
import { Checkout, OrderPlaced } from './pages/Checkout';
import { SignIn, SignUp, OtpSignIn, VerifyEmail, ResetPassword } from './pages/auth';
import { Dashboard, Orders, OrderDetail, Library, Sessions, Profile } from './pages/account';
import { BlogList, BlogPost } from './pages/Blog';
import { Team } from './pages/Team';
import { Contact } from './pages/Contact';
import { NotFound } from './pages/NotFound';
import { AdminEntry } from './pages/AdminEntry';

const routes: Route[] = [
  { pattern: '/', view: () => <Home /> },
  { pattern: '/products', view: ({ query }) => <Catalog query={query} /> },
  { pattern: '/search', view: ({ query }) => <Catalog query={query} /> },
  { pattern: '/categories/:slug', view: ({ params, query }) => <Catalog query={query} category={params.slug} /> },
  { pattern: '/products/:slug', view: ({ params }) => <Product slug={params.slug!} /> },
  { pattern: '/pages/:slug', view: ({ params }) => <CmsPageView slug={params.slug!} /> },
  { pattern: '/cart', view: () => <Cart /> },
  { pattern: '/checkout', view: () => <Checkout /> },
  { pattern: '/checkout/:id', view: ({ params, query }) => <OrderPlaced id={params.id!} query={query} /> },
  { pattern: '/signin', view: ({ query }) => <SignIn query={query} /> },
  { pattern: '/signin/code', view: ({ query }) => <OtpSignIn query={query} /> },
  { pattern: '/signup', view: ({ query }) => <SignUp query={query} /> },
  { pattern: '/verify-email', view: ({ query }) => <VerifyEmail query={query} /> },
  { pattern: '/reset-password', view: ({ query }) => <ResetPassword query={query} /> },
  { pattern: '/account', view: () => <Dashboard /> },
  { pattern: '/account/orders', view: ({ query }) => <Orders query={query} /> },
  { pattern: '/account/orders/:id', view: ({ params }) => <OrderDetail id={params.id!} /> },
  { pattern: '/account/library', view: () => <Library /> },
  { pattern: '/account/sessions', view: () => <Sessions /> },
  { pattern: '/account/profile', view: () => <Profile /> },
  { pattern: '/blog', view: ({ query }) => <BlogList query={query} /> },
  { pattern: '/blog/:slug', view: ({ params }) => <BlogPost slug={params.slug!} /> },
  { pattern: '/team', view: () => <Team /> },
  { pattern: '/contact', view: () => <Contact /> },
  // the back office: its own bundle (web/src/admin), loaded only here
  { pattern: '/admin/*', view: () => <AdminEntry /> },
];

function SearchBox() {
  const loc = useLocation();
  const [q, setQ] = useState(loc.query.get('q') ?? '');
  useEffect(() => { if (loc.path !== '/products' && loc.path !== '/search') setQ(''); }, [loc.path]);
  return (
    <form class="header-search" role="search" onSubmit={(e) => { e.preventDefault(); navigate('/products' + (q.trim() ? '?q=' + encodeURIComponent(q.trim()) : '')); }}>
      <label for="site-search" class="visually-hidden">Search products</label>
      <input id="site-search" type="search" placeholder="Search templates, e-books, code…" value={q} onInput={(e) => setQ(e.currentTarget.value)} autocomplete="off" />
      <button type="submit" class="btn btn-primary">Search</button>
    </form>
  );
}

function Header() {
  const u = user.use();
  const n = cartCount.use();
  const [open, setOpen] = useState(false);
  const loc = useLocation();
  useEffect(() => setOpen(false), [loc.path]);
  return (
    <header class="site-header">
      <div class="wrap header-row">
        <Link href="/" class="brand"><span class="brand-mark" aria-hidden="true">S</span>Souk<span class="visually-hidden"> home</span></Link>
        <button type="button" class="menu-toggle btn btn-secondary" aria-expanded={open} aria-controls="site-nav" onClick={() => setOpen(!open)}>Menu</button>
        <nav id="site-nav" class={`site-nav${open ? ' open' : ''}`} aria-label="Main">
          <Link href="/products">Catalog</Link>
          <Link href="/blog">Blog</Link>
          <Link href="/team">Team</Link>
          <Link href="/contact">Contact</Link>
        </nav>
        <SearchBox />
        <div class="header-actions">
          <Link href="/cart" class="cart-link">
            Cart{n > 0 && <> <span class="badge">{n}<span class="visually-hidden"> {n === 1 ? 'item' : 'items'}</span></span></>}
          </Link>
          {u === undefined ? null : u ? <Link href="/account" class="account-link">{u.name || 'Account'}</Link> : <Link href="/signin" class="btn btn-secondary btn-small">Sign in</Link>}
        </div>
      </div>
    </header>
  );
}

function Footer() {
  return (
    <footer class="site-footer">
      <div class="wrap footer-row">
        <p>© {new Date().getFullYear()} Souk. Prices are before GST; GST is added at checkout.</p>
        <nav aria-label="Footer">
          <Link href="/pages/about">About</Link>
          <Link href="/pages/pricing">Pricing</Link>
          <Link href="/contact">Contact</Link>
          <a href="/blog/rss.xml">RSS</a>
          <a href="/docs/api">API</a>
        </nav>
      </div>
    </footer>
  );
}

let firstView = true;
function track(path: string) {
  api.pageview(path, firstView ? document.referrer : '');
  firstView = false;
}

export function App() {
  return (
    <>
      <a href="#main" class="skip-link">Skip to content</a>
      <Header />
      <main id="main" class="wrap">
        <Router routes={routes} fallback={() => <NotFound />} onChange={(l) => track(l.path)} />
      </main>
      <Footer />
    </>
  );
}
