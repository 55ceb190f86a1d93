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
 * Account security (issue #18): verified emails, single-use email tokens (verification and
 * password reset, stored as sha256 hex digests only), usernames kept reserved after a rename,
 * and each account's hidden words (comments on its posts that contain one are hidden).
 */
export async function up(db: AnyDb): Promise<void> {
  const id = idColumn(db);
  const ref = refType(db);
  const time = timeType(db);

  await db.schema
    .alterTable('users')
    .addColumn('email_verified', boolType(db), (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('users').addColumn('username_changed_at', time).execute();

  await createTable(db, 'email_tokens')
    .addColumn('id', id, primaryId)
    .addColumn('user_id', ref, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('purpose', 'varchar(20)', (c) => c.notNull())
    .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('email', 'varchar(254)', (c) => c.notNull())
    .addColumn('expires_at', time, (c) => c.notNull())
    .addColumn('used_at', time)
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('email_tokens_user_purpose_idx')
    .on('email_tokens')
    .columns(['user_id', 'purpose', 'created_at'])
    .execute();

  await createTable(db, 'username_reservations')
    .addColumn('id', id, primaryId)
    .addColumn('username', 'varchar(30)', (c) => c.notNull().unique())
    .addColumn('user_id', ref, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('reserved_until', time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('username_reservations_user_idx')
    .on('username_reservations')
    .column('user_id')
    .execute();

  await createTable(db, 'hidden_words')
    .addColumn('id', id, primaryId)
    .addColumn('user_id', ref, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('word', 'varchar(100)', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addUniqueConstraint('hidden_words_user_word_unique', ['user_id', 'word'])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('hidden_words').execute();
  await db.schema.dropTable('username_reservations').execute();
  await db.schema.dropTable('email_tokens').execute();
  await db.schema.alterTable('users').dropColumn('username_changed_at').execute();
  await db.schema.alterTable('users').dropColumn('email_verified').execute();
}
