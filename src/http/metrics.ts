import type { FastifyInstance } from 'fastify';
import type { LogEvent } from 'kysely';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Gauge, type Metric, Registry } from 'prom-client';

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
  /** A job run ended (`ok`, or `error` when it threw and will be retried or kept as failed). */
  observeJob(kind: string, outcome: 'ok' | 'error', seconds: number): void;
  /** Reads the queue (depth and oldest due job's age by kind) at each scrape. */
  watchQueue(read: () => Promise<QueueState[]>): void;
}

export interface QueueState {
  kind: string;
  /** Queued jobs, due or not, running or not. */
  depth: number;
  /** Seconds since the oldest due job became due (0 when none is due). */
  oldestAgeSeconds: number;
}

/** Kysely's root operation node kinds; anything else (begin, commit, raw SQL) is 'other'. */
const OPERATIONS: Record<string, string> = {
  SelectQueryNode: 'select',
  InsertQueryNode: 'insert',
  UpdateQueryNode: 'update',
  DeleteQueryNode: 'delete',
};

type Labels = Record<string, string | number>;

interface Series {
  labels: Labels;
  /** Observations per bucket (not cumulative), the last one past every bound (+Inf). */
  counts: number[];
  sum: number;
}

/**
 * A Prometheus histogram kept as plain counts per label set, read by the registry at scrape
 * time. Recording is a map lookup, a bucket search and three additions: prom-client's own
 * Histogram validates and hashes the labels on every observation (~2.5 µs measured here),
 * which every SQL statement of a hot request would pay.
 */
class CountingHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly series = new Map<string, Series>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
  ) {}

  /** `key` identifies the label set; `labels` is only called the first time a key is seen. */
  observe(key: string, labels: () => Labels, value: number): void {
    const series = this.series.get(key) ?? this.zero(key, labels());
    let bucket = 0;
    while (bucket < this.bounds.length && value > this.bounds[bucket]!) bucket++;
    series.counts[bucket]! += 1;
    series.sum += value;
  }

  /** Creates a label set's series at zero, so that it is scraped before its first observation. */
  zero(key: string, labels: Labels): Series {
    const series = { labels, counts: new Array<number>(this.bounds.length + 1).fill(0), sum: 0 };
    this.series.set(key, series);
    return series;
  }

  /** The shape prom-client's registry formats (one _bucket line per bound, then _sum and _count). */
  get() {
    const values = [];
    for (const { labels, counts, sum } of this.series.values()) {
      let cumulative = 0;
      counts.forEach((count, i) => {
        cumulative += count;
        const le = i < this.bounds.length ? this.bounds[i]! : '+Inf';
        values.push({
          metricName: `${this.name}_bucket`,
          labels: { ...labels, le },
          value: cumulative,
        });
      });
      values.push({ metricName: `${this.name}_sum`, labels, value: sum });
      values.push({ metricName: `${this.name}_count`, labels, value: cumulative });
    }
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values,
    };
  }
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new CountingHistogram(
    'http_request_duration_seconds',
    'HTTP requests by method, route pattern and status code, and their duration.',
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
  );
  const statements = new CountingHistogram(
    'db_statement_duration_seconds',
    'SQL statements by operation (select, insert, update, delete, other) and outcome, and their duration.',
    [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 0.5, 2],
  );
  const jobs = new CountingHistogram(
    'job_run_duration_seconds',
    'Background job runs by kind and outcome (ok, error), and their duration.',
    [0.005, 0.025, 0.1, 0.5, 1, 5, 30, 120, 600],
  );
  for (const metric of [requests, statements, jobs]) {
    registry.registerMetric(metric as unknown as Metric);
  }
  let readQueue: (() => Promise<QueueState[]>) | undefined;
  let queue: Promise<QueueState[]> | undefined;
  // Both gauges come from one read per scrape.
  const queueRead = () =>
    (queue ??= (readQueue?.() ?? Promise.resolve([])).finally(() => {
      setImmediate(() => (queue = undefined));
    }));
  new Gauge({
    name: 'job_queue_depth',
    help: 'Queued jobs by kind (due or not, running or not).',
    labelNames: ['kind'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const state of await queueRead()) this.set({ kind: state.kind }, state.depth);
    },
  });
  new Gauge({
    name: 'job_queue_oldest_age_seconds',
    help: 'How long the oldest due job of each kind has waited.',
    labelNames: ['kind'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const state of await queueRead()) {
        this.set({ kind: state.kind }, state.oldestAgeSeconds);
      }
    },
  });
  for (const operation of [...Object.values(OPERATIONS), 'other']) {
    for (const outcome of ['ok', 'error']) {
      statements.zero(`${operation}|${outcome}`, { operation, outcome });
    }
  }
  return {
    registry,
    observeStatement(event) {
      const operation = OPERATIONS[event.query.query.kind] ?? 'other';
      const outcome = event.level === 'error' ? 'error' : 'ok';
      statements.observe(
        `${operation}|${outcome}`,
        () => ({ operation, outcome }),
        event.queryDurationMillis / 1000,
      );
    },
    observeJob(kind, outcome, seconds) {
      jobs.observe(`${kind}|${outcome}`, () => ({ kind, outcome }), seconds);
    },
    watchQueue(read) {
      readQueue = read;
    },
    observeRequest(method, route, statusCode, seconds) {
      requests.observe(
        `${method} ${statusCode} ${route}`,
        () => ({ method, route, status_code: statusCode }),
        seconds,
      );
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
