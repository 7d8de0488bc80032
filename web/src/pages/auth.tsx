// auth.tsx - signing in and out of an account: password sign-in (/signin),
// sign-up (/signup), a one-time code by e-mail (/signin/code), the e-mailed
// links (/verify-email?token=, /reset-password?token=) and the reset request
// (/reset-password). Browsers use cookie sessions (souk_at, souk_rt,
// souk_csrf set by the API); after a sign-in the user and the cart (the guest
// cart was merged) are loaded again and the browser goes on to a safe `next`.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../api/ApiService';
import { Link, navigate } from '../lib/router';
import { loadCartCount, loadUser, user } from '../lib/store';
import { Button, Field, FormError, Notice, Spinner, useAction, useAsync, useTitle } from '../lib/ui';
import { nextSuffix, retryText, safeNext } from '../components/accountUtil';
import '../styles/account.css';

type Q = { query: URLSearchParams };

const PASSWORD_HINT = 'At least 10 characters, not your e-mail address, not a common password.';

/** After a session started: the user, the merged cart, then on to next. */
async function finishSignIn(query: URLSearchParams): Promise<void> {
  await Promise.all([loadUser(), loadCartCount()]);
  navigate(safeNext(query), { replace: true });
}

/** A form's error: a 429 with its wait, otherwise the message (fields beside their inputs). */
function AuthError({ error, shown = [], children }: { error: ApiError | null; shown?: string[]; children?: ComponentChildren }) {
  if (!error) return null;
  if (error.status === 429) {
    return (
      <div class="notice notice-error" role="alert">
        <p>{error.message} {retryText(error)}</p>
        {children}
      </div>
    );
  }
  if (children) {
    return (
      <div class="notice notice-error" role="alert">
        <p>{error.message}</p>
        {children}
      </div>
    );
  }
  return <FormError error={error} shown={shown} />;
}

/** Shown on the sign-in pages to someone who is already signed in. */
function AlreadySignedIn({ query }: Q) {
  const u = user.use();
  if (!u) return null;
  return (
    <Notice kind="info">
      <p>You are signed in as {u.email}. <Link href={safeNext(query)}>Continue</Link></p>
    </Notice>
  );
}

function Providers({ label = 'Continue with' }: { label?: string }) {
  const list = useAsync((signal) => api.get('/api/v1/auth/providers', { signal }), []);
  const names = list.data?.providers ?? [];
  if (names.length === 0) return null; // loading, failed or none enabled: the password form stands alone
  const title: Record<string, string> = { google: 'Google', github: 'GitHub' };
  return (
    <>
      <div class="oauth-buttons">
        {names.map((p) => (
          // a plain link: the API answers 302 to the provider, and the provider back to the site
          <a key={p} class={`btn btn-secondary btn-block oauth-btn oauth-${p}`} href={`/api/v1/auth/oauth/${p}/start`}>
            {label} {title[p] ?? p}
          </a>
        ))}
      </div>
      <p class="divider">or</p>
    </>
  );
}

// ------------------------------------------------------------------ /signin

/* What a failed Google or GitHub sign-in means (the API sends a fixed word). */
const OAUTH_ERRORS: Record<string, string> = {
  failed: 'That sign-in did not complete (it expired, was cancelled, or was started in another tab). Please try again.',
  forbidden: 'This account cannot sign in that way: its e-mail address is not verified with the provider, or the account is disabled.',
  conflict: 'This Souk account is already linked to a different account at that provider. Sign in with your password or a code instead.',
  unavailable: 'The sign-in service did not answer. Please try again in a moment.',
  provider: 'That sign-in provider is not available.',
};

