import type { Selectable } from 'kysely';
import type { Db } from '../db/client.js';
import { dialectOf } from '../db/dialect.js';
import type { DbTime } from '../db/time.js';
import { type Executor, inTransaction } from '../db/transaction.js';
import type { JobsTable } from '../db/types.js';

export type JobRow = Pick<
  Selectable<JobsTable>,
  'id' | 'kind' | 'payload' | 'attempts' | 'max_attempts'
>;

export interface NewJob {
  kind: string;
  payload: unknown;
  /** When it may run; the enqueue time when absent. */
  runAt?: DbTime;
  maxAttempts?: number;
}

export const DEFAULT_MAX_ATTEMPTS = 8;

const queuedRow = (job: NewJob, now: DbTime) => ({
  kind: job.kind,
  payload: JSON.stringify(job.payload),
  status: 'queued' as const,
  run_at: job.runAt ?? now,
  max_attempts: job.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
  created_at: now,
});

/** Written with the caller's change: pass the transaction that makes the job necessary. */
export async function insertJobs(
  trx: Executor,
  jobs: readonly NewJob[],
  now: DbTime,
): Promise<void> {
  if (jobs.length === 0) return;
  await trx
    .insertInto('jobs')
    .values(jobs.map((job) => queuedRow(job, now)))
    .execute();
}

/** One job, returning its id (for `JobRunner.runNow`). */
export async function insertJob(trx: Executor, job: NewJob, now: DbTime): Promise<number> {
  const { insertId } = await trx
    .insertInto('jobs')
    .values(queuedRow(job, now))
    .executeTakeFirstOrThrow();
  return Number(insertId);
}

/** Takes one given job if it is due and no worker holds it. */
export async function claimJobById(
  db: Db,
  id: number,
  workerId: string,
  now: DbTime,
  leaseUntil: DbTime,
): Promise<JobRow | undefined> {
  const claimed = await db
    .updateTable('jobs')
    .set((eb) => ({ run_at: leaseUntil, locked_by: workerId, attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .where('status', '=', 'queued')
    .where('run_at', '<=', now)
    .executeTakeFirst();
  if (Number(claimed.numUpdatedRows) === 0) return undefined;
  return db
    .selectFrom('jobs')
    .select(['id', 'kind', 'payload', 'attempts', 'max_attempts'])
    .where('id', '=', id)
    .executeTakeFirst();
}

/** True while the job waits for a worker that holds it now. */
export async function isHeldByAWorker(db: Executor, id: number): Promise<boolean> {
  const job = await db
    .selectFrom('jobs')
    .select(['status', 'locked_by'])
    .where('id', '=', id)
    .executeTakeFirst();
  return job?.status === 'queued' && job.locked_by !== null;
}

/**
 * Takes the oldest due job for `workerId` until `leaseUntil`. MySQL/MariaDB: the row is locked
 * with SKIP LOCKED, so concurrent workers pass over each other's candidates instead of waiting.
 * SQLite: the transaction takes the database's write lock first (`begin immediate`), so claims
 * are serialised across processes. Counting the attempt at claim time makes a job that kills
 * its worker fail in the end instead of being retried forever.
 */
export async function claimJob(
  db: Db,
  workerId: string,
  now: DbTime,
  leaseUntil: DbTime,
): Promise<JobRow | undefined> {
  const mysql = dialectOf(db) === 'mysql';
  return inTransaction(db, async (trx) => {
    const job = await trx
      .selectFrom('jobs')
      .select(['id', 'kind', 'payload', 'attempts', 'max_attempts'])
      .where('status', '=', 'queued')
      .where('run_at', '<=', now)
      .orderBy('run_at')
      .orderBy('id')
      .limit(1)
      .$if(mysql, (qb) => qb.forUpdate().skipLocked())
      .executeTakeFirst();
    if (!job) return undefined;
    await trx
      .updateTable('jobs')
      .set((eb) => ({ run_at: leaseUntil, locked_by: workerId, attempts: eb('attempts', '+', 1) }))
      .where('id', '=', job.id)
      .execute();
    return { ...job, attempts: job.attempts + 1 };
  });
}

/** Only the worker that still holds the lease may finish a job (a reclaimed one is not its). */
const heldBy = (id: number, workerId: string) => (db: Executor) =>
  db
    .updateTable('jobs')
    .where('id', '=', id)
    .where('locked_by', '=', workerId)
    .where('status', '=', 'queued');

export async function extendLease(db: Executor, id: number, workerId: string, until: DbTime) {
  await heldBy(id, workerId)(db).set({ run_at: until }).execute();
}

export async function markDone(db: Executor, id: number, workerId: string, now: DbTime) {
  await heldBy(
    id,
    workerId,
  )(db)
    .set({ status: 'done', finished_at: now, locked_by: null })
    .execute();
}

/** Back in the queue at `retryAt`, or failed for good when `retryAt` is null. */
export async function markFailedAttempt(
  db: Executor,
  id: number,
  workerId: string,
  error: string,
  now: DbTime,
  retryAt: DbTime | null,
) {
  await heldBy(
    id,
    workerId,
  )(db)
    .set(
      retryAt === null
        ? { status: 'failed', finished_at: now, locked_by: null, last_error: error }
        : { run_at: retryAt, locked_by: null, last_error: error },
    )
    .execute();
}

export function listFailedJobs(db: Executor, limit = 100) {
  return db
    .selectFrom('jobs')
    .select(['id', 'kind', 'payload', 'attempts', 'last_error', 'created_at', 'finished_at'])
    .where('status', '=', 'failed')
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** Failed jobs (all, or the given ids) run again from a fresh attempt count. */
export async function requeueFailedJobs(db: Executor, ids: readonly number[] | 'all', now: DbTime) {
  const result = await db
    .updateTable('jobs')
    .set({ status: 'queued', attempts: 0, run_at: now, finished_at: null, locked_by: null })
    .where('status', '=', 'failed')
    .$if(ids !== 'all', (qb) => qb.where('id', 'in', ids as number[]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function deleteFinishedJobs(db: Executor, finishedBefore: DbTime) {
  const result = await db
    .deleteFrom('jobs')
    .where('status', '=', 'done')
    .where('finished_at', '<', finishedBefore)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Queue depth and the oldest due job, for metrics and operators. */
export async function queueStats(db: Executor, now: DbTime) {
  const row = await db
    .selectFrom('jobs')
    .select((eb) => [
      eb.fn.countAll<number>().as('queued'),
      eb.fn.min<DbTime | null>('created_at').as('oldest_created_at'),
    ])
    .where('status', '=', 'queued')
    .where('run_at', '<=', now)
    .executeTakeFirstOrThrow();
  return { queued: Number(row.queued), oldestCreatedAt: row.oldest_created_at };
}

/** Per kind: queued jobs, and when the oldest due one became due (for /metrics). */
export async function queueByKind(db: Executor, now: DbTime) {
  const rows = await db
    .selectFrom('jobs')
    .select((eb) => [
      'kind',
      eb.fn.countAll<number>().as('depth'),
      eb.fn
        .min<DbTime | null>(eb.case().when('run_at', '<=', now).then(eb.ref('run_at')).end())
        .as('oldest_due'),
    ])
    .where('status', '=', 'queued')
    .groupBy('kind')
    .execute();
  return rows.map((row) => ({
    kind: row.kind,
    depth: Number(row.depth),
    oldestDue: row.oldest_due,
  }));
}
