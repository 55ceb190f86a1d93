import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { Problem } from '../common.schema.js';
import { IdempotencyKeyHeader } from './idempotency.js';

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

const WRITE_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'];

/** Sent on every answer of a write by an account while WRITE/UPLOAD_RATE_LIMIT_* are on. */
const RATE_LIMIT_HEADERS = {
  'X-RateLimit-Limit': {
    type: 'integer',
    description: 'Writes (or, on uploads, uploads, whichever budget is tighter) allowed per window',
  },
  'X-RateLimit-Remaining': { type: 'integer', description: 'Left in the current window' },
  'X-RateLimit-Reset': { type: 'integer', description: 'Seconds until the window resets' },
};
const REPLAYED_HEADER = {
  'Idempotent-Replayed': {
    type: 'string',
    enum: ['true'],
    description: 'Present on an answer replayed for a repeated Idempotency-Key',
  },
};

const DESCRIPTION = `Instagram-style photo and video API.

* Auth: \`Authorization: Bearer <access_token>\` from \`/api/v1/auth/login\`. Routes marked with a lock
  need it; public routes also accept it (then \`*_by_me\` fields describe the caller).
* Lists are keyset-paginated: \`?limit=\` (1–100, default 20) and \`?cursor=\` from \`next_cursor\`.
* Errors are RFC 9457 problem details with a stable \`code\`; validation errors list every
  invalid field in \`errors[]\`. Unknown JSON fields are rejected.
* Creates accept an \`Idempotency-Key\` header, so a retry after a lost answer does not post twice.
* Writes are limited per account (\`X-RateLimit-*\` headers; 429 \`rate_limited\` with Retry-After).`;

/**
 * The OpenAPI document is generated from the route schemas themselves (the same ones that
 * validate requests and serialize responses); this only adds what every route shares.
 */
export async function registerOpenApi(app: FastifyInstance, publicUrl: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Photogram API', version: '1.0.0', description: DESCRIPTION },
      servers: [{ url: publicUrl }],
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
        schemas: { Problem: Problem as unknown as Record<string, unknown> },
      },
    },
    transform: ({ schema, url, route }) => {
      const auth = route.config?.auth;
      const transformed: Record<string, unknown> = { ...(schema ?? {}) };
      const responses: Record<string, unknown> = { ...((schema?.response as object) ?? {}) };
      if (route.schema?.body || route.schema?.querystring || route.schema?.params) {
        responses['400'] ??= problemResponse(
          'Invalid request (`validation_failed` names each field)',
        );
      }
      if (auth) {
        responses['401'] ??= problemResponse('Missing, invalid or expired access token');
        transformed.security =
          auth === 'required' ? [{ bearerAuth: [] }] : [{ bearerAuth: [] }, {}];
      }
      if (auth && route.schema?.params) {
        responses['403'] ??= problemResponse(
          "Not allowed: a private account's content for non-followers, or another user's resource",
        );
      }
      if (route.schema?.params) responses['404'] ??= problemResponse('Not found');
      if (route.config?.idempotent) {
        transformed.headers = {
          type: 'object',
          properties: { 'Idempotency-Key': IdempotencyKeyHeader },
        };
        responses['400'] ??= problemResponse('Invalid request or Idempotency-Key');
        responses['409'] ??= problemResponse(
          '`idempotency_key_in_progress`: the first request with this key is still running (Retry-After)',
        );
        responses['422'] ??= problemResponse(
          '`idempotency_key_reused`: this key was used for a different request',
        );
      }
      const counted = auth === 'required' && WRITE_METHODS.includes(String(route.method));
      if (counted) {
        responses['429'] ??= problemResponse(
          '`rate_limited`: too many writes (or uploads) from this account; Retry-After says when to retry',
        );
      }
      responses['500'] ??= problemResponse('Unexpected server error (no internals disclosed)');
      transformed.response = counted
        ? withHeaders(responses, RATE_LIMIT_HEADERS, route.config?.idempotent)
        : responses;
      return { schema: transformed, url };
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
}

/**
 * The rate-limit headers on every answer of a counted write but the 401 (the account is not
 * known then) and the 500; Retry-After on the 429 (and the 409 of a key in progress);
 * Idempotent-Replayed on every answer an idempotent route may replay.
 */
function withHeaders(
  responses: Record<string, unknown>,
  headers: Record<string, object>,
  idempotent: boolean | undefined,
): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(responses).map(([status, response]) => {
      if (status === '401' || status === '500') return [status, response];
      const extra: Record<string, object> = { ...headers };
      if (status === '429') {
        extra['Retry-After'] = {
          type: 'integer',
          description: 'Seconds until a retry can succeed',
        };
      }
      if (idempotent && !['409', '422', '429'].includes(status)) {
        Object.assign(extra, REPLAYED_HEADER);
      }
      if (status === '409' && idempotent) {
        extra['Retry-After'] = {
          type: 'integer',
          description: 'Seconds until retrying makes sense',
        };
      }
      return [status, { ...(response as object), headers: extra }];
    }),
  );
}
