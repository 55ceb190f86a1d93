import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, must } from '../api/client';
import { ApiError, messageOf } from '../api/errors';
import type { User } from '../api/types';
import { ErrorState, FieldError, Spinner, UserLink } from '../components/bits';

const closeFriendsKey = ['me', 'close-friends'] as const;

/** The whole list (the server replaces it as a whole, so the page edits it as a whole). */
async function loadAll(): Promise<User[]> {
  const all: User[] = [];
  let cursor: string | undefined;
  do {
    const page = await must(
      api.GET('/api/v1/me/close-friends', { params: { query: { limit: 100, cursor } } }),
    );
    all.push(...page.data);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return all;
}

/** Who sees your close-friends stories (green ring): add by username, remove with a tap. */
export default function CloseFriends() {
  const client = useQueryClient();
  const list = useQuery({ queryKey: closeFriendsKey, queryFn: loadAll });
  const [name, setName] = useState('');
  const save = useMutation({
    mutationFn: (usernames: string[]) =>
      must(api.PUT('/api/v1/me/close-friends', { body: { usernames } })),
    onSuccess: async () => {
      setName('');
      await client.invalidateQueries({ queryKey: closeFriendsKey });
    },
  });
  if (list.isPending) return <Spinner />;
  if (list.isError) return <ErrorState error={list.error} retry={() => void list.refetch()} />;
  const usernames = list.data.map((u) => u.username);
  const add = (e: FormEvent) => {
    e.preventDefault();
    const wanted = name.trim().toLowerCase();
    if (wanted && !usernames.includes(wanted)) save.mutate([...usernames, wanted]);
  };
  const error = save.error
    ? (save.error instanceof ApiError && save.error.fieldMessage('usernames')) ||
      messageOf(save.error)
    : undefined;
  return (
    <div className="page-narrow">
      <h1>Close friends</h1>
      <p>Only these people see the stories you share to close friends.</p>
      <form className="field" onSubmit={add}>
        <label htmlFor="close-friend-name">Add by username</label>
        <input
          id="close-friend-name"
          value={name}
          autoCapitalize="none"
          onChange={(e) => setName(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'close-friend-error' : undefined}
        />
        <FieldError id="close-friend-error" message={error} />
        <button type="submit" className="button primary" disabled={!name.trim() || save.isPending}>
          Add
        </button>
      </form>
      {list.data.length === 0 ? (
        <p>Your list is empty.</p>
      ) : (
        <ul className="user-list">
          {list.data.map((user) => (
            <li key={user.id}>
              <UserLink user={user} />
              <button
                type="button"
                className="button secondary"
                aria-label={`Remove ${user.username}`}
                disabled={save.isPending}
                onClick={() => save.mutate(usernames.filter((u) => u !== user.username))}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
