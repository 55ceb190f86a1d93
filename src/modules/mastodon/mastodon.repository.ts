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

export const findMarkers = (db: Executor, userId: number, timelines: readonly string[]) =>
  db
    .selectFrom('timeline_markers')
    .select(['timeline', 'last_read_id', 'version', 'updated_at'])
    .where('user_id', '=', userId)
    .where('timeline', 'in', timelines)
    .execute();

/** Saves a marker, counting its version up; a concurrent first save is retried as an update. */
export async function saveMarker(
  db: Executor,
  userId: number,
  timeline: string,
  lastReadId: string,
  now: DbTime,
) {
  const update = () =>
    db
      .updateTable('timeline_markers')
      .set((eb) => ({ last_read_id: lastReadId, version: eb('version', '+', 1), updated_at: now }))
      .where('user_id', '=', userId)
      .where('timeline', '=', timeline)
      .executeTakeFirst();
  if (Number((await update()).numUpdatedRows) > 0) return;
  try {
    await db
      .insertInto('timeline_markers')
      .values({ user_id: userId, timeline, last_read_id: lastReadId, version: 1, updated_at: now })
      .execute();
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    await update();
  }
}
