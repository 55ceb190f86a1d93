import { dialectOf } from '../dialect.js';
import type { AnyDb } from './ddl.js';

/**
 * Covering indexes for the profile's follower and following counts. Each count reads the
 * account's accepted follows (~150 per side on the bench data set) and joins users to drop
 * deactivated accounts; without these, every follow entry also cost a read of the follows row
 * itself (for status or the other side's id). With them the follows side is index-only.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createIndex('follows_following_status_follower_idx')
    .on('follows')
    .columns(['following_id', 'status', 'follower_id'])
    .execute();
  await db.schema
    .createIndex('follows_follower_status_following_idx')
    .on('follows')
    .columns(['follower_id', 'status', 'following_id'])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  for (const name of [
    'follows_follower_status_following_idx',
    'follows_following_status_follower_idx',
  ]) {
    const drop = db.schema.dropIndex(name);
    await (dialectOf(db) === 'mysql' ? drop.on('follows') : drop).execute();
  }
}