export function SignIn({ query }: Q) {
  useTitle('Sign in');
  const oauthError = query.get('oauth_error');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const act = useAction(async () => {
    await api.post('/api/v1/auth/login', { body: { email: email.trim(), password, mode: 'cookie' } });
    await finishSignIn(query);
  });
  const err = act.error;
  const locked = err?.status === 429 && /locked/i.test(err.message);
  return (
    <div class="form-card auth-card">
      <h1>Sign in</h1>
      <AlreadySignedIn query={query} />
      {oauthError && <Notice kind="error">{OAUTH_ERRORS[oauthError] ?? OAUTH_ERRORS.failed}</Notice>}
      <Providers />
      <form onSubmit={(e) => { e.preventDefault(); void act.run(); }}>
        <AuthError error={err} shown={['email', 'password']}>
          {locked && <p>You can still <Link href={'/signin/code' + nextSuffix(query)}>sign in with a code</Link> sent to your e-mail, or <Link href="/reset-password">reset your password</Link>.</p>}
        </AuthError>
        <Field label="E-mail" name="email" type="email" autocomplete="username" required error={err}
          value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        <Field label="Password" name="password" type="password" autocomplete="current-password" required error={err}
          value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        <p class="auth-aside"><Link href="/reset-password">Forgot password?</Link></p>
        <Button type="submit" busy={act.busy} class="btn-block">Sign in</Button>
      </form>
      <ul class="auth-links">
        <li><Link href={'/signin/code' + nextSuffix(query)}>Sign in with a code instead</Link></li>
        <li>New to Souk? <Link href={'/signup' + nextSuffix(query)}>Create an account</Link></li>
      </ul>
    </div>
  );
}

// ------------------------------------------------------------------ /signup

export function SignUp({ query }: Q) {
  useTitle('Create an account');
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const act = useAction(async () => {
    const r = await api.post('/api/v1/auth/register', { body: { name: name.trim(), email: email.trim(), password } });
    setDone(r.user.email);
  });
  const err = act.error;

  if (done) {
    // register does not sign in: the new account signs in like any other
    return (
      <div class="form-card auth-card">
        <h1>Check your inbox</h1>
        <Notice kind="success">
          <p>Check your inbox: we sent a link to verify {done}.</p>
        </Notice>
        <p>The link works for 48 hours. Your account is ready: you can sign in now and verify your address later.</p>
        <div class="actions">
          <Link class="btn btn-primary" href={'/signin' + nextSuffix(query)}>Sign in</Link>
          <Link href="/products">Browse the catalog</Link>
        </div>
      </div>
    );
  }

  return (
    <div class="form-card auth-card">
      <h1>Create an account</h1>
      <AlreadySignedIn query={query} />
      <Providers label="Sign up with" />
      <form onSubmit={(e) => { e.preventDefault(); void act.run(); }}>
        {err?.status === 409 ? (
          <div class="notice notice-error" role="alert">
            <p>{err.message}</p>
            <p><Link href={'/signin' + nextSuffix(query)}>Sign in</Link> instead, or <Link href="/reset-password">reset your password</Link> if you have forgotten it.</p>
          </div>
        ) : (
          <AuthError error={err} shown={['name', 'email', 'password']} />
        )}
        <Field label="Name" name="name" autocomplete="name" required maxLength={100} error={err}
          value={name} onInput={(e) => setName(e.currentTarget.value)} />
        <Field label="E-mail" name="email" type="email" autocomplete="email" required error={err}
          value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        <Field label="Password" name="password" type="password" autocomplete="new-password" required minLength={10} error={err}
          hint={PASSWORD_HINT} value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        <Button type="submit" busy={act.busy} class="btn-block">Create account</Button>
      </form>
      <ul class="auth-links">
        <li>Already have an account? <Link href={'/signin' + nextSuffix(query)}>Sign in</Link></li>
      </ul>
    </div>
  );
}

// ------------------------------------------------------------- /signin/code

