import { sql } from 'kysely';
import type { DbTime } from '../../db/time.js';
import { compiledQuery } from '../../db/compiled-query.js';
import type { Executor, Trx } from '../../db/transaction.js';
import type { Media, NewMedia } from '../../db/types.js';
import { approvedTagsJson } from '../tags/tag-json.js';
import { MEDIA_DTO_COLUMNS, type MediaRowForDto } from './media.schema.js';

const MEDIA_COLUMNS = ['owner_id', 'source_key', ...MEDIA_DTO_COLUMNS] as const;

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

/** Completes a processing media (never one that failed or was already completed). */
export async function markProcessed(
  db: Executor,
  id: number,
  values: Pick<Media, 'width' | 'height' | 'duration_ms' | 'blurhash' | 'bytes'>,
): Promise<boolean> {
  const result = await db
    .updateTable('media')
    .set({ ...values, status: 'ready' })
    .where('id', '=', id)
    .where('status', '=', 'processing')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function markFailed(db: Executor, id: number, reason: string): Promise<void> {
  await db
    .updateTable('media')
    .set({ status: 'failed', failure_reason: reason.slice(0, 500), source_key: null })
    .where('id', '=', id)
    .where('status', '=', 'processing')
    .execute();
}

/** The original is gone from storage: the row stops naming it. */
export async function clearSource(db: Executor, id: number): Promise<void> {
  await db.updateTable('media').set({ source_key: null }).where('id', '=', id).execute();
}

export async function deleteMedia(db: Executor, id: number): Promise<void> {
  await db.deleteFrom('media').where('id', '=', id).execute();
}

export async function mediaStatus(db: Executor, id: number) {
  const row = await db.selectFrom('media').select('status').where('id', '=', id).executeTakeFirst();
  return row?.status;
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

/** What a post or story needs to know before claiming media, for useful messages. */
export function findMediaForAttach(db: Executor, ids: readonly number[]) {
  return db
    .selectFrom('media')
    .select(['id', 'owner_id', 'post_id', 'story_id', 'kind', 'status'])
    .where('id', 'in', ids)
    .execute();
}

/**
 * Claims the owner's unattached media for a post in one statement, setting each one's position
 * from its place in `ids`. The conditions make a concurrent claim of the same media lose: the
 * caller compares the affected-row count with `ids.length`.
 */
export async function attachToPost(
  trx: Trx,
  postId: number,
  ownerId: number,
  ids: readonly number[],
): Promise<number> {
  const position = sql<number>`case ${sql.ref('id')} ${sql.join(
    ids.map((id, index) => sql`when ${id} then ${index}`),
    sql` `,
  )} end`;
  const result = await trx
    .updateTable('media')
    .set({ post_id: postId, position })
    .where('id', 'in', ids)
    .where('owner_id', '=', ownerId)
    .where('post_id', 'is', null)
    .where('story_id', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Attaches the media only if it is the owner's and still unattached; returns rows changed. */
export async function attachToStory(
  db: Executor,
  mediaId: number,
  ownerId: number,
  storyId: number,
): Promise<number> {
  const result = await db
    .updateTable('media')
    .set({ story_id: storyId })
    .where('id', '=', mediaId)
    .where('owner_id', '=', ownerId)
    .where('post_id', 'is', null)
    .where('story_id', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export type PostMediaRow = MediaRowForDto & Pick<Media, 'post_id'> & { tags_json: string | null };

/** The media of any number of posts, in post then position order, in one statement. */
export async function mediaOfPosts(db: Executor, postIds: readonly number[]) {
  return mediaOfPostsQuery(db, postIds) as Promise<PostMediaRow[]>;
}

const mediaOfPostsQuery = compiledQuery((db, postIds: readonly number[]) =>
  db
    .selectFrom('media')
    .select([...MEDIA_DTO_COLUMNS, 'post_id'])
    .select(approvedTagsJson(db, 'media.id').as('tags_json'))
    .where('post_id', 'in', postIds)
    .orderBy('post_id')
    .orderBy('position'),
);

type MediaFileKeys = Pick<Media, 'storage_key' | 'thumbnail_key' | 'poster_key' | 'source_key'>;

export function fileKeysOfPost(db: Executor, postId: number): Promise<MediaFileKeys[]> {
  return db
    .selectFrom('media')
    .select(['storage_key', 'thumbnail_key', 'poster_key', 'source_key'])
    .where('post_id', '=', postId)
    .execute();
}

/** Deletes a story's media rows (the story's own and any attached to it); returns their files. */
export async function deleteStoryMedia(
  db: Executor,
  story: { id: number; media_id: number },
): Promise<MediaFileKeys[]> {
  const media = await db
    .selectFrom('media')
    .select(['id', 'storage_key', 'thumbnail_key', 'poster_key', 'source_key'])
    .where((eb) => eb.or([eb('id', '=', story.media_id), eb('story_id', '=', story.id)]))
    .execute();
  if (media.length > 0) {
    await db
      .deleteFrom('media')
      .where(
        'id',
        'in',
        media.map((m) => m.id),
      )
      .execute();
  }
  return media;
}

/** A post's media in carousel order, with what an edit needs to check and to delete. */
export function mediaOfPostForEdit(db: Executor, postId: number) {
  return db
    .selectFrom('media')
    .select(['id', 'kind', 'storage_key', 'thumbnail_key', 'poster_key', 'source_key'])
    .where('post_id', '=', postId)
    .orderBy('position')
    .execute();
}

/** Sets the carousel order of media already attached to the post. */
export async function setPostMediaPositions(trx: Trx, postId: number, ids: readonly number[]) {
  const position = sql<number>`case ${sql.ref('id')} ${sql.join(
    ids.map((id, index) => sql`when ${id} then ${index}`),
    sql` `,
  )} end`;
  await trx
    .updateTable('media')
    .set({ position })
    .where('post_id', '=', postId)
    .where('id', 'in', ids)
    .execute();
}

export async function deleteMediaRows(trx: Trx, ids: readonly number[]): Promise<void> {
  if (ids.length > 0) await trx.deleteFrom('media').where('id', 'in', ids).execute();
}

/** An uploader's alt text on any of their media, attached or not; false if it is not theirs. */
export async function setOwnAltText(
  db: Executor,
  ownerId: number,
  mediaId: number,
  altText: string | null,
): Promise<boolean> {
  const result = await db
    .updateTable('media')
    .set({ alt_text: altText })
    .where('id', '=', mediaId)
    .where('owner_id', '=', ownerId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function setAltText(
  trx: Trx,
  postId: number,
  mediaId: number,
  altText: string | null,
): Promise<void> {
  await trx
    .updateTable('media')
    .set({ alt_text: altText })
    .where('id', '=', mediaId)
    .where('post_id', '=', postId)
    .execute();
}

/**
 * Who may read a stored file by its plain URL: the media row one of whose keys it is, with its
 * post and owner (one statement; media_*_key_idx make each key an index lookup). Undefined for
 * a key no media row names (a profile image).
 */
export function plainAccessOfKey(db: Executor, key: string) {
  return db
    .selectFrom('media')
    .innerJoin('users', 'users.id', 'media.owner_id')
    .innerJoin('profiles', 'profiles.user_id', 'media.owner_id')
    .leftJoin('posts', 'posts.id', 'media.post_id')
    .select([
      'media.post_id',
      'posts.deleted_at',
      'posts.archived_at',
      'profiles.is_private',
      'users.is_active',
    ])
    .where((eb) =>
      eb.or([
        eb('media.storage_key', '=', key),
        eb('media.thumbnail_key', '=', key),
        eb('media.poster_key', '=', key),
      ]),
    )
    .limit(1)
    .executeTakeFirst();
}
