import type { AppDeps } from '../../deps.js';
import {
  AppError,
  badRequest,
  notFound,
  payloadTooLarge,
  unsupportedMediaType,
} from '../../http/errors.js';
import { type MediaRejection, MediaRejected } from '../../media/errors.js';
import type { Actor } from '../../http/auth.js';
import { processUpload } from '../../media/process-upload.js';
import { toDbTime } from '../../db/time.js';
import type { Executor, Trx } from '../../db/transaction.js';
import * as repo from './media.repository.js';
import { getMe, type MeDto, replaceProfileImageKey } from '../users/users.service.js';
import { toMediaDto, type MediaDto, type MediaRowForDto } from './media.schema.js';

const HOUR_MS = 60 * 60 * 1000;
/** Uploads not attached to a post or story within this time are swept with their files. */
export const UNATTACHED_TTL_MS = 24 * HOUR_MS;

type MediaFiles = Pick<MediaRowForDto, 'storage_key' | 'thumbnail_key' | 'poster_key'>;
const filesOf = (media: readonly MediaFiles[]) =>
  media.flatMap((m) => [m.storage_key, m.thumbnail_key, m.poster_key ?? []].flat());

const PROBLEM_OF_REJECTION: Record<MediaRejection, (detail: string) => AppError> = {
  too_large: payloadTooLarge,
  unsupported_type: unsupportedMediaType,
  invalid: badRequest,
};

/** Runs the media pipeline; a file it refuses becomes the client's 413, 415 or 400. */
async function processOrRefuse(...args: Parameters<typeof processUpload>) {
  try {
    return await processUpload(...args);
  } catch (err) {
    throw err instanceof MediaRejected ? PROBLEM_OF_REJECTION[err.kind](err.detail) : err;
  }
}

/** Media rows by id, for other modules' hydration: one statement for any number of ids. */
export const loadMediaRows = (db: Executor, ids: readonly number[]) => repo.findMediaByIds(db, ids);

export type { PostMediaRow } from './media.repository.js';

/** The media of any number of posts (post then position order): one statement. */
export const mediaOfPosts = (db: Executor, postIds: readonly number[]) =>
  repo.mediaOfPosts(db, postIds);

/** Owner, attachment and kind of the given media, read before a claim for useful messages. */
export const findMediaForAttach = (trx: Executor, ids: readonly number[]) =>
  repo.findMediaForAttach(trx, ids);

/**
 * In the post's transaction: claims the owner's unattached media in `ids` order. Returns how
 * many were claimed; fewer than `ids.length` means a concurrent request took some.
 */
export const attachToPost = (trx: Trx, postId: number, ownerId: number, ids: readonly number[]) =>
  repo.attachToPost(trx, postId, ownerId, ids);

/** In the story's transaction: claims one unattached media of the owner; 1 when it did. */
export const attachToStory = (trx: Executor, mediaId: number, ownerId: number, storyId: number) =>
  repo.attachToStory(trx, mediaId, ownerId, storyId);

/**
 * In a post's delete transaction, before the post row goes: the storage keys of its media,
 * whose rows the post's delete removes (media.post_id cascades). The caller removes the files
 * after commit.
 */
export const fileKeysOfPost = async (trx: Executor, postId: number): Promise<string[]> =>
  filesOf(await repo.fileKeysOfPost(trx, postId));

/** A post's media (carousel order) with kinds and file keys, for an edit. */
export const mediaOfPostForEdit = (db: Executor, postId: number) =>
  repo.mediaOfPostForEdit(db, postId);

/**
 * In a post's edit transaction: the post's media become `keep` (in that order) plus the newly
 * claimed `add` ids at their places in `order`; the others' rows go and their file keys are
 * returned, to be removed after commit. Returns null when a concurrent request took some of
 * the added media.
 */
export async function replacePostMedia(
  trx: Trx,
  postId: number,
  ownerId: number,
  change: {
    order: readonly number[];
    add: readonly number[];
    remove: readonly (MediaFiles & { id: number })[];
  },
): Promise<string[] | null> {
  await repo.deleteMediaRows(
    trx,
    change.remove.map((m) => m.id),
  );
  if (change.add.length > 0) {
    const claimed = await repo.attachToPost(trx, postId, ownerId, change.add);
    if (claimed !== change.add.length) return null;
  }
  await repo.setPostMediaPositions(trx, postId, change.order);
  return filesOf(change.remove);
}

