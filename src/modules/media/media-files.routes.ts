import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { AppDeps } from '../../deps.js';
import { forbidden, notFound } from '../../http/errors.js';
import { IMMUTABLE_CACHE, isValidMediaKey } from '../../media/storage.js';
import { isPlainlyServable } from './media.service.js';

const CONTENT_TYPES: Record<string, string> = {
  jpg: 'image/jpeg',
  webp: 'image/webp',
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  webm: 'video/webm',
};

/**
 * GET /media/<key> for the disk driver (S3 URLs point at the bucket or its CDN instead).
 * The raw, undecoded path must be exactly a media key, so no encoding trick, `..`, backslash or NUL
 * can name anything outside MEDIA_DIR. Keys are immutable, so public files are cacheable forever.
 *
 * Private accounts' and stories' files need `?exp=…&sig=…` (src/media/signed-url.ts): a bad or
 * expired signature is 403, and so is the plain URL of a file that is not a public account's
 * live post (checked on every plain request: it stops working when the account turns private).
 * Signed answers may be kept by the browser until the signature expires, never by a shared cache.
 */
export const mediaFileRoutes =
  (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    if (deps.storage.driver !== 'disk') return;
    app.get('/media/*', { schema: { hide: true } }, async (request, reply) => {
      const key = (request.url.split('?')[0] ?? '').slice('/media/'.length);
      if (!isValidMediaKey(key)) throw notFound('File');
      const query = request.query as Record<string, string | undefined>;
      const now = deps.clock.now();
      let cacheControl = IMMUTABLE_CACHE;
      if (query.sig !== undefined || query.exp !== undefined) {
        if (!deps.mediaSigner.verify(key, query.exp, query.sig, now)) {
          throw forbidden('This media link is invalid or has expired.');
        }
        const left = Math.max(0, Math.floor(Number(query.exp) - now.getTime() / 1000));
        cacheControl = `private, max-age=${left}`;
      } else if (!(await isPlainlyServable(deps, key))) {
        throw forbidden('This media needs a signed link.');
      }
      const path = join(deps.config.mediaDir, key);
      const info = await stat(path).catch(() => null);
      if (!info?.isFile()) throw notFound('File');

      const etag = `"${key.slice(6, key.lastIndexOf('.'))}"`;
      reply
        .header('cache-control', cacheControl)
        .header('etag', etag)
        .header('content-type', CONTENT_TYPES[key.slice(key.lastIndexOf('.') + 1)])
        .header('accept-ranges', 'bytes')
        // Web clients on other origins embed these files.
        .header('cross-origin-resource-policy', 'cross-origin');
      const ifNoneMatch = request.headers['if-none-match'];
      if (
        ifNoneMatch &&
        ifNoneMatch.split(/\s*,\s*/).some((t) => t === etag || t === '*' || t === `W/${etag}`)
      ) {
        return reply.status(304).send();
      }
      const range = parseRange(request.headers.range, info.size);
      if (range) {
        reply
          .status(206)
          .header('content-range', `bytes ${range.start}-${range.end}/${info.size}`)
          .header('content-length', range.end - range.start + 1);
        return reply.send(createReadStream(path, range));
      }
      reply.header('content-length', info.size);
      return reply.send(createReadStream(path));
    });
  };

/** One `bytes=a-b` / `bytes=a-` / `bytes=-n` range (what video players send); anything else is ignored. */
function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | undefined {
  const match = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!match || size === 0) return undefined;
  const [, from = '', to = ''] = match;
  if (from === '' && to === '') return undefined;
  const start = from === '' ? Math.max(0, size - Number(to)) : Number(from);
  const end = from === '' || to === '' ? size - 1 : Math.min(Number(to), size - 1);
  return start <= end && start < size ? { start, end } : undefined;
}
