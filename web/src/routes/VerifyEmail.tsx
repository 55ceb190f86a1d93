import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, must } from '../api/client';
import { messageOf } from '../api/errors';
import { useSession } from '../api/useSession';
import { Spinner } from '../components/bits';

/** The mailed confirmation link: confirms the address once, whether or not you are logged in. */
export default function VerifyEmail() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const session = useSession();
  const client = useQueryClient();
  const [state, setState] = useState<{ done: boolean; error?: unknown }>({ done: false });
  const sent = useRef(false);
  useEffect(() => {
    // Once, even under StrictMode's double effects: the token works a single time.
    if (sent.current) return;
    sent.current = true;
    must(api.POST('/api/v1/auth/verify-email', { body: { token } }))
      .then(async () => {
        setState({ done: true });
        await client.invalidateQueries({ queryKey: ['me'] });
      })
      .catch((error: unknown) => setState({ done: true, error }));
  }, [token, client]);
  return (
    <main className="auth-page" id="main">
      <div className="auth-card">
        <h1 className="logo big">Photogram</h1>
        {!state.done && <Spinner label="Confirming your email…" />}
        {state.done && !state.error && (
          <p className="notice" role="status">
            Thank you: your email address is confirmed.
          </p>
        )}
        {state.done && state.error !== undefined && (
          <p className="form-error" role="alert">
            {messageOf(state.error)} You can ask for a new link in Settings, Account and security.
          </p>
        )}
      </div>
      <p className="auth-switch">
        {session ? <Link to="/">Go to Photogram</Link> : <Link to="/login">Log in</Link>}
      </p>
    </main>
  );
}
