import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Db } from '../db/client.js';
import { runOutsideQueryStats } from '../db/query-count.js';
import { toDbTime } from '../db/time.js';
import {
  claimJob,
  claimJobById,
  extendLease,
  isHeldByAWorker,
  type JobRow,
  markDone,
  markFailedAttempt,
} from './jobs.repository.js';

/** Which attempt this is: a handler may record a final failure on its last one. */
export interface JobAttempt {
  attempt: number;
  last: boolean;
}

/**
 * Runs one job. Must be idempotent: a job can run again after a crash or a lost lease. The
 * runner always passes `attempt`; a direct call (tests) may leave it out.
 */
export type JobHandler = (payload: unknown, attempt?: JobAttempt) => Promise<void>;
export type JobHandlers = Readonly<Record<string, JobHandler>>;

export interface JobRunnerOptions {
  db: Db;
  handlers: JobHandlers;
  /** Jobs run at once by this process; 0 runs none (a web-only replica). */
  concurrency: number;
  now: () => Date;
  /** How long a claimed job is ours; renewed while it runs. Past it, another worker may take it. */
  leaseMs?: number;
  /** Idle workers look for due jobs this often (jobs written by this process wake them at once). */
  pollMs?: number;
  onError: (error: unknown, job: Pick<JobRow, 'id' | 'kind' | 'attempts'>) => void;
  /** Every run's end, for metrics. */
  onRun?: (kind: string, outcome: 'ok' | 'error', seconds: number) => void;
}

export interface JobRunner {
  /** This process wrote jobs: idle workers look now rather than at their next poll. */
  wake(): void;
  /**
   * Runs these just-committed jobs in the caller (a request that wants their effect before it
   * answers), or waits a bounded time for a worker that took one first. They stay durable: a
   * crash here leaves them to the workers.
   */
  runNow(ids: readonly number[]): Promise<void>;
  /** Runs every due job (in this call, beside the workers) until none is due or running. Tests. */
  drain(): Promise<void>;
  /** Stops claiming, waits up to `graceMs` for running jobs; unfinished ones keep their lease and are taken again when it ends. */
  stop(graceMs: number): Promise<void>;
}

const DEFAULT_LEASE_MS = 60_000;
const DEFAULT_POLL_MS = 1_000;
const MAX_BACKOFF_MS = 60 * 60_000;
const RUN_NOW_WAIT_MS = 2_000;

/** 2 s, 4 s, 8 s, … capped at an hour, with jitter so retries of a burst spread out. */
export const backoffMs = (attempt: number) =>
  Math.min(MAX_BACKOFF_MS, 1000 * 2 ** attempt) * (0.75 + Math.random() * 0.5);

export function createJobRunner(options: JobRunnerOptions): JobRunner {
  const { db, handlers, now } = options;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  const workerId = `${hostname().slice(0, 40)}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const running = new Set<Promise<void>>();
  let stopping = false;
  const sleepers = new Set<() => void>();
  let wakeRequested = false;

  const later = (ms: number) => toDbTime(new Date(now().getTime() + ms));

  async function execute(job: JobRow): Promise<void> {
    const started = performance.now();
    const ran = (outcome: 'ok' | 'error') =>
      options.onRun?.(job.kind, outcome, (performance.now() - started) / 1000);
    const renew = setInterval(() => {
      extendLease(db, job.id, workerId, later(leaseMs)).catch(() => undefined);
    }, leaseMs / 3).unref();
    try {
      const handler = handlers[job.kind];
      if (!handler) throw new Error(`no handler for job kind "${job.kind}"`);
      await handler(JSON.parse(job.payload), {
        attempt: job.attempts,
        last: job.attempts >= job.max_attempts,
      });
      await markDone(db, job.id, workerId, toDbTime(now()));
      ran('ok');
    } catch (error) {
      ran('error');
      options.onError(error, job);
      const retryAt = job.attempts < job.max_attempts ? later(backoffMs(job.attempts)) : null;
      const message = error instanceof Error ? error.message : String(error);
      await markFailedAttempt(
        db,
        job.id,
        workerId,
        message.slice(0, 2000),
        toDbTime(now()),
        retryAt,
      ).catch(
        // The database is away: the lease ends and the job is taken again.
        () => undefined,
      );
    } finally {
      clearInterval(renew);
    }
  }

  /** Claims and runs one due job; false when none was due. */
  function runOne(): Promise<boolean> {
    // Tracked from before the claim, so drain() also waits for a job that another loop has
    // claimed but not yet started.
    const attempt = claimJob(db, workerId, toDbTime(now()), later(leaseMs)).then(async (job) => {
      if (!job) return false;
      await execute(job);
      return true;
    });
    // Registered before the caller's await, so it leaves the set before the caller looks at it.
    const settled: Promise<void> = attempt.then(
      () => void running.delete(settled),
      () => void running.delete(settled),
    );
    running.add(settled);
    return attempt;
  }

  function idle(): Promise<void> {
    if (wakeRequested) {
      wakeRequested = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, pollMs);
      function done() {
        clearTimeout(timer);
        sleepers.delete(done);
        resolve();
      }
      sleepers.add(done);
    });
  }

  async function workLoop(): Promise<void> {
    while (!stopping) {
      let found = false;
      try {
        found = await runOne();
      } catch {
        // Claim failed (database away, lock timeout): try again after a poll interval.
      }
      if (!found && !stopping) await idle();
    }
  }

  // Workers are not part of any request (nor of its statement count).
  const loops = runOutsideQueryStats(() =>
    Array.from({ length: options.concurrency }, () => workLoop()),
  );

  return {
    wake() {
      if (sleepers.size === 0) wakeRequested = true;
      for (const done of [...sleepers]) done();
    },
    runNow(ids) {
      return runOutsideQueryStats(async () => {
        for (const id of ids) {
          const job = await claimJobById(db, id, workerId, toDbTime(now()), later(leaseMs));
          if (job) {
            await execute(job);
            continue;
          }
          const waitUntil = Date.now() + RUN_NOW_WAIT_MS;
          while (Date.now() < waitUntil && (await isHeldByAWorker(db, id))) {
            await new Promise((resolve) => setTimeout(resolve, 10));
          }
        }
      });
    },
    async drain() {
      for (;;) {
        if (await runOne()) continue;
        if (running.size === 0) return;
        await Promise.race(running);
      }
    },
    async stop(graceMs) {
      stopping = true;
      for (const done of [...sleepers]) done();
      const finished = Promise.all(loops).then(() => true);
      const timeout = new Promise<false>((resolve) =>
        setTimeout(() => resolve(false), graceMs).unref(),
      );
      await Promise.race([finished, timeout]);
    },
  };
}
