// Team.tsx - the team page: the visible members in order (GET /api/v1/team).
import { api } from '../api/ApiService';
import { TeamCards } from '../components/Blocks';
import { Link } from '../lib/router';
import { Load, useAsync, useTitle } from '../lib/ui';
import '../styles/content.css';

export function Team() {
  useTitle('Our team');
  const team = useAsync((signal) => api.get('/api/v1/team', { signal }), []);
  return (
    <div class="team-page">
      <h1>Our team</h1>
      <p class="muted lead">The people who build Souk, check every product and answer your messages.</p>
      <Load state={team} label="Loading the team">
        {(t) => t.items.length === 0
          ? <p class="muted">The team page is being written.</p>
          : <TeamCards members={t.items} level={2} />}
      </Load>
      <p class="team-contact">Want to talk to us? <Link href="/contact">Send us a message</Link>.</p>
    </div>
  );
}
