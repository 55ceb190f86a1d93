import { type Expression, type SqlBool, sql } from 'kysely';
import type { Executor } from '../../db/transaction.js';

/**
 * The one privacy rule: an active account's content is visible to its owner, to everyone when
 * the account is public, and to accepted followers when it is private. `canSee` answers it for
 * one owner; `visibleAuthor` is the same rule as SQL for lists (feed, explore, hashtags, …).
 */
export interface OwnerVisibility {
  id: number;
  is_private: number;
  is_active: number;
}

export function canSee(
  actorId: number | null,
  owner: OwnerVisibility,
  actorFollowsOwner: boolean,
): boolean {
  if (!owner.is_active) return false;
  if (actorId === owner.id) return true;
  return !owner.is_private || actorFollowsOwner;
}

/** Loads what `canSee` needs for one owner in a single statement. */
export async function loadOwnerVisibility(
  db: Executor,
  actorId: number | null,
  ownerId: number,
): Promise<{ owner: OwnerVisibility; actorFollowsOwner: boolean } | null> {
  return loadVisibility(db, actorId, 'users.id', ownerId);
}

/** The same, for an owner named in a URL (usernames are stored lowercase). */
export async function loadOwnerVisibilityByUsername(
  db: Executor,
  actorId: number | null,
  username: string,
): Promise<{ owner: OwnerVisibility; actorFollowsOwner: boolean } | null> {
  return loadVisibility(db, actorId, 'users.username', username.toLowerCase());
}

async function loadVisibility(
  db: Executor,
  actorId: number | null,
  column: 'users.id' | 'users.username',
  value: number | string,
): Promise<{ owner: OwnerVisibility; actorFollowsOwner: boolean } | null> {
  const row = await db
    .selectFrom('users')
    .innerJoin('profiles', 'profiles.user_id', 'users.id')
    .select(['users.id', 'users.is_active', 'profiles.is_private'])
    .select(
      sql<number>`exists (select 1 from follows f where f.follower_id = ${actorId ?? 0}
        and f.following_id = users.id and f.status = 'accepted')`.as('follows'),
    )
    .where(column, '=', value)
    .executeTakeFirst();
  if (!row) return null;
  return { owner: row, actorFollowsOwner: Number(row.follows) === 1 };
}

/** SQL twin of `canSee` for the author column of a list query, e.g. `visibleAuthor(actor, 'posts.author_id')`. */
export function visibleAuthor(actorId: number | null, authorColumn: string): Expression<SqlBool> {
  const author = sql.ref(authorColumn);
  const actor = actorId ?? 0;
  return sql<SqlBool>`exists (select 1 from users vu inner join profiles vp on vp.user_id = vu.id
    where vu.id = ${author} and vu.is_active = 1
    and (vp.is_private = 0 or vu.id = ${actor}
      or exists (select 1 from follows vf where vf.follower_id = ${actor}
        and vf.following_id = vu.id and vf.status = 'accepted')))`;
}
