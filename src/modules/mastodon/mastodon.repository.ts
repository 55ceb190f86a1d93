import type { DbTime } from '../../db/time.js';
import { type Executor, isUniqueViolation } from '../../db/transaction.js';

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
