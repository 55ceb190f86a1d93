import { sql } from 'kysely';
import type { DbTime } from '../../db/time.js';
import type { Executor } from '../../db/transaction.js';
import type { NewMedia } from '../../db/types.js';

const MEDIA_COLUMNS = [
  'id',
  'owner_id',
  'kind',
  'storage_key',
  'thumbnail_key',
  'poster_key',
  'width',
  'height',
  'duration_ms',
  'blurhash',
] as const;

export async function insertMedia(db: Executor, media: NewMedia): Promise<number> {
  const result = await db.insertInto('media').values(media).executeTakeFirstOrThrow();
  return Number(result.insertId);
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

export function findProfileImageKey(db: Executor, userId: number) {
  return db
    .selectFrom('profiles')
    .select('profile_image_key')
    .where('user_id', '=', userId)
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

/** One statement: the caller's profile with its counts (the accounts module owns the general form). */
export function findMyProfile(db: Executor, userId: number) {
  return db
    .selectFrom('users')
    .innerJoin('profiles', 'profiles.user_id', 'users.id')
    .select([
      'users.id',
      'users.username',
      'users.email',
      'users.created_at',
      'profiles.name',
      'profiles.nickname',
      'profiles.bio',
      'profiles.website',
      'profiles.profile_image_key',
      'profiles.is_private',
    ])
    .select([
      sql<number>`(select count(*) from posts p where p.author_id = users.id and p.deleted_at is null)`.as(
        'posts_count',
      ),
      sql<number>`(select count(*) from follows f where f.following_id = users.id and f.status = 'accepted')`.as(
        'followers_count',
      ),
      sql<number>`(select count(*) from follows f where f.follower_id = users.id and f.status = 'accepted')`.as(
        'following_count',
      ),
    ])
    .where('users.id', '=', userId)
    .executeTakeFirst();
}
