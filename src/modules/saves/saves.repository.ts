import type { Executor, Trx } from '../../db/transaction.js';
import { after } from '../../http/pagination.js';
import { POST_COLUMNS, visibleAuthorPerRow } from '../posts/post-row.js';

export async function insertSave(
  trx: Trx,
  userId: number,
  postId: number,
  createdAt: string,
): Promise<boolean> {
  const result = await trx
    .insertInto('saves')
    .values({ user_id: userId, post_id: postId, created_at: createdAt })
    .orIgnore()
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function deleteSave(trx: Trx, userId: number, postId: number): Promise<boolean> {
  const result = await trx
    .deleteFrom('saves')
    .where('user_id', '=', userId)
    .where('post_id', '=', postId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/**
 * The user's saved posts, most recently saved first; posts the user may no longer see (the
 * author went private or was deactivated) are left out.
 */
export async function savedPostsPage(
  db: Executor,
  userId: number,
  cursor: readonly [string, number] | null,
  limit: number,
) {
  return db
    .selectFrom('saves')
    .innerJoin('posts', 'posts.id', 'saves.post_id')
    .select(POST_COLUMNS)
    .select(['saves.id as save_id', 'saves.created_at as saved_at'])
    .where('saves.user_id', '=', userId)
    .where('posts.deleted_at', 'is', null)
    .where('posts.archived_at', 'is', null)
    .where(visibleAuthorPerRow(userId, 'posts.author_id'))
    .$if(cursor !== null, (qb) =>
      qb.where((eb) => after(eb, ['saves.created_at', 'saves.id'], cursor!, 'desc')),
    )
    .orderBy('saves.created_at', 'desc')
    .orderBy('saves.id', 'desc')
    .limit(limit + 1)
    .execute();
}
