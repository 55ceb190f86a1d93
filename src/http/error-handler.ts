import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type ErrorCode, type FieldError } from './errors.js';
import { PROBLEM_CONTENT_TYPE, problem } from './problem.js';

interface AjvError {
  keyword: string;
  instancePath: string;
  message?: string;
  params: Record<string, unknown>;
}

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'bad_request',
  401: 'not_authenticated',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'service_unavailable',
};

/** Turns every error into an RFC 9457 answer; only unexpected ones become a bare 500. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    if (error instanceof AppError) {
      return sendProblem(reply, request, error.status, error.code, error.detail, error.errors);
    }
    if (error.validation) {
      const errors = fieldErrors(error.validation as AjvError[], error.validationContext ?? 'body');
      const detail = `Invalid request: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}.`;
      return sendProblem(reply, request, 400, 'validation_failed', detail, errors);
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return sendProblem(
        reply,
        request,
        status,
        CODE_BY_STATUS[status] ?? 'bad_request',
        clientMessage(error),
      );
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(
      reply,
      request,
      500,
      'internal_error',
      'Something went wrong on our side. It has been logged.',
    );
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      request,
      404,
      'not_found',
      `No route for ${request.method} ${request.url.split('?')[0]}.`,
    ),
  );
}

export function sendProblem(
  reply: FastifyReply,
  request: FastifyRequest,
  status: number,
  code: ErrorCode,
  detail: string,
  errors?: FieldError[],
) {
  return reply
    .status(status)
    .type(PROBLEM_CONTENT_TYPE)
    .send(problem(status, code, detail, errors, request.url.split('?')[0]));
}

function clientMessage(error: FastifyError): string {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return `Unsupported Content-Type "${String(error.message.split(': ')[1] ?? '')}"; send application/json.`;
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'The request body is larger than allowed.';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'The JSON body is empty.';
    default:
      return error.message.endsWith('.') ? error.message : `${error.message}.`;
  }
}

/** One entry per invalid field (Ajv may report a field several times, e.g. for unions). */
function fieldErrors(validation: AjvError[], context: string): FieldError[] {
  const byField = new Map<string, string>();
  for (const e of validation) {
    const base = e.instancePath.split('/').filter(Boolean).map(decodePointer);
    let message = e.message ?? 'is invalid';
    if (e.keyword === 'required') base.push(String(e.params.missingProperty));
    if (e.keyword === 'required') message = 'is required';
    if (e.keyword === 'additionalProperties') {
      base.push(String(e.params.additionalProperty));
      message = 'is not an allowed field';
    }
    const field = base.length > 0 ? base.join('.') : context;
    if (!byField.has(field)) byField.set(field, message);
  }
  return [...byField].map(([field, message]) => ({ field, message }));
}

const decodePointer = (part: string) => part.replace(/~1/g, '/').replace(/~0/g, '~');
