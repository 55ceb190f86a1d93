import type { AppDeps } from '../../deps.js';
import type { DbTime } from '../../db/time.js';
import type { Executor } from '../../db/transaction.js';
import type { PostRow } from '../posts/post-row.js';
import * as repo from './timeline.repository.js';

/**
 * What other modules call to keep home timelines exact (docs/SCALING.md). `in…` functions run
 * inside the caller's transaction; `after…` ones enqueue work and must be called after commit.
 */

export interface NewPost {
  id: number;
  author_id: number;
  created_at: DbTime;
}

/**
 * Up to `take` posts of the reader's home feed newest first after `cursor`, from the
 * materialised timeline. Read-your-writes within this process: fan-out jobs already queued
 * land first.
 */
export async function timelinePage(
  deps: Pick<AppDeps, 'db' | 'timeline'>,
  readerId: number,
  cursor: readonly [string, number] | null,
  take: number,
): Promise<PostRow[]> {
  await deps.timeline.idle();
  return repo.timelinePage(deps.db, readerId, cursor, take);
}

/** In the post's transaction: the author's own timeline gets the post immediately. */
export const inPostCreated = (trx: Executor, post: NewPost) => repo.addOwnPost(trx, post);

/** After commit: copy the post to the followers' timelines in the background. */
export function afterPostCreated(deps: AppDeps, post: NewPost): void {
  deps.timeline.enqueue({ kind: 'fan-out', postId: post.id, authorId: post.author_id });
}

/** In the delete's transaction (before or after the row goes: only ids are used). */
export const inPostDeleted = (trx: Executor, postId: number, authorId: number) =>
  repo.removePost(trx, postId, authorId);

/** After commit of a follow that is (now) accepted: backfill the author's posts. */
export function afterFollowAccepted(deps: AppDeps, followerId: number, authorId: number): void {
  deps.timeline.enqueue({ kind: 'backfill', followerId, authorId });
}

/** With the unfollow / follower removal / declined request. */
export const inFollowRemoved = (trx: Executor, followerId: number, authorId: number) =>
  repo.removeFollow(trx, followerId, authorId);

/** With the deactivation: the account's timeline and its posts in others' timelines go. */
export const inUserDeactivated = (trx: Executor, userId: number) => repo.removeUser(trx, userId);
