import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useParams } from 'react-router';
import { api, must } from '../api/client';
import { ApiError } from '../api/errors';
import { postKeys } from '../api/posts';
import { Empty, ErrorState, Spinner } from '../components/bits';
import { InfiniteList, useCursorList } from '../components/InfiniteList';
import { PostGrid } from '../components/PostGrid';

type Ordering = 'top' | 'recent';

/** A hashtag page: its name and post count, then its top or most recent posts. */
export default function Hashtag() {
  const tag = useParams().tag ?? '';
  const [ordering, setOrdering] = useState<Ordering>('top');
  const header = useQuery({
    queryKey: ['hashtag', tag],
    queryFn: () => must(api.GET('/api/v1/hashtags/{name}', { params: { path: { name: tag } } })),
  });
  const posts = useCursorList(
    [...postKeys.lists, 'hashtag', tag, ordering],
    (cursor) =>
      must(
        api.GET('/api/v1/hashtags/{name}/posts', {
          params: { path: { name: tag }, query: { ordering, cursor } },
        }),
      ),
    header.isSuccess,
  );
  const unknown = header.error instanceof ApiError && header.error.status === 404;
  return (
    <div className="page-wide">
      <header className="list-header">
        <h1>#{header.data?.name ?? tag}</h1>
        {header.data && (
          <p className="muted">
            {header.data.post_count} post{header.data.post_count === 1 ? '' : 's'}
          </p>
        )}
      </header>
      {header.isPending ? (
        <Spinner />
      ) : unknown ? (
        <Empty>
          <p>No posts with #{tag} yet.</p>
        </Empty>
      ) : header.isError ? (
        <ErrorState error={header.error} retry={() => void header.refetch()} />
      ) : (
        <>
          <div className="tabs" role="tablist" aria-label="Top or recent posts">
            {(['top', 'recent'] as const).map((value) => (
              <button
                key={value}
                type="button"
                role="tab"
                aria-selected={ordering === value}
                onClick={() => setOrdering(value)}
              >
                {value === 'top' ? 'Top' : 'Recent'}
              </button>
            ))}
          </div>
          <div role="tabpanel" aria-label={ordering === 'top' ? 'Top posts' : 'Recent posts'}>
            <InfiniteList
              list={posts}
              empty={
                <p>{ordering === 'top' ? 'No top posts in the last 30 days.' : 'No posts yet.'}</p>
              }
              render={(items) => <PostGrid posts={items} />}
            />
          </div>
        </>
      )}
    </div>
  );
}