export function OtpSignIn({ query }: Q) {
  useTitle('Sign in with a code');
  const [email, setEmail] = useState('');
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const [resent, setResent] = useState(0);
  const codeRef = useRef<HTMLDivElement>(null);
  const request = useAction(async (address: string) => {
    await api.post('/api/v1/auth/otp/request', { body: { email: address } });
    setResent((n) => (sentTo === address ? n + 1 : 0));
    setSentTo(address);
    setCode('');
  });
  const verify = useAction(async () => {
    if (!sentTo) return;
    await api.post('/api/v1/auth/otp/verify', { body: { email: sentTo, code: code.replace(/\s+/g, ''), mode: 'cookie' } });
    await finishSignIn(query);
  });
  useEffect(() => {
    if (sentTo) codeRef.current?.querySelector('input')?.focus();
  }, [sentTo]);

  return (
    <div class="form-card auth-card">
      <h1>Sign in with a code</h1>
      <AlreadySignedIn query={query} />
      {!sentTo ? (
        <form onSubmit={(e) => { e.preventDefault(); void request.run(email.trim()); }}>
          <p>We will e-mail you a 6-digit code. No password needed.</p>
          <AuthError error={request.error} shown={['email']} />
          <Field label="E-mail" name="email" type="email" autocomplete="email" required error={request.error}
            value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
          <Button type="submit" busy={request.busy} class="btn-block">Send me a code</Button>
        </form>
      ) : (
        <form onSubmit={(e) => { e.preventDefault(); void verify.run(); }}>
          <Notice kind="success">
            <p>If an account exists for that address, we sent a code to {sentTo}. It works for 10 minutes.</p>
            {resent > 0 && <p>We sent a new code{resent > 1 ? ` (${resent} so far)` : ''}: only the newest one works.</p>}
          </Notice>
          <AuthError error={verify.error ?? request.error} shown={['code']} />
          <div ref={codeRef}>
            <Field label="6-digit code" name="code" inputMode="numeric" autocomplete="one-time-code" pattern="[0-9 ]*"
              required maxLength={12} class="otp-input" error={verify.error}
              value={code} onInput={(e) => setCode(e.currentTarget.value)} />
          </div>
          <Button type="submit" busy={verify.busy} class="btn-block">Sign in</Button>
          <div class="actions">
            <Button kind="link" busy={request.busy} onClick={() => void request.run(sentTo)}>Send a new code</Button>
            <Button kind="link" onClick={() => { setSentTo(null); request.setError(null); verify.setError(null); }}>Use another e-mail address</Button>
          </div>
        </form>
      )}
      <ul class="auth-links">
        <li><Link href={'/signin' + nextSuffix(query)}>Sign in with a password</Link></li>
      </ul>
    </div>
  );
}

// ------------------------------------------------------------ /verify-email

export function VerifyEmail({ query }: Q) {
  useTitle('Verify your e-mail');
  const token = query.get('token') ?? '';
  const u = user.use();
  const sent = useRef<string | null>(null);
  const [state, setState] = useState<{ ok: boolean; error: ApiError | null } | null>(null);

  useEffect(() => {
    if (!token || sent.current === token) return; // the token is single-use: POST it once
    sent.current = token;
    api.post('/api/v1/auth/verify-email', { body: { token } }).then(
      () => { setState({ ok: true, error: null }); if (user.value) void loadUser(); },
      (e: unknown) => setState({ ok: false, error: e instanceof ApiError ? e : new ApiError(0, 'client', String(e)) }),
    );
  }, [token]);

  if (!token) {
    return (
      <div class="form-card auth-card">
        <h1>Verify your e-mail</h1>
        <Notice kind="error"><p>This link is incomplete. Open the link from the e-mail we sent you, or copy all of it into the address bar.</p></Notice>
      </div>
    );
  }
  if (!state) return <div class="form-card auth-card"><h1>Verify your e-mail</h1><Spinner label="Verifying your e-mail address" /></div>;
  if (state.ok) {
    return (
      <div class="form-card auth-card">
        <h1>Your e-mail is verified</h1>
        <Notice kind="success"><p>Your e-mail is verified. Thank you!</p></Notice>
        <div class="actions">
          {u ? <Link class="btn btn-primary" href="/account">Go to your account</Link> : <Link class="btn btn-primary" href="/signin">Sign in</Link>}
          <Link href="/products">Browse the catalog</Link>
        </div>
      </div>
    );
  }
  const e = state.error!;
  const expired = e.status === 422;
  return (
    <div class="form-card auth-card">
      <h1>We could not verify your e-mail</h1>
      <Notice kind="error">
        <p>{expired ? 'This link is invalid, was already used, or has expired (links work for 48 hours).' : e.message}</p>
      </Notice>
      {expired && (
        <>
          <h2>Getting a new link</h2>
          <ul class="auth-help">
            <li>If you already verified your address with this link, there is nothing more to do: <Link href={u ? '/account' : '/signin'}>{u ? 'go to your account' : 'sign in'}</Link>.</li>
            <li>Changing your e-mail address? Enter the new address again on <Link href="/account/profile">your profile</Link> and we will send a fresh link.</li>
            <li>A new account? <Link href="/reset-password">Reset your password</Link>: following the reset link also confirms your address.</li>
          </ul>
        </>
      )}
    </div>
  );
}

