import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, must } from '../api/client';
import { ApiError } from '../api/errors';
import { useSession } from '../api/useSession';
import { ErrorState, Spinner, UserLink } from '../components/bits';
import { MediaView } from '../components/MediaView';
import NotFound from './NotFound';

/** A highlight's stories, one at a time in its order (reading records no view). */
export default function Highlight() {
  const { id = '' } = useParams();
  const [index, setIndex] = useState(0);
  const me = useSession()?.user;
  const highlight = useQuery({
    queryKey: ['highlights', id],
    queryFn: () => must(api.GET('/api/v1/highlights/{id}', { params: { path: { id } } })),
  });
  if (highlight.isPending) return <Spinner />;
  if (highlight.isError) {
    if (highlight.error instanceof ApiError && highlight.error.status === 404) return <NotFound />;
    return <ErrorState error={highlight.error} retry={() => void highlight.refetch()} />;
  }
  const { stories, title, owner } = highlight.data;
  const story = stories[Math.min(index, stories.length - 1)];
  return (
    <div className="page highlight-viewer">
      <header className="highlight-header">
        <UserLink user={owner} />
        <h1>{title}</h1>
        {owner.id === me?.id && (
          <Link className="button secondary" to={`/highlights/${id}/edit`}>
            Edit highlight
          </Link>
        )}
        <span>
          {stories.length === 0 ? 0 : Math.min(index, stories.length - 1) + 1} / {stories.length}
        </span>
      </header>
      {story ? (
        <MediaView key={story.id} media={story.media} alt={story.media.alt_text ?? title} eager />
      ) : (
        <p>This highlight is empty.</p>
      )}
      <nav className="highlight-nav" aria-label="Stories in this highlight">
        <button
          type="button"
          className="button secondary"
          disabled={index === 0}
          onClick={() => setIndex((i) => Math.max(0, i - 1))}
        >
          Previous
        </button>
        <Link className="button secondary" to={`/u/${owner.username}`}>
          Close
        </Link>
        <button
          type="button"
          className="button secondary"
          disabled={index >= stories.length - 1}
          onClick={() => setIndex((i) => i + 1)}
        >
          Next
        </button>
      </nav>
    </div>
  );
}
