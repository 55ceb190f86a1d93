import { dialectOf } from '../dialect.js';
import { type AnyDb, createTable, idColumn, primaryId, timeType } from './ddl.js';

/**
 * Durable background work (src/jobs/): a row written in the same transaction as the change that
 * needs it. `run_at` is when a worker may next take the row: the time it is due while queued,
 * and its lease's end while a worker holds it, so a job whose worker died is taken again by the
 * same claim. Finished rows stay (status done) until the retention prune. Recurring tasks
 * (src/jobs/schedule.ts) keep their next run in job_schedules.
 */
export async function up(db: AnyDb): Promise<void> {
  const time = timeType(db);
  await createTable(db, 'jobs')
    .addColumn('id', idColumn(db), primaryId)
    .addColumn('kind', 'varchar(64)', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('run_at', time, (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('max_attempts', 'integer', (c) => c.notNull())
    .addColumn('locked_by', 'varchar(64)')
    .addColumn('last_error', 'text')
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('finished_at', time)
    .execute();
  await db.schema
    .createIndex('jobs_status_run_at_idx')
    .on('jobs')
    .columns(['status', 'run_at', 'id'])
    .execute();
  await db.schema
    .createIndex('jobs_status_finished_at_idx')
    .on('jobs')
    .columns(['status', 'finished_at'])
    .execute();

  // One row per recurring task: the replica that moves next_run_at forward queues that run.
  await createTable(db, 'job_schedules')
    .addColumn('name', 'varchar(64)', (c) => c.notNull().primaryKey())
    .addColumn('next_run_at', time, (c) => c.notNull())
    .execute();

  // Retention deletes refresh tokens by expiry.
  await db.schema
    .createIndex('refresh_tokens_expires_at_idx')
    .on('refresh_tokens')
    .column('expires_at')
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  const dropIndex = db.schema.dropIndex('refresh_tokens_expires_at_idx');
  await (dialectOf(db) === 'mysql' ? dropIndex.on('refresh_tokens') : dropIndex).execute();
  await db.schema.dropTable('job_schedules').execute();
  await db.schema.dropTable('jobs').execute();
}
