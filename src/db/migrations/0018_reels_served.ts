import { type AnyDb, createTable, refType, timeType } from './ddl.js';

/**
 * GET /reels remembers what each walk served (issue #19), so a reel whose popularity drops, or
 * whose author the caller unfollows, mid-walk is never served again. Rows live a day: the
 * retention job prunes them, and a walk's cursor expires with them.
 */
export async function up(db: AnyDb): Promise<void> {
  const ref = refType(db);
  await createTable(db, 'reel_feed_served')
    .addColumn('viewer_id', ref, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('walk_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('post_id', ref, (c) => c.notNull().references('posts.id').onDelete('cascade'))
    .addColumn('served_at', timeType(db), (c) => c.notNull())
    .addPrimaryKeyConstraint('reel_feed_served_pk', ['viewer_id', 'walk_id', 'post_id'])
    .execute();
  await db.schema
    .createIndex('reel_feed_served_served_at_idx')
    .on('reel_feed_served')
    .column('served_at')
    .execute();
  // MySQL indexes a foreign key's column by itself; SQLite needs this one for the cascade.
  await db.schema
    .createIndex('reel_feed_served_post_idx')
    .on('reel_feed_served')
    .column('post_id')
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('reel_feed_served').execute();
}
