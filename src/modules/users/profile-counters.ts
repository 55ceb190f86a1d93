import type { Trx } from '../../db/transaction.js';
import {
  type AccountState,
  adjustCounters,
  type CounterDeltas,
  lockAccounts as lockAccountRows,
} from './users.repository.js';

/**
 * The profile's counters are stored on `profiles` and changed, by relative updates, in the
 * transaction of each write that changes what they count, only when that write changed a row:
 *   posts_count      the account's posts (deleted_at is null; posts are hard-deleted);
 *   followers_count  accepted follows of the account whose follower is active;
 *   following_count  accepted follows by the account whose followed account is active.
 *
 * Locking (MySQL; SQLite runs one transaction at a time): a transaction that changes a follow
 * first calls `lockAccounts` for both sides; going public and deactivation first read (without
 * locks) the peers whose counters they will change and lock them with the account itself in
 * the same ascending pass. A peer that appears between that read and the lock is locked late;
 * the rare deadlock that can cause is retried by inTransaction. While a writer holds an account, that account's
 * is_active and its follows therefore stay as the writer read them. Post writers change
 * posts_count before they touch posts rows, so the profile row is always locked first.
 */
export type LockedAccounts = Map<number, AccountState>;

/** Locks the accounts (ascending user_id) and reads whether each is private and active. */
export const lockAccounts = (trx: Trx, ids: readonly number[]): Promise<LockedAccounts> =>
  lockAccountRows(trx, ids);

/**
 * Accepted follows that appeared (delta 1) or went away (-1), each [followerId, followingId]:
 * each side counts one only while the other side is active.
 */
export async function countFollows(
  trx: Trx,
  accounts: LockedAccounts,
  follows: readonly (readonly [number, number])[],
  delta: 1 | -1,
): Promise<void> {
  const deltas: CounterDeltas = new Map();
  const add = (id: number, column: 'followers_count' | 'following_count') => {
    const entry = deltas.get(id) ?? {};
    entry[column] = (entry[column] ?? 0) + delta;
    deltas.set(id, entry);
  };
  for (const [followerId, followingId] of follows) {
    if (accounts.get(followerId)?.isActive) add(followingId, 'followers_count');
    if (accounts.get(followingId)?.isActive) add(followerId, 'following_count');
  }
  await adjustCounters(trx, deltas);
}

/** A post of `authorId` was created (1) or deleted (-1). */
export const countPost = (trx: Trx, authorId: number, delta: 1 | -1) =>
  adjustCounters(trx, new Map([[authorId, { posts_count: delta }]]));
