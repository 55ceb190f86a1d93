import type { Static } from 'typebox';
import type { AppDeps } from '../../app.js';
import { toDbTime, toIso } from '../../db/time.js';
import type { Executor } from '../../db/transaction.js';
import type { Actor } from '../../http/auth.js';
import { badRequest, forbidden, notFound } from '../../http/errors.js';
import { decodeCursor, type Page, splitPage } from '../../http/pagination.js';
import { loadUserSummaries, toUserSummary } from '../users/user-summary.js';
import { requireActiveUser } from '../users/users.service.js';
import { canSee, loadOwnerVisibilityByUsername } from '../users/visibility.js';
import * as repo from './follows.repository.js';
import type { FollowListUser, FollowRequest, FollowResult } from './follows.schema.js';

type PageInput = { limit?: number; cursor?: string };

/** Idempotent: following twice (or re-requesting) answers the current state. */
export async function follow(
  deps: AppDeps,
  actor: Actor,
  username: string,
): Promise<Static<typeof FollowResult>> {
  const target = await requireActiveUser(deps.db, username);
  if (target.id === actor.id) throw badRequest('You cannot follow yourself.');
  const status = target.is_private ? 'pending' : 'accepted';
  const now = toDbTime(deps.clock.now());
  const inserted = await repo.insertFollow(deps.db, actor.id, target.id, status, now);
  const current = inserted ? status : await repo.findFollowStatus(deps.db, actor.id, target.id);
  return { status: current === 'pending' ? 'requested' : 'following' };
}

/** Unfollows, or withdraws a pending request. Idempotent. */
export async function unfollow(deps: AppDeps, actor: Actor, username: string): Promise<void> {
  const target = await requireActiveUser(deps.db, username);
  if (target.id === actor.id) throw badRequest('You cannot unfollow yourself.');
  await repo.deleteFollow(deps.db, actor.id, target.id);
}

/** Removes `username` from the caller's followers (or drops its pending request). Idempotent. */
export async function removeFollower(deps: AppDeps, actor: Actor, username: string): Promise<void> {
  const follower = await requireActiveUser(deps.db, username);
  if (follower.id === actor.id) throw badRequest('You cannot remove yourself as a follower.');
  await repo.deleteFollow(deps.db, follower.id, actor.id);
}

/** Used when an account goes public: everyone who asked is let in. */
export const acceptAllRequests = (db: Executor, userId: number) =>
  repo.acceptAllPending(db, userId);

export async function listFollows(
  deps: AppDeps,
  actor: Actor | null,
  username: string,
  side: 'followers' | 'following',
  input: PageInput,
): Promise<Page<Static<typeof FollowListUser>>> {
  const limit = input.limit ?? 20;
  const afterKey = decodeCursor(input.cursor, ['time', 'id']);
  const visibility = await loadOwnerVisibilityByUsername(deps.db, actor?.id ?? null, username);
  if (!visibility?.owner.is_active) throw notFound('User');
  if (!canSee(actor?.id ?? null, visibility.owner, visibility.actorFollowsOwner)) {
    throw forbidden('This account is private: only its approved followers see who it follows.');
  }
  const rows = await repo.listEdges(
    deps.db,
    visibility.owner.id,
    side,
    'accepted',
    limit,
    afterKey,
  );
  const page = splitPage(rows, limit, (row) => [row.created_at, row.id]);
  const ids = page.rows.map((row) => row.user_id);
  const [summaries, followed] = await Promise.all([
    loadUserSummaries(deps.db, ids),
    actor ? repo.followedAmong(deps.db, actor.id, ids) : new Set<number>(),
  ]);
  return {
    data: page.rows.flatMap((row) => {
      const summary = summaries.get(row.user_id);
      if (!summary) return [];
      return [
        { ...toUserSummary(summary, deps.mediaUrl), is_following: followed.has(row.user_id) },
      ];
    }),
    next_cursor: page.next_cursor,
  };
}

export async function listRequests(
  deps: AppDeps,
  actor: Actor,
  input: PageInput,
): Promise<Page<Static<typeof FollowRequest>>> {
  const limit = input.limit ?? 20;
  const afterKey = decodeCursor(input.cursor, ['time', 'id']);
  const rows = await repo.listEdges(deps.db, actor.id, 'followers', 'pending', limit, afterKey);
  const page = splitPage(rows, limit, (row) => [row.created_at, row.id]);
  const summaries = await loadUserSummaries(
    deps.db,
    page.rows.map((row) => row.user_id),
  );
  return {
    data: page.rows.flatMap((row) => {
      const summary = summaries.get(row.user_id);
      if (!summary) return [];
      return [
        {
          id: String(row.id),
          user: toUserSummary(summary, deps.mediaUrl),
          created_at: toIso(row.created_at),
        },
      ];
    }),
    next_cursor: page.next_cursor,
  };
}

export async function approveRequest(deps: AppDeps, actor: Actor, id: number): Promise<void> {
  if (!(await repo.approveRequest(deps.db, id, actor.id))) throw notFound('Follow request');
}

export async function declineRequest(deps: AppDeps, actor: Actor, id: number): Promise<void> {
  if (!(await repo.declineRequest(deps.db, id, actor.id))) throw notFound('Follow request');
}
