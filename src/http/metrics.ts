import type { FastifyInstance } from 'fastify';
import type { LogEvent } from 'kysely';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/**
 * Prometheus metrics: requests by route pattern and status, SQL statements by operation, and
 * prom-client's process metrics. Each histogram's `_count` series is the number of requests
 * (statements). Recorded only when METRICS_PORT is set; served on that port, never the public one.
 */
export interface Metrics {
  registry: Registry;
  /** A statement ran or failed (db/client.ts onStatement). */
  observeStatement(event: LogEvent): void;
  observeRequest(method: string, route: string, statusCode: number, seconds: number): void;
}

/** Kysely's root operation node kinds; anything else (begin, commit, raw SQL) is 'other'. */
const OPERATIONS: Record<string, string> = {
  SelectQueryNode: 'select',
  InsertQueryNode: 'insert',
  UpdateQueryNode: 'update',
  DeleteQueryNode: 'delete',
};

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status code, and their duration.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });
  const statements = new Histogram({
    name: 'db_statement_duration_seconds',
    help: 'SQL statements by operation (select, insert, update, delete, other) and outcome, and their duration.',
    labelNames: ['operation', 'outcome'] as const,
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 0.5, 2],
    registers: [registry],
  });
  // One child per label set, looked up once: a statement then costs a bucket search.
  const statementChildren = new Map<string, Histogram.Internal<'operation' | 'outcome'>>();
  for (const operation of [...Object.values(OPERATIONS), 'other']) {
    for (const outcome of ['ok', 'error']) {
      statements.zero({ operation, outcome }); // every series exists from the first scrape
      statementChildren.set(`${operation}|${outcome}`, statements.labels({ operation, outcome }));
    }
  }
  return {
    registry,
    observeStatement(event) {
      const operation = OPERATIONS[event.query.query.kind] ?? 'other';
      const outcome = event.level === 'error' ? 'error' : 'ok';
      statementChildren.get(`${operation}|${outcome}`)!.observe(event.queryDurationMillis / 1000);
    },
    observeRequest(method, route, statusCode, seconds) {
      requests.observe({ method, route, status_code: statusCode }, seconds);
    },
  };
}

/** Records every answered request under its route pattern (`/api/v1/posts/:id`), not its URL. */
export function registerRequestMetrics(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', (request, reply, done) => {
    metrics.observeRequest(
      request.method,
      // Unmatched URLs share one label, so scanners cannot grow the series without bound.
      request.routeOptions.url ?? 'unmatched',
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
    done();
  });
}

/**
 * Serves GET /metrics on its own listener (METRICS_PORT), for scrapers on the private network.
 * Resolves once listening, with the bound port and the close function.
 */
export async function serveMetrics(
  metrics: Metrics,
  port: number,
  host: string,
): Promise<{ port: number; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: scrape /metrics\n');
      return;
    }
    metrics.registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      (error: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(error.message),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
