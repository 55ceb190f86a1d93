import { useParams } from 'react-router';
import { api, must } from '../api/client';
import { UserLink } from '../components/bits';
import { InfiniteList, useCursorList } from '../components/InfiniteList';
import NotFound from './NotFound';

export default function FollowList() {
  const { username = '', list: which } = useParams();
  const followers = which === 'followers';
  const list = useCursorList(
    ['follows', username, which],
    (cursor) => {
      const params = { params: { path: { username }, query: { cursor } } };
      return must(
        followers
          ? api.GET('/api/v1/users/{username}/followers', params)
          : api.GET('/api/v1/users/{username}/following', params),
      );
    },
    which === 'followers' || which === 'following',
  );
  if (which !== 'followers' && which !== 'following') return <NotFound />;
  return (
    <div className="page-narrow">
      <h1>
        {username} · {followers ? 'Followers' : 'Following'}
      </h1>
      <InfiniteList
        list={list}
        empty={<p>{followers ? 'No followers yet.' : 'Not following anyone yet.'}</p>}
        render={(users) => (
          <ul className="user-list">
            {users.map((u) => (
              <li key={u.id}>
                <UserLink user={u} /> <span className="muted">{u.name}</span>
              </li>
            ))}
          </ul>
        )}
      />
    </div>
  );
}
