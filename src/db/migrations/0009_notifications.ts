import {
  type AnyDb,
  createTable,
  idColumn,
  primaryId,
  refType,
  timeType,
  boolType,
} from './ddl.js';

/**
 * Notifications (issue #17): one row per thing that happened to `recipient_id`, written in the
 * transaction of the action. The subject columns cascade, so deleting a post, comment, story or
 * follow removes what points at it. `dedupe_key` is unique per recipient (liking, un-liking and
 * liking again inserts nothing the second time); `group_key` is what the grouped list folds on.
 */
export async function up(db: AnyDb): Promise<void> {
  const ref = refType(db);
  await createTable(db, 'notifications')
    .addColumn('id', idColumn(db), primaryId)
    .addColumn('recipient_id', ref, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('actor_id', ref, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('type', 'varchar(32)', (c) => c.notNull())
    .addColumn('post_id', ref, (c) => c.references('posts.id').onDelete('cascade'))
    .addColumn('comment_id', ref, (c) => c.references('comments.id').onDelete('cascade'))
    .addColumn('story_id', ref, (c) => c.references('stories.id').onDelete('cascade'))
    .addColumn('follow_id', ref, (c) => c.references('follows.id').onDelete('cascade'))
    .addColumn('dedupe_key', 'varchar(100)', (c) => c.notNull())
    .addColumn('group_key', 'varchar(100)', (c) => c.notNull())
    .addColumn('is_read', boolType(db), (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', timeType(db), (c) => c.notNull())
    .addUniqueConstraint('notifications_recipient_dedupe_unique', ['recipient_id', 'dedupe_key'])
    .execute();
  // Lists and the unread count walk one recipient's rows newest first.
  await db.schema
    .createIndex('notifications_recipient_id_idx')
    .on('notifications')
    .columns(['recipient_id', 'id'])
    .execute();
  // Every foreign key has an index (the cascades look rows up by them).
  for (const column of ['actor_id', 'post_id', 'comment_id', 'story_id', 'follow_id']) {
    await db.schema
      .createIndex(`notifications_${column}_idx`)
      .on('notifications')
      .column(column)
      .execute();
  }
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('notifications').execute();
}
