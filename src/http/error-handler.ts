import { carriesAppToken } from './app-token.js';
import type {
  ConnectionError,
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  FastifyServerOptions,
} from 'fastify';
import { maxHeaderSize, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
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
  408: 'request_timeout',
  409: 'conflict',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  431: 'headers_too_large',
  503: 'service_unavailable',
};

/** No path parameter here (ids, usernames, hashtags, media keys) comes near this length. */
const MAX_PARAM_LENGTH = 100;

/**
 * Fastify constructor options for the errors it raises outside the error handler: before
 * routing (malformed percent-encoding, an over-long path parameter) and on the socket (requests
 * that are not valid HTTP). They become the same problems as every other error.
 */
export const frameworkErrorOptions = {
  routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
  frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    answerWithProblem(error, request, reply);
  },
  clientErrorHandler: answerMalformedRequest,
} satisfies FastifyServerOptions;

/** Turns every error into an RFC 9457 answer; only unexpected ones become a bare 500. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler(answerWithProblem);
  app.setNotFoundHandler((request, reply) => {
    // A Mastodon app gets Mastodon's error shape for paths this server does not have.
    if (carriesAppToken(request.headers.authorization)) {
      return reply.status(404).type('application/json').send({ error: 'Record not found' });
    }
    return sendProblem(
      reply,
      request,
      404,
      'not_found',
      `No route for ${request.method} ${request.url.split('?')[0]}.`,
    );
  });
}

function answerWithProblem(
  error: FastifyError | AppError,
  request: FastifyRequest,
  reply: FastifyReply,
) {
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
    const code =
      error.code === 'FST_ERR_BAD_URL' ? 'invalid_url' : (CODE_BY_STATUS[status] ?? 'bad_request');
    return sendProblem(reply, request, status, code, clientMessage(error, request));
  }
  request.log.error({ err: error }, 'unhandled error');
  return sendProblem(
    reply,
    request,
    500,
    'internal_error',
    'Something went wrong on our side. It has been logged.',
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

/** Fastify's own messages name no value and sometimes echo the whole path: say what was wrong. */
function clientMessage(error: FastifyError, request: FastifyRequest): string {
  switch (error.code) {
    case 'FST_ERR_BAD_URL':
      return 'The URL path has a malformed percent-encoding: each "%" must start an escape of two hexadecimal digits that decodes to UTF-8, such as %20 or %C3%A9.';
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return `A segment of the URL path is longer than ${MAX_PARAM_LENGTH} characters; no identifier in this API is that long.`;
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return unsupportedContentType(request);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return `The request body is larger than the ${kilobytes(request.routeOptions.bodyLimit)} this endpoint accepts.`;
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return 'The request body is not as long as its Content-Length header says.';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'The JSON body is empty.';
    default:
      return error.message.endsWith('.') ? error.message : `${error.message}.`;
  }
}

function unsupportedContentType(request: FastifyRequest): string {
  const accepted = (request.routeOptions.schema?.consumes as string[] | undefined) ?? [
    'application/json',
  ];
  const advice = `send ${accepted.join(' or ')}`;
  const sent = request.headers['content-type'];
  if (!sent) return `The request has a body but no Content-Type header; ${advice}.`;
  const shown = sent.length > 100 ? `${sent.slice(0, 100)}…` : sent;
  return `Content-Type "${shown}" is not accepted here; ${advice}.`;
}

/**
 * A request the HTTP parser refused never reaches Fastify: the answer is written on the socket,
 * still as a problem, and the connection closed (the parser cannot resume after an error).
 */
function answerMalformedRequest(this: FastifyInstance, error: ConnectionError, socket: Socket) {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  this.log.debug({ err: error }, 'malformed request');
  const { status, code, detail } = describeMalformedRequest(error);
  if (socket.writable) {
    const body = JSON.stringify(problem(status, code, detail));
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  // A client still sending (a huge header block) does not hold the socket open for long.
  setTimeout(() => socket.destroy(), 2_000).unref();
}

function describeMalformedRequest(error: ConnectionError): {
  status: number;
  code: ErrorCode;
  detail: string;
} {
  // llhttp's reason is a short phrase such as "Invalid char in url query".
  const reason = (error as { reason?: string }).reason ?? error.message;
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        status: 408,
        code: 'request_timeout',
        detail: 'The request was not received completely in time.',
      };
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        code: 'headers_too_large',
        detail: `The URL and headers together exceed the ${kilobytes(maxHeaderSize)} this server accepts.`,
      };
    case 'HPE_INVALID_URL':
      return {
        status: 400,
        code: 'invalid_url',
        detail: `The URL contains a character that must be percent-encoded (${reason}): send spaces, control and non-ASCII characters as UTF-8 escapes, e.g. "é" as %C3%A9.`,
      };
    default:
      return {
        status: 400,
        code: 'bad_request',
        detail: `The request is not valid HTTP/1.1: ${reason}.`,
      };
  }
}

const kilobytes = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${bytes / 1024 / 1024} MB` : `${bytes / 1024} KB`;

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
