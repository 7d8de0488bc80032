// AdminApp.tsx - the back office (/admin/*), a bundle of its own: the shell
// (side navigation of the screens the signed-in role may use), the route
// table gathered from the screen modules, and the pages for a visitor who
// is not signed in or whose role has no back-office permission. Every
// screen is also guarded by its permission here; the API enforces it again.
import '../styles/admin.css';
import { Link, Router, useLocation, type Route } from '../lib/router';
import { can, user, type User } from '../lib/store';
import { Spinner, useTitle } from '../lib/ui';
import type { AdminRoute, NavGroup } from './types';
import { productRoutes } from './products';
import { categoryRoutes } from './categories';
import { couponRoutes } from './coupons';
import { orderRoutes } from './orders';
import { outboxRoutes } from './outbox';
import { contentRoutes } from './content';
import { peopleRoutes } from './people';
import { seoRoutes } from './seo';
import { metricsRoutes } from './metrics';

const ALL: AdminRoute[] = [
  ...metricsRoutes, ...productRoutes, ...categoryRoutes, ...orderRoutes, ...couponRoutes, ...peopleRoutes,
  ...contentRoutes, ...seoRoutes, ...outboxRoutes,
];
const GROUPS: NavGroup[] = ['Shop', 'People', 'Content', 'Site'];

function allowed(u: User): AdminRoute[] {
  return ALL.filter((r) => can(u, r.permission));
}

function NoAccess({ u }: { u: User | null }) {
  useTitle('No access');
  return (
    <section class="admin-noaccess card">
      <h1>No access</h1>
      {u ? (
        <>
          <p>The back office is for the shop's staff. Your account ({u.email}) has no back-office permission.</p>
          <p>If you work here, ask an administrator to give your account a staff role.</p>
          <p><Link href="/account" class="btn btn-secondary">Your account</Link> <Link href="/" class="btn btn-secondary">The shop</Link></p>
        </>
      ) : (
        <>
          <p>Sign in with a staff account to use the back office.</p>
          <p><Link href={`/signin?next=${encodeURIComponent(location.pathname + location.search)}`} class="btn btn-primary">Sign in</Link></p>
        </>
      )}
    </section>
  );
}

function Overview({ routes }: { routes: AdminRoute[] }) {
  useTitle('Back office');
  return (
    <section class="admin-page">
      <h1>Back office</h1>
      <ul class="admin-overview">
        {routes.filter((r) => r.nav).map((r) => (
          <li key={r.pattern}><Link href={r.pattern} class="card">{r.nav!.label}<span class="muted small">{r.nav!.group}</span></Link></li>
        ))}
      </ul>
    </section>
  );
}

function Nav({ routes }: { routes: AdminRoute[] }) {
  const loc = useLocation();
  return (
    <nav class="admin-nav" aria-label="Back office">
      <Link href="/admin" aria-current={loc.path === '/admin' ? 'page' : undefined}>Overview</Link>
      {GROUPS.map((g) => {
        const items = routes.filter((r) => r.nav?.group === g);
        if (items.length === 0) return null;
        return (
          <div key={g} class="admin-nav-group">
            <h2>{g}</h2>
            <ul>
              {items.map((r) => (
                <li key={r.pattern}>
                  <Link href={r.pattern} aria-current={loc.path === r.pattern || loc.path.startsWith(r.pattern + '/') ? 'page' : undefined}>{r.nav!.label}</Link>
                </li>
              ))}
            </ul>
          </div>
        );
      })}
    </nav>
  );
}

export function AdminApp() {
  const u = user.use();
  if (u === undefined) return <Spinner label="Loading your account" />;
  if (!u) return <NoAccess u={null} />;
  const mine = allowed(u);
  if (mine.length === 0) return <NoAccess u={u} />;
  const routes: Route[] = [
    { pattern: '/admin', view: () => <Overview routes={mine} /> },
    ...mine.map((r) => ({ pattern: r.pattern, view: r.view })),
  ];
  // a screen of another role's (a shared link): the same page as no role at all
  const fallback = () => (ALL.some((r) => location.pathname.startsWith(r.pattern.replace(/\/:.*$/, ''))) ? <NoAccess u={u} /> : <NotFoundAdmin />);
  return (
    <div class="admin">
      <Nav routes={mine} />
      <div class="admin-main"><Router routes={routes} fallback={fallback} /></div>
    </div>
  );
}

function NotFoundAdmin() {
  useTitle('Not found');
  return <section class="admin-page"><h1>Not found</h1><p>There is no such back-office page. <Link href="/admin">Back to the overview</Link></p></section>;
}
