import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { Problem } from '../common.schema.js';

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

const DESCRIPTION = `Instagram-style photo and video API.

* Auth: \`Authorization: Bearer <access_token>\` from \`/api/v1/auth/login\`. Routes marked with a lock
  need it; public routes also accept it (then \`*_by_me\` fields describe the caller).
* Lists are keyset-paginated: \`?limit=\` (1–100, default 20) and \`?cursor=\` from \`next_cursor\`.
* Errors are RFC 9457 problem details with a stable \`code\`; validation errors list every
  invalid field in \`errors[]\`. Unknown JSON fields are rejected.`;

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
      responses['500'] ??= problemResponse('Unexpected server error (no internals disclosed)');
      transformed.response = responses;
      return { schema: transformed, url };
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
}
