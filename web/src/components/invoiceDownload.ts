// invoiceDownload.ts - downloading an invoice PDF that may still be rendering:
// a 202 with Retry-After is tried again after that many seconds (at most
// INVOICE_TRIES in all), then the PDF is saved as a file. Shared by the
// buyer's order page and the staff order page.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { api } from '../api/ApiService';
import { useAction } from '../lib/ui';
import { saveBlob } from './accountUtil';

export const INVOICE_TRIES = 4;

type BlobAnswer = Awaited<ReturnType<typeof api.blob>>;

/**
 * fetchPdf gets the PDF (or { pending }); it may throw, or answer null when
 * it handed the download to the browser itself (then it counts as saved).
 * run() starts again from the first try.
 */
export function useInvoiceDownload(fetchPdf: () => Promise<BlobAnswer | null>, filename: string) {
  const [waiting, setWaiting] = useState<number | null>(null); // seconds until the next try
  const [gaveUp, setGaveUp] = useState(false);
  const [saved, setSaved] = useState(false);
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(timer.current), []);
  const act = useAction(async (attempt: number) => {
    setSaved(false);
    setGaveUp(false);
    let r: BlobAnswer | null;
    try {
      r = await fetchPdf();
    } catch (err) {
      setWaiting(null);
      throw err;
    }
    if (r !== null && 'pending' in r) {
      if (attempt >= INVOICE_TRIES) { setWaiting(null); setGaveUp(true); return; }
      setWaiting(r.pending);
      timer.current = window.setTimeout(() => { void act.run(attempt + 1); }, r.pending * 1000);
      return;
    }
    setWaiting(null);
    if (r !== null) saveBlob(r.blob, r.filename ?? filename);
    setSaved(true);
  });
  const run = () => { window.clearTimeout(timer.current); void act.run(1); };
  return { run, busy: act.busy || waiting !== null, error: act.error, waiting, gaveUp, saved };
}
