import type { AnyDb } from './ddl.js';

/**
 * @mentions (issue #17): the accounts a caption or comment mentions, resolved when it is written,
 * stored with the row as JSON `[{id, username}]` (usernames never change), so every list shows
 * them without another statement. Null: none.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable('posts').addColumn('mentions', 'text').execute();
  await db.schema.alterTable('comments').addColumn('mentions', 'text').execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable('comments').dropColumn('mentions').execute();
  await db.schema.alterTable('posts').dropColumn('mentions').execute();
}
