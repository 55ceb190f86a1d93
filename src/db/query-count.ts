import { AsyncLocalStorage } from 'node:async_hooks';

/** Statements executed (and their time) within one request, read by Server-Timing and tests. */
export interface QueryStats {
  count: number;
  ms: number;
}

const requestStats = new AsyncLocalStorage<QueryStats>();

/** Runs `fn` (and everything it starts) counting into `stats`. */
export function runWithQueryStats<T>(stats: QueryStats, fn: () => T): T {
  return requestStats.run(stats, fn);
}

/**
 * Runs `fn` (and everything it starts) outside any request's count: for background work a
 * request merely triggers, whose statements would otherwise be counted, or not, depending on
 * whether they happen to finish before the response is sent.
 */
export function runOutsideQueryStats<T>(fn: () => T): T {
  return requestStats.exit(fn);
}

export const currentQueryStats = (): QueryStats | undefined => requestStats.getStore();

export function recordQuery(durationMs: number): void {
  const stats = requestStats.getStore();
  if (!stats) return;
  stats.count += 1;
  stats.ms += durationMs;
}
