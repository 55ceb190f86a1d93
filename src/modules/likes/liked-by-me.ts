import type { Executor } from '../../db/transaction.js';
import { likedPostIdsOf } from './likes.repository.js';

/** For post hydration: which of these posts the actor likes (one statement, none when anonymous). */
export async function likedByActor(
  db: Executor,
  actorId: number | null,
  postIds: readonly number[],
): Promise<Set<number>> {
  return actorId === null ? new Set() : likedPostIdsOf(db, actorId, postIds);
}
