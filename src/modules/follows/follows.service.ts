import type { Static } from 'typebox';
import type { AppDeps } from '../../deps.js';
import { toDbTime, toIso } from '../../db/time.js';
import { inTransaction, type Trx } from '../../db/transaction.js';
import type { Actor } from '../../http/auth.js';
import { badRequest, blocked, forbidden, notFound } from '../../http/errors.js';
import { decodeCursor, type Page, splitPage } from '../../http/pagination.js';
import {
  afterFollowsAccepted,
  afterTimelineChange,
  inFollowRemoved,
  inFollowsAccepted,
} from '../timeline/timeline.service.js';
import {
  announce,
  followRemoved,
  notify,
  requestsAccepted,
} from '../notifications/notifications.service.js';
import { countFollows, lockAccounts } from '../users/profile-counters.js';
import { loadUserSummaries, toUserSummary } from '../users/user-summary.js';
import { requireActiveUser } from '../users/accounts.service.js';
import { canSee, isBlockedBetween, loadOwnerVisibilityByUsername } from '../users/visibility.js';
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
  if (await isBlockedBetween(deps.db, actor.id, target.id)) throw blocked();
  const now = toDbTime(deps.clock.now());
  const { inserted, status, backfills } = await inTransaction(deps.db, async (trx) => {
    const accounts = await lockAccounts(trx, [actor.id, target.id]);
    // Privacy as of the lock: a concurrent switch to public cannot leave this request pending.
    const wanted = accounts.get(target.id)?.isPrivate ? 'pending' : 'accepted';
    const followId = await repo.insertFollow(trx, actor.id, target.id, wanted, now);
    if (followId === null) {
      const existing = await repo.findFollowStatus(trx, actor.id, target.id);
      return { inserted: false, status: existing, backfills: [] };
    }
    await notify(trx, now, [
      {
        type: wanted === 'pending' ? 'follow_request' : 'follow',
        recipientId: target.id,
        actorId: actor.id,
        followId,
      },
    ]);
    if (wanted === 'pending') return { inserted: true, status: wanted, backfills: [] };
    await countFollows(trx, accounts, [[actor.id, target.id]], 1);
    const follow = { followerId: actor.id, authorId: target.id };
    return {
      inserted: true,
      status: wanted,
      backfills: await inFollowsAccepted(trx, [follow], now),
    };
  });
  if (inserted) announce(deps, [target.id]);
  if (inserted && status === 'accepted') await afterFollowsAccepted(deps, backfills);
  return { status: status === 'pending' ? 'requested' : 'following' };
}

/** Unfollows, or withdraws a pending request. Idempotent. */
export async function unfollow(deps: AppDeps, actor: Actor, username: string): Promise<void> {
  const target = await requireActiveUser(deps.db, username);
  if (target.id === actor.id) throw badRequest('You cannot unfollow yourself.');
  await removeEdge(deps, actor.id, target.id);
}

/** Removes `username` from the caller's followers (or drops its pending request). Idempotent. */
export async function removeFollower(deps: AppDeps, actor: Actor, username: string): Promise<void> {
  const follower = await requireActiveUser(deps.db, username);
  if (follower.id === actor.id) throw badRequest('You cannot remove yourself as a follower.');
  await removeEdge(deps, follower.id, actor.id);
}

/** The edge, its counts and the author's posts in the follower's home timeline go together. */
const removeEdge = (deps: AppDeps, followerId: number, followingId: number) =>
  inTransaction(deps.db, async (trx) => {
    const accounts = await lockAccounts(trx, [followerId, followingId]);
    if ((await repo.deleteFollow(trx, followerId, followingId)) === 'accepted') {
      await countFollows(trx, accounts, [[followerId, followingId]], -1);
    }
    await followRemoved(trx, followerId, followingId);
    await inFollowRemoved(trx, followerId, followingId);
  });

/**
 * For a block, in its transaction: follows and requests between the two accounts end both
 * ways, with their counters and home timelines.
 */
export async function removeFollowsBetween(trx: Trx, a: number, b: number): Promise<void> {
  const accounts = await lockAccounts(trx, [a, b]);
  for (const [followerId, followingId] of [
    [a, b],
    [b, a],
  ] as const) {
    if ((await repo.deleteFollow(trx, followerId, followingId)) === 'accepted') {
      await countFollows(trx, accounts, [[followerId, followingId]], -1);
    }
    await inFollowRemoved(trx, followerId, followingId);
  }
}

/**
 * Used when an account goes public, in the transaction that changed its profile row: everyone
 * who asked is let in. Returns their ids; their timelines' backfill is queued in the same
 * transaction.
 */
export async function acceptAllRequests(trx: Trx, userId: number): Promise<number[]> {
  const pending = await repo.pendingFollowerIds(trx, userId, true);
  if (pending.length === 0) return [];
  const accounts = await lockAccounts(trx, [userId, ...pending]);
  await repo.acceptPending(trx, userId, pending);
  await requestsAccepted(trx, userId, pending);
  await countFollows(
    trx,
    accounts,
    pending.map((followerId) => [followerId, userId] as const),
    1,
  );
  return pending;
}

/** For the deactivation of `userId`: the accounts on the other side of its accepted follows. */
export const acceptedFollowsOf = (trx: Trx, userId: number, lock: boolean) =>
  repo.acceptedFollowsOf(trx, userId, lock);

/** Who has asked to follow `userId` (a plain read: the caller locks the accounts next). */
export const pendingFollowerIds = (trx: Trx, userId: number) =>
  repo.pendingFollowerIds(trx, userId, false);

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
    actor?.id ?? null,
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
  const rows = await repo.listEdges(
    deps.db,
    actor.id,
    actor.id,
    'followers',
    'pending',
    limit,
    afterKey,
  );
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

/** The request `followerId` sent the actor (Mastodon names requests by their sender); 404 if none. */
export async function requestIdFrom(deps: AppDeps, actor: Actor, followerId: number) {
  const id = await repo.pendingRequestId(deps.db, followerId, actor.id);
  if (id === undefined) throw notFound('Follow request');
  return id;
}

export async function approveRequest(deps: AppDeps, actor: Actor, id: number): Promise<void> {
  const followerId = await repo.requestSender(deps.db, id, actor.id);
  if (followerId === undefined) throw notFound('Follow request');
  const now = toDbTime(deps.clock.now());
  const approved = await inTransaction(deps.db, async (trx) => {
    const accounts = await lockAccounts(trx, [followerId, actor.id]);
    if (!(await repo.approveRequest(trx, id, actor.id))) return false;
    await countFollows(trx, accounts, [[followerId, actor.id]], 1);
    await inFollowsAccepted(trx, [{ followerId, authorId: actor.id }], now);
    await requestsAccepted(trx, actor.id, [followerId]);
    await notify(trx, now, [
      { type: 'follow_accepted', recipientId: followerId, actorId: actor.id, followId: id },
    ]);
    return true;
  });
  if (!approved) throw notFound('Follow request');
  announce(deps, [followerId]);
  afterTimelineChange(deps);
}

/** A pending request counts nowhere, so declining one changes no counter. */

export async function declineRequest(deps: AppDeps, actor: Actor, id: number): Promise<void> {
  if (!(await repo.declineRequest(deps.db, id, actor.id))) throw notFound('Follow request');
}
