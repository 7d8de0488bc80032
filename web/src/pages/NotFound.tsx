import { Link } from '../lib/router';
import { useTitle } from '../lib/ui';

export function NotFound({ what = 'page' }: { what?: string }) {
  useTitle('Not found');
  return (
    <section class="empty-state">
      <h1>We could not find that {what}</h1>
      <p>It may have moved, or the link may be mistyped.</p>
      <p><Link href="/products" class="btn btn-primary">Browse the catalog</Link> <Link href="/" class="btn btn-secondary">Home</Link></p>
    </section>
  );
}
