import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppDeps } from '../../deps.js';

const MAX_OFFSET_MS = 100 * 365 * 24 * 60 * 60 * 1000;

/** Registered only with TEST_CLOCK=1: lets acceptance tests move the server's time. */
export const testClockRoutes =
  ({ clock }: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.post(
      '/test/clock',
      {
        schema: {
          // Test-only and off by default: kept out of the API document, which is the same everywhere.
          hide: true,
          tags: ['testing'],
          summary: 'Shift the server clock (TEST_CLOCK=1 only)',
          body: Type.Object(
            {
              // Bounded: beyond ±8.64e15 ms from the epoch a Date is invalid and every
              // timestamp the server writes would throw.
              offset_ms: Type.Integer({
                minimum: -MAX_OFFSET_MS,
                maximum: MAX_OFFSET_MS,
                description: 'Milliseconds to add to real time (at most ±100 years); 0 resets',
              }),
            },
            { additionalProperties: false },
          ),
          response: { 204: Type.Null() },
        },
      },
      async (request, reply) => {
        clock.setOffset(request.body.offset_ms);
        return reply.status(204).send(null);
      },
    );
  };
