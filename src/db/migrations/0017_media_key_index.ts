import { dialectOf } from '../dialect.js';
import type { AnyDb } from './ddl.js';

/**
 * GET /media/<key> looks its media row up by any of its three keys (issue #18: a plain URL of a
 * private account's or a story's file is refused), so each key column gets an index.
 */
const INDEXES = [
  ['media_storage_key_idx', 'storage_key'],
  ['media_thumbnail_key_idx', 'thumbnail_key'],
  ['media_poster_key_idx', 'poster_key'],
] as const;

export async function up(db: AnyDb): Promise<void> {
  for (const [name, column] of INDEXES) {
    await db.schema.createIndex(name).on('media').column(column).execute();
  }
}

export async function down(db: AnyDb): Promise<void> {
  for (const [name] of INDEXES) {
    const drop = db.schema.dropIndex(name);
    await (dialectOf(db) === 'mysql' ? drop.on('media') : drop).execute();
  }
}
