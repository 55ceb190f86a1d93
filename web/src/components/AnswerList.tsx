import { type QueryKey, useMutation, useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import type { Page } from '../api/types';
import { messageOf } from '../api/errors';
import { InfiniteList, useCursorList } from './InfiniteList';

/**
 * A list of things waiting for the viewer's yes or no (follow requests, pending tags): each row
 * has Approve and Decline, and an answer reloads the list.
 */
export function AnswerList<T extends { id: string }>({
  queryKey,
  fetchPage,
  answer,
  empty,
  row,
  labels,
}: {
  queryKey: QueryKey;
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>;
  answer: (id: string, approve: boolean) => Promise<unknown>;
  empty: ReactNode;
  row: (item: T) => ReactNode;
  /** The buttons' text and accessible names. */
  labels: (item: T) => { approve: string; approveName?: string; declineName?: string };
}) {
  const client = useQueryClient();
  const list = useCursorList(queryKey, fetchPage);
  const answered = useMutation({
    mutationFn: ({ id, approve }: { id: string; approve: boolean }) => answer(id, approve),
    onSuccess: () => client.invalidateQueries({ queryKey }),
  });
  return (
    <>
      {answered.isError && (
        <p className="form-error" role="alert">
          {messageOf(answered.error)}
        </p>
      )}
      <InfiniteList
        list={list}
        empty={empty}
        render={(items) => (
          <ul className="user-list">
            {items.map((item) => {
              const label = labels(item);
              return (
                <li key={item.id} className="request">
                  {row(item)}
                  <span className="spacer" />
                  <button
                    type="button"
                    className="button primary"
                    aria-label={label.approveName}
                    onClick={() => answered.mutate({ id: item.id, approve: true })}
                  >
                    {label.approve}
                  </button>
                  <button
                    type="button"
                    className="button secondary"
                    aria-label={label.declineName}
                    onClick={() => answered.mutate({ id: item.id, approve: false })}
                  >
                    Decline
                  </button>
                </li>
              );
            })}
          </ul>
        )}
      />
    </>
  );
}
