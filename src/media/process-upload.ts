import { randomBytes } from 'node:crypto';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { tooLarge, unsupportedType } from './errors.js';
import { processImage, type ProcessedImage } from './images.js';
import type { Limiter } from './semaphore.js';
import { type AcceptedMime, sniff, type MediaKind } from './sniff.js';
import { type MediaExtension, newMediaKey, type Storage } from './storage.js';
import { extractPoster, probeVideo, transcodedSize, transcodeVideo } from './video.js';

const MB = 1024 * 1024;
export const SIZE_LIMITS: Record<MediaKind, number> = { image: 15 * MB, video: 200 * MB };
export const MAX_UPLOAD_BYTES = Math.max(...Object.values(SIZE_LIMITS));

export interface ProcessedMedia {
  kind: MediaKind;
  /** Type of the stored main file (images are re-encoded, so not necessarily the upload's). */
  mime: string;
  storage_key: string;
  thumbnail_key: string;
  poster_key: string | null;
  width: number;
  height: number;
  duration_ms: number | null;
  blurhash: string | null;
  /** Size of the stored main file (0 for a video still processing). */
  bytes: number;
  /**
   * `ready`: every file is stored. `processing`: a video whose original is stored under
   * `source_key`, to be transcoded by `processVideo` into the other keys.
   */
  status: 'ready' | 'processing';
  source_key: string | null;
}

export interface UploadOptions {
  /** Profile images: images only, centre-cropped to a square, stored once at thumbnail size. */
  profile?: boolean;
  /**
   * Called once every key is known and before the first file is written (the caller records
   * the media there, so a crash never leaves a file that nothing references).
   */
  beforeWrite?: (media: ProcessedMedia) => Promise<void>;
}

/**
 * The upload pipeline for one already-streamed temp file: sniff, check limits, then images are
 * processed and stored; videos, checked from their headers only, are stored as they came, to be
 * transcoded by `processVideo` in a job. The temp file is always removed; on failure every file
 * already stored is deleted again.
 */
export async function processUpload(
  tempPath: string,
  storage: Storage,
  options: UploadOptions = {},
): Promise<ProcessedMedia> {
  const written: string[] = [];
  const put = async (key: string, source: string | Buffer, type: string) => {
    written.push(key); // before the put: a put that fails half-way may still have left an object
    await storage.put(key, source, type);
  };
  const beforeWrite = options.beforeWrite ?? (async () => undefined);
  try {
    const { size } = await stat(tempPath);
    if (size > MAX_UPLOAD_BYTES) throw fileTooLarge('file', size, MAX_UPLOAD_BYTES);
    const { kind, mime } = await sniff(tempPath);
    if (size > SIZE_LIMITS[kind]) throw fileTooLarge(kind, size, SIZE_LIMITS[kind]);
    if (kind === 'video') {
      if (options.profile) {
        throw unsupportedType(
          'A profile image must be an image (JPEG, PNG, WebP or GIF), not a video.',
        );
      }
      return await storeVideoSource(tempPath, mime, beforeWrite, put);
    }
    const image = await processImage(tempPath, { square: options.profile });
    const media = options.profile ? await profileImage(image) : await displayImage(image);
    await beforeWrite(media);
    await storeImage(image, media, put);
    return media;
  } catch (err) {
    await storage.delete(written).catch(() => {});
    throw err;
  } finally {
    await rm(tempPath, { force: true });
  }
}

type Put = (key: string, source: string | Buffer, type: string) => Promise<void>;

async function displayImage(image: ProcessedImage): Promise<ProcessedMedia> {
  const { display, thumbnail } = image;
  return {
    kind: 'image',
    mime: display.mime,
    storage_key: await newMediaKey(display.data, display.ext),
    thumbnail_key: await newMediaKey(thumbnail.data, thumbnail.ext),
    poster_key: null,
    width: display.width,
    height: display.height,
    duration_ms: null,
    blurhash: image.blurhash,
    bytes: display.data.length,
    status: 'ready',
    source_key: null,
  };
}

