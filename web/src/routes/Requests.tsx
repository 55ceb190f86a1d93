import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, must } from '../api/client';
import { messageOf } from '../api/errors';
import { UserLink } from '../components/bits';
import { InfiniteList, useCursorList } from '../components/InfiniteList';

export default function Requests() {
  const client = useQueryClient();
  const list = useCursorList(['follow-requests'], (cursor) =>
    must(api.GET('/api/v1/me/follow-requests', { params: { query: { cursor } } })),
  );
  const answer = useMutation({
    mutationFn: ({ id, approve }: { id: string; approve: boolean }) =>
      must(
        approve
          ? api.POST('/api/v1/me/follow-requests/{id}/approve', { params: { path: { id } } })
          : api.POST('/api/v1/me/follow-requests/{id}/decline', { params: { path: { id } } }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: ['follow-requests'] }),
  });
  return (
    <div className="page-narrow">
      <h1>Follow requests</h1>
      {answer.isError && (
        <p className="form-error" role="alert">
          {messageOf(answer.error)}
        </p>
      )}
      <InfiniteList
        list={list}
        empty={<p>No pending follow requests.</p>}
        render={(requests) => (
          <ul className="user-list">
            {requests.map((r) => (
              <li key={r.id} className="request">
                <UserLink user={r.user} />
                <span className="spacer" />
                <button
                  type="button"
                  className="button primary"
                  onClick={() => answer.mutate({ id: r.id, approve: true })}
                >
                  Approve {r.user.username}
                </button>
                <button
                  type="button"
                  className="button secondary"
                  onClick={() => answer.mutate({ id: r.id, approve: false })}
                >
                  Decline
                </button>
              </li>
            ))}
          </ul>
        )}
      />
    </div>
  );
}
