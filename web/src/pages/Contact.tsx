// Contact.tsx - the contact form (POST /api/v1/enquiries {name, email,
// subject?, message}). Prefilled from the signed-in user; `?subject=` (links
// from CMS pages, such as /contact?subject=studio) and `?product=` prefill
// the subject. The honeypot `website` is hidden from people and assistive
// technology: the server answers a filled one like a success and drops it.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api/ApiService';
import { Link, useLocation } from '../lib/router';
import { user } from '../lib/store';
import { Button, Field, FormError, Notice, useAction, useTitle } from '../lib/ui';
import '../styles/content.css';

const SUBJECTS: Record<string, string> = {
  studio: 'The Studio plan',
  pro: 'The Pro plan',
  refund: 'A refund',
  selling: 'Selling on Souk',
};

function subjectFrom(query: URLSearchParams): string {
  const s = (query.get('subject') ?? '').trim();
  if (s) return (SUBJECTS[s.toLowerCase()] ?? s).slice(0, 200);
  const p = (query.get('product') ?? '').trim();
  return p ? `About the product ${p}`.slice(0, 200) : '';
}

/** "in about 20 minutes" for a Retry-After in seconds. */
export function retryText(seconds: number | null): string {
  if (!seconds) return 'later';
  if (seconds < 90) return `in about ${Math.max(1, Math.round(seconds))} seconds`;
  const m = Math.ceil(seconds / 60);
  if (m < 90) return `in about ${m} minutes`;
  return `in about ${Math.ceil(m / 60)} hours`;
}

const FIELDS = ['name', 'email', 'subject', 'message'];

/** Input attributes for Field (its props are typed as plain HTMLAttributes, without value, type, required...). */

export function Contact() {
  useTitle('Contact us');
  const u = user.use();
  const loc = useLocation();
  const [form, setForm] = useState({ name: '', email: '', subject: subjectFrom(loc.query), message: '', website: '' });
  const [sent, setSent] = useState<{ id: string; email: string } | null>(null);
  const doneRef = useRef<HTMLHeadingElement>(null);

  // the signed-in user's name and address, without overwriting what was typed
  useEffect(() => {
    if (!u) return;
    setForm((f) => ({ ...f, name: f.name || u.name || '', email: f.email || u.email }));
  }, [u?.email, u?.name]);
  useEffect(() => { if (sent) doneRef.current?.focus(); }, [sent]);

  const set = (k: keyof typeof form) => (e: Event) => {
    const v = (e.currentTarget as HTMLInputElement | HTMLTextAreaElement).value;
    setForm((f) => ({ ...f, [k]: v }));
  };

  const send = useAction(async () => {
    const r = await api.post('/api/v1/enquiries', {
      body: {
        name: form.name.trim(), email: form.email.trim(), subject: form.subject.trim(), message: form.message,
        ...(form.website ? { website: form.website } : {}),
      },
    });
    setSent({ id: r.id, email: form.email.trim() });
  });

  if (sent) {
    return (
      <div class="contact-page">
        <section class="form-card contact-done" role="status" aria-labelledby="contact-done-h">
          <h1 id="contact-done-h" tabIndex={-1} ref={doneRef}>Thanks, we got your message</h1>
          <p>We have sent a confirmation to <strong>{sent.email}</strong> with your reference number. If it is not in your inbox in a few minutes, check your spam folder.</p>
          <p>Someone from our team will reply to that address, usually within one working day.</p>
          <p class="small muted">Your reference: <code>{sent.id}</code></p>
          <p class="actions">
            <Button kind="secondary" onClick={() => { setSent(null); setForm((f) => ({ ...f, subject: '', message: '', website: '' })); }}>Send another message</Button>
          </p>
        </section>
      </div>
    );
  }

  const err = send.error;
  const limited = err?.status === 429;
  return (
    <div class="contact-page">
      <div class="contact-intro">
        <h1>Contact us</h1>
        <p>Questions about an order, a download, a refund or selling on Souk? Write to us and a person will answer, usually within a day.</p>
        <h2 class="contact-next-h">What happens next</h2>
        <ol class="contact-next">
          <li>You get an e-mail at once confirming that we received your message, with its reference number.</li>
          <li>Someone from our support team reads it and replies to your e-mail address.</li>
          <li>Writing again about the same thing? Mention your reference number.</li>
        </ol>
        <p class="small muted">Bought something? Your files are always in your <Link href="/account/library">library</Link>, and your invoices under <Link href="/account/orders">orders</Link>.</p>
      </div>
      <form class="form-card contact-form" noValidate onSubmit={(e) => { e.preventDefault(); void send.run(); }} aria-labelledby="contact-form-h">
        <h2 id="contact-form-h" class="visually-hidden">Contact form</h2>
        {limited
          ? <Notice kind="error"><p>You have sent several messages in a short time. Please try again {retryText(err.retryAfter)}.</p></Notice>
          : <FormError error={err} shown={FIELDS} />}
        <Field label="Your name" name="name" error={err} {...{ value: form.name, onInput: set('name'), autocomplete: 'name', required: true, maxLength: 200 }} />
        <Field label="E-mail" name="email" error={err} hint="We reply to this address."
          {...{ type: 'email', value: form.email, onInput: set('email'), autocomplete: 'email', required: true, maxLength: 254 }} />
        <Field label="Subject (optional)" name="subject" error={err} {...{ value: form.subject, onInput: set('subject'), maxLength: 200 }} />
        <Field label="Message" name="message" textarea error={err} {...{ value: form.message, onInput: set('message'), required: true, maxLength: 10000, rows: 7 }} />
        {/* the honeypot: people and assistive technology never see it */}
        <div class="visually-hidden" aria-hidden="true">
          <label for="contact-website">Leave this empty</label>
          <input id="contact-website" name="website" type="text" tabIndex={-1} autocomplete="off" value={form.website} onInput={set('website')} />
        </div>
        <p class="actions">
          <Button type="submit" busy={send.busy}>{send.busy ? 'Sending…' : 'Send message'}</Button>
        </p>
      </form>
    </div>
  );
}
