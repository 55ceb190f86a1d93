import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, must } from '../api/client';
import { messageOf } from '../api/errors';
import { UserLink } from '../components/bits';
import { InfiniteList, useCursorList } from '../components/InfiniteList';

const pendingKey = ['pending-tags'] as const;

/** Tags of you waiting for approval (tag approval "manual"): approve shows them, decline drops them. */
export default function PendingTags() {
  const client = useQueryClient();
  const list = useCursorList(pendingKey, (cursor) =>
    must(api.GET('/api/v1/me/pending-tags', { params: { query: { cursor } } })),
  );
  const answer = useMutation({
    mutationFn: ({ id, approve }: { id: string; approve: boolean }) =>
      must(
        approve
          ? api.POST('/api/v1/me/pending-tags/{id}/approve', { params: { path: { id } } })
          : api.POST('/api/v1/me/pending-tags/{id}/decline', { params: { path: { id } } }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: pendingKey }),
  });
  return (
    <div className="page-narrow">
      <h1>Tags to approve</h1>
      {answer.isError && (
        <p className="form-error" role="alert">
          {messageOf(answer.error)}
        </p>
      )}
      <InfiniteList
        list={list}
        empty={<p>No tags waiting for your approval.</p>}
        render={(tags) => (
          <ul className="user-list">
            {tags.map((tag) => (
              <li key={tag.id} className="request">
                <UserLink user={tag.tagged_by} />
                <Link to={`/p/${tag.post_id}`}>tagged you in a post</Link>
                <span className="spacer" />
                <button
                  type="button"
                  className="button primary"
                  aria-label={`Approve tag by ${tag.tagged_by.username}`}
                  onClick={() => answer.mutate({ id: tag.id, approve: true })}
                >
                  Approve
                </button>
                <button
                  type="button"
                  className="button secondary"
                  aria-label={`Decline tag by ${tag.tagged_by.username}`}
                  onClick={() => answer.mutate({ id: tag.id, approve: false })}
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
