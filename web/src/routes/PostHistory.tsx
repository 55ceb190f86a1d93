import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { api, must } from '../api/client';
import { ApiError } from '../api/errors';
import { historyKey, postKeys } from '../api/posts';
import { ErrorState, Spinner } from '../components/bits';
import { useCursorList } from '../components/InfiniteList';
import { relativeTime } from '../lib/time';
import NotFound from './NotFound';

/** A post's versions for its author, newest first: the current one, then each an edit replaced. */
export default function PostHistory() {
  const { id = '' } = useParams();
  const post = useQuery({
    queryKey: postKeys.one(id),
    queryFn: () => must(api.GET('/api/v1/posts/{id}', { params: { path: { id } } })),
  });
  // Versions have no id of their own: the list's keys are their times.
  const versions = useCursorList(historyKey(id), async (cursor) => {
    const page = await must(
      api.GET('/api/v1/posts/{id}/history', { params: { path: { id }, query: { cursor } } }),
    );
    return { ...page, data: page.data.map((v) => ({ ...v, id: `${v.edited_at}-${v.current}` })) };
  });
  if (versions.isPending) return <Spinner />;
  if (versions.isError) {
    if (versions.error instanceof ApiError && versions.error.status === 404) return <NotFound />;
    return <ErrorState error={versions.error} retry={() => void versions.refetch()} />;
  }
  const media = new Map(post.data?.media.map((m) => [m.id, m]) ?? []);
  return (
    <div className="page-narrow post-history">
      <p>
        <Link to={`/p/${id}`}>Back to the post</Link>
      </p>
      <h1>Edit history</h1>
      <ol className="version-list" aria-label="Versions, newest first">
        {versions.items.map((v) => (
          <li key={v.id} className="version">
            <h2 className="section-title">
              {v.current ? 'Current version' : 'Earlier version'} ·{' '}
              <time dateTime={v.edited_at}>{relativeTime(v.edited_at)}</time>
            </h2>
            <p className="version-caption">
              {v.caption ? v.caption : <span className="muted">No caption</span>}
            </p>
            <p className="muted">
              {v.media_ids.length}{' '}
              {v.media_ids.length === 1 ? 'photo or video' : 'photos or videos'}
              {v.location_id ? ' · with a location' : ''}
            </p>
            <ul className="version-media" aria-label="Its photos and videos">
              {v.media_ids.map((mediaId) => {
                const m = media.get(mediaId);
                return m ? (
                  <li key={mediaId}>
                    <img src={m.thumbnail_url} alt={m.alt_text ?? ''} width={56} height={56} />
                  </li>
                ) : (
                  <li key={mediaId} className="muted">
                    (removed)
                  </li>
                );
              })}
            </ul>
          </li>
        ))}
      </ol>
      {versions.hasNextPage && (
        <button
          type="button"
          className="button secondary"
          onClick={() => void versions.fetchNextPage()}
          disabled={versions.isFetchingNextPage}
        >
          Load older versions
        </button>
      )}
    </div>
  );
}
