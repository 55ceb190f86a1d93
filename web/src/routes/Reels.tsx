import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { api, must } from '../api/client';
import { postKeys } from '../api/posts';
import type { Post } from '../api/types';
import { InfiniteList, useCursorList } from '../components/InfiniteList';
import { Avatar } from '../components/bits';

/** How long a reel must play before it counts as watched (the server counts one a day). */
const VIEW_AFTER_MS = 1500;

/**
 * The reels tab: one reel per screen height, snapping; the reel most in view plays, the others
 * pause. Sound starts muted (browsers refuse autoplay with sound) and one toggle serves all.
 */
export default function Reels() {
  const list = useCursorList([...postKeys.lists, 'reels'], (cursor) =>
    must(api.GET('/api/v1/reels', { params: { query: { cursor } } })),
  );
  const [muted, setMuted] = useState(true);
  return (
    <div className="reels-page">
      <h1 className="visually-hidden">Reels</h1>
      <InfiniteList
        list={list}
        empty={<p>No reels to watch right now.</p>}
        render={(reels) => (
          <ol className="reels-scroller">
            {reels.map((reel) => (
              <ReelItem
                key={reel.id}
                reel={reel}
                muted={muted}
                onToggleMute={() => setMuted((m) => !m)}
              />
            ))}
          </ol>
        )}
      />
    </div>
  );
}

function ReelItem({
  reel,
  muted,
  onToggleMute,
}: {
  reel: Post;
  muted: boolean;
  onToggleMute: () => void;
}) {
  const video = useRef<HTMLVideoElement>(null);
  const recorded = useRef(false);
  const media = reel.media.find((m) => m.type === 'video');

  // Play while at least 60 % of it is in view; pause otherwise.
  useEffect(() => {
    const element = video.current;
    if (!element) return;
    const observer = new IntersectionObserver(
      ([entry]) => {
        if (entry?.isIntersecting) void element.play().catch(() => undefined);
        else element.pause();
      },
      { threshold: 0.6 },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  // A view is recorded once per page visit, after it played a moment.
  useEffect(() => {
    const element = video.current;
    if (!element) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onPlay = () => {
      if (recorded.current) return;
      timer = setTimeout(() => {
        recorded.current = true;
        void api.POST('/api/v1/posts/{id}/views', { params: { path: { id: reel.id } } });
      }, VIEW_AFTER_MS);
    };
    const onPause = () => clearTimeout(timer);
    element.addEventListener('playing', onPlay);
    element.addEventListener('pause', onPause);
    return () => {
      clearTimeout(timer);
      element.removeEventListener('playing', onPlay);
      element.removeEventListener('pause', onPause);
    };
  }, [reel.id]);

  if (!media) return null;
  return (
    <li className="reel">
      <video
        ref={video}
        className="reel-video"
        src={media.url}
        poster={media.poster_url ?? media.thumbnail_url}
        aria-label={media.alt_text ?? `Reel by ${reel.author.username}`}
        muted={muted}
        playsInline
        loop
        preload="metadata"
        onClick={(e) => {
          const v = e.currentTarget;
          if (v.paused) void v.play().catch(() => undefined);
          else v.pause();
        }}
      />
      <button
        type="button"
        className="reel-mute"
        aria-pressed={!muted}
        aria-label={muted ? 'Turn sound on' : 'Mute'}
        onClick={onToggleMute}
      >
        {muted ? '🔇' : '🔊'}
      </button>
      <div className="reel-info">
        <Link to={`/u/${reel.author.username}`} className="user-link">
          <Avatar user={reel.author} />
          <span className="username">{reel.author.username}</span>
        </Link>
        {reel.caption && <p className="reel-caption">{reel.caption}</p>}
        <p className="reel-counts">
          <Link to={`/p/${reel.id}`}>
            {reel.like_count !== null && <span>{reel.like_count} likes · </span>}
            <span>{reel.comment_count} comments</span>
            {reel.view_count !== null && <span> · {reel.view_count} views</span>}
          </Link>
        </p>
      </div>
    </li>
  );
}
