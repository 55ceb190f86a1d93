import { sql } from 'kysely';
import { dialectOf } from '../dialect.js';
import { type AnyDb, createTable, refType, timeType } from './ddl.js';

/**
 * The materialised home timeline (docs/SCALING.md): one row per (reader, post) the reader's
 * feed holds, written by fan-out on post, backfilled on follow. The feed reads one range of
 * (user_id, created_at, post_id, author_id), covering. No foreign keys: rows are removed explicitly (a cascade from
 * posts would need a post_id index only deletes use). Authors with too many followers are
 * listed in timeline_merge_authors and merged in at read time instead of fanned out.
 */
export async function up(db: AnyDb): Promise<void> {
  const ref = refType(db);
  const time = timeType(db);
  const timeline = createTable(db, 'home_timeline')
    .addColumn('user_id', ref, (c) => c.notNull())
    .addColumn('post_id', ref, (c) => c.notNull())
    .addColumn('author_id', ref, (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addPrimaryKeyConstraint('home_timeline_pk', ['user_id', 'post_id']);
  // SQLite: the primary key is the table itself (no separate rowid tree). InnoDB clusters by it anyway.
  await (dialectOf(db) === 'sqlite' ? timeline.modifyEnd(sql`without rowid`) : timeline).execute();
  await db.schema
    .createIndex('home_timeline_user_created_idx')
    .on('home_timeline')
    .columns(['user_id', 'created_at', 'post_id', 'author_id'])
    .execute();

  await createTable(db, 'timeline_merge_authors')
    .addColumn('user_id', ref, (c) => c.notNull().primaryKey())
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('timeline_merge_authors').execute();
  await db.schema.dropTable('home_timeline').execute();
}
