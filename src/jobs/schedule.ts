import type { Db } from '../db/client.js';
import { runOutsideQueryStats } from '../db/query-count.js';
import { toDbTime } from '../db/time.js';
import { inTransaction } from '../db/transaction.js';
import { deleteFinishedJobs, insertJobs } from './jobs.repository.js';

/** Queue a job of `kind` (with an empty payload) every `everyMs`, once across all replicas. */
export interface RecurringTask {
  kind: string;
  everyMs: number;
}

export interface ScheduleOptions {
  now: () => Date;
  /** How often this process checks whether a task is due. */
  tickMs?: number;
  /** Jobs were queued: wake this process's workers. */
  onQueued: () => void;
  onError: (error: unknown) => void;
}

/**
 * Every replica ticks; the `job_schedules` row is the lease: the one update that moves a task's
 * next run forward (only while it is due) decides which replica queues that run, in the same
 * transaction as the job, so a run is queued exactly once. The work itself is an ordinary job
 * (retried, visible in `npm run jobs`). Returns the stop function, which waits for a tick
 * under way.
 */
export function startSchedule(
  db: Db,
  tasks: readonly RecurringTask[],
  options: ScheduleOptions,
): () => Promise<void> {
  const tickMs = options.tickMs ?? 60_000;
  let ticking: Promise<void> | undefined;

  async function queueDueTasks() {
    let queued = 0;
    for (const task of tasks) {
      const now = toDbTime(options.now());
      const next = toDbTime(new Date(options.now().getTime() + task.everyMs));
      // A task's first run is one interval after the first process that knows it started.
      // Inserted on its own: in the claiming transaction, two replicas' inserts of the same key
      // deadlock on MySQL's gap locks.
      await db
        .insertInto('job_schedules')
        .values({ name: task.kind, next_run_at: next })
        .orIgnore()
        .execute();
      const won = await inTransaction(db, async (trx) => {
        const moved = await trx
          .updateTable('job_schedules')
          .set({ next_run_at: next })
          .where('name', '=', task.kind)
          .where('next_run_at', '<=', now)
          .executeTakeFirst();
        if (Number(moved.numUpdatedRows) === 0) return false;
        await insertJobs(trx, [{ kind: task.kind, payload: {} }], now);
        return true;
      });
      if (won) queued++;
    }
    if (queued > 0) options.onQueued();
  }

  const tick = () => {
    ticking ??= runOutsideQueryStats(queueDueTasks)
      .catch(options.onError)
      .finally(() => (ticking = undefined));
  };
  const timer = setInterval(tick, tickMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await ticking;
  };
}

export const PRUNE_FINISHED_JOBS = 'jobs.prune_finished';
const FINISHED_KEPT_MS = 7 * 24 * 3600_000;

/** Retention of the jobs table itself: finished jobs are kept a week. */
export const jobsRetentionHandlers = (db: Db, now: () => Date) => ({
  async [PRUNE_FINISHED_JOBS]() {
    await deleteFinishedJobs(db, toDbTime(new Date(now().getTime() - FINISHED_KEPT_MS)));
  },
});
