import type { Transaction } from 'kysely';
import type { Db } from './client.js';
import type { DB } from './types.js';

export type Trx = Transaction<DB>;
/** Repositories accept either the database or an open transaction. */
export type Executor = Db | Trx;

const RETRYABLE_MYSQL = new Set([1213 /* deadlock */, 1205 /* lock wait timeout */]);
const MAX_ATTEMPTS = 4;

/**
 * The one way to run a multi-row write. MySQL may pick a concurrent transaction as a deadlock
 * victim (e.g. two likes on one post); that is retried here instead of surfacing as a 500.
 */
export async function inTransaction<T>(db: Db, work: (trx: Trx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(work);
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS || !isRetryable(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 * attempt + Math.random() * 10));
    }
  }
}

/** A deadlock victim or lock timeout (MySQL) or a busy SQLite database: worth another attempt. */
export function isRetryable(error: unknown): boolean {
  const e = error as { errno?: number; code?: string };
  return (
    (e.errno !== undefined && RETRYABLE_MYSQL.has(e.errno)) ||
    e.code === 'SQLITE_BUSY' ||
    e.code === 'SQLITE_BUSY_SNAPSHOT'
  );
}

/** True when an insert hit a unique constraint, on either engine. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { errno?: number; code?: string };
  return (
    e.errno === 1062 ||
    e.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}

/**
 * True when a write referenced a row that is gone (e.g. media removed by the sweeper between a
 * service's check and its insert), on either engine.
 */
export function isForeignKeyViolation(error: unknown): boolean {
  const e = error as { errno?: number; code?: string };
  return e.errno === 1452 || e.code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}
