import type { Request } from 'autocannon';
import { PRNG_SEED } from './dataset.js';
import { mulberry32 } from './prng.js';

/** What the scenarios rotate through: the logged-in bench users and post ids from their feeds. */
export interface Fixture {
  tokens: string[];
  postIds: string[];
  /** Number of bench users (profiles bench_1 … bench_N exist). */
  users: number;
  /**
   * Per token: ids of the user's own unattached image media, consumed (popped) by post
   * creation; filled before each scenario that creates posts (`fillMediaPool` in run.ts).
   */
  media: string[][];
  /** Per token: accounts the follow toggle follows and unfollows, and whether it follows them now. */
  followTargets: { username: string; following: boolean }[][];
}

/** A request and the endpoint it is counted under (the scenario that made it). */
export type TaggedRequest = Request & { tag: ScenarioName };

export const SCENARIOS = [
  'feed',
  'post',
  'profile',
  'comments',
  'like',
  'comment',
  'post-create',
  'follow',
  'mixed',
] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

/** The scenarios that create posts, and so consume media and start fan-outs. */
export const CREATES_POSTS: readonly ScenarioName[] = ['post-create', 'mixed'];

/** The `mixed` scenario: per cent of requests per endpoint (issue #21 §1). */
export const MIX: readonly (readonly [Exclude<ScenarioName, 'mixed'>, number])[] = [
  ['feed', 50],
  ['post', 15],
  ['profile', 10],
  ['comments', 10],
  ['like', 8],
  ['comment', 4],
  ['post-create', 2],
  ['follow', 1],
];

const json = { 'content-type': 'application/json' };

/** Returns the request generator of a scenario; each call yields the next request. */
export function scenario(name: ScenarioName, fixture: Fixture): () => TaggedRequest {
  const { tokens, postIds, users } = fixture;
  if (tokens.length === 0) throw new Error('no logged-in bench users');
  if (postIds.length === 0 && !['feed', 'profile', 'post-create', 'follow'].includes(name)) {
    throw new Error(`scenario ${name} needs post ids, and the bench users' feeds were empty`);
  }
  const token = (k: number) => `Bearer ${tokens[k % tokens.length]}`;
  const auth = (k: number) => ({ authorization: token(k) });
  // Ids advance at a different rate than tokens, so (user, post) pairs vary.
  const post = (k: number) => postIds[Math.floor(k / tokens.length + k) % postIds.length]!;
  let k = -1;
  switch (name) {
    case 'feed':
      return () => ({
        tag: name,
        method: 'GET',
        path: '/api/v1/feed?limit=20',
        headers: auth(++k),
      });
    case 'post':
      return () => {
        k++;
        return { tag: name, method: 'GET', path: `/api/v1/posts/${post(k)}`, headers: auth(k) };
      };
    case 'profile':
      return () => {
        k++;
        const path = `/api/v1/users/bench_${(k % users) + 1}`;
        return { tag: name, method: 'GET', path, headers: auth(k) };
      };
    case 'comments':
      return () => {
        k++;
        const path = `/api/v1/posts/${post(k)}/comments?limit=20`;
        return { tag: name, method: 'GET', path, headers: auth(k) };
      };
    case 'like':
      // Each (user, post) pair is liked, then unliked, so the data set stays as seeded.
      return () => {
        k++;
        const pair = k >> 1;
        return {
          tag: name,
          method: k % 2 === 0 ? 'POST' : 'DELETE',
          path: `/api/v1/posts/${post(pair)}/like`,
          headers: auth(pair),
        };
      };
    case 'comment':
      return () => {
        k++;
        return {
          tag: name,
          method: 'POST',
          path: `/api/v1/posts/${post(k)}/comments`,
          headers: { ...auth(k), ...json },
          body: JSON.stringify({ text: `bench comment ${k}` }),
        };
      };
    case 'post-create':
      return () => {
        k++;
        const media = fixture.media[k % tokens.length]?.pop();
        if (media === undefined) throw new Error('post-create: the pre-made media ran out');
        return {
          tag: name,
          method: 'POST',
          path: '/api/v1/posts',
          headers: { ...auth(k), ...json },
          body: JSON.stringify({ caption: `bench post ${k}`, media_ids: [media] }),
        };
      };
    case 'follow':
      // Each (user, target) pair is toggled twice, so the follows stay as seeded.
      return () => {
        k++;
        const pair = k >> 1;
        const targets = fixture.followTargets[pair % tokens.length] ?? [];
        const target = targets[Math.floor(pair / tokens.length) % targets.length];
        if (!target) throw new Error('follow: a bench user has no account to follow');
        const first = target.following ? 'DELETE' : 'POST';
        const second = target.following ? 'POST' : 'DELETE';
        return {
          tag: name,
          method: k % 2 === 0 ? first : second,
          path: `/api/v1/users/${target.username}/follow`,
          headers: auth(pair),
        };
      };
    case 'mixed':
      return mixed(fixture);
  }
}

/** The endpoints of MIX in a fixed pseudo-random order of 100 slots, each with its own rotation. */
function mixed(fixture: Fixture): () => TaggedRequest {
  const slots = MIX.flatMap(([name, share]) => Array<typeof name>(share).fill(name));
  const random = mulberry32(PRNG_SEED ^ 0x3d1);
  for (let i = slots.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [slots[i], slots[j]] = [slots[j]!, slots[i]!];
  }
  const next = new Map(MIX.map(([name]) => [name, scenario(name, fixture)]));
  let k = -1;
  return () => next.get(slots[++k % slots.length]!)!();
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
