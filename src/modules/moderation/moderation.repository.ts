import { dialectOf } from '../../db/dialect.js';
import type { DbTime } from '../../db/time.js';
import type { Executor, Trx } from '../../db/transaction.js';
import type {
  ReportResolution,
  ReportStatus,
  ReportsTable,
  ReportTargetType,
} from '../../db/types.js';
import type { Insertable } from 'kysely';
import { after } from '../../http/pagination.js';

/** All SQL of reports and audit_log. */

export function findReportOf(
  db: Executor,
  reporterId: number,
  targetType: ReportTargetType,
  targetId: number,
) {
  return db
    .selectFrom('reports')
    .selectAll()
    .where('reporter_id', '=', reporterId)
    .where('target_type', '=', targetType)
    .where('target_id', '=', targetId)
    .executeTakeFirst();
}

export async function insertReport(db: Executor, report: Insertable<ReportsTable>) {
  const result = await db.insertInto('reports').values(report).executeTakeFirstOrThrow();
  return Number(result.insertId);
}

/**
 * Reports with the usernames of reporter, reported account and moderator joined in (those
 * accounts may be suspended or deactivated, which summaries leave out): one statement.
 */
function adminReports(db: Executor) {
  return db
    .selectFrom('reports')
    .innerJoin('users as reporter', 'reporter.id', 'reports.reporter_id')
    .innerJoin('users as target_user', 'target_user.id', 'reports.target_user_id')
    .leftJoin('users as moderator', 'moderator.id', 'reports.resolved_by')
    .selectAll('reports')
    .select([
      'reporter.username as reporter_username',
      'target_user.username as target_username',
      'moderator.username as moderator_username',
    ]);
}

export type AdminReportRow = NonNullable<Awaited<ReturnType<typeof findAdminReport>>>;

export function findAdminReport(db: Executor, id: number) {
  return adminReports(db).where('reports.id', '=', id).executeTakeFirst();
}

/** Open reports oldest first (a queue), resolved ones newest first. */
export function reportsPage(
  db: Executor,
  status: ReportStatus,
  cursor: readonly [string, number] | null,
  limit: number,
) {
  const direction = status === 'open' ? 'asc' : 'desc';
  return adminReports(db)
    .where('reports.status', '=', status)
    .$if(cursor !== null, (qb) =>
      qb.where((eb) => after(eb, ['reports.created_at', 'reports.id'], cursor!, direction)),
    )
    .orderBy('reports.created_at', direction)
    .orderBy('reports.id', direction)
    .limit(limit + 1)
    .execute();
}

/** Locks the report (MySQL) for its resolution; undefined when there is none. */
export function lockReport(trx: Trx, id: number) {
  return trx
    .selectFrom('reports')
    .selectAll()
    .where('id', '=', id)
    .$if(dialectOf(trx) === 'mysql', (qb) => qb.forUpdate())
    .executeTakeFirst();
}

/** False when the report was resolved meanwhile. */
export async function resolveReport(
  db: Executor,
  id: number,
  resolution: { by: number; action: ReportResolution; note: string | null; at: DbTime },
): Promise<boolean> {
  const result = await db
    .updateTable('reports')
    .set({
      status: 'resolved',
      resolved_by: resolution.by,
      resolution: resolution.action,
      resolution_note: resolution.note,
      resolved_at: resolution.at,
    })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export interface NewAuditEntry {
  actor_id: number | null;
  action: string;
  target_type: string;
  target_id: number;
  report_id?: number | null;
  note?: string | null;
  created_at: DbTime;
}

export async function insertAuditEntry(db: Executor, entry: NewAuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({ ...entry, report_id: entry.report_id ?? null, note: entry.note ?? null })
    .execute();
}

/** Newest first, with the actor's username joined in: one statement. */
export function auditPage(db: Executor, cursor: readonly [string, number] | null, limit: number) {
  return db
    .selectFrom('audit_log')
    .leftJoin('users as actor', 'actor.id', 'audit_log.actor_id')
    .selectAll('audit_log')
    .select('actor.username as actor_username')
    .$if(cursor !== null, (qb) =>
      qb.where((eb) => after(eb, ['audit_log.created_at', 'audit_log.id'], cursor!, 'desc')),
    )
    .orderBy('audit_log.created_at', 'desc')
    .orderBy('audit_log.id', 'desc')
    .limit(limit + 1)
    .execute();
}

export type ReportRow = NonNullable<Awaited<ReturnType<typeof findReportOf>>>;
