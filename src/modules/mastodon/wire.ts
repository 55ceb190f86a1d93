import { rm } from 'node:fs/promises';
import multipart from '@fastify/multipart';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../http/errors.js';
import { MAX_UPLOAD_BYTES } from '../../media/process-upload.js';
import { receiveUpload } from '../media/receive-upload.js';
import { OAuthError } from '../oauth/oauth-errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Multipart file parts received by the Mastodon surface, removed after the answer. */
    mastodonUploads?: string[];
  }
}

/**
 * The Mastodon surface's wire rules (issue #20), for the plugin that holds its routes: every
 * error is `{"error": "…"}` JSON (OAuth errors add `error_description`), bodies may be JSON,
 * urlencoded or multipart forms, and Rails-style array parameters (`id[]=1&id[]=2`) arrive as
 * arrays under their bare names.
 */
export async function registerMastodonWire(
  app: FastifyInstance,
  options: { uploadDir: string },
): Promise<void> {
  app.setErrorHandler(answerWithError);
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 1024 * 1024 },
    (_request, body, done) => done(null, formFields(new URLSearchParams(body as string))),
  );
  app.decorateRequest('mastodonUploads', undefined);
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    limits: { fileSize: MAX_UPLOAD_BYTES + 1, files: 1, fields: 30, fieldSize: 64 * 1024 },
    async onFile(this: FastifyRequest, part) {
      const path = await receiveUpload(part.file, options.uploadDir);
      (this.mastodonUploads ??= []).push(path);
      (part as unknown as { value: string }).value = path;
    },
  });
  app.addHook('preValidation', async (request) => {
    request.query = railsParams(request.query);
    request.body = railsParams(request.body);
  });
  app.addHook('onResponse', async (request) => {
    for (const path of request.mastodonUploads ?? []) await rm(path, { force: true });
  });
}

/** Repeated keys become arrays, as Rails reads a form. */
function formFields(params: URLSearchParams): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = {};
  for (const [key, value] of params) {
    const existing = fields[key];
    fields[key] =
      existing === undefined
        ? value
        : Array.isArray(existing)
          ? [...existing, value]
          : [existing, value];
  }
  return fields;
}

/** `media_ids[]` (one value or several) becomes `media_ids`, always an array. */
function railsParams<T>(input: T): T {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return input;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input as Record<string, unknown>)) {
    if (key.endsWith('[]')) {
      const name = key.slice(0, -2);
      const prior = out[name];
      const items = Array.isArray(value) ? value : [value];
      out[name] = Array.isArray(prior) ? [...(prior as unknown[]), ...items] : items;
    } else if (!(key in out)) {
      out[key] = value;
    }
  }
  return out as T;
}

export function sendError(reply: FastifyReply, status: number, error: string) {
  return reply.status(status).type('application/json; charset=utf-8').send({ error });
}

function answerWithError(
  error: FastifyError | AppError | OAuthError,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  if (error instanceof OAuthError) {
    return reply
      .status(error.status)
      .type('application/json; charset=utf-8')
      .send({ error: error.error, error_description: error.description });
  }
  if (error instanceof AppError) {
    // Mastodon answers what its validations refuse with 422.
    const status = error.code === 'validation_failed' ? 422 : error.status;
    return sendError(reply, status, error.detail);
  }
  if (error.validation) {
    const detail = error.validation
      .map((e) => `${(e.instancePath || e.params.missingProperty) ?? ''} ${e.message ?? ''}`.trim())
      .join('; ');
    return sendError(reply, 422, `Validation failed: ${error.validationContext} ${detail}`);
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    return sendError(reply, status, error.message.replace(/^FST_\w+: /, ''));
  }
  request.log.error({ err: error }, 'unhandled error');
  return sendError(reply, 500, 'Something went wrong on our side. It has been logged.');
}

/** The bearer token as sent, for endpoints that accept app tokens too. */
export function bearerOf(request: FastifyRequest): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  return match?.[1];
}

/** Absolute base of this server as the client reached it, for Link headers. */
export const baseUrlOf = (request: FastifyRequest) => `${request.protocol}://${request.host}`;
