// AdminEntry.tsx - /admin/*: loads the back office's bundle (web/src/admin, a
// chunk of its own: the storefront never downloads it) on first use.
import type { FunctionComponent } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ErrorBox, Spinner } from '../lib/ui';
import { ApiError } from '../api/ApiService';

let loaded: FunctionComponent | null = null;

export function AdminEntry() {
  const [App, setApp] = useState<FunctionComponent | null>(() => loaded);
  const [error, setError] = useState<ApiError | null>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (App) return;
    import('../admin/AdminApp')
      .then((m) => { loaded = m.AdminApp; setApp(() => m.AdminApp); })
      .catch(() => setError(new ApiError(0, 'network', 'The back office could not be loaded. Check your connection and try again.')));
  }, [attempt]);
  if (App) return <App />;
  if (error) return <div><h1>Back office</h1><ErrorBox error={error} retry={() => { setError(null); setAttempt(attempt + 1); }} /></div>;
  return <div><h1 class="visually-hidden">Back office</h1><Spinner label="Loading the back office" /></div>;
}