/** Avatars are shown at most 320 px wide, so only the square thumbnail is kept: one file, one key. */
async function profileImage(image: ProcessedImage): Promise<ProcessedMedia> {
  const { thumbnail } = image;
  const key = await newMediaKey(thumbnail.data, thumbnail.ext);
  return {
    kind: 'image',
    mime: thumbnail.mime,
    storage_key: key,
    thumbnail_key: key,
    poster_key: null,
    width: thumbnail.width,
    height: thumbnail.height,
    duration_ms: null,
    blurhash: image.blurhash,
    bytes: thumbnail.data.length,
    status: 'ready',
    source_key: null,
  };
}

async function storeImage(image: ProcessedImage, media: ProcessedMedia, put: Put) {
  const { display, thumbnail } = image;
  // A profile image is its thumbnail alone.
  if (media.thumbnail_key !== media.storage_key) {
    await put(media.storage_key, display.data, display.mime);
  }
  await put(media.thumbnail_key, thumbnail.data, thumbnail.mime);
}

const SOURCE_EXTENSION: Partial<Record<AcceptedMime, MediaExtension>> = {
  'video/mp4': 'mp4',
  'video/quicktime': 'mov',
  'video/webm': 'webm',
  'video/x-matroska': 'mkv',
};

/** Keys of files not written yet: random, as unguessable as content-derived ones. */
const futureKey = (ext: MediaExtension) => newMediaKey(randomBytes(32), ext);

/**
 * A video is checked from its headers only (a stream, its frame size, the duration claimed),
 * then its original is stored as it came: the transcode runs later, in a job. The width and
 * height returned are those the transcode will produce.
 */
async function storeVideoSource(
  path: string,
  mime: AcceptedMime,
  beforeWrite: (media: ProcessedMedia) => Promise<void>,
  put: Put,
): Promise<ProcessedMedia> {
  const info = await probeVideo(path);
  const media: ProcessedMedia = {
    kind: 'video',
    mime: 'video/mp4',
    storage_key: await futureKey('mp4'),
    thumbnail_key: await futureKey('jpg'),
    poster_key: await futureKey('jpg'),
    ...transcodedSize(info.width, info.height),
    duration_ms: info.duration_ms,
    blurhash: null,
    bytes: 0,
    status: 'processing',
    source_key: await futureKey(SOURCE_EXTENSION[mime] ?? 'mp4'),
  };
  await beforeWrite(media);
  await put(media.source_key!, path, mime);
  return media;
}

export interface ProcessedVideo {
  width: number;
  height: number;
  duration_ms: number;
  blurhash: string;
  bytes: number;
}

/**
 * A job's work: transcodes the original at `sourcePath` (in `workDir`, which the caller owns)
 * into the keys chosen at upload, with a poster frame, its thumbnail and a blurhash cut from
 * the transcoded video. On failure the files it wrote are deleted again. Running it twice
 * writes the same keys again, so a retried job leaves nothing behind.
 */
export async function processVideo(
  sourcePath: string,
  workDir: string,
  keys: { storage_key: string; poster_key: string; thumbnail_key: string },
  storage: Storage,
  transcodes: Limiter,
): Promise<ProcessedVideo> {
  const out = join(workDir, 'video.mp4');
  const video = await transcodeVideo(sourcePath, out, transcodes);
  const posterFile = join(workDir, 'poster.jpg');
  await extractPoster(out, video.duration_ms, posterFile);
  const poster = await processImage(posterFile);
  const keyed = [
    [keys.storage_key, out, 'video/mp4'],
    [keys.poster_key, poster.display.data, poster.display.mime],
    [keys.thumbnail_key, poster.thumbnail.data, poster.thumbnail.mime],
  ] as const;
  try {
    for (const [key, source, type] of keyed) await storage.put(key, source, type);
  } catch (err) {
    await storage.delete(keyed.map(([key]) => key)).catch(() => {});
    throw err;
  }
  return {
    width: video.width,
    height: video.height,
    duration_ms: video.duration_ms,
    blurhash: poster.blurhash,
    bytes: (await stat(out)).size,
  };
}

function fileTooLarge(what: string, size: number, limit: number) {
  const noun = what === 'file' ? 'The file' : `The ${what}`;
  const plural = what === 'file' ? 'uploads' : `${what}s`;
  return tooLarge(
    `${noun} is ${(size / MB).toFixed(1)} MB; ${plural} may be at most ${limit / MB} MB.`,
  );
}
