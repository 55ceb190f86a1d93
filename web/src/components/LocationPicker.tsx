import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, must } from '../api/client';
import { messageOf } from '../api/errors';
import type { Location } from '../api/types';

/** Search places by name, pick one, or add a new place with that name. */
export function LocationPicker({
  value,
  onChange,
}: {
  value: Location | null;
  onChange: (l: Location | null) => void;
}) {
  const [q, setQ] = useState('');
  const [error, setError] = useState<string | null>(null);
  const search = useQuery({
    queryKey: ['locations', q],
    queryFn: () => must(api.GET('/api/v1/locations', { params: { query: { q, limit: 5 } } })),
    enabled: q.trim().length > 0,
  });
  if (value) {
    return (
      <div className="field">
        <span className="label">Location</span>
        <p className="picked">
          <span className="picked-name">{value.name}</span>{' '}
          <button
            type="button"
            className="link-button"
            onClick={() => onChange(null)}
            aria-label={`Remove location ${value.name}`}
          >
            Remove
          </button>
        </p>
      </div>
    );
  }
  const create = async () => {
    try {
      setError(null);
      onChange(await must(api.POST('/api/v1/locations', { body: { name: q.trim() } })));
    } catch (err) {
      setError(messageOf(err));
    }
  };
  const places = search.data?.data ?? [];
  return (
    <div className="field">
      <label htmlFor="location-search">Location</label>
      <input
        id="location-search"
        type="search"
        value={q}
        placeholder="Search places"
        onChange={(e) => setQ(e.target.value)}
      />
      {q.trim() && (
        <ul className="location-results" aria-label="Places">
          {places.map((place) => (
            <li key={place.id}>
              <button type="button" className="link-button" onClick={() => onChange(place)}>
                {place.name}
                {place.address ? ` · ${place.address}` : ''}
              </button>
            </li>
          ))}
          {!places.some((p) => p.name.toLowerCase() === q.trim().toLowerCase()) && (
            <li>
              <button type="button" className="link-button" onClick={() => void create()}>
                Add “{q.trim()}” as a new place
              </button>
            </li>
          )}
        </ul>
      )}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
