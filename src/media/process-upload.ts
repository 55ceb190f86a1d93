import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tooLarge, unsupportedType } from './errors.js';
import { processImage, type ProcessedImage } from './images.js';
import { sniff, type MediaKind } from './sniff.js';
import { newMediaKey, type Storage } from './storage.js';
import { extractPoster, probeVideo, stripVideoMetadata, type VideoMime } from './video.js';

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
  /** Size of the stored main file. */
  bytes: number;
}

export interface UploadOptions {
  /** Profile images: images only, centre-cropped to a square, stored once at thumbnail size. */
  profile?: boolean;
}

/**
 * The whole upload pipeline for one already-streamed temp file: sniff, check limits, process, store.
 * The temp file is always removed; on failure every file already stored is deleted again.
 */
export async function processUpload(
  tempPath: string,
  storage: Storage,
  options: UploadOptions = {},
): Promise<ProcessedMedia> {
  let workDir: string | undefined;
  const written: string[] = [];
  const put = async (key: string, source: string | Buffer, type: string) => {
    written.push(key); // before the put: a put that fails half-way may still have left an object
    await storage.put(key, source, type);
  };
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
      workDir = await mkdtemp(join(tmpdir(), 'photogram-video-'));
      return await storeVideo(tempPath, mime as VideoMime, workDir, put);
    }
    const image = await processImage(tempPath, { square: options.profile });
    return options.profile ? await storeProfileImage(image, put) : await storeImage(image, put);
  } catch (err) {
    await storage.delete(written).catch(() => {});
    throw err;
  } finally {
    await rm(tempPath, { force: true });
    if (workDir) await rm(workDir, { recursive: true, force: true });
  }
}

type Put = (key: string, source: string | Buffer, type: string) => Promise<void>;

async function storeImage(image: ProcessedImage, put: Put): Promise<ProcessedMedia> {
  const { display, thumbnail } = image;
  const storage_key = await newMediaKey(display.data, display.ext);
  const thumbnail_key = await newMediaKey(thumbnail.data, thumbnail.ext);
  await put(storage_key, display.data, display.mime);
  await put(thumbnail_key, thumbnail.data, thumbnail.mime);
  return {
    kind: 'image',
    mime: display.mime,
    storage_key,
    thumbnail_key,
    poster_key: null,
    width: display.width,
    height: display.height,
    duration_ms: null,
    blurhash: image.blurhash,
    bytes: display.data.length,
  };
}

/** Avatars are shown at most 320 px wide, so only the square thumbnail is kept: one file, one key. */
async function storeProfileImage(image: ProcessedImage, put: Put): Promise<ProcessedMedia> {
  const { thumbnail } = image;
  const key = await newMediaKey(thumbnail.data, thumbnail.ext);
  await put(key, thumbnail.data, thumbnail.mime);
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
  };
}

async function storeVideo(
  path: string,
  mime: VideoMime,
  workDir: string,
  put: Put,
): Promise<ProcessedMedia> {
  const info = await probeVideo(path);
  const posterFile = join(workDir, 'poster.jpg');
  await extractPoster(path, info.duration_ms, posterFile);
  const poster = await processImage(posterFile);
  const clean = join(workDir, 'video');
  await stripVideoMetadata(path, mime, clean);

  const ext = ({ 'video/mp4': 'mp4', 'video/quicktime': 'mov', 'video/webm': 'webm' } as const)[
    mime
  ];
  const storage_key = await newMediaKey(clean, ext);
  const poster_key = await newMediaKey(poster.display.data, poster.display.ext);
  const thumbnail_key = await newMediaKey(poster.thumbnail.data, poster.thumbnail.ext);
  await put(storage_key, clean, mime);
  await put(poster_key, poster.display.data, poster.display.mime);
  await put(thumbnail_key, poster.thumbnail.data, poster.thumbnail.mime);
  return {
    kind: 'video',
    mime,
    storage_key,
    thumbnail_key,
    poster_key,
    width: info.width,
    height: info.height,
    duration_ms: info.duration_ms,
    blurhash: poster.blurhash,
    bytes: (await stat(clean)).size,
  };
}

function fileTooLarge(what: string, size: number, limit: number) {
  const noun = what === 'file' ? 'The file' : `The ${what}`;
  const plural = what === 'file' ? 'uploads' : `${what}s`;
  return tooLarge(
    `${noun} is ${(size / MB).toFixed(1)} MB; ${plural} may be at most ${limit / MB} MB.`,
  );
}
