import type { AppDeps } from '../../deps.js';
import { toDbTime } from '../../db/time.js';
import type { JobHandlers } from '../../jobs/runner.js';
import { deleteServedBefore } from './reels.repository.js';
import { REELS_WALK_TTL_MS } from './reels.service.js';

export const PRUNE_REELS_SERVED = 'reels.prune_served';

/** Retention: what expired reels walks served (their cursors are refused by then). */
export function reelsJobHandlers(deps: Pick<AppDeps, 'db' | 'clock'>): JobHandlers {
  return {
    async [PRUNE_REELS_SERVED]() {
      const before = new Date(deps.clock.now().getTime() - REELS_WALK_TTL_MS);
      await deleteServedBefore(deps.db, toDbTime(before));
    },
  };
}
