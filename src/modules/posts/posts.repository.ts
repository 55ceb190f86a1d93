import { type Expression, type SqlBool, sql } from 'kysely';
import { compiledQuery } from '../../db/compiled-query.js';
import { dialectOf } from '../../db/dialect.js';
import { ilike } from '../../db/like.js';
import type { Executor, Trx } from '../../db/transaction.js';
import type { PostsTable, PostType, PostVersionsTable } from '../../db/types.js';
import type { Insertable, Updateable } from 'kysely';
import { after } from '../../http/pagination.js';
import { notBlocked, visibleAuthor } from '../users/visibility.js';
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
    .select(sql<number>`${notBlocked(actor, 'posts.author_id')}`.as('unblocked'))
    .where('posts.id', '=', postId)
    .where('posts.deleted_at', 'is', null),
);

/** A post's sort key (created_at), whoever may see it; undefined when it does not exist. */
export async function findPostTime(db: Executor, postId: number): Promise<string | undefined> {
  const row = await db
    .selectFrom('posts')
    .select('created_at')
    .where('id', '=', postId)
    .executeTakeFirst();
  return row?.created_at;
}

/** The author of a post, whatever its state; undefined when there is no such post. */
export async function findPostAuthor(db: Executor, postId: number): Promise<number | undefined> {
  const row = await db
    .selectFrom('posts')
    .select('author_id')
    .where('id', '=', postId)
    .executeTakeFirst();
  return row?.author_id;
}

/** Re-reads a post inside a transaction; on MySQL it also locks the row so counters stay exact. */
export async function lockPost(trx: Trx, postId: number): Promise<PostRow | undefined> {
  const [row] = await lockPostQuery(trx, postId);
  return row;
}

const lockPostQuery = compiledQuery((db, postId: number) =>
  db
    .selectFrom('posts')
    .select(POST_COLUMNS)
    .where('posts.id', '=', postId)
    .where('posts.deleted_at', 'is', null)
    .$if(dialectOf(db) === 'mysql', (qb) => qb.forUpdate()),
);

export async function insertPost(trx: Trx, values: Insertable<PostsTable>): Promise<number> {
  const result = await trx.insertInto('posts').values(values).executeTakeFirstOrThrow();
  return Number(result.insertId);
}

export async function updatePost(
  trx: Trx,
  postId: number,
  patch: Updateable<PostsTable> & { updated_at: string },
): Promise<void> {
  await trx.updateTable('posts').set(patch).where('id', '=', postId).execute();
}

