import type { Metadata, Sharp } from 'sharp';
import { encode } from 'blurhash';
import { invalidMedia } from './errors.js';
import { createLimiter } from './semaphore.js';

export const DISPLAY_MAX_WIDTH = 1080;
export const THUMBNAIL_MAX = 320;
/** Decompression-bomb guard: a 15 MB file may still claim billions of pixels. 50 MP covers every phone camera. */
export const MAX_INPUT_PIXELS = 50_000_000;
/** Images decoded at once in this process; with one libvips thread each this bounds CPU and memory. */
export const IMAGE_JOBS = 2;

// One libvips thread per image and no operation cache: memory stays proportional to IMAGE_JOBS.
type SharpLib = typeof import('sharp');
let sharp: SharpLib;
let loading: Promise<void> | undefined;
/**
 * libvips is loaded with the first image, not at start-up: it adds ~20 MiB to the RSS of every
 * process (measured by the benchmark), most of which never processes an upload.
 */
const loadSharp = () =>
  (loading ??= import('sharp').then(({ default: lib }) => {
    lib.concurrency(1);
    lib.cache(false);
    sharp = lib;
  }));

const limit = createLimiter(IMAGE_JOBS);

export interface ImageVariant {
  data: Buffer;
  width: number;
  height: number;
  mime: 'image/jpeg' | 'image/webp';
  ext: 'jpg' | 'webp';
}

export interface ProcessedImage {
  display: ImageVariant;
  thumbnail: ImageVariant;
  blurhash: string;
}

export interface ImageOptions {
  /** Centre-crop to a square (profile images). */
  square?: boolean;
}

/**
 * Decode (first frame only for animated GIF/WebP), orient by EXIF, drop all metadata, convert to sRGB and
 * re-encode: JPEG when opaque, WebP when the image has an alpha channel.
 */
export function processImage(
  input: string | Buffer,
  options: ImageOptions = {},
): Promise<ProcessedImage> {
  return limit(async () => {
    await loadSharp();
    const { width, height, hasAlpha } = await readHeader(input);
    const format = hasAlpha ? 'webp' : 'jpeg';
    const display = await encodeVariant(
      displayPipeline(input, width, height, options.square),
      format,
    );
    const thumbnail = await encodeVariant(
      sharp(display.data).resize(THUMBNAIL_MAX, THUMBNAIL_MAX, {
        fit: 'inside',
        withoutEnlargement: true,
      }),
      format,
    );
    return { display, thumbnail, blurhash: await blurhashOf(thumbnail.data) };
  });
}

async function readHeader(input: string | Buffer) {
  let meta: Metadata;
  try {
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw corrupt(err);
  }
  const { width, height } = meta;
  if (!width || !height)
    throw invalidMedia('The image has no readable dimensions; the file is corrupt.');
  if (width * height > MAX_INPUT_PIXELS) {
    const mp = ((width * height) / 1e6).toFixed(1);
    throw invalidMedia(
      `The image is ${width}x${height} pixels (${mp} megapixels); the limit is ${MAX_INPUT_PIXELS / 1e6} megapixels.`,
    );
  }
  return { width, height, hasAlpha: meta.hasAlpha };
}

function displayPipeline(
  input: string | Buffer,
  width: number,
  height: number,
  square?: boolean,
): Sharp {
  const image = sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' }).rotate();
  if (square) {
    const side = Math.min(width, height, DISPLAY_MAX_WIDTH);
    return image.resize(side, side, { fit: 'cover', position: 'centre' }).toColourspace('srgb');
  }
  return image.resize({ width: DISPLAY_MAX_WIDTH, withoutEnlargement: true }).toColourspace('srgb');
}

async function encodeVariant(image: Sharp, format: 'jpeg' | 'webp'): Promise<ImageVariant> {
  const encoded =
    format === 'jpeg' ? image.jpeg({ quality: 82 }) : image.webp({ quality: 82, alphaQuality: 90 });
  try {
    const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
    return format === 'jpeg'
      ? { data, width: info.width, height: info.height, mime: 'image/jpeg', ext: 'jpg' }
      : { data, width: info.width, height: info.height, mime: 'image/webp', ext: 'webp' };
  } catch (err) {
    throw corrupt(err);
  }
}

async function blurhashOf(image: Buffer): Promise<string> {
  const { data, info } = await sharp(image)
    .resize(32, 32, { fit: 'inside' })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return encode(
    new Uint8ClampedArray(data.buffer, data.byteOffset, data.length),
    info.width,
    info.height,
    4,
    3,
  );
}

function corrupt(err: unknown) {
  const raw = err instanceof Error ? err.message : String(err);
  // libvips messages may quote the temp file path; clients never see server paths.
  const reason = (raw.split('\n')[0] ?? '').replace(/\S*\/\S*/g, '').trim();
  if (/pixel limit/i.test(reason)) {
    return invalidMedia(`The image is larger than ${MAX_INPUT_PIXELS / 1e6} megapixels.`);
  }
  return invalidMedia(
    `The image is truncated or corrupt and could not be decoded (${reason || 'unreadable data'}).`,
  );
}
