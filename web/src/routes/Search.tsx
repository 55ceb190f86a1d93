import { useQuery } from '@tanstack/react-query';
import { useDeferredValue, useState } from 'react';
import { Link } from 'react-router';
import { api, must } from '../api/client';
import { ErrorState, Spinner, UserLink } from '../components/bits';

/** People (username/name prefix), places and a hashtag link for `#tag`. */
export default function Search() {
  const [q, setQ] = useState('');
  const term = useDeferredValue(q.trim().replace(/^#/, ''));
  const people = useQuery({
    queryKey: ['search', 'users', term],
    queryFn: () => must(api.GET('/api/v1/users', { params: { query: { q: term, limit: 20 } } })),
    enabled: term.length > 0,
  });
  const places = useQuery({
    queryKey: ['search', 'places', term],
    queryFn: () => must(api.GET('/api/v1/locations', { params: { query: { q: term, limit: 5 } } })),
    enabled: term.length > 0,
  });
  return (
    <div className="page-narrow search-page">
      <h1>Search</h1>
      <label htmlFor="search-input" className="visually-hidden">
        Search people, places and hashtags
      </label>
      <input
        id="search-input"
        type="search"
        placeholder="Search"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        autoFocus
      />
      {term && (
        <>
          {people.isPending ? (
            <Spinner />
          ) : people.isError ? (
            <ErrorState error={people.error} />
          ) : (
            <section aria-label="People">
              <h2 className="section-title">People</h2>
              {people.data.data.length === 0 ? (
                <p className="muted">No people found.</p>
              ) : (
                <ul className="user-list">
                  {people.data.data.map((u) => (
                    <li key={u.id}>
                      <UserLink user={u} /> <span className="muted">{u.name}</span>
                    </li>
                  ))}
                </ul>
              )}
            </section>
          )}
          {places.data && places.data.data.length > 0 && (
            <section aria-label="Places">
              <h2 className="section-title">Places</h2>
              <ul className="user-list">
                {places.data.data.map((p) => (
                  <li key={p.id}>
                    <Link to={`/locations/${p.id}`}>{p.name}</Link>
                  </li>
                ))}
              </ul>
            </section>
          )}
          <section aria-label="Hashtags">
            <h2 className="section-title">Hashtags</h2>
            <Link to={`/tags/${encodeURIComponent(term.toLowerCase())}`}>
              #{term.toLowerCase()}
            </Link>
          </section>
        </>
      )}
    </div>
  );
}
