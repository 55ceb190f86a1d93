import {
  type AnyDb,
  boolType,
  createTable,
  idColumn,
  primaryId,
  refType,
  timeType,
} from './ddl.js';

/** The whole data model of DESIGN §5. Every foreign key has an index. */
export async function up(db: AnyDb): Promise<void> {
  const id = idColumn(db);
  const ref = refType(db);
  const time = timeType(db);
  const bool = boolType(db);

  await createTable(db, 'users')
    .addColumn('id', id, primaryId)
    .addColumn('username', 'varchar(30)', (c) => c.notNull().unique())
    .addColumn('email', 'varchar(254)', (c) => c.notNull().unique())
    .addColumn('password_hash', 'varchar(255)', (c) => c.notNull())
    .addColumn('is_active', bool, (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();

  await createTable(db, 'profiles')
    .addColumn('id', id, primaryId)
    .addColumn('user_id', ref, (c) =>
      c.notNull().unique().references('users.id').onDelete('cascade'),
    )
    .addColumn('name', 'varchar(50)', (c) => c.notNull().defaultTo(''))
    .addColumn('nickname', 'varchar(30)', (c) => c.notNull().defaultTo(''))
    .addColumn('bio', 'varchar(500)', (c) => c.notNull().defaultTo(''))
    .addColumn('website', 'varchar(200)')
    .addColumn('profile_image_key', 'varchar(200)')
    .addColumn('is_private', bool, (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();

  await createTable(db, 'follows')
    .addColumn('id', id, primaryId)
    .addColumn('follower_id', ref, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('following_id', ref, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('status', 'varchar(10)', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addUniqueConstraint('follows_follower_following_unique', ['follower_id', 'following_id'])
    .execute();
  await db.schema
    .createIndex('follows_following_status_idx')
    .on('follows')
    .columns(['following_id', 'status', 'created_at'])
    .execute();

  await createTable(db, 'locations')
    .addColumn('id', id, primaryId)
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('address', 'varchar(255)')
    .addColumn('lat', 'double precision')
    .addColumn('lng', 'double precision')
    .addColumn('created_by', ref, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('locations_name_idx').on('locations').column('name').execute();
  await db.schema
    .createIndex('locations_created_by_idx')
    .on('locations')
    .column('created_by')
    .execute();

  await createTable(db, 'posts')
    .addColumn('id', id, primaryId)
    .addColumn('author_id', ref, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('type', 'varchar(10)', (c) => c.notNull())
    .addColumn('caption', 'text', (c) => c.notNull())
    .addColumn('location_id', ref, (c) => c.references('locations.id').onDelete('set null'))
    .addColumn('like_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('comment_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .addColumn('deleted_at', time)
    .execute();
  await db.schema
    .createIndex('posts_author_created_idx')
    .on('posts')
    .columns(['author_id', 'created_at', 'id'])
    .execute();
  await db.schema
    .createIndex('posts_location_created_idx')
    .on('posts')
    .columns(['location_id', 'created_at', 'id'])
    .execute();
  await db.schema
    .createIndex('posts_created_idx')
    .on('posts')
    .columns(['created_at', 'id'])
    .execute();

  await createTable(db, 'media')
    .addColumn('id', id, primaryId)
    .addColumn('owner_id', ref, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('post_id', ref, (c) => c.references('posts.id').onDelete('cascade'))
    .addColumn('story_id', ref)
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('kind', 'varchar(10)', (c) => c.notNull())
    .addColumn('storage_key', 'varchar(200)', (c) => c.notNull())
    .addColumn('thumbnail_key', 'varchar(200)', (c) => c.notNull())
    .addColumn('poster_key', 'varchar(200)')
    .addColumn('mime', 'varchar(50)', (c) => c.notNull())
    .addColumn('width', 'integer', (c) => c.notNull())
    .addColumn('height', 'integer', (c) => c.notNull())
    .addColumn('duration_ms', 'integer')
    .addColumn('blurhash', 'varchar(100)')
    .addColumn('bytes', 'bigint', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('media_post_position_idx')
    .on('media')
    .columns(['post_id', 'position'])
    .execute();
  await db.schema.createIndex('media_story_idx').on('media').column('story_id').execute();
  // Serves the unattached-media sweeper and "my uploads" lookups.
  await db.schema
    .createIndex('media_owner_created_idx')
    .on('media')
    .columns(['owner_id', 'created_at'])
    .execute();

  await createTable(db, 'post_likes')
    .addColumn('id', id, primaryId)
    .addColumn('post_id', ref, (c) => c.notNull().references('posts.id').onDelete('cascade'))
    .addColumn('user_id', ref, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', time, (c) => c.notNull())
    .addUniqueConstraint('post_likes_post_user_unique', ['post_id', 'user_id'])
    .execute();
  await db.schema
    .createIndex('post_likes_user_idx')
    .on('post_likes')
    .columns(['user_id', 'post_id'])
    .execute();
  await db.schema
    .createIndex('post_likes_post_created_idx')
    .on('post_likes')
    .columns(['post_id', 'created_at', 'id'])
    .execute();

  await createTable(db, 'saves')
    .addColumn('id', id, primaryId)
    .addColumn('user_id', ref, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('post_id', ref, (c) => c.notNull().references('posts.id').onDelete('cascade'))
    .addColumn('created_at', time, (c) => c.notNull())
    .addUniqueConstraint('saves_user_post_unique', ['user_id', 'post_id'])
    .execute();
  await db.schema.createIndex('saves_post_idx').on('saves').column('post_id').execute();
  await db.schema
    .createIndex('saves_user_created_idx')
    .on('saves')
    .columns(['user_id', 'created_at', 'id'])
    .execute();

  await createTable(db, 'comments')
    .addColumn('id', id, primaryId)
    .addColumn('post_id', ref, (c) => c.notNull().references('posts.id').onDelete('cascade'))
    .addColumn('author_id', ref, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('parent_id', ref, (c) => c.references('comments.id').onDelete('cascade'))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('reply_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('like_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('comments_post_parent_created_idx')
    .on('comments')
    .columns(['post_id', 'parent_id', 'created_at', 'id'])
    .execute();
  await db.schema
    .createIndex('comments_parent_idx')
    .on('comments')
    .columns(['parent_id', 'created_at', 'id'])
    .execute();
  await db.schema.createIndex('comments_author_idx').on('comments').column('author_id').execute();

  await createTable(db, 'comment_likes')
    .addColumn('id', id, primaryId)
    .addColumn('comment_id', ref, (c) => c.notNull().references('comments.id').onDelete('cascade'))
    .addColumn('user_id', ref, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', time, (c) => c.notNull())
    .addUniqueConstraint('comment_likes_comment_user_unique', ['comment_id', 'user_id'])
    .execute();
  await db.schema
    .createIndex('comment_likes_user_idx')
    .on('comment_likes')
    .column('user_id')
    .execute();

  await createTable(db, 'hashtags')
    .addColumn('id', id, primaryId)
    .addColumn('name', 'varchar(100)', (c) => c.notNull().unique())
    .execute();

  await createTable(db, 'post_hashtags')
    .addColumn('post_id', ref, (c) => c.notNull().references('posts.id').onDelete('cascade'))
    .addColumn('hashtag_id', ref, (c) => c.notNull().references('hashtags.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('post_hashtags_pk', ['post_id', 'hashtag_id'])
    .execute();
  await db.schema
    .createIndex('post_hashtags_hashtag_post_idx')
    .on('post_hashtags')
    .columns(['hashtag_id', 'post_id'])
    .execute();

  await createTable(db, 'stories')
    .addColumn('id', id, primaryId)
    .addColumn('author_id', ref, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('media_id', ref, (c) => c.notNull().references('media.id').onDelete('cascade'))
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('expires_at', time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('stories_author_expires_idx')
    .on('stories')
    .columns(['author_id', 'expires_at'])
    .execute();
  await db.schema.createIndex('stories_media_idx').on('stories').column('media_id').execute();

  await createTable(db, 'story_views')
    .addColumn('id', id, primaryId)
    .addColumn('story_id', ref, (c) => c.notNull().references('stories.id').onDelete('cascade'))
    .addColumn('viewer_id', ref, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('liked', bool, (c) => c.notNull().defaultTo(0))
    .addColumn('viewed_at', time, (c) => c.notNull())
    .addUniqueConstraint('story_views_story_viewer_unique', ['story_id', 'viewer_id'])
    .execute();
  await db.schema
    .createIndex('story_views_viewer_idx')
    .on('story_views')
    .column('viewer_id')
    .execute();
  await db.schema
    .createIndex('story_views_story_viewed_idx')
    .on('story_views')
    .columns(['story_id', 'viewed_at', 'id'])
    .execute();

  await createTable(db, 'refresh_tokens')
    .addColumn('id', id, primaryId)
    .addColumn('user_id', ref, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('family_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('expires_at', time, (c) => c.notNull())
    .addColumn('revoked_at', time)
    .addColumn('replaced_by', ref)
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('refresh_tokens_user_idx')
    .on('refresh_tokens')
    .column('user_id')
    .execute();
  await db.schema
    .createIndex('refresh_tokens_family_idx')
    .on('refresh_tokens')
    .column('family_id')
    .execute();
}

const TABLES_IN_DROP_ORDER = [
  'refresh_tokens',
  'story_views',
  'stories',
  'post_hashtags',
  'hashtags',
  'comment_likes',
  'comments',
  'saves',
  'post_likes',
  'media',
  'posts',
  'locations',
  'follows',
  'profiles',
  'users',
];

export async function down(db: AnyDb): Promise<void> {
  for (const table of TABLES_IN_DROP_ORDER) await db.schema.dropTable(table).execute();
}
