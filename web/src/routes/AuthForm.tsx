import { useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { api, must } from '../api/client';
import { ApiError, messageOf } from '../api/errors';
import { setSession } from '../api/session';
import { FieldError } from '../components/bits';

interface Field {
  name: string;
  label: string;
  type: string;
  autoComplete: string;
}

const FIELDS: Record<'login' | 'signup', Field[]> = {
  login: [
    { name: 'username', label: 'Username or email', type: 'text', autoComplete: 'username' },
    { name: 'password', label: 'Password', type: 'password', autoComplete: 'current-password' },
  ],
  signup: [
    { name: 'email', label: 'Email', type: 'email', autoComplete: 'email' },
    { name: 'name', label: 'Full name', type: 'text', autoComplete: 'name' },
    { name: 'username', label: 'Username', type: 'text', autoComplete: 'username' },
    { name: 'password', label: 'Password', type: 'password', autoComplete: 'new-password' },
  ],
};

/** Log in or sign up; the server's problem detail shows next to the field it names. */
export function AuthForm({ mode }: { mode: 'login' | 'signup' }) {
  const navigate = useNavigate();
  const location = useLocation();
  const state = location.state as { message?: string; from?: string } | null;
  const [values, setValues] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const v = values;
      const answer =
        mode === 'login'
          ? await must(
              api.POST('/api/v1/auth/login', {
                body: { username: v.username ?? '', password: v.password ?? '' },
              }),
            )
          : await must(
              api.POST('/api/v1/auth/signup', {
                body: {
                  username: v.username ?? '',
                  email: v.email ?? '',
                  password: v.password ?? '',
                  ...(v.name ? { name: v.name } : {}),
                },
              }),
            );
      setSession(answer);
      void navigate(state?.from && state.from !== '/login' ? state.from : '/', { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const fieldMessage = (name: string) =>
    error instanceof ApiError ? error.fieldMessage(name) : undefined;
  const general =
    error && !FIELDS[mode].some((f) => fieldMessage(f.name)) ? messageOf(error) : null;
  return (
    <main className="auth-page" id="main">
      <div className="auth-card">
        <h1 className="logo big">Photogram</h1>
        {state?.message && (
          <p className="notice" role="status">
            {state.message}
          </p>
        )}
        <form onSubmit={submit} noValidate>
          {FIELDS[mode].map((f) => {
            const message = fieldMessage(f.name);
            return (
              <div className="field" key={f.name}>
                <label htmlFor={`auth-${f.name}`}>{f.label}</label>
                <input
                  id={`auth-${f.name}`}
                  name={f.name}
                  type={f.type}
                  autoComplete={f.autoComplete}
                  value={values[f.name] ?? ''}
                  aria-invalid={message ? true : undefined}
                  aria-describedby={message ? `auth-${f.name}-error` : undefined}
                  onChange={(e) => setValues({ ...values, [f.name]: e.target.value })}
                />
                <FieldError id={`auth-${f.name}-error`} message={message} />
              </div>
            );
          })}
          {general && (
            <p className="form-error" role="alert">
              {general}
            </p>
          )}
          <button type="submit" className="button primary wide" disabled={busy}>
            {mode === 'login' ? 'Log in' : 'Sign up'}
          </button>
        </form>
        {mode === 'login' && (
          <p className="auth-forgot">
            <Link to="/reset-password">Forgot password?</Link>
          </p>
        )}
      </div>
      <p className="auth-switch">
        {mode === 'login' ? (
          <>
            Don&apos;t have an account? <Link to="/signup">Sign up</Link>
          </>
        ) : (
          <>
            Have an account? <Link to="/login">Log in</Link>
          </>
        )}
      </p>
    </main>
  );
}
