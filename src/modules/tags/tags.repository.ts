import { sql } from 'kysely';
import type { DbTime } from '../../db/time.js';
import type { Executor, Trx } from '../../db/transaction.js';
import { after } from '../../http/pagination.js';
import { AUTHOR_SUMMARY_COLUMNS } from '../users/user-summary.js';
import { visibleAuthor } from '../users/visibility.js';

/** The post's media with their kind (what may be tagged). */
export async function mediaOfPost(trx: Trx, postId: number) {
  return trx.selectFrom('media').select(['id', 'kind']).where('post_id', '=', postId).execute();
}

export async function tagsOfPost(trx: Trx, postId: number) {
  return trx
    .selectFrom('media_tags')
    .select(['id', 'media_id', 'user_id', 'status'])
    .where('post_id', '=', postId)
    .execute();
}

export async function deleteTags(trx: Trx, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await trx.deleteFrom('media_tags').where('id', 'in', ids).execute();
}

export async function insertTags(
  trx: Trx,
  rows: {
    media_id: number;
    post_id: number;
    user_id: number;
    x: number;
    y: number;
    status: 'approved' | 'pending';
    created_at: DbTime;
  }[],
): Promise<void> {
  if (rows.length === 0) return;
  await trx.insertInto('media_tags').values(rows).execute();
}

export async function moveTags(
  trx: Trx,
  rows: readonly { id: number; x: number; y: number }[],
): Promise<void> {
  for (const row of rows) {
    await trx
      .updateTable('media_tags')
      .set({ x: row.x, y: row.y })
      .where('id', '=', row.id)
      .execute();
  }
}

/** Removes `userId` from the post's tags; false when the post is not there for them to see. */
export async function untagSelf(db: Executor, postId: number, userId: number) {
  const result = await db
    .deleteFrom('media_tags')
    .where('post_id', '=', postId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** One statement: whether the post exists (not deleted) and `actorId` may see it. */
export async function postVisibility(db: Executor, actorId: number, postId: number) {
  return db
    .selectFrom('posts')
    .select(sql<number>`${visibleAuthor(actorId, 'posts.author_id')}`.as('visible'))
    .where('posts.id', '=', postId)
    .where('posts.deleted_at', 'is', null)
    .executeTakeFirst();
}

/** Tags waiting for `userId`'s approval, newest first, with who tagged them (one statement). */
export async function pendingPage(
  db: Executor,
  userId: number,
  cursor: readonly [string, number] | null,
  take: number,
) {
  return db
    .selectFrom('media_tags')
    .innerJoin('posts', 'posts.id', 'media_tags.post_id')
    .innerJoin('users as author', 'author.id', 'posts.author_id')
    .innerJoin('profiles as author_profile', 'author_profile.user_id', 'posts.author_id')
    .select([
      'media_tags.id',
      'media_tags.post_id',
      'media_tags.media_id',
      'media_tags.x',
      'media_tags.y',
      'media_tags.created_at',
      'posts.author_id',
    ])
    .select(AUTHOR_SUMMARY_COLUMNS)
    .where('media_tags.user_id', '=', userId)
    .where('media_tags.status', '=', 'pending')
    .where('posts.deleted_at', 'is', null)
    .where('author.is_active', '=', 1)
    .$if(cursor !== null, (qb) =>
      qb.where((eb) => after(eb, ['media_tags.created_at', 'media_tags.id'], cursor!, 'desc')),
    )
    .orderBy('media_tags.created_at', 'desc')
    .orderBy('media_tags.id', 'desc')
    .limit(take)
    .execute();
}

export async function approveTag(db: Executor, id: number, userId: number): Promise<boolean> {
  const result = await db
    .updateTable('media_tags')
    .set({ status: 'approved' })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function declineTag(db: Executor, id: number, userId: number): Promise<boolean> {
  const result = await db
    .deleteFrom('media_tags')
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}
