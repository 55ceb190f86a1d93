import type { AppDeps } from '../../deps.js';
import { addSeconds, isDbTime, toDbTime } from '../../db/time.js';
import type { Actor } from '../../http/auth.js';
import { invalidField } from '../../http/errors.js';
import { encodeCursor, type Page } from '../../http/pagination.js';
import { hydratePosts } from '../posts/post-hydration.js';
import { listUserPosts } from '../posts/post-lists.service.js';
import type { PostRow } from '../posts/post-row.js';
import type { PostDto } from '../posts/posts.schema.js';
import { followedUnseenReels, popularUnseenReels } from './reels.repository.js';

export const POPULAR_REELS_DAYS = 30;

/**
 * Where a reels walk stands: in phase 1 (followed accounts) after a (created_at, id), at the
 * start of phase 2, or in phase 2 (popular) after a (score, id).
 */
type Position =
  | { phase: 1; after: readonly [string, number] | null }
  | { phase: 2; after: readonly [number, number] | null };

function decodePosition(cursor: string | undefined): Position {
  if (cursor === undefined) return { phase: 1, after: null };
  const invalid = () => invalidField('cursor', 'is not a cursor this list produced');
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(v)) throw invalid();
  const id = (x: unknown) => Number.isSafeInteger(x) && (x as number) > 0;
  if (v.length === 3 && v[0] === 1 && isDbTime(v[1]) && id(v[2])) {
    return { phase: 1, after: [v[1], v[2] as number] };
  }
  if (v.length === 1 && v[0] === 2) return { phase: 2, after: null };
  if (v.length === 3 && v[0] === 2 && Number.isSafeInteger(v[1]) && id(v[2])) {
    return { phase: 2, after: [v[1] as number, v[2] as number] };
  }
  throw invalid();
}

/**
 * The reels tab: first the unseen reels of accounts the caller follows, newest first; then
 * unseen reels of the last POPULAR_REELS_DAYS days from public accounts the caller does not
 * follow, most popular first. The cursor names the phase and the position in it, so a page
 * may end in phase 1 and the next go on in phase 2 without a repeat. A phase-1 page reads both
 * phases (one statement each), a phase-2 page only the second: the statement count never
 * depends on the page size.
 */
export async function reelsFeed(
  deps: AppDeps,
  actor: Actor,
  query: { limit?: number; cursor?: string },
): Promise<Page<PostDto>> {
  const limit = query.limit ?? 20;
  const position = decodePosition(query.cursor);
  const since = addSeconds(toDbTime(deps.clock.now()), -POPULAR_REELS_DAYS * 86_400);
  const [followed, popular] = await Promise.all([
    position.phase === 1
      ? followedUnseenReels(deps.db, actor.id, position.after, limit)
      : Promise.resolve([]),
    popularUnseenReels(
      deps.db,
      actor.id,
      since,
      position.phase === 2 ? position.after : null,
      limit,
    ),
  ]);
  const candidates: { row: PostRow; key: (string | number)[] }[] = [
    ...followed.map((row) => ({ row, key: [1, row.created_at, row.id] })),
    ...popular.map((row) => ({ row, key: [2, row.score, row.id] })),
  ];
  const page = candidates.slice(0, limit);
  const last = page[page.length - 1];
  return {
    data: await hydratePosts(
      deps,
      actor.id,
      page.map((c) => c.row),
    ),
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
