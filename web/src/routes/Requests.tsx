import { api, must } from '../api/client';
import { AnswerList } from '../components/AnswerList';
import { UserLink } from '../components/bits';

export default function Requests() {
  return (
    <div className="page-narrow">
      <h1>Follow requests</h1>
      <AnswerList
        queryKey={['follow-requests']}
        fetchPage={(cursor) =>
          must(api.GET('/api/v1/me/follow-requests', { params: { query: { cursor } } }))
        }
        answer={(id, approve) =>
          must(
            approve
              ? api.POST('/api/v1/me/follow-requests/{id}/approve', { params: { path: { id } } })
              : api.POST('/api/v1/me/follow-requests/{id}/decline', { params: { path: { id } } }),
          )
        }
        empty={<p>No pending follow requests.</p>}
        row={(request) => <UserLink user={request.user} />}
        labels={(request) => ({ approve: `Approve ${request.user.username}` })}
      />
    </div>
  );
}
