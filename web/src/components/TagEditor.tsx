import { useQuery } from '@tanstack/react-query';
import { useDeferredValue, useId, useState, type MouseEvent } from 'react';
import { api, must } from '../api/client';
import { fraction, TagLayer } from './Tags';

/** A person tagged on an image being composed (sent with the post as `tags`). */
export interface DraftTag {
  username: string;
  x: number;
  y: number;
}

/** As many as the server takes on one image. */
export const MAX_TAGS_PER_IMAGE = 20;

/**
 * Tags people on one image: a click on the photo picks the spot (Enter or Space on it picks the
 * middle), then a person is searched by name and chosen. Tagging someone again moves their tag.
 */
export function TagEditor({
  src,
  name,
  tags,
  onChange,
}: {
  src: string;
  name: string;
  tags: DraftTag[];
  onChange: (tags: DraftTag[]) => void;
}) {
  const [spot, setSpot] = useState<{ x: number; y: number } | null>(null);
  const [q, setQ] = useState('');
  const term = useDeferredValue(q.trim().replace(/^@/, ''));
  const searchId = useId();
  const people = useQuery({
    queryKey: ['search', 'users', term, 6],
    queryFn: () => must(api.GET('/api/v1/users', { params: { query: { q: term, limit: 6 } } })),
    enabled: term.length > 0,
  });
  const full = tags.length >= MAX_TAGS_PER_IMAGE;

  const pickSpot = (e: MouseEvent<HTMLButtonElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    // A keyboard press is a click with no pointer (detail 0): take the middle.
    setSpot(
      e.detail === 0
        ? { x: 0.5, y: 0.5 }
        : {
            x: fraction(e.clientX - box.left, box.width),
            y: fraction(e.clientY - box.top, box.height),
          },
    );
  };
  const tag = (username: string) => {
    const at = spot ?? { x: 0.5, y: 0.5 };
    onChange([...tags.filter((t) => t.username !== username), { username, ...at }]);
    setSpot(null);
    setQ('');
  };

  return (
    <section className="tagger" aria-label={`Tag people in ${name}`}>
      <div className="tag-frame">
        <button
          type="button"
          className="tag-target"
          aria-label={`Choose where to tag someone in ${name}`}
          onClick={pickSpot}
        >
          <img src={src} alt="" />
        </button>
        <TagLayer
          name="Tagged people"
          spots={tags.map((t) => ({
            key: t.username,
            x: t.x,
            y: t.y,
            label: (
              <button
                type="button"
                className="link-button"
                aria-label={`Remove tag of ${t.username}`}
                onClick={() => onChange(tags.filter((other) => other.username !== t.username))}
              >
                {t.username} ✕
              </button>
            ),
          }))}
        />
        {spot && (
          <span
            className="tag-point"
            aria-hidden="true"
            style={{ left: `${spot.x * 100}%`, top: `${spot.y * 100}%` }}
          />
        )}
      </div>
      <p className="muted">
        {full
          ? `${MAX_TAGS_PER_IMAGE} people tagged: that is the most one photo takes.`
          : spot
            ? 'Now search for the person to tag there.'
            : 'Click the photo where the person is, then search for them.'}
      </p>
      <div className="field">
        <label htmlFor={searchId}>Search for a person to tag</label>
        <input
          id={searchId}
          type="search"
          value={q}
          disabled={full}
          onChange={(e) => setQ(e.target.value)}
        />
        {term && people.data && (
          <ul className="location-results" aria-label="People to tag">
            {people.data.data.length === 0 && <li className="muted">No people found.</li>}
            {people.data.data.map((user) => (
              <li key={user.id}>
                <button type="button" className="link-button" onClick={() => tag(user.username)}>
                  Tag {user.username}
                </button>{' '}
                <span className="muted">{user.name}</span>
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}
