import {
  type AnyDb,
  createTable,
  idColumn,
  longTextType,
  primaryId,
  refType,
  timeType,
} from './ddl.js';

/**
 * Idempotency-Key records (issue #14, src/http/idempotency.ts): one row per (account, key),
 * claimed by an insert under the unique constraint before the request runs, then holding the
 * answer that a retry with the same key gets back. Rows older than a day are pruned.
 */
export async function up(db: AnyDb): Promise<void> {
  await createTable(db, 'idempotency_keys')
    .addColumn('id', idColumn(db), primaryId)
    .addColumn('user_id', refType(db), (c) =>
      c.notNull().references('users.id').onDelete('cascade'),
    )
    .addColumn('idempotency_key', 'varchar(255)', (c) => c.notNull())
    .addColumn('fingerprint', 'varchar(64)', (c) => c.notNull())
    .addColumn('response_status', 'integer')
    .addColumn('response_headers', 'varchar(2048)')
    .addColumn('response_body', longTextType(db))
    .addColumn('created_at', timeType(db), (c) => c.notNull())
    .addUniqueConstraint('idempotency_keys_user_key_unique', ['user_id', 'idempotency_key'])
    .execute();
  await db.schema
    .createIndex('idempotency_keys_created_idx')
    .on('idempotency_keys')
    .column('created_at')
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('idempotency_keys').execute();
}