/** In a post's edit transaction: sets (or clears, with null) one attached media's alt text. */
export const setAltText = (trx: Trx, postId: number, mediaId: number, altText: string | null) =>
  repo.setAltText(trx, postId, mediaId, altText);

/** In a story's delete transaction: removes its media rows; returns the keys of their files. */
export const deleteStoryMedia = async (
  trx: Executor,
  story: { id: number; media_id: number },
): Promise<string[]> => filesOf(await repo.deleteStoryMedia(trx, story));

/** Processes an already-received temp file (always consumed) into stored files plus an unattached row. */
export async function uploadMedia(
  deps: AppDeps,
  actor: Actor,
  tempPath: string,
): Promise<MediaDto> {
  const m = await processOrRefuse(tempPath, deps.storage);
  let id: number;
  try {
    id = await repo.insertMedia(deps.db, {
      owner_id: actor.id,
      kind: m.kind,
      storage_key: m.storage_key,
      thumbnail_key: m.thumbnail_key,
      poster_key: m.poster_key,
      mime: m.mime,
      width: m.width,
      height: m.height,
      duration_ms: m.duration_ms,
      blurhash: m.blurhash,
      bytes: m.bytes,
      created_at: toDbTime(deps.clock.now()),
    });
  } catch (err) {
    await deps.storage.delete(filesOf([m])).catch(() => undefined);
    throw err;
  }
  return toMediaDto({ id, ...m, alt_text: null }, deps.mediaUrl);
}

/** Alt text on one of the caller's uploads (the Mastodon API's `description`); 404 if not theirs. */
export async function setUploadAltText(
  deps: AppDeps,
  actor: Actor,
  id: number,
  altText: string | null,
): Promise<MediaDto> {
  // MySQL counts an unchanged row as not updated: the read below tells "not yours" apart.
  await repo.setOwnAltText(deps.db, actor.id, id, altText);
  return getOwnMedia(deps, actor, id);
}

/** The caller's own upload; someone else's is a 404, so ids reveal nothing. */
export async function getOwnMedia(deps: AppDeps, actor: Actor, id: number): Promise<MediaDto> {
  const row = await repo.findMediaById(deps.db, id);
  if (!row || row.owner_id !== actor.id) throw notFound('Media');
  return toMediaDto(row, deps.mediaUrl);
}

/**
 * Removes the files of media whose rows are gone (the sweeper, after each batch it deleted).
 * Best effort: a storage failure is reported through `onError` and never undoes the delete.
 */
export async function deleteMediaFiles(
  deps: Pick<AppDeps, 'storage'>,
  media: MediaFiles[],
  onError: (err: unknown) => void = () => undefined,
): Promise<void> {
  await deps.storage.delete(filesOf(media)).catch(onError);
}

/** Deletes unattached media older than the TTL, with their files. Safe to run on every replica at once. */
export async function sweepUnattachedMedia(
  deps: AppDeps,
  options: { maxAgeMs?: number; batchSize?: number; onError?: (err: unknown) => void } = {},
): Promise<number> {
  const { maxAgeMs = UNATTACHED_TTL_MS, batchSize = 200 } = options;
  const cutoff = toDbTime(new Date(deps.clock.now().getTime() - maxAgeMs));
  let swept = 0;
  for (;;) {
    const rows = await repo.findUnattachedBefore(deps.db, cutoff, batchSize);
    const deleted: MediaRowForDto[] = [];
    for (const row of rows) {
      // Re-checked per row: a post may have claimed it since the select.
      if (await repo.deleteIfUnattached(deps.db, row.id)) deleted.push(row);
    }
    await deleteMediaFiles(deps, deleted, options.onError);
    swept += deleted.length;
    if (rows.length < batchSize || deleted.length === 0) return swept;
  }
}

/** Replaces the caller's profile image (square, one file); the previous file is removed. */
export async function setProfileImage(
  deps: AppDeps,
  actor: Actor,
  tempPath: string,
): Promise<MeDto> {
  const m = await processOrRefuse(tempPath, deps.storage, { profile: true });
  let previous: string | null;
  try {
    previous = await replaceProfileImageKey(deps, actor.id, m.storage_key);
  } catch (err) {
    await deps.storage.delete([m.storage_key]).catch(() => undefined);
    throw err;
  }
  if (previous) await deps.storage.delete([previous]).catch(() => undefined);
  return getMe(deps, actor);
}

export async function removeProfileImage(deps: AppDeps, actor: Actor): Promise<void> {
  const previous = await replaceProfileImageKey(deps, actor.id, null);
  if (previous) await deps.storage.delete([previous]).catch(() => undefined);
}
