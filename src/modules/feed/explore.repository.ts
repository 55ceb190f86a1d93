import { type SqlBool, sql } from 'kysely';
import type { AppDeps } from '../../deps.js';
import type { Db } from '../../db/client.js';
import { dialectOf } from '../../db/dialect.js';
import { POST_COLUMNS, type PostRow } from '../posts/post-row.js';
import { visibleAuthor } from '../users/visibility.js';

export const EXPLORE_WINDOW_DAYS = 7;
/** Engagement score; comments weigh double because they cost the viewer more than a tap. */
const SCORE = sql<number>`(posts.like_count + 2 * posts.comment_count)`;

/**
 * Explore: posts of the last EXPLORE_WINDOW_DAYS from public, active accounts that are neither
 * the actor nor followed by the actor, by score then id, both descending.
 *
 * The eligible accounts are worked out once per account (not once per candidate post), the
 * window's posts are ranked on (score, id) only, and the page's rows are then read by id.
 */
export async function explorePage(
  deps: Pick<AppDeps, 'db'>,
  actorId: number,
  since: string,
  cursor: readonly [number, number] | null,
  limit: number,
): Promise<(PostRow & { score: number })[]> {
  const rows = await exploreQuery(deps.db, actorId, since, cursor, limit).execute();
  return rows.map((row) => ({ ...row, score: Number(row.score) }));
}

/** The SQL of `explorePage`, exposed so its plan can be checked. */
export function exploreQuery(
  db: Db,
  actorId: number,
  since: string,
  cursor: readonly [number, number] | null,
  limit: number,
) {
  const straightJoin = dialectOf(db) === 'mysql';
  const authors = db
    .selectFrom('users as eu')
    .innerJoin('profiles as ep', 'ep.user_id', 'eu.id')
    .select('eu.id as author_id')
    .where('eu.is_active', '=', 1)
    .where('ep.is_private', '=', 0)
    .where('eu.id', '<>', actorId)
    .where(
      sql<SqlBool>`not exists (select 1 from follows ef where ef.follower_id = ${actorId}
        and ef.following_id = eu.id and ef.status = 'accepted')`,
    )
    .where(visibleAuthor(actorId, 'eu.id'));
  const page = db
    .selectFrom(authors.as('explore_authors'))
    .$if(straightJoin, (qb) => qb.modifyFront(sql`straight_join`))
    .innerJoin('posts', 'posts.author_id', 'explore_authors.author_id')
    .select(['posts.id', SCORE.as('score')])
    .where('posts.created_at', '>=', since)
    .where('posts.archived_at', 'is', null)
    .$if(cursor !== null, (qb) =>
      qb.where(
        sql<SqlBool>`(${SCORE} < ${cursor![0]} or (${SCORE} = ${cursor![0]} and posts.id < ${cursor![1]}))`,
      ),
    )
    .orderBy(SCORE, 'desc')
    .orderBy('posts.id', 'desc')
    .limit(limit + 1);
  return db
    .selectFrom(page.as('page'))
    .$if(straightJoin, (qb) => qb.modifyFront(sql`straight_join`))
    .innerJoin('posts', 'posts.id', 'page.id')
    .select(POST_COLUMNS)
    .select('page.score')
    .orderBy('page.score', 'desc')
    .orderBy('page.id', 'desc');
}
