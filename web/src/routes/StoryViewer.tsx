import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, must } from '../api/client';
import { ApiError, messageOf } from '../api/errors';
import type { Story } from '../api/types';
import { useSession } from '../api/useSession';
import { Avatar, ErrorState, Spinner, UserLink } from '../components/bits';
import { Menu } from '../components/Menu';
import { HeartIcon } from '../components/PostCard';
import { ReportForm } from '../components/Report';
import { storyFeedKey, useStoryFeed } from '../components/StoriesTray';
import { failedUrl, useSignedMediaRecovery } from '../lib/signed-media';
import { relativeTime } from '../lib/time';

const IMAGE_MS = 5000;
const TICK_MS = 50;

export default function StoryViewer() {
  const { username = '' } = useParams();
  const navigate = useNavigate();
  const feed = useStoryFeed();
  const groups = feed.data ?? [];
  const groupIndex = groups.findIndex((g) => g.user.username === username.toLowerCase());
  const own = useQuery({
    queryKey: ['stories', 'user', username],
    queryFn: () =>
      must(api.GET('/api/v1/users/{username}/stories', { params: { path: { username } } })),
    enabled: feed.isSuccess && groupIndex < 0,
  });
  const stories: Story[] = groupIndex >= 0 ? groups[groupIndex]!.stories : (own.data?.data ?? []);
  const close = useCallback(() => void navigate('/'), [navigate]);
  const nextGroup = useCallback(() => {
    const next = groups[groupIndex + 1];
    if (groupIndex >= 0 && next) void navigate(`/stories/${next.user.username}`, { replace: true });
    else close();
  }, [groups, groupIndex, navigate, close]);
  const prevGroup = useCallback(() => {
    const prev = groups[groupIndex - 1];
    if (prev) void navigate(`/stories/${prev.user.username}`, { replace: true });
  }, [groups, groupIndex, navigate]);

  if (feed.isPending || (groupIndex < 0 && own.isPending)) return <Spinner />;
  if (feed.isError) return <ErrorState error={feed.error} />;
  if (own.isError) return <ErrorState error={own.error} />;
  if (stories.length === 0) {
    return (
      <div className="state">
        <h1>No stories</h1>
        <p>{username} has no active stories. Stories disappear after 24 hours.</p>
        <Link to="/">Back to home</Link>
      </div>
    );
  }
  return (
    <Viewer
      key={username}
      stories={stories}
      onEnd={nextGroup}
      onBeforeStart={prevGroup}
      onClose={close}
    />
  );
}

interface ViewerProps {
  stories: Story[];
  onEnd: () => void;
  onBeforeStart: () => void;
  onClose: () => void;
}

