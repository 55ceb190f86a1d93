import { dialectOf } from '../dialect.js';
import { type AnyDb, timeType } from './ddl.js';

const MEDIA_COLUMNS = ['status', 'failure_reason', 'source_key'] as const;

/**
 * Media processed in a job (issue #16): a row is written with status `processing` before any of
 * its files, so whatever a crash leaves is referenced by a row the unattached sweep removes.
 * `source_key` is the stored original of a video until its transcode succeeds. Rows written
 * before this migration were complete: `ready`. Stories: `archived_at` marks an expired story
 * moved to its author's archive by the retention job (kept for highlights).
 */
export async function up(db: AnyDb): Promise<void> {
  // One column per ALTER: SQLite adds a single column at a time.
  await db.schema
    .alterTable('media')
    .addColumn('status', 'varchar(16)', (c) => c.notNull().defaultTo('ready'))
    .execute();
  await db.schema.alterTable('media').addColumn('failure_reason', 'varchar(500)').execute();
  await db.schema.alterTable('media').addColumn('source_key', 'varchar(200)').execute();
  await db.schema.alterTable('stories').addColumn('archived_at', timeType(db)).execute();
  // The archive job finds expired stories not archived yet; the archive lists an author's.
  await db.schema
    .createIndex('stories_archived_expires_idx')
    .on('stories')
    .columns(['archived_at', 'expires_at'])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  const dropIndex = db.schema.dropIndex('stories_archived_expires_idx');
  await (dialectOf(db) === 'mysql' ? dropIndex.on('stories') : dropIndex).execute();
  await db.schema.alterTable('stories').dropColumn('archived_at').execute();
  for (const column of [...MEDIA_COLUMNS].reverse()) {
    await db.schema.alterTable('media').dropColumn(column).execute();
  }
}
