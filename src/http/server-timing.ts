import type { FastifyInstance } from 'fastify';
import { type QueryStats, runWithQueryStats } from '../db/query-count.js';

declare module 'fastify' {
  interface FastifyRequest {
    queryStats: QueryStats;
  }
}

/**
 * Gives each request its own statement counter, exposed as
 * `Server-Timing: db;desc="queries=N";dur=ms` for tests and the benchmark. Only installed when
 * SERVER_TIMING is on (the default outside production): the counter rides on
 * AsyncLocalStorage, whose promise hooks cost ~25 % of the throughput of a simple read on
 * Node 20 (docs/BENCHMARKS.md), so production runs without it. Body parsing runs in the
 * socket's async context, so the counter is re-entered after it (preValidation) and before
 * the handler.
 */
export function registerQueryStats(app: FastifyInstance, enabled: boolean): void {
  if (!enabled) return;
  app.decorateRequest('queryStats', null as unknown as QueryStats);
  app.addHook('onRequest', (request, _reply, done) => {
    request.queryStats = { count: 0, ms: 0 };
    runWithQueryStats(request.queryStats, done);
  });
  const reenter = (request: { queryStats: QueryStats }, _reply: unknown, done: () => void) =>
    runWithQueryStats(request.queryStats, done);
  app.addHook('preValidation', reenter);
  app.addHook('preHandler', reenter);
  app.addHook('onSend', (request, reply, payload, done) => {
    const { count, ms } = request.queryStats;
    reply.header('Server-Timing', `db;desc="queries=${count}";dur=${ms.toFixed(2)}`);
    done(null, payload);
  });
}
