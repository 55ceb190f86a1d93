import type { AppDeps } from '../../deps.js';
import { toDbTime } from '../../db/time.js';
import type { JobHandlers } from '../../jobs/runner.js';
import { archiveExpired } from './stories.repository.js';

export const ARCHIVE_EXPIRED_STORIES = 'stories.archive_expired';

/** Retention: expired stories move to their author's archive (kept, not deleted). */
export function storiesJobHandlers(deps: Pick<AppDeps, 'db' | 'clock'>): JobHandlers {
  return {
    async [ARCHIVE_EXPIRED_STORIES]() {
      await archiveExpired(deps.db, toDbTime(deps.clock.now()));
    },
  };
}
