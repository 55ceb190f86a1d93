import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, must } from '../api/client';
import { ApiError, messageOf } from '../api/errors';
import { setSession } from '../api/session';
import { TextField } from '../components/TextField';

/**
 * Without a token: ask for a reset link by email. With `?token=` (the mailed link): choose the
 * new password; every session ends, so the next step is logging in.
 */
export default function ResetPassword() {
  const [params] = useSearchParams();
  const token = params.get('token');
  return (
    <main className="auth-page" id="main">
      <div className="auth-card">
        <h1 className="logo big">Photogram</h1>
        {token ? <NewPasswordForm token={token} /> : <RequestForm />}
      </div>
      <p className="auth-switch">
        <Link to="/login">Back to log in</Link>
      </p>
    </main>
  );
}

function RequestForm() {
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await must(api.POST('/api/v1/auth/password-reset', { body: { email: email.trim() } }));
      setSent(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  if (sent) {
    return (
      <p className="notice" role="status">
        If an account has the address {email.trim()}, we have mailed it a link to choose a new
        password. The link works for one hour.
      </p>
    );
  }
  const message = error instanceof ApiError ? error.fieldMessage('email') : undefined;
  return (
    <form onSubmit={submit} noValidate>
      <h2>Trouble logging in?</h2>
      <p className="muted">Enter your email and we will send you a link to get back in.</p>
      <TextField
        id="reset-email"
        label="Email"
        type="email"
        autoComplete="email"
        value={email}
        onChange={setEmail}
        message={message}
      />
      {error !== null && !message && (
        <p className="form-error" role="alert">
          {messageOf(error)}
        </p>
      )}
      <button type="submit" className="button primary wide" disabled={busy || !email.trim()}>
        Send reset link
      </button>
    </form>
  );
}

function NewPasswordForm({ token }: { token: string }) {
  const navigate = useNavigate();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await must(
        api.POST('/api/v1/auth/password-reset/confirm', {
          body: { token, new_password: password },
        }),
      );
      // Every session of the account ended, this browser's too.
      setSession(null);
      void navigate('/login', {
        replace: true,
        state: { message: 'Your password has been changed. Log in with the new one.' },
      });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const message = error instanceof ApiError ? error.fieldMessage('new_password') : undefined;
  const expired = error instanceof ApiError && error.problem.code === 'invalid_token';
  return (
    <form onSubmit={submit} noValidate>
      <h2>Choose a new password</h2>
      <TextField
        id="reset-password"
        label="New password"
        type="password"
        autoComplete="new-password"
        value={password}
        onChange={setPassword}
        message={message}
        hint="At least 8 characters, not a common password."
      />
      {error !== null && !message && (
        <p className="form-error" role="alert">
          {messageOf(error)} {expired && <Link to="/reset-password">Ask for a new link.</Link>}
        </p>
      )}
      <button type="submit" className="button primary wide" disabled={busy || !password}>
        Change password
      </button>
    </form>
  );
}
