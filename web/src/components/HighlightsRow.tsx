import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, must } from '../api/client';

export const highlightsKey = (username: string) =>
  ['highlights', 'user', username.toLowerCase()] as const;

/**
 * A profile's highlights as a row of round covers under the header; nothing when it has none,
 * except on your own profile, which starts with "New highlight".
 */
export function HighlightsRow({ username, own = false }: { username: string; own?: boolean }) {
  const highlights = useQuery({
    queryKey: highlightsKey(username),
    queryFn: () =>
      must(
        api.GET('/api/v1/users/{username}/highlights', {
          params: { path: { username }, query: { limit: 100 } },
        }),
      ),
  });
  const items = highlights.data?.data ?? [];
  if (items.length === 0 && !own) return null;
  return (
    <section className="stories-tray highlights-row" aria-label="Highlights">
      <ul>
        {own && (
          <li>
            <Link to="/highlights/new" className="story-bubble">
              <span className="avatar ring-seen new-highlight" style={{ width: 60, height: 60 }}>
                <span aria-hidden="true">+</span>
              </span>
              <span className="story-name">New highlight</span>
            </Link>
          </li>
        )}
        {items.map((h) => (
          <li key={h.id}>
            <Link
              to={`/highlights/${h.id}`}
              className="story-bubble"
              aria-label={`Highlight ${h.title}`}
            >
              <span className="avatar ring-seen highlight-cover" style={{ width: 60, height: 60 }}>
                {h.cover && (
                  <img src={h.cover.thumbnail_url} alt="" width={60} height={60} loading="lazy" />
                )}
              </span>
              <span className="story-name">{h.title}</span>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
