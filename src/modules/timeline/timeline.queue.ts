import type { Db } from '../../db/client.js';
import { runOutsideQueryStats } from '../../db/query-count.js';
import { toDbTime } from '../../db/time.js';
import {
  backfillFollow,
  fanOutPost,
  hasMoreFollowersThan,
  isMergeAuthor,
  markMergeAuthor,
} from './timeline.repository.js';

export type TimelineJob =
  | { kind: 'fan-out'; postId: number; authorId: number }
  | { kind: 'backfill'; followerId: number; authorId: number };

/**
 * Timeline writes that may touch thousands of rows, run after the request's transaction has
 * committed so posting and following stay fast. In-process and in order: with several app
 * replicas each drains the jobs its own requests produced (they all share the database).
 * A job lost to a crash is repaired by rebuilding that reader's timeline (docs/SCALING.md).
 */
export interface TimelineQueue {
  /** Call only after the transaction that made the job necessary has committed. */
  enqueue(job: TimelineJob): void;
  /** Resolves when every job enqueued so far has run (tests, graceful shutdown). */
  idle(): Promise<void>;
}

export interface TimelineQueueOptions {
  maxFollowers: number;
  now: () => Date;
  onError: (error: unknown, job: TimelineJob) => void;
}

const ATTEMPTS = 3;

export function createTimelineQueue(db: Db, options: TimelineQueueOptions): TimelineQueue {
  const jobs: TimelineJob[] = [];
  let running: Promise<void> | null = null;

  async function run(job: TimelineJob) {
    if (await isMergeAuthor(db, job.authorId)) return;
    if (job.kind === 'backfill') return backfillFollow(db, job.followerId, job.authorId);
    if (await hasMoreFollowersThan(db, job.authorId, options.maxFollowers)) {
      // Too many followers to copy every post: from now on readers merge this author in.
      return markMergeAuthor(db, job.authorId, toDbTime(options.now()));
    }
    return fanOutPost(db, job.postId);
  }

  async function drain() {
    for (let job = jobs.shift(); job; job = jobs.shift()) {
      for (let attempt = 1; ; attempt++) {
        try {
          await run(job);
          break;
        } catch (error) {
          if (attempt >= ATTEMPTS) {
            options.onError(error, job);
            break;
          }
          await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
        }
      }
    }
    running = null;
  }

  return {
    enqueue(job) {
      jobs.push(job);
      // Jobs are not part of the request that queued them (nor of its statement count).
      running ??= runOutsideQueryStats(() =>
        new Promise<void>((resolve) => setImmediate(resolve)).then(drain),
      );
    },
    async idle() {
      while (running) await running;
    },
  };
}
