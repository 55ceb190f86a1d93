import { type AnyDb, createTable, idColumn, primaryId, refType, timeType } from './ddl.js';

/**
 * OAuth 2 for the Mastodon client API (issue #20, src/modules/oauth/): registered client apps,
 * single-use authorization codes (with their PKCE challenge) and long-lived access tokens.
 * Secrets, codes and tokens are stored as sha256 hex digests only. Also the Mastodon
 * surface's timeline read markers.
 */
export async function up(db: AnyDb): Promise<void> {
  const id = idColumn(db);
  const ref = refType(db);
  const time = timeType(db);

  await createTable(db, 'oauth_apps')
    .addColumn('id', id, primaryId)
    .addColumn('client_id', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('client_secret_hash', 'varchar(64)', (c) => c.notNull())
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('website', 'varchar(500)')
    .addColumn('redirect_uris', 'varchar(2000)', (c) => c.notNull())
    .addColumn('scopes', 'varchar(500)', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();

  await createTable(db, 'oauth_codes')
    .addColumn('id', id, primaryId)
    .addColumn('code_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('app_id', ref, (c) => c.notNull().references('oauth_apps.id').onDelete('cascade'))
    .addColumn('user_id', ref, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('redirect_uri', 'varchar(500)', (c) => c.notNull())
    .addColumn('scopes', 'varchar(500)', (c) => c.notNull())
    .addColumn('code_challenge', 'varchar(128)')
    .addColumn('expires_at', time, (c) => c.notNull())
    .addColumn('used_at', time)
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('oauth_codes_app_idx').on('oauth_codes').column('app_id').execute();
  await db.schema.createIndex('oauth_codes_user_idx').on('oauth_codes').column('user_id').execute();

  await createTable(db, 'oauth_tokens')
    .addColumn('id', id, primaryId)
    .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('app_id', ref, (c) => c.notNull().references('oauth_apps.id').onDelete('cascade'))
    .addColumn('user_id', ref, (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('scopes', 'varchar(500)', (c) => c.notNull())
    .addColumn('revoked_at', time)
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('oauth_tokens_app_idx').on('oauth_tokens').column('app_id').execute();
  await db.schema
    .createIndex('oauth_tokens_user_idx')
    .on('oauth_tokens')
    .column('user_id')
    .execute();

  await createTable(db, 'timeline_markers')
    .addColumn('id', id, primaryId)
    .addColumn('user_id', ref, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('timeline', 'varchar(20)', (c) => c.notNull())
    .addColumn('last_read_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .addUniqueConstraint('timeline_markers_user_timeline_unique', ['user_id', 'timeline'])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('timeline_markers').execute();
  await db.schema.dropTable('oauth_tokens').execute();
  await db.schema.dropTable('oauth_codes').execute();
  await db.schema.dropTable('oauth_apps').execute();
}
