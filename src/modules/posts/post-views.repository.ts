import type { DbTime } from '../../db/time.js';
import type { Trx } from '../../db/transaction.js';

/** Records one view per viewer, post and UTC day; true when this call added the row. */
export async function insertPostView(
  trx: Trx,
  postId: number,
  viewerId: number,
  day: string,
  now: DbTime,
): Promise<boolean> {
  const result = await trx
    .insertInto('post_views')
    .values({ post_id: postId, viewer_id: viewerId, day, created_at: now })
    .orIgnore()
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}
