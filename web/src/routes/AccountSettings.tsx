import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import type { Schemas } from '../../../openapi/client/index';
import { api, must } from '../api/client';
import { ApiError, messageOf } from '../api/errors';
import { updateSessionUser } from '../api/session';
import type { Me } from '../api/types';
import { ErrorState, FieldError, Spinner } from '../components/bits';
import { TextField } from '../components/TextField';
import { relativeTime } from '../lib/time';

type LoginSession = Schemas['Session'];

/** Account and security: email, username, password, sessions, hidden words. */
export default function AccountSettings() {
  const me = useQuery({ queryKey: ['me'], queryFn: () => must(api.GET('/api/v1/me')) });
  if (me.isPending) return <Spinner />;
  if (me.isError) return <ErrorState error={me.error} retry={() => void me.refetch()} />;
  return (
    <div className="page-narrow">
      <h1>Account and security</h1>
      <EmailForm me={me.data} />
      <UsernameForm me={me.data} />
      <PasswordForm />
      <Sessions />
      <HiddenWords />
    </div>
  );
}

/** A form section: one submit, the server's words next to the field they name, or below. */
function SettingsForm({
  title,
  field,
  submitLabel,
  onSubmit,
  children,
}: {
  title: string;
  field: string;
  submitLabel: string;
  onSubmit: () => Promise<string>;
  children: (message: string | undefined) => ReactNode;
}) {
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      setDone(await onSubmit());
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const fieldMessage = error instanceof ApiError ? error.fieldMessage(field) : undefined;
  const id = title.toLowerCase().replace(/\W+/g, '-');
  return (
    <form className="settings-section" onSubmit={submit} aria-labelledby={id} noValidate>
      <h2 id={id}>{title}</h2>
      {children(fieldMessage)}
      {error !== null && !fieldMessage && (
        <p className="form-error" role="alert">
          {messageOf(error)}
        </p>
      )}
      {done && (
        <p className="notice" role="status">
          {done}
        </p>
      )}
      <button type="submit" className="button primary" disabled={busy}>
        {submitLabel}
      </button>
    </form>
  );
}

function useSaveMe() {
  const client = useQueryClient();
  return async (body: { email?: string; username?: string; current_password?: string }) => {
    const me = await must(api.PATCH('/api/v1/me', { body }));
    updateSessionUser({
      id: me.id,
      username: me.username,
      name: me.name,
      profile_image_url: me.profile_image_url,
      is_private: me.is_private,
    });
    client.setQueryData(['me'], me);
    return me;
  };
}

function EmailForm({ me }: { me: Me }) {
  const save = useSaveMe();
  const [email, setEmail] = useState(me.email);
  const [password, setPassword] = useState('');
  return (
    <SettingsForm
      title="Email"
      field="email"
      submitLabel="Change email"
      onSubmit={async () => {
        // Where password resets go: the server asks for the password to change it.
        const saved = await save({
          email: email.trim(),
          ...(password ? { current_password: password } : {}),
        });
        setPassword('');
        return saved.email_verified
          ? 'Nothing changed.'
          : `We sent a confirmation link to ${saved.email}.`;
      }}
    >
      {(message) => (
        <>
          <TextField
            id="settings-email"
            label="Email address"
            type="email"
            autoComplete="email"
            value={email}
            onChange={setEmail}
            message={message}
            hint={me.email_verified ? <>Confirmed.</> : <ResendLink email={me.email} />}
          />
          <TextField
            id="settings-email-password"
            label="Your password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={setPassword}
            message={undefined}
          />
        </>
      )}
    </SettingsForm>
  );
}

/** For an unconfirmed address: mail the link again (the previous one stops working). */
function ResendLink({ email }: { email: string }) {
  const [state, setState] = useState<{ sent?: boolean; error?: unknown }>({});
  const resend = async () => {
    try {
      await must(api.POST('/api/v1/me/email-verification'));
      setState({ sent: true });
    } catch (error) {
      setState({ error });
    }
  };
  return (
    <>
      Not confirmed yet: open the link we mailed to {email}.{' '}
      {state.sent ? (
        <span role="status">A new link is on its way.</span>
      ) : (
        <button type="button" className="link-button" onClick={() => void resend()}>
          Send the link again
        </button>
      )}
      {state.error !== undefined && (
        <span className="field-error" role="alert">
          {' '}
          {messageOf(state.error)}
        </span>
      )}
    </>
  );
}

function UsernameForm({ me }: { me: Me }) {
  const save = useSaveMe();
  const [username, setUsername] = useState(me.username);
  return (
    <SettingsForm
      title="Username"
      field="username"
      submitLabel="Change username"
      onSubmit={async () => {
        const saved = await save({ username: username.trim() });
        return `Your username is now ${saved.username}. Your old one stays yours for 14 days.`;
      }}
    >
      {(message) => (
        <TextField
          id="settings-username"
          label="Username"
          autoComplete="username"
          value={username}
          onChange={setUsername}
          message={message}
          hint="You can change it once every 14 days."
        />
      )}
    </SettingsForm>
  );
}

