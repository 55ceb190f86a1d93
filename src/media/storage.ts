import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, mkdir, readdir, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import type { S3Config } from '../config.js';

export interface Storage {
  driver: 'disk' | 's3';
  /** `source` is a local file path (streamed, never read whole) or the bytes themselves. */
  put(key: string, source: string | Buffer, contentType: string): Promise<void>;
  /** Deleting a key that does not exist (or could never exist: not a media key) is not an error. */
  delete(keys: string[]): Promise<void>;
  /** Copies a stored file to the local path `dest` (a job's input, e.g. a video's original). */
  get(key: string, dest: string): Promise<void>;
  /**
   * Removes partial files a process killed mid-write left behind, older than `maxAgeMs`; returns
   * how many. Disk only (`<key>.<hex>.tmp` beside the keys); an S3 put is all or nothing.
   */
  sweepPartialFiles(maxAgeMs: number): Promise<number>;
  url(key: string): string;
  /**
   * S3 only: a presigned GET (SigV4 query string) made at `signedAt`, valid `expiresSeconds`;
   * null without static credentials (an instance role's keys cannot be used synchronously).
   */
  presignedUrl?(key: string, signedAt: Date, expiresSeconds: number): string | null;
  close(): Promise<void>;
}

export type S3Options = S3Config;

export interface StorageOptions {
  mediaDir: string;
  publicUrl: string;
  s3: null | S3Options;
}

export const MEDIA_EXTENSIONS = ['jpg', 'webp', 'mp4', 'mov', 'webm', 'mkv'] as const;
export type MediaExtension = (typeof MEDIA_EXTENSIONS)[number];

/** Stored files never change under a key, so clients and CDNs may cache them forever. */
export const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';

const KEY_PATTERN = new RegExp(
  `^[a-f0-9]{2}/[a-f0-9]{2}/[a-f0-9]{64}\\.(?:${MEDIA_EXTENSIONS.join('|')})$`,
);

/** The only keys storage accepts and `/media/*` serves: no `..`, no backslash, no encoding tricks can match. */
export function isValidMediaKey(key: string): boolean {
  return KEY_PATTERN.test(key);
}

/**
 * A key derived from the content plus a random salt: identical uploads get distinct keys (deleting one never
 * breaks another) and nobody can guess a key from a file they have seen elsewhere.
 */
export async function newMediaKey(content: string | Buffer, ext: MediaExtension): Promise<string> {
  const hash = createHash('sha256').update(randomBytes(16));
  if (typeof content === 'string') await pipeline(createReadStream(content), hash);
  else hash.update(content);
  const hex = hash.digest('hex');
  return `${hex.slice(0, 2)}/${hex.slice(2, 4)}/${hex}.${ext}`;
}

export function createStorage(opts: StorageOptions): Storage {
  return opts.s3 ? s3Storage(opts.s3) : diskStorage(opts.mediaDir, opts.publicUrl);
}

function assertKey(key: string) {
  if (!isValidMediaKey(key)) throw new Error(`Invalid media key: ${key}`);
}

/** What `put` writes before its rename: `<key>.<12 hex>.tmp`. */
const PARTIAL_FILE = new RegExp(
  `^[a-f0-9]{2}/[a-f0-9]{2}/[a-f0-9]{64}\\.(?:${MEDIA_EXTENSIONS.join('|')})\\.[a-f0-9]{12}\\.tmp$`,
);

function diskStorage(mediaDir: string, publicUrl: string): Storage {
  return {
    driver: 'disk',
    async put(key, source) {
      assertKey(key);
      const target = join(mediaDir, key);
      await mkdir(dirname(target), { recursive: true });
      // Readers never see a half-written file: write beside it, then rename atomically.
      const temp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
      try {
        if (typeof source === 'string') await copyFile(source, temp);
        else await writeFile(temp, source);
        await rename(temp, target);
      } catch (err) {
        await rm(temp, { force: true });
        throw err;
      }
    },
    async delete(keys) {
      await Promise.all(
        keys.filter(isValidMediaKey).map(async (key) => {
          await unlink(join(mediaDir, key)).catch((err: NodeJS.ErrnoException) => {
            if (err.code !== 'ENOENT') throw err;
          });
        }),
      );
    },
    async get(key, dest) {
      assertKey(key);
      await copyFile(join(mediaDir, key), dest);
    },
    async sweepPartialFiles(maxAgeMs) {
      const names = await readdir(mediaDir, { recursive: true }).catch(() => [] as string[]);
      let removed = 0;
      for (const name of names.filter((n) => PARTIAL_FILE.test(n))) {
        const path = join(mediaDir, name);
        const info = await stat(path).catch(() => null);
        if (info?.isFile() && Date.now() - info.mtimeMs > maxAgeMs) {
          await rm(path, { force: true });
          removed++;
        }
      }
      return removed;
    },
    url: (key) => `${publicUrl.replace(/\/+$/, '')}/media/${key}`,
    close: async () => {},
  };
}

/**
 * The AWS SDK is loaded on first use, not at start-up: it adds ~20 MiB to every process's RSS
 * (measured by the benchmark), which disk-storage deployments would carry for nothing.
 */
