import { sql } from 'kysely';
import { compiledQuery } from '../../db/compiled-query.js';
import type { Executor } from '../../db/transaction.js';

export interface ActorPostFlags {
  liked: Set<number>;
  saved: Set<number>;
}

/**
 * For post hydration: which of these posts the actor likes and which they saved, in ONE
 * statement (a UNION ALL of the two index lookups) instead of one per flag; none when anonymous.
 */
export async function actorPostFlags(
  db: Executor,
  actorId: number | null,
  postIds: readonly number[],
): Promise<ActorPostFlags> {
  const flags: ActorPostFlags = { liked: new Set(), saved: new Set() };
  if (actorId === null || postIds.length === 0) return flags;
  for (const row of await flagsQuery(db, actorId, postIds)) {
    (Number(row.saved) === 1 ? flags.saved : flags.liked).add(row.post_id);
  }
  return flags;
}

const flagsQuery = compiledQuery((db, userId: number, postIds: readonly number[]) =>
  db
    .selectFrom('post_likes')
    .select([sql<number>`0`.as('saved'), 'post_id'])
    .where('user_id', '=', userId)
    .where('post_id', 'in', postIds)
    .unionAll(
      db
        .selectFrom('saves')
        .select([sql<number>`1`.as('saved'), 'post_id'])
        .where('user_id', '=', userId)
        .where('post_id', 'in', postIds),
    ),
);
