import { dialectOf } from '../dialect.js';
import type { AnyDb } from './ddl.js';

/** `GET /posts?ordering=-like_count|-comment_count` walks these instead of sorting every post. */
export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createIndex('posts_like_count_idx')
    .on('posts')
    .columns(['like_count', 'id'])
    .execute();
  await db.schema
    .createIndex('posts_comment_count_idx')
    .on('posts')
    .columns(['comment_count', 'id'])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  for (const name of ['posts_comment_count_idx', 'posts_like_count_idx']) {
    const drop = db.schema.dropIndex(name);
    await (dialectOf(db) === 'mysql' ? drop.on('posts') : drop).execute();
  }
}
