import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../app.js';
import { IdParams, NoContent } from '../../common.schema.js';
import { actorOf } from '../../http/auth.js';
import { AppError, badRequest, invalidField, unsupportedMediaType } from '../../http/errors.js';
import { MAX_UPLOAD_BYTES } from '../../media/process-upload.js';
import { MeSchema } from '../users/users.schema.js';
import { MediaSchema, UploadDescription } from './media.schema.js';
import { getOwnMedia, removeProfileImage, setProfileImage, uploadMedia } from './media.service.js';
import { receiveUpload, uploadTempDir } from './receive-upload.js';

export const mediaRoutes =
  (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    // Scoped to these routes: nowhere else accepts multipart bodies.
    await app.register(multipart, {
      // Our own stream guard answers first with a precise 413; this is the backstop.
      limits: { fileSize: MAX_UPLOAD_BYTES + 1, files: 1, fields: 10, fieldSize: 1024, parts: 11 },
    });
    const tmpDir = uploadTempDir(deps.config);
    const tags = ['media'];

    app.post(
      '/media',
      {
        config: { auth: 'required' },
        schema: {
          tags,
          summary: 'Upload an image or video (unattached until used by a post or story)',
          description: UploadDescription,
          consumes: ['multipart/form-data'],
          response: { 201: MediaSchema },
        },
      },
      async (request, reply) => {
        const temp = await receiveFile(request, reply, tmpDir);
        const media = await uploadMedia(deps, actorOf(request), temp);
        return reply.status(201).header('location', `/api/v1/media/${media.id}`).send(media);
      },
    );

    app.get(
      '/media/:id',
      {
        config: { auth: 'required' },
        schema: {
          tags,
          summary: 'One of your uploads',
          params: IdParams,
          response: { 200: MediaSchema },
        },
      },
      async (request) => getOwnMedia(deps, actorOf(request), Number(request.params.id)),
    );

    app.put(
      '/me/profile-image',
      {
        config: { auth: 'required' },
        schema: {
          tags: ['me'],
          summary: 'Set your profile image (centre-cropped square, 320 px)',
          description: UploadDescription.replace(
            'videos:',
            'videos are refused (415); for posts, videos:',
          ),
          consumes: ['multipart/form-data'],
          response: { 200: MeSchema },
        },
      },
      async (request, reply) => {
        const temp = await receiveFile(request, reply, tmpDir);
        return setProfileImage(deps, actorOf(request), temp);
      },
    );

    app.delete(
      '/me/profile-image',
      {
        config: { auth: 'required' },
        schema: {
          tags: ['me'],
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

/** The `file` part, streamed to a temp file under the size limit; the caller owns (and removes) the file. */
async function receiveFile(
  request: FastifyRequest,
  reply: FastifyReply,
  dir: string,
): Promise<string> {
  if (!request.isMultipart()) {
    throw unsupportedMediaType('Send the file as multipart/form-data, in a part named "file".');
  }
  let part;
  try {
    part = await request.file();
  } catch (err) {
    throw multipartError(err);
  }
  if (!part) throw invalidField('file', 'is required (a multipart part named "file")');
  if (part.fieldname !== 'file') {
    part.file.resume();
    throw invalidField('file', `is required; got a file part named "${part.fieldname}"`);
  }
  try {
    return await receiveUpload(part.file, dir);
  } catch (err) {
    const error = multipartError(err);
    // The rest of the body is not wanted: close the connection rather than drain 200 MB.
    if (error.status === 413) reply.header('connection', 'close');
    throw error;
  }
}

/** Client mistakes become precise 4xx answers; our own failures (disk, permissions) stay 500s. */
function multipartError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as { statusCode?: number; code?: string; message?: string; syscall?: string };
  // A system call failed on our side (temp dir missing, disk full): not the client's fault, and
  // its message names server paths.
  if (e.syscall) throw err;
  if (e.statusCode === 413)
    return new AppError(413, 'payload_too_large', 'The upload is too large.');
  if (e.code === 'ERR_STREAM_PREMATURE_CLOSE') return badRequest('The upload was interrupted.');
  return badRequest(`The multipart body could not be read: ${e.message ?? 'malformed'}.`);
}
