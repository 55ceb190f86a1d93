import { type Expression, type SqlBool, sql } from 'kysely';
import { dialectOf } from '../../db/dialect.js';
import type { Trx } from '../../db/transaction.js';

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
