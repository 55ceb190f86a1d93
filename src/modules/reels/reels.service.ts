import { randomBytes } from 'node:crypto';
import type { AppDeps } from '../../deps.js';
import { addSeconds, type DbTime, isDbTime, toDbTime, toIso } from '../../db/time.js';
import type { Actor } from '../../http/auth.js';
import { invalidField } from '../../http/errors.js';
import { encodeCursor, type Page } from '../../http/pagination.js';
import { hydratePosts } from '../posts/post-hydration.js';
import { listUserPosts } from '../posts/post-lists.service.js';
import type { PostRow } from '../posts/post-row.js';
import type { PostDto } from '../posts/posts.schema.js';
import {
  followedUnseenReels,
  popularUnseenReels,
  recordServed,
  type Walk,
} from './reels.repository.js';

export const POPULAR_REELS_DAYS = 30;
/** A walk's served rows are kept this long; its cursor expires with them. */
export const REELS_WALK_TTL_MS = 24 * 3600_000;

/**
 * Where a reels walk stands: its walk (id and start), and its phase: 1 (followed accounts) after
 * a (created_at, id), or 2 (popular), whose position is the walk's served rows.
 */
type Position = { walk: Walk } & (
  { phase: 1; after: readonly [DbTime, number] | null } | { phase: 2 }
);

function decodePosition(cursor: string | undefined, now: Date): Position {
  if (cursor === undefined) {
    return {
      walk: { id: randomBytes(12).toString('base64url'), startedAt: toDbTime(now) },
      phase: 1,
      after: null,
    };
  }
  const invalid = () => invalidField('cursor', 'is not a cursor this list produced');
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (
    !Array.isArray(v) ||
    typeof v[1] !== 'string' ||
    !/^[\w-]{16}$/.test(v[1]) ||
    !isDbTime(v[2])
  ) {
    throw invalid();
  }
  const walk: Walk = { id: v[1], startedAt: v[2] };
  if (now.getTime() - new Date(toIso(walk.startedAt)).getTime() > REELS_WALK_TTL_MS) {
    throw invalidField('cursor', 'has expired (a walk lasts a day): start again without one');
  }
  const id = (x: unknown) => Number.isSafeInteger(x) && (x as number) > 0;
  if (v.length === 5 && v[0] === 1 && isDbTime(v[3]) && id(v[4])) {
    return { walk, phase: 1, after: [v[3], v[4] as number] };
  }
  if (v.length === 3 && v[0] === 2) return { walk, phase: 2 };
  throw invalid();
}

/**
 * The reels tab: first the unseen reels of accounts the caller follows, newest first; then
 * unseen reels of the last POPULAR_REELS_DAYS days from public accounts the caller does not
 * follow, most popular first. Never a reel twice in a walk: each page is recorded as served
 * under the walk id its cursor carries (a live score cannot be a keyset), and reels posted
 * after the walk began wait for the next one, so the walk ends. A phase-1 page reads both
 * phases (one statement each), a phase-2 page only the second, and each records its page in one
 * insert: the statement count never depends on the page size.
 */
export async function reelsFeed(
  deps: AppDeps,
  actor: Actor,
  query: { limit?: number; cursor?: string },
): Promise<Page<PostDto>> {
  const limit = query.limit ?? 20;
  const now = deps.clock.now();
  const position = decodePosition(query.cursor, now);
  const { walk } = position;
  const since = addSeconds(walk.startedAt, -POPULAR_REELS_DAYS * 86_400);
  const [followed, popular] = await Promise.all([
    position.phase === 1
      ? followedUnseenReels(deps.db, actor.id, walk, position.after, limit)
      : Promise.resolve([]),
    popularUnseenReels(deps.db, actor.id, walk, since, limit),
  ]);
  const candidates: { row: PostRow; key: (string | number)[] }[] = [
    ...followed.map((row) => ({ row, key: [1, walk.id, walk.startedAt, row.created_at, row.id] })),
    ...popular.map((row) => ({ row, key: [2, walk.id, walk.startedAt] })),
  ];
  const page = candidates.slice(0, limit);
  const last = page[page.length - 1];
  const rows = page.map((c) => c.row);
  await recordServed(
    deps.db,
    actor.id,
    walk.id,
    rows.map((row) => row.id),
    toDbTime(now),
  );
  return {
    data: await hydratePosts(deps, actor.id, rows),
    next_cursor: candidates.length > limit && last ? encodeCursor(last.key) : null,
  };
}

/** A profile's reels tab: its reels, newest first, as visible as its posts. */
export const userReels = (
  deps: AppDeps,
  actorId: number | null,
  username: string,
  query: { limit?: number; cursor?: string },
) => listUserPosts(deps, actorId, username, { ...query, type: 'reel' });