export async function deletePost(trx: Trx, postId: number): Promise<boolean> {
  const result = await trx.deleteFrom('posts').where('id', '=', postId).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

export type CounterColumn = 'like_count' | 'comment_count' | 'view_count';

export async function adjustPostCounter(
  trx: Trx,
  postId: number,
  column: CounterColumn,
  delta: number,
): Promise<void> {
  await counterUpdates[column](trx, postId, delta);
}

const counterUpdate = (column: CounterColumn) =>
  compiledQuery((db, postId: number, delta: number) =>
    db
      .updateTable('posts')
      .set((eb) => ({ [column]: eb(column, '+', delta) }))
      .where('id', '=', postId),
  );
const counterUpdates = {
  like_count: counterUpdate('like_count'),
  comment_count: counterUpdate('comment_count'),
  view_count: counterUpdate('view_count'),
};

/**
 * Recounts like_count and comment_count of every post the user liked or commented on, from the
 * rows the lists show: likes and comments of active accounts, replies only under a visible
 * top-level comment. Run after the account's is_active changed, in that transaction.
 */
export async function recountEngagementOfUser(trx: Trx, userId: number): Promise<void> {
  const touched = await trx
    .selectFrom('post_likes')
    .select('post_likes.post_id')
    .where('post_likes.user_id', '=', userId)
    .union((eb) =>
      eb.selectFrom('comments').select('comments.post_id').where('comments.author_id', '=', userId),
    )
    .execute();
  if (touched.length === 0) return;
  await trx
    .updateTable('posts')
    .set({
      like_count: sql<number>`(select count(*) from post_likes pl
        inner join users lu on lu.id = pl.user_id
        where pl.post_id = posts.id and lu.is_active = 1)`,
      comment_count: sql<number>`(select count(*) from comments c
        inner join users cu on cu.id = c.author_id
        left join comments top on top.id = c.parent_id
        left join users tu on tu.id = top.author_id
        where c.post_id = posts.id and cu.is_active = 1
          and (c.parent_id is null or tu.is_active = 1))`,
    })
    .where(
      'posts.id',
      'in',
      touched.map((row) => row.post_id),
    )
    .execute();
}

export interface PostFilters {
  /** Only these posts (a batch lookup). */
  ids?: readonly number[];
  authorId?: number;
  /** A username, or an id when no user has that name. */
  author?: string;
  locationId?: number;
  type?: PostType;
  /** A ready SQL condition on posts.id (the hashtags module builds it). */
  tagged?: Expression<SqlBool>;
  /** Case-insensitive substring of the caption, taken literally. */
  captionContains?: string;
  minLikes?: number;
  maxLikes?: number;
  minComments?: number;
}

/** A list's sort: the key column and its direction; ties are broken by id the same way. */
export interface PostOrder {
  column: 'created_at' | 'like_count' | 'comment_count';
  direction: 'asc' | 'desc';
}
export const NEWEST_FIRST: PostOrder = { column: 'created_at', direction: 'desc' };

/** A page of posts the actor may see, newest first unless `order` says otherwise. */
export async function postPage(
  db: Executor,
  actorId: number | null,
  filters: PostFilters,
  cursor: readonly [string | number, number] | null,
  limit: number,
  order: PostOrder = NEWEST_FIRST,
): Promise<PostRow[]> {
  return postPageQuery(db, actorId, filters, cursor, limit, order).execute();
}

/** The SQL of `postPage`, exposed so a test can check its plans. */
export function postPageQuery(
  db: Executor,
  actorId: number | null,
  filters: PostFilters,
  cursor: readonly [string | number, number] | null,
  limit: number,
  order: PostOrder = NEWEST_FIRST,
) {
  const { authorId, author, locationId, type, tagged, captionContains } = filters;
  const { minLikes, maxLikes, minComments, ids } = filters;
  const key = `posts.${order.column}` as const;
  const authorAsId = author !== undefined && /^[1-9]\d{0,15}$/.test(author) ? Number(author) : 0;
  return db
    .selectFrom('posts')
    .select(POST_COLUMNS)
    .where('posts.deleted_at', 'is', null)
    .where('posts.archived_at', 'is', null)
    .$if(ids !== undefined, (qb) => qb.where('posts.id', 'in', ids!.length > 0 ? ids! : [0]))
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
    .$if(minLikes !== undefined, (qb) => qb.where('posts.like_count', '>=', minLikes!))
    .$if(maxLikes !== undefined, (qb) => qb.where('posts.like_count', '<=', maxLikes!))
    .$if(minComments !== undefined, (qb) => qb.where('posts.comment_count', '>=', minComments!))
    .where(visibleAuthorPerRow(actorId, 'posts.author_id'))
    .$if(cursor !== null, (qb) =>
      qb.where((eb) => after(eb, [key, 'posts.id'], cursor!, order.direction)),
    )
    .orderBy(key, order.direction)
    .orderBy('posts.id', order.direction)
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
    .where('archived_at', 'is', null)
    .where(visibleAuthor(actorId, 'posts.author_id'))
    .groupBy('location_id')
    .execute();
  return new Map(rows.map((r) => [Number(r.location_id), Number(r.n)]));
}

export async function insertPostVersion(trx: Trx, values: Insertable<PostVersionsTable>) {
  await trx.insertInto('post_versions').values(values).execute();
}

/** A post's earlier versions, newest first, keyset-paged by id. */
export function postVersionsPage(
  db: Executor,
  postId: number,
  beforeId: number | null,
  limit: number,
) {
  return db
    .selectFrom('post_versions')
    .select(['id', 'caption', 'location_id', 'media_ids', 'created_at'])
    .where('post_id', '=', postId)
    .$if(beforeId !== null, (qb) => qb.where('id', '<', beforeId!))
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
}

/** The author's archived posts, newest first. */
export function archivedPostsPage(
  db: Executor,
  authorId: number,
  cursor: readonly [string, number] | null,
  limit: number,
): Promise<PostRow[]> {
  return db
    .selectFrom('posts')
    .select(POST_COLUMNS)
    .where('posts.author_id', '=', authorId)
    .where('posts.archived_at', 'is not', null)
    .$if(cursor !== null, (qb) =>
      qb.where((eb) => after(eb, ['posts.created_at', 'posts.id'], cursor!, 'desc')),
    )
    .orderBy('posts.created_at', 'desc')
    .orderBy('posts.id', 'desc')
    .limit(limit + 1)
    .execute();
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
    .where('posts.archived_at', 'is', null)
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
