import type { DbTime } from '../../db/time.js';
import type { Executor, Trx } from '../../db/transaction.js';
import { after } from '../../http/pagination.js';

/** True when the block is new. */
export async function insertBlock(trx: Trx, blockerId: number, blockedId: number, now: DbTime) {
  const result = await trx
    .insertInto('blocks')
    .values({ blocker_id: blockerId, blocked_id: blockedId, created_at: now })
    .orIgnore()
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function deleteBlock(db: Executor, blockerId: number, blockedId: number) {
  await db
    .deleteFrom('blocks')
    .where('blocker_id', '=', blockerId)
    .where('blocked_id', '=', blockedId)
    .execute();
}

/** The accounts `blockerId` blocks, newest block first; deactivated ones are left out. */
export function blocksPage(
  db: Executor,
  blockerId: number,
  cursor: readonly [string, number] | null,
  limit: number,
) {
  return db
    .selectFrom('blocks')
    .innerJoin('users', 'users.id', 'blocks.blocked_id')
    .select(['blocks.id', 'blocks.blocked_id as user_id', 'blocks.created_at'])
    .where('blocks.blocker_id', '=', blockerId)
    .where('users.is_active', '=', 1)
    .$if(cursor !== null, (qb) =>
      qb.where((eb) => after(eb, ['blocks.created_at', 'blocks.id'], cursor!, 'desc')),
    )
    .orderBy('blocks.created_at', 'desc')
    .orderBy('blocks.id', 'desc')
    .limit(limit + 1)
    .execute();
}

/** Sets the mute's flags, creating the row when there is none. */
export async function upsertMute(
  trx: Trx,
  muterId: number,
  mutedId: number,
  flags: { mute_posts: number; mute_stories: number },
  now: DbTime,
) {
  const updated = await trx
    .updateTable('mutes')
    .set(flags)
    .where('muter_id', '=', muterId)
    .where('muted_id', '=', mutedId)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) > 0) return;
  await trx
    .insertInto('mutes')
    .values({ muter_id: muterId, muted_id: mutedId, ...flags, created_at: now })
    .orIgnore()
    .execute();
}

export async function deleteMute(db: Executor, muterId: number, mutedId: number) {
  await db
    .deleteFrom('mutes')
    .where('muter_id', '=', muterId)
    .where('muted_id', '=', mutedId)
    .execute();
}

export function mutesPage(
  db: Executor,
  muterId: number,
  cursor: readonly [string, number] | null,
  limit: number,
) {
  return db
    .selectFrom('mutes')
    .innerJoin('users', 'users.id', 'mutes.muted_id')
    .select([
      'mutes.id',
      'mutes.muted_id as user_id',
      'mutes.mute_posts',
      'mutes.mute_stories',
      'mutes.created_at',
    ])
    .where('mutes.muter_id', '=', muterId)
    .where('users.is_active', '=', 1)
    .$if(cursor !== null, (qb) =>
      qb.where((eb) => after(eb, ['mutes.created_at', 'mutes.id'], cursor!, 'desc')),
    )
    .orderBy('mutes.created_at', 'desc')
    .orderBy('mutes.id', 'desc')
    .limit(limit + 1)
    .execute();
}

/** Blocks either way and the actor's mutes between the actor and each of `ids`: two statements. */
export async function relationRows(db: Executor, actorId: number, ids: readonly number[]) {
  if (ids.length === 0) return { blocks: [], mutes: [] };
  const [blocks, mutes] = await Promise.all([
    db
      .selectFrom('blocks')
      .select(['blocker_id', 'blocked_id'])
      .where((eb) =>
        eb.or([
          eb.and([eb('blocker_id', '=', actorId), eb('blocked_id', 'in', ids)]),
          eb.and([eb('blocked_id', '=', actorId), eb('blocker_id', 'in', ids)]),
        ]),
      )
      .execute(),
    db
      .selectFrom('mutes')
      .select(['muted_id', 'mute_posts', 'mute_stories'])
      .where('muter_id', '=', actorId)
      .where('muted_id', 'in', ids)
      .execute(),
  ]);
  return { blocks, mutes };
}
