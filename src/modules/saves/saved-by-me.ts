import type { Executor } from '../../db/transaction.js';
import { savedPostIdsOf } from './saves.repository.js';

/** For post hydration: which of these posts the actor saved (one statement, none when anonymous). */
export async function savedByActor(
  db: Executor,
  actorId: number | null,
  postIds: readonly number[],
): Promise<Set<number>> {
  return actorId === null ? new Set() : savedPostIdsOf(db, actorId, postIds);
}