function PasswordForm() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  return (
    <SettingsForm
      title="Password"
      field="new_password"
      submitLabel="Change password"
      onSubmit={async () => {
        await must(
          api.POST('/api/v1/me/password', {
            body: { current_password: current, new_password: next },
          }),
        );
        setCurrent('');
        setNext('');
        return 'Your password has been changed; your other sessions have ended.';
      }}
    >
      {(message) => (
        <>
          <TextField
            id="settings-current-password"
            label="Current password"
            type="password"
            autoComplete="current-password"
            value={current}
            onChange={setCurrent}
            message={undefined}
          />
          <TextField
            id="settings-new-password"
            label="New password"
            type="password"
            autoComplete="new-password"
            value={next}
            onChange={setNext}
            message={message}
          />
        </>
      )}
    </SettingsForm>
  );
}

function describe(session: LoginSession): string {
  const agent = session.user_agent ?? 'Unknown device';
  return agent.length > 60 ? `${agent.slice(0, 57)}…` : agent;
}

function Sessions() {
  const client = useQueryClient();
  const sessions = useQuery({
    queryKey: ['me', 'sessions'],
    queryFn: () => must(api.GET('/api/v1/me/sessions', { params: { query: { limit: 100 } } })),
  });
  const [error, setError] = useState<unknown>(null);
  const run = async (call: () => Promise<unknown>) => {
    setError(null);
    try {
      await call();
    } catch (err) {
      setError(err);
    }
    await client.invalidateQueries({ queryKey: ['me', 'sessions'] });
  };
  return (
    <section className="settings-section" aria-labelledby="settings-sessions">
      <h2 id="settings-sessions">Where you are logged in</h2>
      {sessions.isPending && <Spinner />}
      {sessions.isError && (
        <ErrorState error={sessions.error} retry={() => void sessions.refetch()} />
      )}
      {sessions.data && (
        <ul className="session-list">
          {sessions.data.data.map((session) => (
            <li key={session.id}>
              <div>
                <strong>{describe(session)}</strong>
                <span className="muted small">
                  {' '}
                  {session.ip_address ?? ''} · active {relativeTime(session.last_used_at)}
                </span>
              </div>
              {session.current ? (
                <span className="badge">This device</span>
              ) : (
                <button
                  type="button"
                  className="button secondary"
                  aria-label={`Log out ${describe(session)}`}
                  onClick={() =>
                    void run(() =>
                      must(
                        api.DELETE('/api/v1/me/sessions/{id}', {
                          params: { path: { id: session.id } },
                        }),
                      ),
                    )
                  }
                >
                  Log out
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {error !== null && (
        <p className="form-error" role="alert">
          {messageOf(error)}
        </p>
      )}
      <button
        type="button"
        className="button secondary"
        onClick={() => void run(() => must(api.DELETE('/api/v1/me/sessions')))}
      >
        Log out everywhere else
      </button>
    </section>
  );
}

function HiddenWords() {
  const words = useQuery({
    queryKey: ['me', 'hidden-words'],
    queryFn: () => must(api.GET('/api/v1/me/hidden-words')),
  });
  if (words.isPending) return <Spinner />;
  if (words.isError) return <ErrorState error={words.error} retry={() => void words.refetch()} />;
  return <HiddenWordsForm initial={words.data.words} />;
}

function HiddenWordsForm({ initial }: { initial: string[] }) {
  const client = useQueryClient();
  const [text, setText] = useState(initial.join('\n'));
  return (
    <SettingsForm
      title="Hidden words"
      field="words"
      submitLabel="Save hidden words"
      onSubmit={async () => {
        const words = text
          .split('\n')
          .map((w) => w.trim())
          .filter(Boolean);
        const saved = await must(api.PUT('/api/v1/me/hidden-words', { body: { words } }));
        client.setQueryData(['me', 'hidden-words'], saved);
        setText(saved.words.join('\n'));
        return saved.words.length === 0
          ? 'No words are hidden.'
          : `Comments with ${saved.words.length === 1 ? 'this word' : 'these words'} are hidden on your posts.`;
      }}
    >
      {(message) => (
        <div className="field">
          <label htmlFor="settings-hidden-words">One word or phrase a line</label>
          <textarea
            id="settings-hidden-words"
            rows={5}
            value={text}
            onChange={(e) => setText(e.target.value)}
            aria-invalid={message ? true : undefined}
            aria-describedby={`settings-hidden-words-hint${message ? ' settings-hidden-words-error' : ''}`}
          />
          <p className="muted small" id="settings-hidden-words-hint">
            Comments on your posts that contain one are hidden from everyone but their author. Case
            and accents do not matter.
          </p>
          <FieldError id="settings-hidden-words-error" message={message} />
        </div>
      )}
    </SettingsForm>
  );
}
