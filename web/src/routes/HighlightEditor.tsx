import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, must } from '../api/client';
import { ApiError, messageOf } from '../api/errors';
import type { Story } from '../api/types';
import { useSession } from '../api/useSession';
import { ErrorState, FieldError, Spinner } from '../components/bits';
import { highlightsKey } from '../components/HighlightsRow';
import { useMoveFocus } from '../lib/useMoveFocus';
import { move, moveTo } from '../lib/order';
import NotFound from './NotFound';

const TITLE_MAX = 30;

const storyDate = (story: Story) =>
  new Date(story.created_at).toLocaleString('en', {
    day: 'numeric',
    month: 'short',
    hour: 'numeric',
    minute: '2-digit',
  });

/** Where the picker's next page starts in each list: undefined at first, null once it ended. */
interface StoryCursors {
  active?: string | null;
  archived?: string | null;
}
const PICKER_PAGE = 100;

/**
 * Your stories to choose from: the active ones, then the archived (expired) ones, a page of each
 * at a time (the archive's cursor), for as long as "Load more stories" is pressed.
 */
function useMyStories(username: string) {
  return useInfiniteQuery({
    queryKey: ['stories', 'mine-for-highlights', username],
    initialPageParam: {} as StoryCursors,
    queryFn: async ({ pageParam }) => {
      const page = (cursor: string | undefined) => ({
        limit: PICKER_PAGE,
        ...(cursor ? { cursor } : {}),
      });
      const ended = { data: [] as Story[], next_cursor: null };
      const [active, archived] = await Promise.all([
        pageParam.active === null
          ? ended
          : must(
              api.GET('/api/v1/users/{username}/stories', {
                params: { path: { username }, query: page(pageParam.active) },
              }),
            ),
        pageParam.archived === null
          ? ended
          : must(
              api.GET('/api/v1/me/archive/stories', {
                params: { query: page(pageParam.archived) },
              }),
            ),
      ]);
      const next: StoryCursors = { active: active.next_cursor, archived: archived.next_cursor };
      return { stories: [...active.data, ...archived.data], next };
    },
    getNextPageParam: ({ next }) =>
      next.active === null && next.archived === null ? undefined : next,
  });
}

/** New highlight (`/highlights/new`) or an edit of one (`/highlights/:id/edit`). */
export default function HighlightEditor() {
  const { id } = useParams();
  const me = useSession()?.user;
  const existing = useQuery({
    queryKey: ['highlights', id],
    queryFn: () => must(api.GET('/api/v1/highlights/{id}', { params: { path: { id: id! } } })),
    enabled: id !== undefined,
  });
  const stories = useMyStories(me?.username ?? '');
  if (!me) return null;
  if (id !== undefined && existing.isError) {
    if (existing.error instanceof ApiError && existing.error.status === 404) return <NotFound />;
    return <ErrorState error={existing.error} retry={() => void existing.refetch()} />;
  }
  if (stories.isError) {
    return <ErrorState error={stories.error} retry={() => void stories.refetch()} />;
  }
  if (stories.isPending || (id !== undefined && existing.isPending)) return <Spinner />;
  if (existing.data && existing.data.owner.id !== me.id) return <NotFound />;
  return (
    <HighlightForm
      key={id ?? 'new'}
      username={me.username}
      available={stories.data.pages.flatMap((p) => p.stories)}
      highlight={existing.data}
      more={
        stories.hasNextPage
          ? { load: () => void stories.fetchNextPage(), loading: stories.isFetchingNextPage }
          : undefined
      }
    />
  );
}

