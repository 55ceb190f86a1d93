import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { AppDeps } from '../../deps.js';
import {
  AppError,
  badRequest,
  mediaNotReady,
  notFound,
  payloadTooLarge,
  unsupportedMediaType,
} from '../../http/errors.js';
import { type MediaRejection, MediaRejected } from '../../media/errors.js';
import type { Actor } from '../../http/auth.js';
import { type ProcessedMedia, processUpload, processVideo } from '../../media/process-upload.js';
import type { Limiter } from '../../media/semaphore.js';
import { insertJob } from '../../jobs/jobs.repository.js';
import type { Media } from '../../db/types.js';
import { uploadTempDir } from './receive-upload.js';
import { toDbTime } from '../../db/time.js';
import type { Executor, Trx } from '../../db/transaction.js';
import * as repo from './media.repository.js';
import { getMe, type MeDto, replaceProfileImageKey } from '../users/users.service.js';
import { toMediaDto, type MediaDto } from './media.schema.js';

const HOUR_MS = 60 * 60 * 1000;
/** Uploads not attached to a post or story within this time are swept with their files. */
export const UNATTACHED_TTL_MS = 24 * HOUR_MS;

type MediaFiles = Pick<Media, 'storage_key' | 'thumbnail_key' | 'poster_key' | 'source_key'>;
const filesOf = (media: readonly MediaFiles[]) =>
  media.flatMap((m) =>
    [m.storage_key, m.thumbnail_key, m.poster_key ?? [], m.source_key ?? []].flat(),
  );

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
 * 409 `media_not_ready` when any of these (the caller's own) media is still processing or
 * failed: a post or story only ever shows finished files.
 */
export function assertMediaReady(
  media: ReadonlyArray<{ id: number; status: string }>,
  field: string,
): void {
  const pending = media.filter((m) => m.status !== 'ready');
  if (pending.length === 0) return;
  const errors = pending.map((m) => ({
    field,
    message:
      m.status === 'failed'
        ? `media ${m.id} failed to process; upload it again`
        : `media ${m.id} is still processing; try again when GET /media/${m.id} says ready`,
  }));
  throw mediaNotReady(`${errors.map((e) => e.message).join('; ')}.`.replace(/^m/, 'M'), errors);
}

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

/** The job that transcodes an uploaded video (src/modules/media/media.jobs.ts runs it). */
export const PROCESS_MEDIA = 'media.process';
/** Transcode failures other than the file's own (ffmpeg missing, storage down) are retried. */
const PROCESS_ATTEMPTS = 3;
const POLL_MS = 200;

/**
 * Processes an already-received temp file (always consumed). The row is written first, with
 * status `processing`, then the files: a crash at any point leaves a row the unattached sweep
 * removes with its files. Images are finished here; a video's original is stored and a job
 * transcodes it: the answer waits for it up to MEDIA_SYNC_WAIT_MS, else it is `processing`.
 */
export async function uploadMedia(
  deps: AppDeps,
  actor: Actor,
  tempPath: string,
  options: { altText?: string | null } = {},
): Promise<MediaDto> {
  let id: number | undefined;
  const beforeWrite = async (m: ProcessedMedia) => {
    id = await repo.insertMedia(deps.db, {
      ...m,
      alt_text: options.altText ?? null,
      owner_id: actor.id,
      status: 'processing',
      created_at: toDbTime(deps.clock.now()),
    });
  };
  let m: ProcessedMedia;
  try {
    m = await processOrRefuse(tempPath, deps.storage, { beforeWrite });
  } catch (err) {
    // processUpload removed what it wrote; the row goes too.
    if (id !== undefined) await repo.deleteMedia(deps.db, id).catch(() => undefined);
    throw err;
  }
  const mediaId = id!;
  if (m.status === 'ready') {
    await repo.markProcessed(deps.db, mediaId, m);
  } else {
    const jobId = await insertJob(
      deps.db,
      { kind: PROCESS_MEDIA, payload: { media_id: mediaId }, maxAttempts: PROCESS_ATTEMPTS },
      toDbTime(deps.clock.now()),
    );
    await waitForProcessing(deps, mediaId, jobId);
  }
  const row = await repo.findMediaById(deps.db, mediaId);
  if (!row) throw notFound('Media');
  if (row.status === 'failed') {
    // Refused while the client still waits: the problem is the answer, and nothing is kept.
    await repo.deleteMedia(deps.db, mediaId);
    throw badRequest(row.failure_reason ?? 'The video could not be processed.');
  }
  return toMediaDto(row, deps.mediaUrl, true);
}

/**
 * Up to MEDIA_SYNC_WAIT_MS: runs the job in this request when this process runs jobs (another
 * worker may have taken it first), then watches the row until it is no longer processing.
 */
async function waitForProcessing(deps: AppDeps, mediaId: number, jobId: number): Promise<void> {
  const waitMs = deps.config.mediaSyncWaitMs;
  if (waitMs === 0 || deps.config.jobConcurrency === 0) deps.jobs.wake();
  if (waitMs === 0) return;
  const deadline = Date.now() + waitMs;
  if (deps.config.jobConcurrency > 0) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      // Past the wait, the job keeps running here, holding its lease like any worker's.
      deps.jobs.runNow([jobId]).catch(() => undefined),
      new Promise((resolve) => (timer = setTimeout(resolve, waitMs))),
    ]);
    clearTimeout(timer);
  }
  while (Date.now() < deadline && (await repo.mediaStatus(deps.db, mediaId)) === 'processing') {
    await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, deadline - Date.now())));
  }
}

