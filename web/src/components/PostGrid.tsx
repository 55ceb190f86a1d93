import { Link } from 'react-router';
import type { Post } from '../api/types';
import { MediaView } from './MediaView';
import { altText } from './PostCard';

export function PostGrid({ posts }: { posts: Post[] }) {
  return (
    <ul className="post-grid">
      {posts.map((post) => {
        const first = post.media[0];
        return (
          <li key={post.id}>
            <Link to={`/p/${post.id}`} aria-label={`Open post: ${altText(post).slice(0, 80)}`}>
              {first && <MediaView media={first} alt={altText(post)} thumbnail />}
              {post.media.length > 1 && (
                <span className="grid-badge" aria-hidden="true">
                  ❐
                </span>
              )}
              {first?.type === 'video' && (
                <span className="grid-badge" aria-hidden="true">
                  ▶
                </span>
              )}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
