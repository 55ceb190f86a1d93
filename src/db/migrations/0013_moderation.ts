import type { ColumnDefinitionBuilder } from 'kysely';
import { type AnyDb, createTable, idColumn, primaryId, refType, timeType } from './ddl.js';

/**
 * Reports and moderation (issue #18): what people report, with a snapshot of the target as it
 * was reported (JSON text), and the audit log of every moderator action. Roles and suspension
 * live on `users` since 0010.
 */
export async function up(db: AnyDb): Promise<void> {
  const userRef = (c: ColumnDefinitionBuilder) =>
    c.notNull().references('users.id').onDelete('cascade');

  await createTable(db, 'reports')
    .addColumn('id', idColumn(db), primaryId)
    .addColumn('reporter_id', refType(db), userRef)
    .addColumn('target_type', 'varchar(16)', (c) => c.notNull())
    .addColumn('target_id', refType(db), (c) => c.notNull())
    // The account whose content (or self) was reported: suspend_user acts on it even after the
    // content is gone.
    .addColumn('target_user_id', refType(db), userRef)
    .addColumn('reason', 'varchar(32)', (c) => c.notNull())
    .addColumn('details', 'varchar(1000)')
    .addColumn('snapshot', 'text', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull().defaultTo('open'))
    .addColumn('created_at', timeType(db), (c) => c.notNull())
    .addColumn('resolved_at', timeType(db))
    .addColumn('resolved_by', refType(db), (c) => c.references('users.id').onDelete('set null'))
    .addColumn('resolution', 'varchar(32)')
    .addColumn('resolution_note', 'varchar(1000)')
    .addUniqueConstraint('reports_reporter_target_unique', [
      'reporter_id',
      'target_type',
      'target_id',
    ])
    .execute();
  await db.schema
    .createIndex('reports_status_created_idx')
    .on('reports')
    .columns(['status', 'created_at', 'id'])
    .execute();
  await db.schema
    .createIndex('reports_target_user_idx')
    .on('reports')
    .column('target_user_id')
    .execute();
  await db.schema
    .createIndex('reports_resolved_by_idx')
    .on('reports')
    .column('resolved_by')
    .execute();

  await createTable(db, 'audit_log')
    .addColumn('id', idColumn(db), primaryId)
    // Null: done from the console (npm run user:role), not by an account.
    .addColumn('actor_id', refType(db), (c) => c.references('users.id').onDelete('set null'))
    .addColumn('action', 'varchar(32)', (c) => c.notNull())
    .addColumn('target_type', 'varchar(16)', (c) => c.notNull())
    .addColumn('target_id', refType(db), (c) => c.notNull())
    .addColumn('report_id', refType(db), (c) => c.references('reports.id').onDelete('set null'))
    .addColumn('note', 'varchar(1000)')
    .addColumn('created_at', timeType(db), (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('audit_log_created_idx')
    .on('audit_log')
    .columns(['created_at', 'id'])
    .execute();
  await db.schema.createIndex('audit_log_actor_idx').on('audit_log').column('actor_id').execute();
  await db.schema.createIndex('audit_log_report_idx').on('audit_log').column('report_id').execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('audit_log').execute();
  await db.schema.dropTable('reports').execute();
}
