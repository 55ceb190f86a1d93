import { type ExpressionBuilder, sql } from 'kysely';
import { compiledQuery, compiledStatement } from '../../db/compiled-query.js';
import type { DbTime } from '../../db/time.js';
import { dialectOf } from '../../db/dialect.js';
import type { Executor, Trx } from '../../db/transaction.js';
import { notBlocked } from '../users/visibility.js';
import type { DB, FollowStatus } from '../../db/types.js';
import { after } from '../../http/pagination.js';

/** All SQL of follows. Rows whose other side is deactivated are left in place but never listed. */
export async function insertFollow(
  db: Executor,
  followerId: number,
  followingId: number,
  status: FollowStatus,
  now: DbTime,
): Promise<number | null> {
  const result = await insertFollowStatement(db, followerId, followingId, status, now);
  // The new row's id, or null when the edge was already there.
  return Number(result.numAffectedRows ?? 0) === 1 ? Number(result.insertId) : null;
}

const insertFollowStatement = compiledStatement(
  (db, follower_id: number, following_id: number, status: FollowStatus, created_at: DbTime) =>
    db.insertInto('follows').values({ follower_id, following_id, status, created_at }).orIgnore(),
);

export async function findFollowStatus(
  db: Executor,
  followerId: number,
  followingId: number,
): Promise<FollowStatus | undefined> {
  const [row] = await followStatusQuery(db, followerId, followingId);
  return row?.status;
}

const followStatusQuery = compiledQuery((db, followerId: number, followingId: number) =>
  db
    .selectFrom('follows')
    .select('status')
    .where('follower_id', '=', followerId)
    .where('following_id', '=', followingId),
);

/** Deletes the follow or request; says which one went (undefined: there was none). */
export async function deleteFollow(
  db: Executor,
  followerId: number,
  followingId: number,
): Promise<FollowStatus | undefined> {
  // One status at a time: the statement that deleted the row tells what it was.
  for (const status of ['accepted', 'pending'] as const) {
    const result = await deleteFollowStatement(db, followerId, followingId, status);
    if (Number(result.numAffectedRows ?? 0) === 1) return status;
  }
  return undefined;
}

const deleteFollowStatement = compiledStatement(
  (db, followerId: number, followingId: number, status: FollowStatus) =>
    db
      .deleteFrom('follows')
      .where('follower_id', '=', followerId)
      .where('following_id', '=', followingId)
      .where('status', '=', status),
);

/**
 * Senders of the pending requests to `followingId`; with `lock`, those rows stay locked (MySQL)
 * until the caller commits. Without it, a plain read to learn which accounts to lock first.
 */
export async function pendingFollowerIds(
  trx: Trx,
  followingId: number,
  lock: boolean,
): Promise<number[]> {
  const rows = await trx
    .selectFrom('follows')
    .select('follower_id')
    .where('following_id', '=', followingId)
    .where('status', '=', 'pending')
    .$if(lock && dialectOf(trx) === 'mysql', (qb) => qb.forUpdate())
    .execute();
  return rows.map((row) => row.follower_id);
}

