import { useQuery } from '@tanstack/react-query';
import { useLocation, useParams } from 'react-router';
import { api, must } from '../api/client';
import { postKeys } from '../api/posts';
import { InfiniteList, useCursorList } from '../components/InfiniteList';
import { PostGrid } from '../components/PostGrid';

/** Hashtag, location and saved pages: a heading and a grid of posts. */
export default function PostList() {
  const { tag, locationId } = useParams();
  const saved = useLocation().pathname === '/saved';
  const place = useQuery({
    queryKey: ['location', locationId],
    queryFn: () =>
      must(api.GET('/api/v1/locations/{id}', { params: { path: { id: locationId ?? '' } } })),
    enabled: Boolean(locationId),
  });
  const list = useCursorList([...postKeys.lists, 'list', tag, locationId, saved], (cursor) =>
    saved
      ? must(api.GET('/api/v1/me/saved', { params: { query: { cursor } } }))
      : must(
          api.GET('/api/v1/posts', {
            params: {
              query: {
                cursor,
                ...(tag ? { hashtag: tag } : {}),
                ...(locationId ? { location_id: locationId } : {}),
              },
            },
          }),
        ),
  );
  const title = saved ? 'Saved' : tag ? `#${tag}` : (place.data?.name ?? 'Location');
  return (
    <div className="page-wide">
      <header className="list-header">
        <h1>{title}</h1>
        {place.data?.address && <p className="muted">{place.data.address}</p>}
        {place.data && <p className="muted">{place.data.posts_count} posts</p>}
      </header>
      <InfiniteList
        list={list}
        empty={<p>{saved ? 'Save posts to see them here.' : 'No posts yet.'}</p>}
        render={(posts) => <PostGrid posts={posts} />}
      />
    </div>
  );
}