const loadS3Sdk = () => import('@aws-sdk/client-s3');

function s3Storage(s3: S3Options): Storage {
  let clientPromise: Promise<S3Client> | undefined;
  const getClient = () =>
    (clientPromise ??= loadS3Sdk().then(({ S3Client }) => newClient(S3Client)));
  const newClient = (Client: typeof S3Client) =>
    new Client({
      region: s3.region,
      endpoint: s3.endpoint,
      forcePathStyle: s3.forcePathStyle,
      credentials:
        s3.accessKeyId && s3.secretAccessKey
          ? { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey }
          : undefined,
      // Many S3-compatible stores (MinIO versions, s3rver, R2) reject the SDK's default trailing checksums.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  const base = (
    s3.publicUrl ??
    (s3.endpoint
      ? `${s3.endpoint}/${s3.bucket}`
      : `https://${s3.bucket}.s3.${s3.region}.amazonaws.com`)
  ).replace(/\/+$/, '');

  return {
    driver: 's3',
    async put(key, source, contentType) {
      assertKey(key);
      const body = typeof source === 'string' ? createReadStream(source) : source;
      const length = typeof source === 'string' ? (await stat(source)).size : source.length;
      const [client, { PutObjectCommand }] = await Promise.all([getClient(), loadS3Sdk()]);
      await client.send(
        new PutObjectCommand({
          Bucket: s3.bucket,
          Key: key,
          Body: body,
          ContentLength: length,
          ContentType: contentType,
          CacheControl: IMMUTABLE_CACHE,
        }),
      );
    },
    async delete(allKeys) {
      const keys = allKeys.filter(isValidMediaKey);
      // DeleteObjects takes at most 1,000 keys per request.
      for (let i = 0; i < keys.length; i += 1000) {
        const chunk = keys.slice(i, i + 1000);
        const [client, { DeleteObjectsCommand }] = await Promise.all([getClient(), loadS3Sdk()]);
        const res = await client.send(
          new DeleteObjectsCommand({
            Bucket: s3.bucket,
            Delete: { Objects: chunk.map((Key) => ({ Key })), Quiet: true },
          }),
        );
        const failed = (res.Errors ?? []).filter((e) => e.Code !== 'NoSuchKey');
        if (failed.length > 0) {
          throw new Error(
            `S3 delete failed for ${failed.map((e) => `${e.Key}: ${e.Code}`).join(', ')}`,
          );
        }
      }
    },
    async get(key, dest) {
      assertKey(key);
      const [client, { GetObjectCommand }] = await Promise.all([getClient(), loadS3Sdk()]);
      const res = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }));
      if (!res.Body) throw new Error(`S3 object ${key} has no body`);
      await pipeline(res.Body as Readable, createWriteStream(dest));
    },
    sweepPartialFiles: async () => 0,
    url: (key) => `${base}/${key}`,
    presignedUrl: (key, signedAt, expiresSeconds) =>
      s3.accessKeyId && s3.secretAccessKey ? presignGet(s3, key, signedAt, expiresSeconds) : null,
    close: async () => {
      if (clientPromise) (await clientPromise).destroy();
    },
  };
}

/** AWS's URI encoding (RFC 3986 unreserved characters kept). */
const awsEncode = (text: string) =>
  encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );

const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');
const hmac = (key: string | Buffer, text: string) =>
  createHmac('sha256', key).update(text).digest();

/**
 * A SigV4 presigned GET of one object (docs: "Authenticating Requests: Using Query Parameters"),
 * synchronous so DTOs can be built without awaiting. Always the bucket's own endpoint, never
 * S3_PUBLIC_URL: a CDN in front would have to forward the query and not cache on it.
 */
export function presignGet(
  s3: S3Options,
  key: string,
  signedAt: Date,
  expiresSeconds: number,
): string {
  const endpoint = new URL(s3.endpoint ?? `https://s3.${s3.region}.amazonaws.com`);
  const pathStyle = s3.endpoint !== undefined && s3.forcePathStyle;
  const host = pathStyle ? endpoint.host : `${s3.bucket}.${endpoint.host}`;
  const path = pathStyle ? `/${s3.bucket}/${key}` : `/${key}`;
  const amzDate = signedAt
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${s3.region}/s3/aws4_request`;
  const params: [string, string][] = [
    ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
    ['X-Amz-Credential', `${s3.accessKeyId}/${scope}`],
    ['X-Amz-Date', amzDate],
    ['X-Amz-Expires', String(expiresSeconds)],
    ['X-Amz-SignedHeaders', 'host'],
  ];
  const query = params
    .map(([name, value]) => `${awsEncode(name)}=${awsEncode(value)}`)
    .sort()
    .join('&');
  const canonical = ['GET', path, query, `host:${host}`, '', 'host', 'UNSIGNED-PAYLOAD'].join('\n');
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonical)].join('\n');
  let signingKey = hmac(`AWS4${s3.secretAccessKey}`, day);
  for (const part of [s3.region, 's3', 'aws4_request']) signingKey = hmac(signingKey, part);
  const signature = createHmac('sha256', signingKey).update(toSign).digest('hex');
  return `${endpoint.protocol}//${host}${path}?${query}&X-Amz-Signature=${signature}`;
}