/** Who sent the pending request `id` to `userId`. */
/** The id of `followerId`'s pending request to `userId`, if there is one. */
export async function pendingRequestId(
  db: Executor,
  followerId: number,
  userId: number,
): Promise<number | undefined> {
  const row = await db
    .selectFrom('follows')
    .select('id')
    .where('follower_id', '=', followerId)
    .where('following_id', '=', userId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return row?.id;
}

export async function requestSender(
  db: Executor,
  id: number,
  userId: number,
): Promise<number | undefined> {
  const row = await db
    .selectFrom('follows')
    .select('follower_id')
    .where('id', '=', id)
    .where('following_id', '=', userId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return row?.follower_id;
}

/** Accepts the pending requests of `followerIds` to `followingId`; returns how many. */
export async function acceptPending(
  db: Executor,
  followingId: number,
  followerIds: readonly number[],
): Promise<number> {
  if (followerIds.length === 0) return 0;
  const result = await db
    .updateTable('follows')
    .set({ status: 'accepted' })
    .where('following_id', '=', followingId)
    .where('follower_id', 'in', followerIds)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * The other side of every accepted follow of `userId`, both ways (each an index range), read
 * with a shared lock on MySQL so that the rows are the latest whatever the snapshot.
 */
export async function acceptedFollowsOf(trx: Trx, userId: number, lock: boolean) {
  const otherSides = async (own: 'follower_id' | 'following_id') => {
    const rows = await trx
      .selectFrom('follows')
      .select(own === 'follower_id' ? 'following_id as id' : 'follower_id as id')
      .where(own, '=', userId)
      .where('status', '=', 'accepted')
      .$if(lock && dialectOf(trx) === 'mysql', (qb) => qb.modifyEnd(sql`lock in share mode`))
      .execute();
    return rows.map((row) => row.id);
  };
  return {
    followerIds: await otherSides('following_id'),
    followingIds: await otherSides('follower_id'),
  };
}

type Side = 'followers' | 'following';
type FollowsEb = ExpressionBuilder<DB, 'follows' | 'users'>;

/**
 * One page of a follow list, newest edge first: `followers` of a user or the accounts it is
 * `following` (accepted edges), or its pending requests. The other side must be active.
 */
export function listEdges(
  db: Executor,
  actorId: number | null,
  userId: number,
  side: Side,
  status: FollowStatus,
  limit: number,
  afterKey: readonly [string, number] | null,
) {
  const [own, other] =
    side === 'followers'
      ? (['follows.following_id', 'follows.follower_id'] as const)
      : (['follows.follower_id', 'follows.following_id'] as const);
  return db
    .selectFrom('follows')
    .innerJoin('users', 'users.id', other)
    .select(['follows.id', 'follows.created_at', `${other} as user_id`])
    .where(own, '=', userId)
    .where('follows.status', '=', status)
    .where('users.is_active', '=', 1)
    .where(notBlocked(actorId, other))
    .$if(afterKey !== null, (qb) =>
      qb.where((eb: FollowsEb) =>
        after(eb, ['follows.created_at', 'follows.id'], afterKey!, 'desc'),
      ),
    )
    .orderBy('follows.created_at', 'desc')
    .orderBy('follows.id', 'desc')
    .limit(limit + 1)
    .execute();
}

/** Of `ids`, the accounts `actorId` follows (accepted): one statement for a whole page. */
export async function followedAmong(
  db: Executor,
  actorId: number,
  ids: readonly number[],
): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom('follows')
    .select('following_id')
    .where('follower_id', '=', actorId)
    .where('following_id', 'in', [...new Set(ids)])
    .where('status', '=', 'accepted')
    .execute();
  return new Set(rows.map((r) => r.following_id));
}

/** The request's sender still has an active account (deactivated senders' requests are inert). */
const followerIsActive = (eb: ExpressionBuilder<DB, 'follows'>) =>
  eb.exists(
    eb
      .selectFrom('users')
      .select('users.id')
      .whereRef('users.id', '=', 'follows.follower_id')
      .where('users.is_active', '=', 1),
  );

/** Approves a pending request addressed to `userId` from an active account. */
export async function approveRequest(db: Executor, id: number, userId: number): Promise<boolean> {
  const result = await db
    .updateTable('follows')
    .set({ status: 'accepted' })
    .where('id', '=', id)
    .where('following_id', '=', userId)
    .where('status', '=', 'pending')
    .where(followerIsActive)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function declineRequest(db: Executor, id: number, userId: number): Promise<boolean> {
  const result = await db
    .deleteFrom('follows')
    .where('id', '=', id)
    .where('following_id', '=', userId)
    .where('status', '=', 'pending')
    .where(followerIsActive)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}
