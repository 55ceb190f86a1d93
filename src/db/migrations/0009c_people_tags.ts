import { type AnyDb, createTable, idColumn, primaryId, refType, timeType } from './ddl.js';

/**
 * People tags on photos (issue #17): a person at (x, y) in [0, 1] on one image of a post.
 * `pending` tags (the person asked to approve tags: profiles.tag_approval = 'manual') are shown
 * to nobody until approved.
 */
export async function up(db: AnyDb): Promise<void> {
  const ref = refType(db);
  await createTable(db, 'media_tags')
    .addColumn('id', idColumn(db), primaryId)
    .addColumn('media_id', ref, (c) => c.notNull().references('media.id').onDelete('cascade'))
    .addColumn('post_id', ref, (c) => c.notNull().references('posts.id').onDelete('cascade'))
    .addColumn('user_id', ref, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('x', 'real', (c) => c.notNull())
    .addColumn('y', 'real', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_at', timeType(db), (c) => c.notNull())
    .addUniqueConstraint('media_tags_media_user_unique', ['media_id', 'user_id'])
    .execute();
  await db.schema.createIndex('media_tags_post_idx').on('media_tags').column('post_id').execute();
  // "Tagged" grids and pending lists: one person's tags by status.
  await db.schema
    .createIndex('media_tags_user_status_idx')
    .on('media_tags')
    .columns(['user_id', 'status', 'post_id'])
    .execute();
  await db.schema
    .alterTable('profiles')
    .addColumn('tag_approval', 'varchar(8)', (c) => c.notNull().defaultTo('auto'))
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable('profiles').dropColumn('tag_approval').execute();
  await db.schema.dropTable('media_tags').execute();
}
