import { Fragment, type ReactNode } from 'react';
import { Link } from 'react-router';
import type { User } from '../api/types';
import { messageOf } from '../api/errors';

export function Avatar({
  user,
  size = 32,
  ring,
}: {
  user: User;
  size?: number;
  ring?: 'unseen' | 'seen' | 'close';
}) {
  const initial = (user.username[0] ?? '?').toUpperCase();
  return (
    <span className={`avatar ${ring ? `ring-${ring}` : ''}`} style={{ width: size, height: size }}>
      {user.profile_image_url ? (
        <img src={user.profile_image_url} alt="" width={size} height={size} loading="lazy" />
      ) : (
        <span className="avatar-initial" aria-hidden="true" style={{ fontSize: size / 2.4 }}>
          {initial}
        </span>
      )}
    </span>
  );
}

export function UserLink({ user, withAvatar = true }: { user: User; withAvatar?: boolean }) {
  return (
    <Link to={`/u/${user.username}`} className="user-link">
      {withAvatar && <Avatar user={user} />}
      <span className="username">{user.username}</span>
    </Link>
  );
}

/**
 * A caption or comment with each #hashtag linked to its page and each @mention (of an account
 * the server resolved, in `mentions`) linked to the profile.
 */
export function Caption({
  text,
  mentions = [],
}: {
  text: string;
  mentions?: readonly { username: string }[];
}) {
  const mentioned = new Set(mentions.map((m) => m.username));
  const parts = text.split(/(#[\p{L}\p{N}_]+|@[A-Za-z0-9._]+)/u);
  return (
    <>
      {parts.map((part, i) => {
        if (part.startsWith('#') && part.length > 1) {
          return (
            <Link key={i} to={`/tags/${encodeURIComponent(part.slice(1).toLowerCase())}`}>
              {part}
            </Link>
          );
        }
        const name = part.slice(1).replace(/\.+$/, '');
        if (part.startsWith('@') && mentioned.has(name.toLowerCase())) {
          return (
            <Fragment key={i}>
              <Link to={`/u/${name.toLowerCase()}`} className="mention">
                @{name}
              </Link>
              {part.slice(1 + name.length)}
            </Fragment>
          );
        }
        return <Fragment key={i}>{part}</Fragment>;
      })}
    </>
  );
}

export function Spinner({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="state" role="status">
      <span className="spinner" aria-hidden="true" />
      <span className="visually-hidden">{label}</span>
    </div>
  );
}

export function ErrorState({ error, retry }: { error: unknown; retry?: () => void }) {
  return (
    <div className="state error" role="alert">
      <p>{messageOf(error)}</p>
      {retry && (
        <button type="button" className="button secondary" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="state empty">{children}</div>;
}

/** A form field's own error from the problem's `errors[]`, tied to the input with aria-describedby. */
export function FieldError({ id, message }: { id: string; message?: string }) {
  if (!message) return null;
  return (
    <p className="field-error" id={id} role="alert">
      {message}
    </p>
  );
}
