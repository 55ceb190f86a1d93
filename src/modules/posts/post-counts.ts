import type { Executor } from '../../db/transaction.js';
import { countVisiblePostsByLocation } from './posts.repository.js';

/** Read by the locations module: how many posts at each place the actor may see. */
export const visiblePostCountsByLocation = (
  db: Executor,
  actorId: number | null,
  locationIds: readonly number[],
) => countVisiblePostsByLocation(db, actorId, locationIds);
