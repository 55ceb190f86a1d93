import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, must } from '../api/client';
import { useSession } from '../api/useSession';
import { Avatar } from './bits';

export const storyFeedKey = ['stories', 'feed'] as const;

export function useStoryFeed() {
  return useQuery({ queryKey: storyFeedKey, queryFn: () => must(api.GET('/api/v1/stories/feed')) });
}

/** Own stories first, then unseen (ringed), then seen; the server orders them. */
export function StoriesTray() {
  const me = useSession()?.user;
  const feed = useStoryFeed();
  const groups = feed.data ?? [];
  const hasOwn = groups.some((g) => g.user.id === me?.id);
  return (
    <section className="stories-tray" aria-label="Stories">
      <ul>
        {!hasOwn && me && (
          <li>
            <Link to="/create/story" className="story-bubble" aria-label="Add to your story">
              <Avatar user={me} size={60} />
              <span className="story-plus" aria-hidden="true">
                +
              </span>
              <span className="story-name">Your story</span>
            </Link>
          </li>
        )}
        {groups.map((g) => (
          <li key={g.user.id}>
            <Link
              to={`/stories/${g.user.username}`}
              className="story-bubble"
              aria-label={`${g.user.id === me?.id ? 'Your story' : `Story of ${g.user.username}`}${g.has_close_friends ? ', close friends' : ''}${g.has_unseen ? ', unseen' : ''}`}
            >
              <Avatar
                user={g.user}
                size={60}
                ring={g.has_unseen ? (g.has_close_friends ? 'close' : 'unseen') : 'seen'}
              />
              <span className="story-name">
                {g.user.id === me?.id ? 'Your story' : g.user.username}
              </span>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
