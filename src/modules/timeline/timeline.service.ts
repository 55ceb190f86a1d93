import type { AppDeps } from '../../deps.js';
import type { DbTime } from '../../db/time.js';
import type { Executor } from '../../db/transaction.js';
import type { PostRow } from '../posts/post-row.js';
import { insertJob, insertJobs } from '../../jobs/jobs.repository.js';
import { BACKFILL, type BackfillPayload, FAN_OUT, type FanOutPayload } from './timeline.jobs.js';
import * as repo from './timeline.repository.js';

/**
 * What other modules call to keep home timelines exact (docs/SCALING.md). `in…` functions run
 * inside the caller's transaction, so the work they queue (a row of the jobs table) commits or
 * rolls back with the change; `afterTimelineChange` tells this process's workers to look now.
 */

export interface NewPost {
  id: number;
  author_id: number;
  created_at: DbTime;
}

/**
 * Up to `take` posts of the reader's home feed newest first after `cursor`, from the
 * materialised timeline. It never waits for jobs: followers see a post once its fan-out ran.
 */
export async function timelinePage(
  deps: Pick<AppDeps, 'db'>,
  readerId: number,
  cursor: readonly [string, number] | null,
  take: number,
): Promise<PostRow[]> {
  return repo.timelinePage(deps.db, readerId, cursor, take);
}

/** In the post's transaction: the author sees the post at once; the followers' copies are a job. */
export async function inPostCreated(trx: Executor, post: NewPost): Promise<void> {
  await repo.addOwnPost(trx, post);
  const payload: FanOutPayload = { post_id: post.id, author_id: post.author_id };
  await insertJobs(trx, [{ kind: FAN_OUT, payload }], post.created_at);
}

/**
 * In the transaction of follows that are (now) accepted: backfill the authors' posts. Returns
 * the jobs' ids for `afterFollowsAccepted`.
 */
export async function inFollowsAccepted(
  trx: Executor,
  follows: readonly { followerId: number; authorId: number }[],
  now: DbTime,
): Promise<number[]> {
  const ids: number[] = [];
  for (const { followerId, authorId } of follows) {
    const payload: BackfillPayload = { follower_id: followerId, author_id: authorId };
    ids.push(await insertJob(trx, { kind: BACKFILL, payload }, now));
  }
  return ids;
}

/**
 * After the commit: the backfill runs before the follow is answered, so the new follower's
 * next feed read already has the author's posts (one INSERT … SELECT per follow).
 */
export async function afterFollowsAccepted(
  deps: Pick<AppDeps, 'jobs'>,
  jobIds: readonly number[],
): Promise<void> {
  await deps.jobs.runNow(jobIds);
}

/** After the commit of an `in…` call that queued work. */
export function afterTimelineChange(deps: Pick<AppDeps, 'jobs'>): void {
  deps.jobs.wake();
}

/** In the delete's transaction (before or after the row goes: only ids are used). */
export const inPostDeleted = (trx: Executor, postId: number, authorId: number) =>
  repo.removePost(trx, postId, authorId);

/** With the unfollow / follower removal / declined request. */
export const inFollowRemoved = (trx: Executor, followerId: number, authorId: number) =>
  repo.removeFollow(trx, followerId, authorId);

/** With the deactivation: the account's timeline and its posts in others' timelines go. */
export const inUserDeactivated = (trx: Executor, userId: number) => repo.removeUser(trx, userId);

/** With the end of a suspension: the account's own timeline is built again from its follows. */
export const inUserReactivated = (trx: Executor, userId: number) =>
  repo.rebuildTimelines(trx, userId, userId);
