import type { FastifyInstance } from 'fastify';
import { type QueryStats, runWithQueryStats } from '../db/query-count.js';

declare module 'fastify' {
  interface FastifyRequest {
    queryStats: QueryStats;
  }
}

/**
 * Gives each request its own statement counter. Body parsing runs in the socket's async
 * context, so the counter is re-entered after it (preValidation) and before the handler.
 * `Server-Timing: db;desc="queries=N";dur=ms` exposes it to tests and the benchmark.
 */
export function registerQueryStats(app: FastifyInstance, exposeHeader: boolean): void {
  app.decorateRequest('queryStats', null as unknown as QueryStats);
  app.addHook('onRequest', (request, _reply, done) => {
    request.queryStats = { count: 0, ms: 0 };
    runWithQueryStats(request.queryStats, done);
  });
  const reenter = (request: { queryStats: QueryStats }, _reply: unknown, done: () => void) =>
    runWithQueryStats(request.queryStats, done);
  app.addHook('preValidation', reenter);
  app.addHook('preHandler', reenter);
  if (!exposeHeader) return;
  app.addHook('onSend', (request, reply, payload, done) => {
    const { count, ms } = request.queryStats;
    reply.header('Server-Timing', `db;desc="queries=${count}";dur=${ms.toFixed(2)}`);
    done(null, payload);
  });
}
