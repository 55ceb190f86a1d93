import { sql } from 'kysely';
import type { Executor } from '../../db/transaction.js';
import { notBlocked } from '../users/visibility.js';

/**
 * The active accounts among `usernames`, whether each may see `authorId`'s content (the
 * privacy rule of users/visibility.ts, here with the mentioned account as the reader), and
 * whether a block stands between them either way. One statement.
 */
export async function findMentionable(
  db: Executor,
  usernames: readonly string[],
  authorId: number,
) {
  if (usernames.length === 0) return [];
  const rows = await db
    .selectFrom('users')
    .innerJoin('profiles', 'profiles.user_id', 'users.id')
    .select(['users.id', 'users.username', 'profiles.tag_approval'])
    .select(
      sql<number>`(users.id = ${authorId} or exists (select 1 from profiles ap
        where ap.user_id = ${authorId} and ap.is_private = 0)
        or exists (select 1 from follows f where f.follower_id = users.id
          and f.following_id = ${authorId} and f.status = 'accepted'))`.as('can_see'),
    )
    .select(sql<number>`${notBlocked(authorId, 'users.id')}`.as('unblocked'))
    .where('users.username', 'in', usernames)
    .where('users.is_active', '=', 1)
    .execute();
  return rows.map(({ unblocked, ...row }) => ({
    ...row,
    can_see: Number(row.can_see) === 1,
    blocked: Number(unblocked) !== 1,
  }));
}
