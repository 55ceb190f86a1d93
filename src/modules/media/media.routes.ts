import { rm } from 'node:fs/promises';
import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { AppDeps } from '../../deps.js';
import { IdParams, NoContent } from '../../common.schema.js';
import { actorOf } from '../../http/auth.js';
import { discardRestOfBody } from '../../http/discard-body.js';
import {
  AppError,
  badRequest,
  invalidField,
  payloadTooLarge,
  unsupportedMediaType,
} from '../../http/errors.js';
import { MAX_UPLOAD_BYTES } from '../../media/process-upload.js';
import { MeSchema } from '../users/users.schema.js';
import { MAX_ALT_TEXT_LENGTH, MediaSchema, UploadDescription } from './media.schema.js';
import { getOwnMedia, removeProfileImage, setProfileImage, uploadMedia } from './media.service.js';
import { fileDigest, receiveUpload, uploadTempDir } from './receive-upload.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** POST /media: the received file, until the handler consumes it. */
    uploadPath?: string;
    /** POST /media: the `alt_text` field, trimmed; null when absent or empty. */
    uploadAltText?: string | null;
  }
}

export const mediaRoutes =
  (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    // Scoped to these routes: nowhere else accepts multipart bodies.
    await app.register(multipart, {
      // Our own stream guard answers first with a precise 413; this is the backstop.
      // fieldSize: 1,000 characters of alt text may take 4 bytes each.
      limits: { fileSize: MAX_UPLOAD_BYTES + 1, files: 1, fields: 10, fieldSize: 4096, parts: 11 },
    });
    const tmpDir = uploadTempDir(deps.config);
    app.decorateRequest('uploadPath', undefined);
    app.decorateRequest('uploadAltText', undefined);
    const tags = ['media'];

    app.post(
      '/media',
      {
        config: { auth: 'required', idempotent: true, upload: true },
        // Received before the Idempotency-Key is claimed: the file is part of the request.
        preHandler: async (request) => {
          const received = await receiveFile(request, tmpDir, UPLOAD_FIELDS);
          const temp = received.path;
          // Set first: onSend removes it, also when the alt text is refused.
          request.uploadPath = temp;
          const altText = altTextOf(received.fields);
          request.uploadAltText = altText;
          request.bodyFingerprint = async () => `${await fileDigest(temp)}:${altText ?? ''}`;
        },
        // A replayed or refused request leaves its upload unprocessed.
        onSend: async (request, _reply, payload) => {
          if (request.uploadPath) await rm(request.uploadPath, { force: true });
          return payload;
        },
        schema: {
          tags,
          operationId: 'uploadMedia',
          summary: 'Upload an image or video (unattached until used by a post or story)',
          description: `${UploadDescription} An optional text field \`alt_text\` (up to 1,000 characters, trimmed; empty means none) describes it for screen readers; any other field is 400 naming it.`,
          consumes: ['multipart/form-data'],
          response: { 201: MediaSchema, 202: MediaSchema },
        },
      },
      async (request, reply) => {
        const media = await uploadMedia(deps, actorOf(request), request.uploadPath!, {
          altText: request.uploadAltText ?? null,
        });
        return reply
          .status(media.status === 'processing' ? 202 : 201)
          .header('location', `/api/v1/media/${media.id}`)
          .send(media);
      },
    );

    app.get(
      '/media/:id',
      {
        config: { auth: 'required' },
        schema: {
          tags,
          operationId: 'getMedia',
          summary: 'One of your uploads, with its processing status',
          params: IdParams,
          response: { 200: MediaSchema },
        },
      },
      async (request) => getOwnMedia(deps, actorOf(request), Number(request.params.id)),
    );

    app.put(
      '/me/profile-image',
      {
        config: { auth: 'required', upload: true },
        schema: {
          tags: ['me'],
          operationId: 'setProfileImage',
          summary: 'Set your profile image (centre-cropped square, 320 px)',
          description: UploadDescription.replace(
            'videos:',
            'videos are refused (415); for posts, videos:',
          ),
          consumes: ['multipart/form-data'],
          response: { 200: MeSchema },
        },
      },
      async (request) => {
        const { path } = await receiveFile(request, tmpDir, null);
        return setProfileImage(deps, actorOf(request), path);
      },
    );

    app.delete(
      '/me/profile-image',
      {
        config: { auth: 'required' },
        schema: {
          tags: ['me'],
          operationId: 'removeProfileImage',
          summary: 'Remove your profile image',
          response: { 204: NoContent },
        },
      },
      async (request, reply) => {
        await removeProfileImage(deps, actorOf(request));
        return reply.status(204).send(null);
      },
    );
  };

