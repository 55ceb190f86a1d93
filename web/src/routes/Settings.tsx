import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api, must } from '../api/client';
import { ApiError, messageOf } from '../api/errors';
import { getSession, setSession } from '../api/session';
import { FieldError } from '../components/bits';

export default function Settings() {
  const client = useQueryClient();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const me = useQuery({ queryKey: ['me'], queryFn: () => must(api.GET('/api/v1/me')) });
  const logOut = async () => {
    const refreshToken = getSession()?.refreshToken;
    if (refreshToken)
      await api
        .POST('/api/v1/auth/logout', { body: { refresh_token: refreshToken } })
        .catch(() => undefined);
    client.clear();
    setSession(null, 'You have logged out.');
  };
  const remove = async (e: FormEvent) => {
    e.preventDefault();
    if (!window.confirm('Delete your account? Your posts and stories will be hidden.')) return;
    try {
      await must(api.DELETE('/api/v1/me', { body: { password } }));
      client.clear();
      setSession(null, 'Your account has been deleted.');
    } catch (err) {
      setError(err);
    }
  };
  const message = error
    ? (error instanceof ApiError && error.fieldMessage('password')) || messageOf(error)
    : undefined;
  return (
    <div className="page-narrow">
      <h1>Settings</h1>
      <ul className="settings-links">
        <li>
          <Link to="/accounts/edit">Edit profile</Link>
        </li>
        <li>
          <Link to="/settings/account">Account and security</Link>
        </li>
        <li>
          <Link to="/requests">Follow requests</Link>
        </li>
        <li>
          <Link to="/accounts/tags">Tags to approve</Link>
        </li>
        <li>
          <Link to="/accounts/edit#photos-of-you">Tag approval (photos of you)</Link>
        </li>
        <li>
          <Link to="/settings/account#hidden-words">Hidden words</Link>
        </li>
        <li>
          <Link to="/settings/blocked">Blocked accounts</Link>
        </li>
        <li>
          <Link to="/settings/muted">Muted accounts</Link>
        </li>
        <li>
          <Link to="/accounts/close-friends">Close friends</Link>
        </li>
        <li>
          <Link to="/saved">Saved</Link>
        </li>
        <li>
          <Link to="/archive">Archive</Link>
        </li>
        {me.data && me.data.role !== 'user' && (
          <li>
            <Link to="/admin/reports">Review reports</Link>
          </li>
        )}
      </ul>
      <button type="button" className="button secondary" onClick={() => void logOut()}>
        Log out
      </button>
      <form className="danger-zone" onSubmit={remove}>
        <h2>Delete account</h2>
        <label htmlFor="delete-password">Password</label>
        <input
          id="delete-password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          aria-invalid={message ? true : undefined}
          aria-describedby={message ? 'delete-password-error' : undefined}
        />
        <FieldError id="delete-password-error" message={message} />
        <button type="submit" className="button danger" disabled={!password}>
          Delete my account
        </button>
      </form>
    </div>
  );
}
