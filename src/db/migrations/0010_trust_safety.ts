import { type ColumnDefinitionBuilder, sql } from 'kysely';
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
 * Trust and safety (issue #18): blocks and mutes between accounts, sessions (one per login,
 * named in its access tokens so that revoking it ends access at once), and account roles and
 * suspension for moderation.
 */
export async function up(db: AnyDb): Promise<void> {
  const userRef = (c: ColumnDefinitionBuilder) =>
    c.notNull().references('users.id').onDelete('cascade');

  await createTable(db, 'blocks')
    .addColumn('id', idColumn(db), primaryId)
    .addColumn('blocker_id', refType(db), userRef)
    .addColumn('blocked_id', refType(db), userRef)
    .addColumn('created_at', timeType(db), (c) => c.notNull())
    .addUniqueConstraint('blocks_blocker_blocked_unique', ['blocker_id', 'blocked_id'])
    .execute();
  await db.schema
    .createIndex('blocks_blocked_blocker_idx')
    .on('blocks')
    .columns(['blocked_id', 'blocker_id'])
    .execute();

  await createTable(db, 'mutes')
    .addColumn('id', idColumn(db), primaryId)
    .addColumn('muter_id', refType(db), userRef)
    .addColumn('muted_id', refType(db), userRef)
    .addColumn('mute_posts', boolType(db), (c) => c.notNull())
    .addColumn('mute_stories', boolType(db), (c) => c.notNull())
    .addColumn('created_at', timeType(db), (c) => c.notNull())
    .addUniqueConstraint('mutes_muter_muted_unique', ['muter_id', 'muted_id'])
    .execute();
  await db.schema.createIndex('mutes_muted_idx').on('mutes').column('muted_id').execute();

  await createTable(db, 'sessions')
    .addColumn('id', idColumn(db), primaryId)
    .addColumn('user_id', refType(db), userRef)
    .addColumn('family_id', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('user_agent', 'varchar(255)')
    .addColumn('ip_address', 'varchar(64)')
    .addColumn('created_at', timeType(db), (c) => c.notNull())
    .addColumn('last_used_at', timeType(db), (c) => c.notNull())
    .addColumn('revoked_at', timeType(db))
    .execute();
  await db.schema
    .createIndex('sessions_user_created_idx')
    .on('sessions')
    .columns(['user_id', 'created_at'])
    .execute();
  // Every login that has refresh tokens becomes a session; its access tokens (which name no
  // session) stop working and the client refreshes once.
  await sql`insert into sessions (user_id, family_id, created_at, last_used_at, revoked_at)
    select user_id, family_id, min(created_at), max(created_at),
      case when sum(case when revoked_at is null then 1 else 0 end) = 0 then max(revoked_at) end
    from refresh_tokens group by user_id, family_id`.execute(db);

  await db.schema
    .alterTable('users')
    .addColumn('role', 'varchar(16)', (c) => c.notNull().defaultTo('user'))
    .execute();
  await db.schema.alterTable('users').addColumn('suspended_at', timeType(db)).execute();
  await db.schema.alterTable('users').addColumn('suspension_reason', 'varchar(500)').execute();
}

export async function down(db: AnyDb): Promise<void> {
  for (const column of ['suspension_reason', 'suspended_at', 'role']) {
    await db.schema.alterTable('users').dropColumn(column).execute();
  }
  for (const table of ['sessions', 'mutes', 'blocks']) {
    await db.schema.dropTable(table).execute();
  }
}