/**
 * The `media.process` job: transcodes a video's stored original into the keys its row names,
 * marks it ready and deletes the original. A file that cannot be made playable marks the media
 * failed with the reason (no retry); other errors are retried, and the last attempt marks it
 * failed. Idempotent: a media no longer processing only has its original removed.
 */
export async function processQueuedVideo(
  deps: AppDeps,
  mediaId: number,
  options: { transcodes: Limiter; lastAttempt: boolean },
): Promise<void> {
  const row = await repo.findMediaById(deps.db, mediaId);
  if (!row) return;
  if (row.status !== 'processing') {
    if (row.source_key) await removeSource(deps, mediaId, row.source_key);
    return;
  }
  if (!row.source_key || !row.poster_key) {
    await repo.markFailed(deps.db, mediaId, 'The upload is incomplete; upload the video again.');
    return;
  }
  const root = uploadTempDir(deps.config);
  await removeEarlierAttempts(root, mediaId);
  const workDir = join(root, `transcode-${mediaId}-${randomBytes(6).toString('hex')}`);
  await mkdir(workDir, { recursive: true });
  try {
    const source = join(workDir, 'source');
    await deps.storage.get(row.source_key, source);
    const video = await processVideo(
      source,
      workDir,
      {
        storage_key: row.storage_key,
        poster_key: row.poster_key,
        thumbnail_key: row.thumbnail_key,
      },
      deps.storage,
      options.transcodes,
    );
    await repo.markProcessed(deps.db, mediaId, video);
    await removeSource(deps, mediaId, row.source_key);
  } catch (err) {
    const refused = err instanceof MediaRejected;
    if (refused || options.lastAttempt) {
      const reason = refused
        ? err.detail
        : 'The video could not be processed because of a problem on our side; upload it again later.';
      await repo.markFailed(deps.db, mediaId, reason);
      await deps.storage.delete(filesOf([row])).catch(() => undefined);
    }
    if (!refused) throw err;
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

async function removeSource(deps: AppDeps, mediaId: number, key: string) {
  await deps.storage.delete([key]);
  await repo.clearSource(deps.db, mediaId);
}

/** Work folders of earlier attempts at this media (a process killed mid-transcode). */
async function removeEarlierAttempts(root: string, mediaId: number) {
  const names = await readdir(root).catch(() => [] as string[]);
  const prefix = `transcode-${mediaId}-`;
  for (const name of names.filter((n) => n.startsWith(prefix))) {
    await rm(join(root, name), { recursive: true, force: true });
  }
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
  return toMediaDto(row, deps.mediaUrl, true);
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
    const deleted: typeof rows = [];
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

/**
 * Whether GET /media/<key> may serve a file without a signature (issue #18): only the media of
 * a live post by an active public account, and files no media row names (profile images).
 * Checked on every plain request, so a plain URL stops working as soon as its account turns
 * private, is deactivated or suspended, or its post is deleted or archived; stories and
 * unattached uploads are only ever served signed.
 */
export async function isPlainlyServable(deps: Pick<AppDeps, 'db'>, key: string): Promise<boolean> {
  const row = await repo.plainAccessOfKey(deps.db, key);
  if (!row) return true;
  return (
    row.post_id !== null &&
    row.deleted_at === null &&
    row.archived_at === null &&
    Number(row.is_private) === 0 &&
    Number(row.is_active) === 1
  );
}
