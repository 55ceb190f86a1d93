import { sql } from 'kysely';
import type { AnyDb } from './ddl.js';

const COUNTERS = ['posts_count', 'followers_count', 'following_count'] as const;

/**
 * Stored profile counters (issue #9): the profile read no longer counts ~320 index entries per
 * request; the writers keep these exact (src/modules/users/profile-counters.ts). Backfilled
 * with the definitions the profile counted until now: posts not deleted; accepted follows
 * whose other side is active. The backfill is this migration's own copy, so the migration
 * keeps meaning what it meant when it was written.
 */
export async function up(db: AnyDb): Promise<void> {
  // One column per ALTER: SQLite adds a single column at a time.
  for (const column of COUNTERS) {
    await db.schema
      .alterTable('profiles')
      .addColumn(column, 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  }
  await sql`update profiles set
    posts_count = (select count(*) from posts
      where posts.author_id = profiles.user_id and posts.deleted_at is null),
    followers_count = (select count(*) from follows inner join users on users.id = follows.follower_id
      where follows.following_id = profiles.user_id and follows.status = 'accepted'
        and users.is_active = 1),
    following_count = (select count(*) from follows inner join users on users.id = follows.following_id
      where follows.follower_id = profiles.user_id and follows.status = 'accepted'
        and users.is_active = 1)`.execute(db);
}

export async function down(db: AnyDb): Promise<void> {
  for (const column of [...COUNTERS].reverse()) {
    await db.schema.alterTable('profiles').dropColumn(column).execute();
  }
}
