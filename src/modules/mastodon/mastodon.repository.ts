import type { DbTime } from '../../db/time.js';
import { type Executor, isUniqueViolation } from '../../db/transaction.js';

/** Descriptions (alt text) and focal points of media ids: one statement. */
export async function findDescriptions(db: Executor, mediaIds: readonly number[]) {
  if (mediaIds.length === 0)
    return new Map<number, { description: string; focus: string | null }>();
  const rows = await db
    .selectFrom('media_descriptions')
    .select(['media_id', 'description', 'focus'])
    .where('media_id', 'in', mediaIds)
    .execute();
  return new Map(rows.map((row) => [row.media_id, row]));
}

export async function saveDescription(
  db: Executor,
  mediaId: number,
  values: { description: string; focus: string | null; updated_at: DbTime },
) {
  const updated = await db
    .updateTable('media_descriptions')
    .set(values)
    .where('media_id', '=', mediaId)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) > 0) return;
  try {
    await db
      .insertInto('media_descriptions')
      .values({ media_id: mediaId, ...values })
      .execute();
  } catch (error) {
    // A concurrent first save of the same media (or MySQL counting an unchanged row as 0).
    if (!isUniqueViolation(error)) throw error;
    await db
      .updateTable('media_descriptions')
      .set(values)
      .where('media_id', '=', mediaId)
      .execute();
  }
}
