import { type Expression, type SqlBool, sql } from 'kysely';
import type { Executor } from '../../db/transaction.js';

/**
 * The one privacy rule: an active account's content is visible to its owner, to everyone when
 * the account is public, and to accepted followers when it is private; and never across a
 * block, either way (to the blocked person the blocker does not exist, and the blocker no
 * longer sees the blocked). `canSee` answers it for one owner; `visibleAuthor` is the same rule
 * as SQL for lists (feed, explore, hashtags, …) and `notBlocked` its block half for lists of
 * people and comments. The loaders below answer null (not found) across a block.
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
    .select(sql<number>`${notBlocked(actorId, 'users.id')}`.as('unblocked'))
    .where(column, '=', value)
    .executeTakeFirst();
  if (!row || !Number(row.unblocked)) return null;
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
        and vf.following_id = vu.id and vf.status = 'accepted'))
    and ${notBlocked(actorId, 'vu.id')})`;
}

/**
 * No block between the actor and the user in `userColumn`, either way: two lookups of the
 * blocks table's unique (blocker_id, blocked_id) index. Without an actor, nothing is blocked.
 */
export function notBlocked(actorId: number | null, userColumn: string): Expression<SqlBool> {
  const user = sql.ref(userColumn);
  const actor = actorId ?? 0;
  return sql<SqlBool>`(not exists (select 1 from blocks vb where vb.blocker_id = ${user}
      and vb.blocked_id = ${actor})
    and not exists (select 1 from blocks vb2 where vb2.blocker_id = ${actor}
      and vb2.blocked_id = ${user}))`;
}

/**
 * The reader has not muted the author in `authorColumn` for this kind of content (home feed
 * posts, story tray stories). Muting hides nothing else: profiles and lists stay as they are.
 */
export function notMuted(
  readerId: number,
  authorColumn: string,
  kind: 'posts' | 'stories',
): Expression<SqlBool> {
  const flag = sql.ref(kind === 'posts' ? 'vm.mute_posts' : 'vm.mute_stories');
  return sql<SqlBool>`not exists (select 1 from mutes vm where vm.muter_id = ${readerId}
    and vm.muted_id = ${sql.ref(authorColumn)} and ${flag} = 1)`;
}

/** Whether either of two accounts blocks the other (for actions: follow, like, comment). */
export async function isBlockedBetween(db: Executor, a: number, b: number): Promise<boolean> {
  const row = await db
    .selectFrom('blocks')
    .select('blocks.id')
    .where((eb) =>
      eb.or([
        eb.and([eb('blocks.blocker_id', '=', a), eb('blocks.blocked_id', '=', b)]),
        eb.and([eb('blocks.blocker_id', '=', b), eb('blocks.blocked_id', '=', a)]),
      ]),
    )
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