/** How much of a refused upload is still read (a few MB over the limit is the usual case). */
const DISCARD_AFTER_REFUSAL = { maxBytes: 64 * 1024 * 1024, maxMs: 15_000 };

/** The text fields POST /media accepts beside its file. */
const UPLOAD_FIELDS = new Set(['alt_text']);

/** The `alt_text` field: trimmed, at most MAX_ALT_TEXT_LENGTH characters; '' means none. */
function altTextOf(fields: Map<string, string>): string | null {
  const value = fields.get('alt_text')?.trim();
  if (value === undefined || value === '') return null;
  if ([...value].length > MAX_ALT_TEXT_LENGTH) {
    throw invalidField('alt_text', `must be at most ${MAX_ALT_TEXT_LENGTH} characters`);
  }
  return value;
}

/**
 * The one `file` part, streamed to a temp file under the size limit; the caller owns (and removes)
 * the file. The whole form is read, so a second file is refused rather than silently dropped.
 * Text fields named in `allowed` are returned; any other is 400 naming it (`allowed` null: text
 * fields are ignored, as they always were there).
 */
async function receiveFile(
  request: FastifyRequest,
  dir: string,
  allowed: ReadonlySet<string> | null,
): Promise<{ path: string; fields: Map<string, string> }> {
  if (!request.isMultipart()) {
    throw unsupportedMediaType('Send the file as multipart/form-data, in a part named "file".');
  }
  let temp: string | undefined;
  const fields = new Map<string, string>();
  try {
    for await (const part of request.parts()) {
      if (part.type !== 'file') {
        if (allowed === null) continue;
        if (!allowed.has(part.fieldname)) {
          throw invalidField(part.fieldname, 'is not an allowed field');
        }
        if (part.valueTruncated) {
          throw invalidField(part.fieldname, `must be at most ${MAX_ALT_TEXT_LENGTH} characters`);
        }
        fields.set(part.fieldname, String(part.value));
        continue;
      }
      if (part.fieldname !== 'file') {
        part.file.resume();
        throw invalidField('file', `is required; got a file part named "${part.fieldname}"`);
      }
      temp = await receiveUpload(part.file, dir);
    }
  } catch (err) {
    if (temp) await rm(temp, { force: true });
    const error = multipartError(err);
    // Answer now, and read the rest so a client still sending gets the 413, not a reset.
    if (error.status === 413) discardRestOfBody(request.raw, DISCARD_AFTER_REFUSAL);
    throw error;
  }
  if (!temp) throw invalidField('file', 'is required (a multipart part named "file")');
  return { path: temp, fields };
}

/** Client mistakes become precise 4xx answers; our own failures (disk, permissions) stay 500s. */
function multipartError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as { statusCode?: number; code?: string; message?: string; syscall?: string };
  // A system call failed on our side (temp dir missing, disk full): not the client's fault, and
  // its message names server paths.
  if (e.syscall) throw err;
  if (e.code === 'FST_FILES_LIMIT') return invalidField('file', 'send exactly one file');
  if (e.code === 'FST_PARTS_LIMIT' || e.code === 'FST_FIELDS_LIMIT') {
    return payloadTooLarge('The form has too many parts: send one file and at most 10 fields.');
  }
  if (e.code === 'ERR_STREAM_PREMATURE_CLOSE') return badRequest('The upload was interrupted.');
  if (e.statusCode === 413) return payloadTooLarge('The upload is too large.');
  return badRequest(`The multipart body could not be read: ${e.message ?? 'malformed'}.`);
}