function HighlightForm({
  username,
  available,
  highlight,
  more,
}: {
  username: string;
  available: Story[];
  /** Loads the next page of stories to choose from, while there is one. */
  more?: { load: () => void; loading: boolean };
  highlight?: { id: string; title: string; stories: Story[]; cover: { id: string } | null };
}) {
  const client = useQueryClient();
  const navigate = useNavigate();
  const id = useId();
  const [title, setTitle] = useState(highlight?.title ?? '');
  const [chosen, setChosen] = useState<Story[]>(highlight?.stories ?? []);
  const [cover, setCover] = useState<string | null>(highlight?.cover?.id ?? null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [dragging, setDragging] = useState<number | null>(null);
  const keepFocus = useMoveFocus(chosen);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => heading.current?.focus(), []);

  // Stories already in the highlight come first, even if they are neither active nor archived.
  const seen = new Set<string>();
  const choices = [...(highlight?.stories ?? []), ...available].filter(
    (s) => !seen.has(s.id) && seen.add(s.id),
  );
  const isChosen = (story: Story) => chosen.some((c) => c.id === story.id);
  const toggle = (story: Story, on: boolean) => {
    setChosen((all) => (on ? [...all, story] : all.filter((s) => s.id !== story.id)));
    if (!on && cover === story.media.id) setCover(null);
  };
  const moveStory = (index: number, step: -1 | 1, storyId: string) => {
    keepFocus(`${id}-${storyId}-${step === -1 ? 'up' : 'down'}`);
    setChosen((all) => move(all, index, step));
  };

  const done = async () => {
    await client.invalidateQueries({ queryKey: highlightsKey(username) });
    void navigate(`/u/${username}`);
  };
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const body = {
      title: title.trim(),
      story_ids: chosen.map((s) => s.id),
      cover_media_id: cover,
    };
    try {
      if (highlight) {
        await must(
          api.PATCH('/api/v1/highlights/{id}', { params: { path: { id: highlight.id } }, body }),
        );
        await client.invalidateQueries({ queryKey: ['highlights', highlight.id] });
      } else {
        await must(api.POST('/api/v1/highlights', { body }));
      }
      await done();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  const remove = async () => {
    if (!highlight || !window.confirm(`Delete the highlight “${highlight.title}”?`)) return;
    try {
      await must(api.DELETE('/api/v1/highlights/{id}', { params: { path: { id: highlight.id } } }));
      await done();
    } catch (err) {
      setError(err);
    }
  };

  const titleError = error instanceof ApiError ? error.fieldMessage('title') : undefined;
  const storiesError = error instanceof ApiError ? error.fieldMessage('story_ids') : undefined;
  return (
    <div className="page-narrow highlight-editor">
      <h1 ref={heading} tabIndex={-1}>
        {highlight ? 'Edit highlight' : 'New highlight'}
      </h1>
      <form onSubmit={save}>
        <div className="field">
          <label htmlFor={`${id}-title`}>Title</label>
          <input
            id={`${id}-title`}
            value={title}
            maxLength={TITLE_MAX}
            onChange={(e) => setTitle(e.target.value)}
            aria-invalid={titleError ? true : undefined}
            aria-describedby={titleError ? `${id}-title-error` : undefined}
          />
          <FieldError id={`${id}-title-error`} message={titleError} />
        </div>
        <fieldset className="field">
          <legend className="label">Choose stories</legend>
          {choices.length === 0 ? (
            <p className="muted">
              You have no stories yet. <Link to="/create/story">Add a story</Link> first.
            </p>
          ) : (
            <ul className="story-choices">
              {choices.map((story) => (
                <li key={story.id}>
                  <label className="story-choice">
                    <input
                      type="checkbox"
                      checked={isChosen(story)}
                      onChange={(e) => toggle(story, e.target.checked)}
                    />
                    <img src={story.media.thumbnail_url} alt="" width={64} height={64} />
                    <span>
                      Story from {storyDate(story)}
                      {story.expires_at && new Date(story.expires_at) > new Date()
                        ? ' (active)'
                        : ''}
                    </span>
                  </label>
                </li>
              ))}
            </ul>
          )}
          {more && (
            <button
              type="button"
              className="button secondary"
              disabled={more.loading}
              onClick={more.load}
            >
              {more.loading ? 'Loading…' : 'Load more stories'}
            </button>
          )}
        </fieldset>
        {chosen.length > 0 && (
          <fieldset className="field">
            <legend className="label">Order and cover</legend>
            <p className="muted" id={`${id}-order-hint`}>
              Move stories with the arrow buttons or drag them; the cover shows on your profile.
            </p>
            <ol className="upload-list" aria-describedby={`${id}-order-hint`}>
              {chosen.map((story, index) => {
                const name = `story ${index + 1} from ${storyDate(story)}`;
                return (
                  <li
                    key={story.id}
                    className={dragging === index ? 'upload dragging' : 'upload'}
                    draggable
                    onDragStart={(e) => {
                      setDragging(index);
                      e.dataTransfer.effectAllowed = 'move';
                    }}
                    onDragOver={(e) => e.preventDefault()}
                    onDrop={(e) => {
                      e.preventDefault();
                      if (dragging !== null) setChosen((all) => moveTo(all, dragging, index));
                      setDragging(null);
                    }}
                    onDragEnd={() => setDragging(null)}
                  >
                    <img src={story.media.thumbnail_url} alt="" />
                    <div className="upload-info">
                      <span className="upload-name">Story from {storyDate(story)}</span>
                      <label className="choice-inline">
                        <input
                          type="radio"
                          name={`${id}-cover`}
                          checked={(cover ?? chosen[0]?.media.id) === story.media.id}
                          onChange={() => setCover(story.media.id)}
                        />{' '}
                        Use as cover
                      </label>
                    </div>
                    <div className="upload-buttons">
                      <button
                        type="button"
                        id={`${id}-${story.id}-up`}
                        className="icon-button"
                        aria-label={`Move ${name} up`}
                        disabled={index === 0}
                        onClick={() => moveStory(index, -1, story.id)}
                      >
                        ↑
                      </button>
                      <button
                        type="button"
                        id={`${id}-${story.id}-down`}
                        className="icon-button"
                        aria-label={`Move ${name} down`}
                        disabled={index === chosen.length - 1}
                        onClick={() => moveStory(index, 1, story.id)}
                      >
                        ↓
                      </button>
                    </div>
                  </li>
                );
              })}
            </ol>
          </fieldset>
        )}
        <FieldError id={`${id}-stories-error`} message={storiesError} />
        {error !== null && !titleError && !storiesError && (
          <p className="form-error" role="alert">
            {messageOf(error)}
          </p>
        )}
        <button
          type="submit"
          className="button primary"
          disabled={busy || !title.trim() || chosen.length === 0}
        >
          {highlight ? 'Save highlight' : 'Create highlight'}
        </button>{' '}
        <Link className="button secondary" to={`/u/${username}`}>
          Cancel
        </Link>
      </form>
      {highlight && (
        <section className="danger-zone" aria-label="Delete highlight">
          <button type="button" className="button danger" onClick={() => void remove()}>
            Delete highlight
          </button>
        </section>
      )}
    </div>
  );
}
