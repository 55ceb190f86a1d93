import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { payloadTooLarge } from '../../http/errors.js';
import { MAX_UPLOAD_BYTES, SIZE_LIMITS } from '../../media/process-upload.js';
import { kindOfHead, SNIFF_BYTES } from '../../media/sniff.js';

const MB = 1024 * 1024;

/** Where uploads land while they stream: beside the data, not in a small tmpfs. */
export const uploadTempDir = (config: { dataDir: string }) => join(config.dataDir, 'tmp');

/**
 * Removes temp uploads and transcode work folders left by a process that died mid-request or
 * mid-job (live ones are minutes old at most).
 */
export async function sweepStaleUploads(dir: string, maxAgeMs = 60 * 60 * 1000): Promise<number> {
  const names = await readdir(dir).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names.filter((n) => /^(upload|transcode)-/.test(n))) {
    const path = join(dir, name);
    const info = await stat(path).catch(() => null);
    if (info && Date.now() - info.mtimeMs > maxAgeMs) {
      await rm(path, { force: true, recursive: true });
      removed++;
    }
  }
  return removed;
}

/**
 * Streams an upload to a new temp file in `dir` and returns its path. The size limit follows the
 * kind the first bytes announce (images 15 MB, videos 200 MB) and is enforced while streaming, so
 * an oversized upload is refused at the first byte over the limit, never buffered whole.
 * The final type decision is made later from the whole file.
 */
export async function receiveUpload(file: Readable, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, `upload-${randomBytes(12).toString('hex')}`);
  try {
    await pipeline(file, sizeGuard(), createWriteStream(path, { flags: 'wx' }));
    return path;
  } catch (err) {
    await rm(path, { force: true });
    throw err;
  }
}

/** sha256 of a received file: what identifies an upload in an Idempotency-Key fingerprint. */
export async function fileDigest(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function sizeGuard(): Transform {
  let received = 0;
  let limit: number | undefined;
  let head: Buffer[] = [];
  let headBytes = 0;

  const decide = async () => {
    const kind = await kindOfHead(Buffer.concat(head));
    // Unknown types get the image limit: they are refused with 415 once complete anyway.
    limit = SIZE_LIMITS[kind ?? 'image'];
    head = [];
  };
  const check = () => {
    const max = limit ?? MAX_UPLOAD_BYTES;
    if (received <= max) return undefined;
    const what =
      limit === SIZE_LIMITS.video ? 'videos' : limit === SIZE_LIMITS.image ? 'images' : 'uploads';
    return payloadTooLarge(`The upload exceeds ${max / MB} MB, the limit for ${what}.`);
  };

  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      received += chunk.length;
      const proceed = () => callback(check() ?? null, chunk);
      if (limit !== undefined) return proceed();
      head.push(chunk);
      headBytes += chunk.length;
      if (headBytes < SNIFF_BYTES) return proceed();
      decide().then(proceed, callback);
    },
  });
}
