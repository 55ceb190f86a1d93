import { sql } from 'kysely';
import type { DbTime } from '../../db/time.js';
import { dialectOf } from '../../db/dialect.js';
import type { Executor, Trx } from '../../db/transaction.js';
import type { NewMedia } from '../../db/types.js';
import { MEDIA_DTO_COLUMNS, type MediaRowForDto } from './media.schema.js';

const MEDIA_COLUMNS = ['owner_id', ...MEDIA_DTO_COLUMNS] as const;

export async function insertMedia(db: Executor, media: NewMedia): Promise<number> {
  const result = await db.insertInto('media').values(media).executeTakeFirstOrThrow();
  return Number(result.insertId);
}

/** Media rows for any number of ids in one statement. */
export async function findMediaByIds(
  db: Executor,
  ids: readonly number[],
): Promise<Map<number, MediaRowForDto>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await db
    .selectFrom('media')
    .select(MEDIA_DTO_COLUMNS)
    .where('id', 'in', unique)
    .execute();
  return new Map(rows.map((row) => [row.id, row]));
}

export function findMediaById(db: Executor, id: number) {
  return db.selectFrom('media').select(MEDIA_COLUMNS).where('id', '=', id).executeTakeFirst();
}

/** Unattached: in no post and no story (checked both ways, whichever side the stories module writes). */
const unattached = sql<boolean>`media.post_id is null and media.story_id is null
  and not exists (select 1 from stories s where s.media_id = media.id)`;

export function findUnattachedBefore(db: Executor, before: DbTime, limit: number) {
  return db
    .selectFrom('media')
    .select(MEDIA_COLUMNS)
    .where('created_at', '<', before)
    .where(unattached)
    .orderBy('created_at')
    .limit(limit)
    .execute();
}

/** Deletes the row only if it is still unattached; false when something claimed it meanwhile. */
export async function deleteIfUnattached(db: Executor, id: number): Promise<boolean> {
  const result = await db
    .deleteFrom('media')
    .where('id', '=', id)
    .where(unattached)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/**
 * The current profile image key, locked (MySQL) until the caller's transaction ends: two
 * simultaneous replacements then each see the key the other one set, so every replaced file
 * is deleted exactly once and none is left behind.
 */
export function lockProfileImageKey(trx: Trx, userId: number) {
  return trx
    .selectFrom('profiles')
    .select('profile_image_key')
    .where('user_id', '=', userId)
    .$if(dialectOf(trx) === 'mysql', (qb) => qb.forUpdate())
    .executeTakeFirst();
}

export async function setProfileImageKey(
  db: Executor,
  userId: number,
  key: string | null,
  now: DbTime,
): Promise<void> {
  await db
    .updateTable('profiles')
    .set({ profile_image_key: key, updated_at: now })
    .where('user_id', '=', userId)
    .execute();
}
