import { type Expression, type SqlBool, sql } from 'kysely';
import { dialectOf } from '../../db/dialect.js';
import { ilike } from '../../db/like.js';
import type { Executor, Trx } from '../../db/transaction.js';

/**
 * Inserts the names that are new and returns the ids of all of them: two statements whatever
 * the number of tags. On MySQL the select is a locking read so it sees tags another
 * transaction committed after this one's snapshot (INSERT IGNORE already saw them).
 */
export async function upsertHashtags(trx: Trx, names: readonly string[]): Promise<number[]> {
  if (names.length === 0) return [];
  // Sorted, so concurrent posts sharing new tags take the unique-index locks in one order.
  const sorted = [...names].sort();
  await trx
    .insertInto('hashtags')
    .values(sorted.map((name) => ({ name })))
    .orIgnore()
    .execute();
  const rows = await trx
    .selectFrom('hashtags')
    .select('id')
    .where('name', 'in', sorted)
    .$if(dialectOf(trx) === 'mysql', (qb) => qb.modifyEnd(sql`lock in share mode`))
    .execute();
  return rows.map((row) => row.id);
}

export async function linkPostHashtags(
  trx: Trx,
  postId: number,
  hashtagIds: readonly number[],
): Promise<void> {
  if (hashtagIds.length === 0) return;
  await trx
    .insertInto('post_hashtags')
    .values(hashtagIds.map((hashtag_id) => ({ post_id: postId, hashtag_id })))
    .execute();
}

export async function unlinkPostHashtags(trx: Trx, postId: number): Promise<void> {
  await trx.deleteFrom('post_hashtags').where('post_id', '=', postId).execute();
}

/** SQL condition: the post in `postIdColumn` carries hashtag `name` (already normalised). */
export function taggedWith(postIdColumn: string, name: string): Expression<SqlBool> {
  return sql<SqlBool>`${sql.ref(postIdColumn)} in (select ph.post_id from post_hashtags ph
    inner join hashtags h on h.id = ph.hashtag_id where h.name = ${name})`;
}

/** Posts carrying the tag, deleted ones and those of deactivated accounts left out. */
const postCount = sql<number>`count(posts.id)`;

function taggedPosts(db: Executor) {
  return db
    .selectFrom('hashtags')
    .innerJoin('post_hashtags', 'post_hashtags.hashtag_id', 'hashtags.id')
    .innerJoin('posts', 'posts.id', 'post_hashtags.post_id')
    .innerJoin('users', 'users.id', 'posts.author_id')
    .where('posts.deleted_at', 'is', null)
    .where('users.is_active', '=', 1);
}

/** One statement: the tag and how many posts carry it (null: no such tag). */
export async function findHashtag(db: Executor, name: string) {
  return db
    .selectFrom('hashtags')
    .select(['hashtags.id', 'hashtags.name'])
    .select((eb) =>
      eb
        .selectFrom('post_hashtags')
        .innerJoin('posts', 'posts.id', 'post_hashtags.post_id')
        .innerJoin('users', 'users.id', 'posts.author_id')
        .select(postCount.as('n'))
        .whereRef('post_hashtags.hashtag_id', '=', 'hashtags.id')
        .where('posts.deleted_at', 'is', null)
        .where('users.is_active', '=', 1)
        .as('post_count'),
    )
    .where('hashtags.name', '=', name)
    .executeTakeFirst();
}

/** Tags starting with `prefix`, most used first (then by name), after the cursor. */
export async function hashtagsByPrefix(
  db: Executor,
  prefix: string,
  cursor: readonly [number, string] | null,
  take: number,
) {
  const rows = await taggedPosts(db)
    .select(['hashtags.name', postCount.as('post_count')])
    .where(ilike('hashtags.name', prefix, 'prefix', true))
    .groupBy('hashtags.name')
    .$if(cursor !== null, (qb) =>
      qb.having(
        sql<SqlBool>`(${postCount} < ${cursor![0]} or (${postCount} = ${cursor![0]} and hashtags.name > ${cursor![1]}))`,
      ),
    )
    .orderBy('post_count', 'desc')
    .orderBy('hashtags.name', 'asc')
    .limit(take)
    .execute();
  return rows.map((row) => ({ name: row.name, post_count: Number(row.post_count) }));
}