// ---------------------------------------------------------- /reset-password

export function ResetPassword({ query }: Q) {
  const token = query.get('token');
  return token ? <ResetConfirm token={token} /> : <ResetRequest />;
}

function ResetRequest() {
  useTitle('Reset your password');
  const [email, setEmail] = useState('');
  const [sentTo, setSentTo] = useState<string | null>(null);
  const act = useAction(async () => {
    const address = email.trim();
    await api.post('/api/v1/auth/password-reset/request', { body: { email: address } });
    setSentTo(address);
  });
  return (
    <div class="form-card auth-card">
      <h1>Reset your password</h1>
      {sentTo ? (
        <>
          <Notice kind="success"><p>If an account exists for {sentTo}, we sent a link to reset the password. It works for one hour.</p></Notice>
          <p class="muted">No e-mail after a few minutes? Check the address and your spam folder, then <Button kind="link" onClick={() => setSentTo(null)}>try again</Button>.</p>
        </>
      ) : (
        <form onSubmit={(e) => { e.preventDefault(); void act.run(); }}>
          <p>Enter the e-mail address of your account and we will send you a link to choose a new password.</p>
          <AuthError error={act.error} shown={['email']} />
          <Field label="E-mail" name="email" type="email" autocomplete="email" required error={act.error}
            value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
          <Button type="submit" busy={act.busy} class="btn-block">Send reset link</Button>
        </form>
      )}
      <ul class="auth-links">
        <li><Link href="/signin">Back to sign in</Link></li>
        <li><Link href="/signin/code">Sign in with a code instead</Link></li>
      </ul>
    </div>
  );
}

function ResetConfirm({ token }: { token: string }) {
  useTitle('Choose a new password');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const [done, setDone] = useState(false);
  const act = useAction(async () => {
    await api.post('/api/v1/auth/password-reset/confirm', { body: { token, password } });
    // every session was revoked and the cookies cleared
    user.set(null);
    void loadCartCount();
    setDone(true);
  });
  const err = act.error;
  const badToken = !!err?.fields.token;

  if (done) {
    return (
      <div class="form-card auth-card">
        <h1>Your password has been changed</h1>
        <Notice kind="success"><p>Your password has been changed. You have been signed out everywhere; sign in with the new password.</p></Notice>
        <div class="actions"><Link class="btn btn-primary" href="/signin">Sign in</Link></div>
      </div>
    );
  }
  return (
    <div class="form-card auth-card">
      <h1>Choose a new password</h1>
      <form onSubmit={(e) => {
        e.preventDefault();
        if (password !== confirm) { setMismatch(true); return; }
        setMismatch(false);
        void act.run();
      }}>
        {badToken ? (
          <div class="notice notice-error" role="alert">
            <p>This reset link is invalid, was already used, or has expired (links work for one hour).</p>
            <p><Link href="/reset-password">Ask for a new link</Link></p>
          </div>
        ) : (
          <AuthError error={err} shown={['password', 'token']} />
        )}
        <Field label="New password" name="password" type="password" autocomplete="new-password" required minLength={10} error={err}
          hint={PASSWORD_HINT} value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        <div class={`field${mismatch ? ' field-invalid' : ''}`}>
          <label for="reset-confirm">Confirm new password</label>
          <input id="reset-confirm" name="confirm" type="password" autocomplete="new-password" required
            aria-invalid={mismatch ? true : undefined} aria-describedby={mismatch ? 'reset-confirm-err' : undefined}
            value={confirm} onInput={(e) => setConfirm(e.currentTarget.value)} />
          {mismatch && <p class="field-error" id="reset-confirm-err" role="alert">The two passwords do not match.</p>}
        </div>
        <Button type="submit" busy={act.busy} class="btn-block">Save new password</Button>
      </form>
    </div>
  );
}
