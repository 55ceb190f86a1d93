import type { AppDeps } from '../../deps.js';
import { toDbTime } from '../../db/time.js';
import type { JobHandlers } from '../../jobs/runner.js';
import { deleteExpiredEmailTokens, deleteStaleRefreshTokens } from './auth.repository.js';

export const PRUNE_REFRESH_TOKENS = 'auth.prune_refresh_tokens';
const REVOKED_KEPT_MS = 30 * 24 * 3600_000;

/** Retention: refresh tokens past expiry or revoked more than 30 days ago; mailed tokens past expiry. */
export function authJobHandlers(deps: Pick<AppDeps, 'db' | 'clock'>): JobHandlers {
  return {
    async [PRUNE_REFRESH_TOKENS]() {
      const now = deps.clock.now();
      await deleteStaleRefreshTokens(
        deps.db,
        toDbTime(now),
        toDbTime(new Date(now.getTime() - REVOKED_KEPT_MS)),
      );
      await deleteExpiredEmailTokens(deps.db, toDbTime(now));
    },
  };
}