function Viewer({ stories, onEnd, onBeforeStart, onClose }: ViewerProps) {
  const recover = useSignedMediaRecovery();
  const me = useSession()?.user;
  const client = useQueryClient();
  const firstUnseen = Math.max(
    0,
    stories.findIndex((s) => !s.seen_by_me),
  );
  const [index, setIndex] = useState(firstUnseen);
  const [elapsed, setElapsed] = useState(0);
  const [paused, setPaused] = useState(false);
  const [showViewers, setShowViewers] = useState(false);
  const [reporting, setReporting] = useState(false);
  const [menuOpen, setMenuOpen] = useState(false);
  const [liked, setLiked] = useState<Record<string, boolean>>({});
  const [gone, setGone] = useState<string | null>(null);
  const holdTimer = useRef<number | undefined>(undefined);
  const held = useRef(false);
  const story = stories[index]!;
  const isOwn = story.author.id === me?.id;
  const duration =
    story.media.type === 'video' ? Math.max(story.media.duration_ms ?? IMAGE_MS, 1000) : IMAGE_MS;

  const next = useCallback(() => {
    setElapsed(0);
    if (index + 1 < stories.length) setIndex(index + 1);
    else onEnd();
  }, [index, stories.length, onEnd]);
  const prev = useCallback(() => {
    setElapsed(0);
    if (index > 0) setIndex(index - 1);
    else onBeforeStart();
  }, [index, onBeforeStart]);

  useEffect(() => {
    if (isOwn) return;
    api
      .POST('/api/v1/stories/{id}/view', { params: { path: { id: story.id } } })
      .then(({ response }) => {
        if (response.status === 404) setGone('This story has expired or was deleted.');
        else void client.invalidateQueries({ queryKey: storyFeedKey, refetchType: 'none' });
      })
      .catch(() => undefined);
  }, [story.id, isOwn, client]);

  const stopped = paused || showViewers || reporting || menuOpen || gone !== null;
  useEffect(() => {
    if (stopped) return;
    const timer = window.setInterval(() => setElapsed((e) => e + TICK_MS), TICK_MS);
    return () => window.clearInterval(timer);
  }, [stopped]);
  useEffect(() => {
    if (elapsed >= duration) next();
  }, [elapsed, duration, next]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      // Keys typed into the report form or moving through a menu are theirs, not the viewer's.
      if (e.target instanceof Element && e.target.closest('form, [role="menu"]')) return;
      if (e.key === 'ArrowRight') next();
      else if (e.key === 'ArrowLeft') prev();
      else if (e.key === 'Escape') onClose();
      else if (e.key === ' ') setPaused((p) => !p);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [next, prev, onClose]);

  const like = useMutation({
    mutationFn: (on: boolean) => {
      const params = { params: { path: { id: story.id } } };
      return must(
        on
          ? api.POST('/api/v1/stories/{id}/like', params)
          : api.DELETE('/api/v1/stories/{id}/like', params),
      );
    },
    onMutate: (on) => setLiked((l) => ({ ...l, [story.id]: on })),
    onError: (error, on) => {
      setLiked((l) => ({ ...l, [story.id]: !on }));
      if (error instanceof ApiError && error.status === 404)
        setGone('This story has expired or was deleted.');
    },
  });
  const isLiked = liked[story.id] ?? story.liked_by_me;

  const onPointerDown = () => {
    held.current = false;
    holdTimer.current = window.setTimeout(() => {
      held.current = true;
      setPaused(true);
    }, 200);
  };
  const onPointerUp = (e: React.PointerEvent<HTMLDivElement>) => {
    window.clearTimeout(holdTimer.current);
    if (held.current) {
      held.current = false;
      setPaused(false);
      return;
    }
    const box = e.currentTarget.getBoundingClientRect();
    if (e.clientX - box.left < box.width / 3) prev();
    else next();
  };

  return (
    <div
      className="story-viewer"
      role="dialog"
      aria-modal="true"
      aria-label={`Stories of ${story.author.username}`}
    >
      <div className="story-bars" aria-hidden="true">
        {stories.map((s, i) => (
          <span key={s.id} className="story-bar">
            <span
              style={{
                width: `${i < index ? 100 : i > index ? 0 : Math.min(100, (elapsed / duration) * 100)}%`,
              }}
            />
          </span>
        ))}
      </div>
      <header className="story-header">
        <Avatar user={story.author} size={32} />
        <span className="username">{story.author.username}</span>
        <span className="muted-light">{relativeTime(story.created_at)}</span>
        {story.audience === 'close_friends' && (
          <span className="badge close-friends">Close friends</span>
        )}
        <span className="spacer" />
        {!isOwn && me && (
          <Menu
            label={`More options for this story by ${story.author.username}`}
            light
            onToggle={setMenuOpen}
            items={[{ label: 'Report story', onSelect: () => setReporting(true), danger: true }]}
          />
        )}
        <button
          type="button"
          className="icon-button light"
          aria-label={paused ? 'Play' : 'Pause'}
          onClick={() => setPaused(!paused)}
        >
          {paused ? '▶' : '❚❚'}
        </button>
        <button
          type="button"
          className="icon-button light"
          aria-label="Close stories"
          onClick={onClose}
        >
          ✕
        </button>
      </header>
      <div
        className="story-stage"
        onPointerDown={onPointerDown}
        onPointerUp={onPointerUp}
        onPointerLeave={() => window.clearTimeout(holdTimer.current)}
      >
        {gone ? (
          <div className="state light" role="alert">
            <p>{gone}</p>
            <button type="button" className="button secondary" onClick={next}>
              Next
            </button>
          </div>
        ) : story.media.type === 'video' ? (
          <video
            key={story.id}
            src={story.media.url}
            poster={story.media.poster_url ?? story.media.thumbnail_url}
            autoPlay
            muted
            playsInline
            aria-label={`Story video by ${story.author.username}`}
            onError={(event) => recover(failedUrl(event))}
          />
        ) : (
          <img
            key={story.id}
            src={story.media.url}
            alt={`Story by ${story.author.username}`}
            onError={(event) => recover(failedUrl(event))}
          />
        )}
      </div>
      <footer className="story-footer">
        <button
          type="button"
          className="icon-button light"
          aria-label="Previous story"
          onClick={prev}
        >
          ‹
        </button>
        {isOwn ? (
          <button type="button" className="button secondary" onClick={() => setShowViewers(true)}>
            Viewers
          </button>
        ) : (
          <button
            type="button"
            className="icon-button light"
            aria-label={isLiked ? 'Unlike story' : 'Like story'}
            aria-pressed={isLiked}
            onClick={() => like.mutate(!isLiked)}
          >
            <HeartIcon filled={isLiked} />
          </button>
        )}
        <button type="button" className="icon-button light" aria-label="Next story" onClick={next}>
          ›
        </button>
      </footer>
      {showViewers && <Viewers storyId={story.id} onClose={() => setShowViewers(false)} />}
      {reporting && (
        <section className="viewers-sheet" aria-label="Report story">
          <header className="story-header">
            <h2>Report story</h2>
            <span className="spacer" />
            <button
              type="button"
              className="icon-button"
              aria-label="Close report"
              onClick={() => setReporting(false)}
            >
              ✕
            </button>
          </header>
          <ReportForm
            key={story.id}
            targetType="story"
            targetId={story.id}
            onClose={() => setReporting(false)}
          />
        </section>
      )}
    </div>
  );
}

function Viewers({ storyId, onClose }: { storyId: string; onClose: () => void }) {
  const viewers = useQuery({
    queryKey: ['stories', storyId, 'viewers'],
    queryFn: () =>
      must(
        api.GET('/api/v1/stories/{id}/viewers', {
          params: { path: { id: storyId }, query: { limit: 100 } },
        }),
      ),
  });
  return (
    <section className="viewers-sheet" aria-label="Viewers">
      <header className="story-header">
        <h2>Viewers</h2>
        <span className="spacer" />
        <button type="button" className="icon-button" aria-label="Close viewers" onClick={onClose}>
          ✕
        </button>
      </header>
      {viewers.isPending ? (
        <Spinner />
      ) : viewers.isError ? (
        <p role="alert">{messageOf(viewers.error)}</p>
      ) : viewers.data.data.length === 0 ? (
        <p className="muted">No one has seen this story yet.</p>
      ) : (
        <ul className="user-list">
          {viewers.data.data.map((v) => (
            <li key={v.user.id}>
              <UserLink user={v.user} />
              {v.liked && (
                <span className="liked" aria-label="liked">
                  <HeartIcon filled />
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
