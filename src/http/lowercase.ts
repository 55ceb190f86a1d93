import type { FastifyRequest } from 'fastify';

/**
 * A preValidation hook: usernames and emails are case-insensitive, so these body fields are
 * lowercased before the schema checks them.
 */
export const lowercaseFields =
  (...fields: string[]) =>
  async (request: FastifyRequest) => {
    const body = request.body as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object') return;
    for (const field of fields) {
      if (typeof body[field] === 'string') body[field] = body[field].toLowerCase();
    }
  };
