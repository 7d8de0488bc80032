// AccountNav.tsx - the navigation of the account pages (Dashboard, Orders,
// Library, Sessions, Profile) with the current one marked, and Sign out.
import { api } from '../api/ApiService';
import { Link, navigate, useLocation } from '../lib/router';
import { loadCartCount, user } from '../lib/store';
import { Button, ErrorBox, useAction } from '../lib/ui';

const LINKS: [href: string, label: string][] = [
  ['/account', 'Dashboard'],
  ['/account/orders', 'Orders'],
  ['/account/library', 'Library'],
  ['/account/sessions', 'Sessions'],
  ['/account/profile', 'Profile'],
];

export function AccountNav() {
  const { path } = useLocation();
  const signOut = useAction(async () => {
    await api.post('/api/v1/auth/logout');
    user.set(null);
    void loadCartCount();
    navigate('/');
  });
  return (
    <div class="account-nav-bar">
      <nav class="account-nav" aria-label="Account">
        {LINKS.map(([href, label]) => {
          const exact = path === href;
          // an order's page sits under Orders: marked as within it, not as it
          const within = !exact && href !== '/account' && path.startsWith(href + '/');
          return (
            <Link key={href} href={href} aria-current={exact ? 'page' : within ? 'true' : undefined}>{label}</Link>
          );
        })}
      </nav>
      <Button kind="secondary" class="btn-small account-signout" busy={signOut.busy} onClick={() => void signOut.run()}>Sign out</Button>
      {signOut.error && <div class="account-nav-error"><ErrorBox error={signOut.error} /></div>}
    </div>
  );
}
