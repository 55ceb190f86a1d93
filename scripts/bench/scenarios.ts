import type { Request } from 'autocannon';

/** What the scenarios rotate through: the logged-in bench users and post ids from their feeds. */
export interface Fixture {
  tokens: string[];
  postIds: string[];
  /** Number of bench users (profiles bench_1 … bench_N exist). */
  users: number;
}

export const SCENARIOS = ['feed', 'post', 'profile', 'comments', 'like'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

/** Returns the request generator of a scenario; each call yields the next request. */
export function scenario(name: ScenarioName, fixture: Fixture): () => Request {
  const { tokens, postIds, users } = fixture;
  if (tokens.length === 0) throw new Error('no logged-in bench users');
  if (postIds.length === 0 && name !== 'feed' && name !== 'profile') {
    throw new Error(`scenario ${name} needs post ids, and the bench users' feeds were empty`);
  }
  const auth = (k: number) => ({ authorization: `Bearer ${tokens[k % tokens.length]}` });
  // Ids advance at a different rate than tokens, so (user, post) pairs vary.
  const post = (k: number) => postIds[Math.floor(k / tokens.length + k) % postIds.length]!;
  let k = -1;
  switch (name) {
    case 'feed':
      return () => ({ method: 'GET', path: '/api/v1/feed?limit=20', headers: auth(++k) });
    case 'post':
      return () => {
        k++;
        return { method: 'GET', path: `/api/v1/posts/${post(k)}`, headers: auth(k) };
      };
    case 'profile':
      return () => {
        k++;
        return { method: 'GET', path: `/api/v1/users/bench_${(k % users) + 1}`, headers: auth(k) };
      };
    case 'comments':
      return () => {
        k++;
        return {
          method: 'GET',
          path: `/api/v1/posts/${post(k)}/comments?limit=20`,
          headers: auth(k),
        };
      };
    case 'like':
      // Each (user, post) pair is liked, then unliked, so the data set stays as seeded.
      return () => {
        k++;
        const pair = k >> 1;
        return {
          method: k % 2 === 0 ? 'POST' : 'DELETE',
          path: `/api/v1/posts/${post(pair)}/like`,
          headers: auth(pair),
        };
      };
  }
}

export function parseScenarios(list: string | undefined, fallback: readonly ScenarioName[]) {
  if (!list) return [...fallback];
  const names = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !(SCENARIOS as readonly string[]).includes(n));
  if (unknown.length > 0) {
    throw new Error(`unknown scenario(s) ${unknown.join(', ')}; known: ${SCENARIOS.join(', ')}`);
  }
  return names as ScenarioName[];
}
