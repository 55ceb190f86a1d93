import type { AppDeps } from '../../deps.js';
import { toDbTime } from '../../db/time.js';
import type { JobHandlers } from '../../jobs/runner.js';
import {
  backfillFollow,
  fanOutPost,
  hasMoreFollowersThan,
  isMergeAuthor,
  markMergeAuthor,
} from './timeline.repository.js';

export const FAN_OUT = 'timeline.fan_out';
export const BACKFILL = 'timeline.backfill';

export interface FanOutPayload {
  post_id: number;
  author_id: number;
}
export interface BackfillPayload {
  follower_id: number;
  author_id: number;
}

/**
 * Home-timeline writes that may touch thousands of rows, run by the job workers after the
 * change that queued them has committed. Both are inserts that ignore rows already there, so
 * running one twice changes nothing more.
 */
export function timelineJobHandlers(deps: Pick<AppDeps, 'db' | 'config' | 'clock'>): JobHandlers {
  const { db } = deps;
  return {
    async [FAN_OUT](payload) {
      const job = payload as FanOutPayload;
      if (await isMergeAuthor(db, job.author_id)) return;
      if (await hasMoreFollowersThan(db, job.author_id, deps.config.timelineFanoutMaxFollowers)) {
        // Too many followers to copy every post: from now on readers merge this author in.
        return markMergeAuthor(db, job.author_id, toDbTime(deps.clock.now()));
      }
      return fanOutPost(db, job.post_id, job.author_id);
    },
    async [BACKFILL](payload) {
      const job = payload as BackfillPayload;
      if (await isMergeAuthor(db, job.author_id)) return;
      return backfillFollow(db, job.follower_id, job.author_id);
    },
  };
}
