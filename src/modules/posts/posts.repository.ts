import { type Expression, type SqlBool, sql } from 'kysely';
import { compiledQuery } from '../../db/compiled-query.js';
import { dialectOf } from '../../db/dialect.js';
import { ilike } from '../../db/like.js';
import type { Executor, Trx } from '../../db/transaction.js';
import type { PostType } from '../../db/types.js';
import { after } from '../../http/pagination.js';
import { visibleAuthor } from '../users/visibility.js';
import { POST_COLUMNS, type PostRow, visibleAuthorPerRow } from './post-row.js';

/** One statement: the post, whether its author is active, and whether the actor may see it. */
export async function findPostWithAccess(db: Executor, actorId: number | null, postId: number) {
  const [row] = await postWithAccessQuery(db, actorId ?? 0, postId);
  return row;
}

const postWithAccessQuery = compiledQuery((db, actor: number, postId: number) =>
  db
    .selectFrom('posts')
    .innerJoin('users', 'users.id', 'posts.author_id')
    .select(POST_COLUMNS)
    .select(['users.is_active as author_active'])
    .select(sql<number>`${visibleAuthor(actor, 'posts.author_id')}`.as('visible'))
    .where('posts.id', '=', postId)
    .where('posts.deleted_at', 'is', null),
);

/** Re-reads a post inside a transaction; on MySQL it also locks the row so counters stay exact. */
export async function lockPost(trx: Trx, postId: number): Promise<PostRow | undefined> {
  return trx
    .selectFrom('posts')
    .select(POST_COLUMNS)
    .where('posts.id', '=', postId)
    .where('posts.deleted_at', 'is', null)
    .$if(dialectOf(trx) === 'mysql', (qb) => qb.forUpdate())
    .executeTakeFirst();
}

export async function insertPost(
  trx: Trx,
  values: Omit<PostRow, 'id' | 'like_count' | 'comment_count' | 'mentions'> & {
    mentions?: string | null;
  },
): Promise<number> {
  const result = await trx.insertInto('posts').values(values).executeTakeFirstOrThrow();
  return Number(result.insertId);
}

export async function updatePost(
  trx: Trx,
  postId: number,
  patch: {
    caption?: string;
    mentions?: string | null;
    location_id?: number | null;
    updated_at: string;
  },
): Promise<void> {
  await trx.updateTable('posts').set(patch).where('id', '=', postId).execute();
}

export async function deletePost(trx: Trx, postId: number): Promise<boolean> {
  const result = await trx.deleteFrom('posts').where('id', '=', postId).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

export type CounterColumn = 'like_count' | 'comment_count';

export async function adjustPostCounter(
  trx: Trx,
  postId: number,
  column: CounterColumn,
  delta: number,
): Promise<void> {
  await trx
    .updateTable('posts')
    .set((eb) => ({ [column]: eb(column, '+', delta) }))
    .where('id', '=', postId)
    .execute();
}

export interface PostFilters {
  authorId?: number;
  /** A username, or an id when no user has that name. */
  author?: string;
  locationId?: number;
  type?: PostType;
  /** A ready SQL condition on posts.id (the hashtags module builds it). */
  tagged?: Expression<SqlBool>;
  /** Case-insensitive substring of the caption, taken literally. */
  captionContains?: string;
}

/** A page of posts the actor may see, newest first. */
export async function postPage(
  db: Executor,
  actorId: number | null,
  filters: PostFilters,
  cursor: readonly [string, number] | null,
  limit: number,
): Promise<PostRow[]> {
  return postPageQuery(db, actorId, filters, cursor, limit).execute();
}

/** The SQL of `postPage`, exposed so a test can check its plans. */
export function postPageQuery(
  db: Executor,
  actorId: number | null,
  filters: PostFilters,
  cursor: readonly [string, number] | null,
  limit: number,
) {
  const { authorId, author, locationId, type, tagged, captionContains } = filters;
  const authorAsId = author !== undefined && /^[1-9]\d{0,15}$/.test(author) ? Number(author) : 0;
  return db
    .selectFrom('posts')
    .select(POST_COLUMNS)
    .where('posts.deleted_at', 'is', null)
    .$if(authorId !== undefined, (qb) => qb.where('posts.author_id', '=', authorId!))
    .$if(author !== undefined, (qb) =>
      qb.where(
        sql<SqlBool>`posts.author_id = coalesce((select u.id from users u where u.username = ${author}), ${authorAsId})`,
      ),
    )
    .$if(locationId !== undefined, (qb) => qb.where('posts.location_id', '=', locationId!))
    .$if(type !== undefined, (qb) => qb.where('posts.type', '=', type!))
    .$if(tagged !== undefined, (qb) => qb.where(tagged!))
    .$if(captionContains !== undefined, (qb) =>
      qb.where(ilike('posts.caption', captionContains!, 'contains')),
    )
    .where(visibleAuthorPerRow(actorId, 'posts.author_id'))
    .$if(cursor !== null, (qb) =>
      qb.where((eb) => after(eb, ['posts.created_at', 'posts.id'], cursor!, 'desc')),
    )
    .orderBy('posts.created_at', 'desc')
    .orderBy('posts.id', 'desc')
    .limit(limit + 1);
}

/** Posts per location that the actor may see, for any number of locations in one statement. */
export async function countVisiblePostsByLocation(
  db: Executor,
  actorId: number | null,
  locationIds: readonly number[],
): Promise<Map<number, number>> {
  if (locationIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('posts')
    .select(['location_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('location_id', 'in', locationIds)
    .where('deleted_at', 'is', null)
    .where(visibleAuthor(actorId, 'posts.author_id'))
    .groupBy('location_id')
    .execute();
  return new Map(rows.map((r) => [Number(r.location_id), Number(r.n)]));
}

/** The explore score (src/modules/feed/explore.repository.ts): comments weigh double. */
const TOP_SCORE = sql<number>`(posts.like_count + 2 * posts.comment_count)`;

/**
 * "Top" posts of a list (a hashtag page): those created since `since` that the actor may see,
 * by score then id, both descending.
 */
export async function topPostPage(
  db: Executor,
  actorId: number | null,
  tagged: Expression<SqlBool>,
  since: string,
  cursor: readonly [number, number] | null,
  limit: number,
): Promise<(PostRow & { score: number })[]> {
  const rows = await db
    .selectFrom('posts')
    .select(POST_COLUMNS)
    .select(TOP_SCORE.as('score'))
    .where('posts.deleted_at', 'is', null)
    .where('posts.created_at', '>=', since)
    .where(tagged)
    .where(visibleAuthorPerRow(actorId, 'posts.author_id'))
    .$if(cursor !== null, (qb) =>
      qb.where(
        sql<SqlBool>`(${TOP_SCORE} < ${cursor![0]} or (${TOP_SCORE} = ${cursor![0]} and posts.id < ${cursor![1]}))`,
      ),
    )
    .orderBy(TOP_SCORE, 'desc')
    .orderBy('posts.id', 'desc')
    .limit(limit + 1)
    .execute();
  return rows.map((row) => ({ ...row, score: Number(row.score) }));
}
