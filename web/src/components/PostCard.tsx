import { Link } from 'react-router';
import { usePostToggle } from '../api/posts';
import type { Post } from '../api/types';
import { relativeTime } from '../lib/time';
import { Caption, UserLink } from './bits';
import { Carousel } from './Carousel';

export function altText(post: Post): string {
  return (
    post.caption.trim() || `${post.type === 'reel' ? 'Reel' : 'Post'} by ${post.author.username}`
  );
}

export function HeartIcon({ filled }: { filled: boolean }) {
  return (
    <svg
      viewBox="0 0 24 24"
      width="24"
      height="24"
      aria-hidden="true"
      className={filled ? 'icon filled-red' : 'icon'}
    >
      <path d="M12 21s-7.5-4.6-9.6-9.2C.9 8.4 3 4.5 6.7 4.5c2.1 0 3.6 1.1 5.3 3 1.7-1.9 3.2-3 5.3-3 3.7 0 5.8 3.9 4.3 7.3C19.5 16.4 12 21 12 21z" />
    </svg>
  );
}

export function PostCard({
  post,
  eager = false,
  full = false,
}: {
  post: Post;
  eager?: boolean;
  full?: boolean;
}) {
  const like = usePostToggle('like');
  const save = usePostToggle('save');
  const toggleLike = (on = !post.liked_by_me) => like.mutate({ id: post.id, on });
  return (
    <article className="post-card" aria-labelledby={`post-${post.id}-author`}>
      <header className="post-header">
        <span id={`post-${post.id}-author`}>
          <UserLink user={post.author} />
        </span>
        {post.location && (
          <Link className="post-location" to={`/locations/${post.location.id}`}>
            {post.location.name}
          </Link>
        )}
      </header>
      <Carousel
        media={post.media}
        alt={altText(post)}
        eager={eager}
        onDoubleTap={() => toggleLike(true)}
      />
      <div className="post-actions">
        <button
          type="button"
          className="icon-button"
          aria-label={post.liked_by_me ? 'Unlike' : 'Like'}
          aria-pressed={post.liked_by_me}
          onClick={() => toggleLike()}
        >
          <HeartIcon filled={post.liked_by_me} />
        </button>
        <Link
          className="icon-button"
          to={`/p/${post.id}`}
          aria-label={`Comments (${post.comment_count})`}
        >
          <svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" className="icon">
            <path d="M20.7 16.9A9.5 9.5 0 1 0 17 20.6L21.5 22z" />
          </svg>
        </Link>
        <button
          type="button"
          className="icon-button save"
          aria-label={post.saved_by_me ? 'Remove from saved' : 'Save'}
          aria-pressed={post.saved_by_me}
          onClick={() => save.mutate({ id: post.id, on: !post.saved_by_me })}
        >
          <svg
            viewBox="0 0 24 24"
            width="24"
            height="24"
            aria-hidden="true"
            className={post.saved_by_me ? 'icon filled' : 'icon'}
          >
            <path d="M19 21l-7-5-7 5V3h14z" />
          </svg>
        </button>
      </div>
      {post.like_count !== null && (
        <p className="like-count" aria-live="polite">
          <strong>{post.like_count === 1 ? '1 like' : `${post.like_count} likes`}</strong>
        </p>
      )}
      {post.caption && (
        <p className="caption">
          <Link to={`/u/${post.author.username}`} className="username">
            {post.author.username}
          </Link>{' '}
          <Caption text={post.caption} mentions={post.mentions} />
        </p>
      )}
      {!full && post.comment_count > 0 && (
        <Link className="muted comments-link" to={`/p/${post.id}`}>
          View all {post.comment_count} comment{post.comment_count === 1 ? '' : 's'}
        </Link>
      )}
      <Link to={`/p/${post.id}`} className="muted post-time">
        <time dateTime={post.created_at}>{relativeTime(post.created_at)}</time>
        {!full && post.edited_at && ' · Edited'}
      </Link>
    </article>
  );
}
