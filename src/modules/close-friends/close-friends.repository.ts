import type { DbTime } from '../../db/time.js';
import type { Executor, Trx } from '../../db/transaction.js';
import { after } from '../../http/pagination.js';
import { USER_SUMMARY_COLUMNS } from '../users/user-summary.js';
import { notBlocked } from '../users/visibility.js';

/** Active accounts among `usernames` (lowercase) that the owner may list: no block between them. */
export function findListableUsers(db: Executor, ownerId: number, usernames: readonly string[]) {
  if (usernames.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('users')
    .select(['users.id', 'users.username'])
    .where('users.username', 'in', usernames)
    .where('users.is_active', '=', 1)
    .where(notBlocked(ownerId, 'users.id'))
    .execute();
}

/** Makes the owner's list exactly `friendIds`; rows already there keep their `created_at`. */
export async function replaceCloseFriends(
  trx: Trx,
  ownerId: number,
  friendIds: readonly number[],
  now: DbTime,
): Promise<void> {
  await trx
    .deleteFrom('close_friends')
    .where('owner_id', '=', ownerId)
    .$if(friendIds.length > 0, (q) => q.where('friend_id', 'not in', friendIds))
    .execute();
  if (friendIds.length === 0) return;
  await trx
    .insertInto('close_friends')
    .values(friendIds.map((friend_id) => ({ owner_id: ownerId, friend_id, created_at: now })))
    .orIgnore()
    .execute();
}

/** One page of the owner's close friends (active accounts), by username. */
export function closeFriendsPage(
  db: Executor,
  ownerId: number,
  cursor: readonly [string, number] | null,
  limit: number,
) {
  return db
    .selectFrom('close_friends')
    .innerJoin('users', 'users.id', 'close_friends.friend_id')
    .innerJoin('profiles', 'profiles.user_id', 'users.id')
    .select(USER_SUMMARY_COLUMNS)
    .where('close_friends.owner_id', '=', ownerId)
    .where('users.is_active', '=', 1)
    .$if(cursor !== null, (q) =>
      q.where((eb) => after(eb, ['users.username', 'users.id'], cursor!, 'asc')),
    )
    .orderBy('users.username', 'asc')
    .orderBy('users.id', 'asc')
    .limit(limit + 1)
    .execute();
}
