import { Link } from 'react-router';
import { api, must } from '../api/client';
import { AnswerList } from '../components/AnswerList';
import { UserLink } from '../components/bits';

/** Tags of you waiting for approval (tag approval "manual"): approve shows them, decline drops them. */
export default function PendingTags() {
  return (
    <div className="page-narrow">
      <h1>Tags to approve</h1>
      <AnswerList
        queryKey={['pending-tags']}
        fetchPage={(cursor) =>
          must(api.GET('/api/v1/me/pending-tags', { params: { query: { cursor } } }))
        }
        answer={(id, approve) =>
          must(
            approve
              ? api.POST('/api/v1/me/pending-tags/{id}/approve', { params: { path: { id } } })
              : api.POST('/api/v1/me/pending-tags/{id}/decline', { params: { path: { id } } }),
          )
        }
        empty={<p>No tags waiting for your approval.</p>}
        row={(tag) => (
          <>
            <UserLink user={tag.tagged_by} />
            <Link to={`/p/${tag.post_id}`}>tagged you in a post</Link>
          </>
        )}
        labels={(tag) => ({
          approve: 'Approve',
          approveName: `Approve tag by ${tag.tagged_by.username}`,
          declineName: `Decline tag by ${tag.tagged_by.username}`,
        })}
      />
    </div>
  );
}
