import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { isDeepStrictEqual } from 'node:util';
import { Problem } from '../common.schema.js';
import { exampleProblems } from '../openapi-examples.js';
import { IdempotencyKeyHeader } from './idempotency.js';

const problemResponse = (status: string, description?: string) => ({
  description: description ?? ERROR_DESCRIPTIONS[status] ?? `Error ${status}`,
  content: {
    'application/problem+json': {
      schema: { $ref: '#/components/schemas/Problem' },
      example: exampleProblems[status],
    },
  },
});

/** What a 4xx/5xx means when a route declares it without saying more. */
const ERROR_DESCRIPTIONS: Record<string, string> = {
  '400': 'Invalid request (`validation_failed` names each field)',
  '401': 'Missing, invalid or expired access token',
  '403': "Not allowed: a private account's content for non-followers, or another user's resource",
  '404': 'Not found',
  '409': 'Conflicts with the current state',
  '413': 'The body or upload is too large',
  '415': 'Unsupported media type',
  '422': 'Well-formed but not acceptable',
  '429': 'Too many requests: wait as long as `Retry-After` says',
  '503': 'Temporarily unavailable',
  '500': 'Unexpected server error (no internals disclosed)',
};

/** The one part an upload route reads (src/modules/media/media.routes.ts). */
const UploadForm = {
  type: 'object',
  required: ['file'],
  properties: {
    file: { type: 'string', format: 'binary', description: 'The image or video' },
  },
};

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

type Json = Record<string, unknown>;

/**
 * The OpenAPI document is generated from the route schemas themselves (the same ones that
 * validate requests and serialize responses); this only adds what every route shares. It does
 * not depend on configuration (`servers` is relative), so every server serves the same
 * document, which is checked in as `openapi/photogram.json` (`npm run openapi`).
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Photogram API', version: '1.0.0', description: DESCRIPTION },
      servers: [{ url: '/', description: 'The server that serves this document' }],
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
        schemas: { Problem: Problem as unknown as Json },
      },
    },
    transform: ({ schema, url, route }) => {
      const auth = route.config?.auth;
      const transformed: Json = { ...(schema ?? {}) };
      const responses: Json = { ...((schema?.response as object) ?? {}) };
      // Errors are sent as application/problem+json, whatever schema a route declares for them.
      for (const [status, response] of Object.entries(responses)) {
        if (Number(status) >= 400) {
          const { headers } = response as Json;
          responses[status] = { ...problemResponse(status), ...(headers ? { headers } : {}) };
        } else if (!(response as Json).description) {
          // The answer's description in the document, not its schema's (which is shared).
          const description = STATUS_CODES[status];
          responses[status] = { ...(response as Json), 'x-response-description': description };
        }
      }
      if (route.schema?.body || route.schema?.querystring || route.schema?.params) {
        responses['400'] ??= problemResponse('400');
      }
      if (auth) {
        responses['401'] ??= problemResponse('401');
        transformed.security =
          auth === 'required' ? [{ bearerAuth: [] }] : [{ bearerAuth: [] }, {}];
      }
      if (auth && route.schema?.params) {
        responses['403'] ??= problemResponse('403');
      }
      if (route.schema?.params) responses['404'] ??= problemResponse('404');
      if (route.config?.idempotent) {
        transformed.headers = {
          type: 'object',
          properties: { 'Idempotency-Key': IdempotencyKeyHeader },
        };
        responses['400'] ??= problemResponse('400', 'Invalid request or Idempotency-Key');
        responses['409'] ??= problemResponse(
          '409',
          '`idempotency_key_in_progress`: the first request with this key is still running (Retry-After)',
        );
        responses['422'] ??= problemResponse(
          '422',
          '`idempotency_key_reused`: this key was used for a different request',
        );
      }
      const counted = auth === 'required' && WRITE_METHODS.includes(String(route.method));
      if (counted) {
        responses['429'] ??= problemResponse(
          '429',
          '`rate_limited`: too many writes (or uploads) from this account; Retry-After says when to retry',
        );
      }
      responses['500'] ??= problemResponse('500');
      transformed.response = counted
        ? withHeaders(responses, RATE_LIMIT_HEADERS, route.config?.idempotent)
        : responses;
      // Upload routes read their body with @fastify/multipart, so it is not validated by a
      // schema; it is described here only, which gives "Try it out" a file picker.
      if ((schema?.consumes as string[] | undefined)?.includes('multipart/form-data')) {
        transformed.body = { content: { 'multipart/form-data': { schema: UploadForm } } };
      }
      return { schema: transformed, url };
    },
    // Only the OpenAPI 3 branch runs (the `openapi` option above).
    transformObject: (document) =>
      canonicalDocument((document as { openapiObject: Json }).openapiObject),
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    // The page gets the app's CSP (src/http/security-headers.ts), whose upgrade-insecure-requests
    // follows the request's scheme; swagger-ui's staticCSP always sends it.
    staticCSP: false,
    uiConfig: { persistAuthorization: true, displayOperationId: true, validatorUrl: null },
  });
}

/**
 * Named schemas (a TypeBox `title`) become components, so the document and the generated
 * client say `Post` rather than repeating its shape in every operation; paths are sorted, so
 * the checked-in file does not change with the order routes are registered in.
 */
function canonicalDocument(doc: Json): Json {
  const components = doc.components as { schemas: Record<string, Json> };
  const hoist = (schema: unknown): unknown => {
    if (Array.isArray(schema)) return schema.map(hoist);
    if (!schema || typeof schema !== 'object') return schema;
    const node: Json = {};
    for (const [key, value] of Object.entries(schema)) {
      // Examples are data, not schemas: a `title` in them is not a name.
      node[key] =
        key === 'examples' || key === 'example' || key === 'default' ? value : hoist(value);
    }
    if (typeof node.title !== 'string' || node.type !== 'object') return node;
    const name = node.title;
    const existing = components.schemas[name];
    // @fastify/swagger moves a response's top-level examples to its media type, so the same
    // schema may arrive with or without them: keep the copy that has them.
    if (existing && !isDeepStrictEqual(withoutExamples(existing), withoutExamples(node))) {
      throw new Error(`Two different schemas are titled "${name}"; give one another title.`);
    }
    if (!existing?.examples) components.schemas[name] = node;
    return { $ref: `#/components/schemas/${name}` };
  };
  const paths = doc.paths as Record<string, Record<string, Json>>;
  const sortedPaths: Record<string, unknown> = {};
  for (const path of Object.keys(paths).sort()) {
    const item: Json = {};
    for (const [method, operation] of Object.entries(paths[path]!)) {
      item[method] = {
        ...operation,
        ...(operation.requestBody ? { requestBody: hoist(operation.requestBody) } : {}),
        ...(operation.responses ? { responses: hoist(operation.responses) } : {}),
      };
    }
    sortedPaths[path] = item;
  }
  components.schemas = Object.fromEntries(
    Object.entries(components.schemas).sort(([a], [b]) => a.localeCompare(b)),
  );
  return { ...doc, paths: sortedPaths };
}

const withoutExamples = ({ examples: _examples, ...schema }: Json): Json => schema;

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
