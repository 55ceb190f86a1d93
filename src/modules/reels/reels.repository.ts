import { type SqlBool, sql } from 'kysely';
import type { DbTime } from '../../db/time.js';
import type { Executor } from '../../db/transaction.js';
import { after } from '../../http/pagination.js';
import { POST_COLUMNS, type PostRow, visibleAuthorPerRow } from '../posts/post-row.js';
import { notMuted } from '../users/visibility.js';

/**
 * Popularity of a reel, times ten so it stays an integer both engines order exactly:
 * likes + 2 × comments + views / 10.
 */
const REEL_SCORE = sql<number>`(10 * posts.like_count + 20 * posts.comment_count + posts.view_count)`;

/** The viewer has not watched it (any day): what "unseen" means for the reels feed. */
const unseenBy = (viewerId: number) =>
  sql<SqlBool>`not exists (select 1 from post_views pv where pv.viewer_id = ${viewerId}
    and pv.post_id = posts.id)`;

const followedBy = (viewerId: number) =>
  sql<SqlBool>`posts.author_id in (select rf.following_id from follows rf
    where rf.follower_id = ${viewerId} and rf.status = 'accepted')`;

/** Where a walk of the reels feed is: its id, and the time it started. */
export interface Walk {
  id: string;
  startedAt: DbTime;
}

const notServedIn = (viewerId: number, walkId: string) =>
  sql<SqlBool>`not exists (select 1 from reel_feed_served rs where rs.viewer_id = ${viewerId}
    and rs.walk_id = ${walkId} and rs.post_id = posts.id)`;

function liveReels(db: Executor, viewerId: number, walk: Walk) {
  return db
    .selectFrom('posts')
    .select(POST_COLUMNS)
    .where('posts.type', '=', 'reel')
    .where('posts.deleted_at', 'is', null)
    .where('posts.archived_at', 'is', null)
    .where('posts.created_at', '<=', walk.startedAt)
    .where(unseenBy(viewerId))
    .where(notServedIn(viewerId, walk.id))
    .where(visibleAuthorPerRow(viewerId, 'posts.author_id'));
}

/** Phase 1: unseen reels of accounts the viewer follows, newest first. */
export function followedUnseenReels(
  db: Executor,
  viewerId: number,
  walk: Walk,
  cursor: readonly [DbTime, number] | null,
  limit: number,
): Promise<PostRow[]> {
  return liveReels(db, viewerId, walk)
    .where(followedBy(viewerId))
    .where(notMuted(viewerId, 'posts.author_id', 'posts'))
    .$if(cursor !== null, (q) =>
      q.where((eb) => after(eb, ['posts.created_at', 'posts.id'], cursor!, 'desc')),
    )
    .orderBy('posts.created_at', 'desc')
    .orderBy('posts.id', 'desc')
    .limit(limit + 1)
    .execute();
}

/**
 * Phase 2: unseen reels of the `POPULAR_REELS_DAYS` before the walk started, of public accounts
 * the viewer neither is nor follows, that this walk has not served yet: by live score then id,
 * both descending. Not a keyset on the score, which moves: the served rows are the position.
 */
export async function popularUnseenReels(
  db: Executor,
  viewerId: number,
  walk: Walk,
  since: DbTime,
  limit: number,
): Promise<PostRow[]> {
  return liveReels(db, viewerId, walk)
    .where('posts.created_at', '>=', since)
    .where('posts.author_id', '<>', viewerId)
    .where(sql<SqlBool>`not ${followedBy(viewerId)}`)
    .where(
      sql<SqlBool>`exists (select 1 from profiles rp where rp.user_id = posts.author_id
        and rp.is_private = 0)`,
    )
    .orderBy(REEL_SCORE, 'desc')
    .orderBy('posts.id', 'desc')
    .limit(limit + 1)
    .execute();
}

/** Records a page as served in its walk (ignoring a retried page's rows already there). */
export async function recordServed(
  db: Executor,
  viewerId: number,
  walkId: string,
  postIds: readonly number[],
  now: DbTime,
): Promise<void> {
  if (postIds.length === 0) return;
  await db
    .insertInto('reel_feed_served')
    .values(
      postIds.map((postId) => ({
        viewer_id: viewerId,
        walk_id: walkId,
        post_id: postId,
        served_at: now,
      })),
    )
    .orIgnore()
    .execute();
}

/** Retention: served rows of walks that have expired. */
export async function deleteServedBefore(db: Executor, before: DbTime): Promise<void> {
  await db.deleteFrom('reel_feed_served').where('served_at', '<', before).execute();
}
