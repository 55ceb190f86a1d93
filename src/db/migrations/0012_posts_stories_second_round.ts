import { dialectOf } from '../dialect.js';
import {
  type AnyDb,
  boolType,
  createTable,
  idColumn,
  primaryId,
  refType,
  timeType,
} from './ddl.js';

/**
 * Posts and stories, second round (issue #19): post editing with history, archive, per-post
 * switches, video views, alt text, story audiences, close friends and highlights.
 */
export async function up(db: AnyDb): Promise<void> {
  const time = timeType(db);
  const bool = boolType(db);
  const ref = refType(db);
  // One column per ALTER: SQLite adds a single column at a time.
  await db.schema.alterTable('posts').addColumn('edited_at', time).execute();
  await db.schema.alterTable('posts').addColumn('archived_at', time).execute();
  await db.schema
    .alterTable('posts')
    .addColumn('comments_disabled', bool, (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('posts')
    .addColumn('hide_like_count', bool, (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('posts')
    .addColumn('view_count', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('media').addColumn('alt_text', 'varchar(1000)').execute();
  await db.schema
    .alterTable('stories')
    .addColumn('audience', 'varchar(16)', (c) => c.notNull().defaultTo('everyone'))
    .execute();

  // The version a post had before each edit; the post row holds the current one.
  await createTable(db, 'post_versions')
    .addColumn('id', idColumn(db), primaryId)
    .addColumn('post_id', ref, (c) => c.notNull().references('posts.id').onDelete('cascade'))
    .addColumn('caption', 'text', (c) => c.notNull())
    .addColumn('location_id', ref)
    .addColumn('media_ids', 'varchar(255)', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('post_versions_post_idx')
    .on('post_versions')
    .columns(['post_id', 'id'])
    .execute();

  // At most one view per viewer and day; (viewer_id, post_id) answers "seen" for the reels feed.
  await createTable(db, 'post_views')
    .addColumn('post_id', ref, (c) => c.notNull().references('posts.id').onDelete('cascade'))
    .addColumn('viewer_id', ref, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('day', 'varchar(10)', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addPrimaryKeyConstraint('post_views_pk', ['post_id', 'viewer_id', 'day'])
    .execute();
  await db.schema
    .createIndex('post_views_viewer_idx')
    .on('post_views')
    .columns(['viewer_id', 'post_id'])
    .execute();

  // The reels feed walks reels newest first.
  await db.schema
    .createIndex('posts_type_created_idx')
    .on('posts')
    .columns(['type', 'created_at', 'id'])
    .execute();

  await createTable(db, 'close_friends')
    .addColumn('owner_id', ref, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('friend_id', ref, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', time, (c) => c.notNull())
    .addPrimaryKeyConstraint('close_friends_pk', ['owner_id', 'friend_id'])
    .execute();

  await createTable(db, 'highlights')
    .addColumn('id', idColumn(db), primaryId)
    .addColumn('owner_id', ref, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('title', 'varchar(120)', (c) => c.notNull())
    .addColumn('cover_media_id', ref, (c) => c.references('media.id').onDelete('set null'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('highlights_owner_idx')
    .on('highlights')
    .columns(['owner_id', 'position', 'id'])
    .execute();
  await createTable(db, 'highlight_stories')
    .addColumn('highlight_id', ref, (c) =>
      c.notNull().references('highlights.id').onDelete('cascade'),
    )
    .addColumn('story_id', ref, (c) => c.notNull().references('stories.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('highlight_stories_pk', ['highlight_id', 'story_id'])
    .execute();
  await db.schema
    .createIndex('highlight_stories_story_idx')
    .on('highlight_stories')
    .column('story_id')
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  for (const table of [
    'highlight_stories',
    'highlights',
    'close_friends',
    'post_views',
    'post_versions',
  ]) {
    await db.schema.dropTable(table).execute();
  }
  for (const name of ['posts_type_created_idx']) {
    const drop = db.schema.dropIndex(name);
    await (dialectOf(db) === 'mysql' ? drop.on('posts') : drop).execute();
  }
  await db.schema.alterTable('stories').dropColumn('audience').execute();
  await db.schema.alterTable('media').dropColumn('alt_text').execute();
  for (const column of [
    'view_count',
    'hide_like_count',
    'comments_disabled',
    'archived_at',
    'edited_at',
  ]) {
    await db.schema.alterTable('posts').dropColumn(column).execute();
  }
}
