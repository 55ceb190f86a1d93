import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppDeps } from '../../app.js';

/** Registered only with TEST_CLOCK=1: lets acceptance tests move the server's time. */
export const testClockRoutes =
  ({ clock }: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.post(
      '/test/clock',
      {
        schema: {
          tags: ['testing'],
          summary: 'Shift the server clock (TEST_CLOCK=1 only)',
          body: Type.Object(
            {
              offset_ms: Type.Integer({
                description: 'Milliseconds to add to real time; 0 resets',
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
