import { type SqlBool, sql } from 'kysely';
import type { DbTime } from '../../db/time.js';
import type { Executor } from '../../db/transaction.js';
import { after } from '../../http/pagination.js';
import { POST_COLUMNS, type PostRow, visibleAuthorPerRow } from '../posts/post-row.js';
import { notMuted } from '../users/visibility.js';

/**
 * Popularity of a reel, times ten so it stays an integer both engines compare exactly:
 * likes + 2 × comments + views / 10.
 */
export const REEL_SCORE = sql<number>`(10 * posts.like_count + 20 * posts.comment_count + posts.view_count)`;

/** The viewer has not watched it (any day): what "unseen" means for the reels feed. */
const unseenBy = (viewerId: number) =>
  sql<SqlBool>`not exists (select 1 from post_views pv where pv.viewer_id = ${viewerId}
    and pv.post_id = posts.id)`;

const followedBy = (viewerId: number) =>
  sql<SqlBool>`posts.author_id in (select rf.following_id from follows rf
    where rf.follower_id = ${viewerId} and rf.status = 'accepted')`;

function liveReels(db: Executor, viewerId: number) {
  return db
    .selectFrom('posts')
    .select(POST_COLUMNS)
    .where('posts.type', '=', 'reel')
    .where('posts.deleted_at', 'is', null)
    .where('posts.archived_at', 'is', null)
    .where(unseenBy(viewerId))
    .where(visibleAuthorPerRow(viewerId, 'posts.author_id'));
}

/** Phase 1: unseen reels of accounts the viewer follows, newest first. */
export function followedUnseenReels(
  db: Executor,
  viewerId: number,
  cursor: readonly [DbTime, number] | null,
  limit: number,
): Promise<PostRow[]> {
  return liveReels(db, viewerId)
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
 * Phase 2: unseen reels since `since` of public accounts the viewer neither is nor follows, by
 * score then id, both descending.
 */
export async function popularUnseenReels(
  db: Executor,
  viewerId: number,
  since: DbTime,
  cursor: readonly [number, number] | null,
  limit: number,
): Promise<(PostRow & { score: number })[]> {
  const rows = await liveReels(db, viewerId)
    .select(REEL_SCORE.as('score'))
    .where('posts.created_at', '>=', since)
    .where('posts.author_id', '<>', viewerId)
    .where(sql<SqlBool>`not ${followedBy(viewerId)}`)
    .where(
      sql<SqlBool>`exists (select 1 from profiles rp where rp.user_id = posts.author_id
        and rp.is_private = 0)`,
    )
    .$if(cursor !== null, (q) =>
      q.where(
        sql<SqlBool>`(${REEL_SCORE} < ${cursor![0]} or (${REEL_SCORE} = ${cursor![0]} and posts.id < ${cursor![1]}))`,
      ),
    )
    .orderBy(REEL_SCORE, 'desc')
    .orderBy('posts.id', 'desc')
    .limit(limit + 1)
    .execute();
  return rows.map((row) => ({ ...row, score: Number(row.score) }));
}
