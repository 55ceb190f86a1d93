import { useMutation, useQueryClient, type QueryKey } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { messageOf } from '../api/errors';
import type { Page, User } from '../api/types';
import { UserLink } from './bits';
import { InfiniteList, useCursorList } from './InfiniteList';

interface Props<T extends { user: User }> {
  title: string;
  intro: string;
  empty: string;
  queryKey: QueryKey;
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>;
  /** The button on each row, e.g. "Unblock". */
  verb: string;
  undo: (user: User) => Promise<unknown>;
  /** What else to refresh once a row is undone. */
  afterUndo: (user: User) => Promise<void>;
  detail?: (item: T) => ReactNode;
}

/** A settings page listing accounts (blocked, muted), each with a button that undoes it. */
export function AccountsPage<T extends { user: User }>(props: Props<T>) {
  const { title, intro, empty, queryKey, fetchPage, detail } = props;
  const list = useCursorList(queryKey, async (cursor) => {
    const page = await fetchPage(cursor);
    return { ...page, data: page.data.map((item) => ({ ...item, id: item.user.id })) };
  });
  return (
    <div className="page-narrow">
      <h1>{title}</h1>
      <p className="muted">{intro}</p>
      <InfiniteList
        list={list}
        empty={<p>{empty}</p>}
        render={(items) => (
          <ul className="user-list">
            {items.map((item) => (
              <li key={item.id}>
                <UserLink user={item.user} />
                {detail?.(item)}
                <span className="spacer" />
                <UndoButton {...props} user={item.user} />
              </li>
            ))}
          </ul>
        )}
      />
    </div>
  );
}

function UndoButton<T extends { user: User }>({
  user,
  verb,
  undo,
  afterUndo,
  queryKey,
}: Props<T> & { user: User }) {
  const client = useQueryClient();
  const mutation = useMutation({
    mutationFn: () => undo(user),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey });
      await afterUndo(user);
    },
  });
  return (
    <>
      <button
        type="button"
        className="button secondary"
        disabled={mutation.isPending}
        aria-label={`${verb} ${user.username}`}
        onClick={() => mutation.mutate()}
      >
        {verb}
      </button>
      {mutation.isError && (
        <span className="field-error" role="alert">
          {messageOf(mutation.error)}
        </span>
      )}
    </>
  );
}
