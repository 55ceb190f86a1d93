import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { Link } from 'react-router';
import { api, must } from '../api/client';
import { messageOf } from '../api/errors';
import { move, moveTo } from '../lib/order';
import { useMoveFocus } from '../lib/useMoveFocus';

export const highlightsKey = (username: string) =>
  ['highlights', 'user', username.toLowerCase()] as const;

/**
 * A profile's highlights as a row of round covers under the header; nothing when it has none,
 * except on your own profile, which starts with "New highlight" and can be reordered (drag, or
 * the move-left/right buttons), each move saved at once with `PUT /me/highlights/order`.
 */
export function HighlightsRow({ username, own = false }: { username: string; own?: boolean }) {
  const client = useQueryClient();
  const id = useId();
  const key = highlightsKey(username);
  const highlights = useQuery({
    queryKey: key,
    queryFn: () =>
      must(
        api.GET('/api/v1/users/{username}/highlights', {
          params: { path: { username }, query: { limit: 100 } },
        }),
      ),
  });
  const [reordering, setReordering] = useState(false);
  const [dragging, setDragging] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const items = highlights.data?.data ?? [];
  const keepFocus = useMoveFocus(items);
  if (items.length === 0 && !own) return null;

  const reorder = async (next: typeof items) => {
    if (next === items || !highlights.data) return;
    setError(null);
    client.setQueryData(key, { ...highlights.data, data: next });
    try {
      await must(api.PUT('/api/v1/me/highlights/order', { body: { ids: next.map((h) => h.id) } }));
    } catch (err) {
      setError(err);
      await client.invalidateQueries({ queryKey: key });
    }
  };
  // Ids end in -up (left) and -down (right), as useMoveFocus expects.
  const moveButton = (index: number, step: -1 | 1, h: (typeof items)[number]) => (
    <button
      type="button"
      id={`${id}-${h.id}-${step === -1 ? 'up' : 'down'}`}
      className="icon-button"
      aria-label={`Move highlight ${h.title} ${step === -1 ? 'left' : 'right'}`}
      disabled={step === -1 ? index === 0 : index === items.length - 1}
      onClick={() => {
        keepFocus(`${id}-${h.id}-${step === -1 ? 'up' : 'down'}`);
        void reorder(move(items, index, step));
      }}
    >
      {step === -1 ? '←' : '→'}
    </button>
  );

  return (
    <section className="stories-tray highlights-row" aria-label="Highlights">
      {own && items.length > 1 && (
        <button
          type="button"
          className="button secondary small"
          aria-pressed={reordering}
          onClick={() => setReordering((on) => !on)}
        >
          {reordering ? 'Done reordering' : 'Reorder highlights'}
        </button>
      )}
      {reordering && (
        <p className="muted" id={`${id}-hint`}>
          Drag a highlight, or move it with its arrow buttons; each move is saved.
        </p>
      )}
      {error !== null && (
        <p className="form-error" role="alert">
          {messageOf(error)}
        </p>
      )}
      <ul aria-describedby={reordering ? `${id}-hint` : undefined}>
        {own && !reordering && (
          <li>
            <Link to="/highlights/new" className="story-bubble">
              <span className="avatar ring-seen new-highlight" style={{ width: 60, height: 60 }}>
                <span aria-hidden="true">+</span>
              </span>
              <span className="story-name">New highlight</span>
            </Link>
          </li>
        )}
        {items.map((h, index) => (
          <li
            key={h.id}
            className={dragging === index ? 'dragging' : undefined}
            draggable={reordering}
            onDragStart={(e) => {
              setDragging(index);
              e.dataTransfer.effectAllowed = 'move';
            }}
            onDragOver={(e) => reordering && e.preventDefault()}
            onDrop={(e) => {
              e.preventDefault();
              if (dragging !== null) void reorder(moveTo(items, dragging, index));
              setDragging(null);
            }}
            onDragEnd={() => setDragging(null)}
          >
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
            {reordering && (
              <span className="highlight-move">
                {moveButton(index, -1, h)}
                {moveButton(index, 1, h)}
              </span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
