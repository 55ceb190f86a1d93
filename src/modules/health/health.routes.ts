import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { sql } from 'kysely';
import { Type } from 'typebox';
import type { AppDeps } from '../../deps.js';
import { AppError } from '../../http/errors.js';

const status = (example: string) =>
  Type.Object({ status: Type.String() }, { examples: [{ status: example }] });

/** Liveness says the process runs; readiness says it can reach the database within 2 s. */
export const healthRoutes =
  ({ db }: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    const schema = { tags: ['operations'], hide: false };
    app.get(
      '/healthz',
      {
        schema: {
          ...schema,
          operationId: 'checkLiveness',
          summary: 'Liveness',
          response: { 200: status('ok') },
        },
      },
      async () => ({
        status: 'ok',
      }),
    );
    app.get(
      '/readyz',
      {
        schema: {
          ...schema,
          operationId: 'checkReadiness',
          summary: 'Readiness (database reachable)',
          response: { 200: status('ready') },
        },
      },
      async () => {
        const unavailable = () =>
          new AppError(503, 'service_unavailable', 'The database is not reachable.');
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(unavailable()), 2000);
        });
        try {
          await Promise.race([sql`select 1`.execute(db), timeout]);
        } catch {
          throw unavailable();
        } finally {
          clearTimeout(timer);
        }
        return { status: 'ready' };
      },
    );
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  };
