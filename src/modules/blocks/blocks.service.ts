import type { Static } from 'typebox';
import type { AppDeps } from '../../deps.js';
import { toDbTime, toIso } from '../../db/time.js';
import { inTransaction } from '../../db/transaction.js';
import type { Actor } from '../../http/auth.js';
import { badRequest } from '../../http/errors.js';
import { decodeCursor, type Page, splitPage } from '../../http/pagination.js';
import { removeFollowsBetween } from '../follows/follows.service.js';
import { requireActiveUser } from '../users/accounts.service.js';
import { loadUserSummaries, toUserSummary, type UserSummaryDto } from '../users/user-summary.js';
import * as repo from './blocks.repository.js';
import type { BlockedUserDto, MuteBody, MutedUserDto, MuteState } from './blocks.schema.js';

type PageInput = { limit?: number; cursor?: string };

async function otherAccount(deps: AppDeps, actor: Actor, username: string, verb: string) {
  const target = await requireActiveUser(deps.db, username);
  if (target.id === actor.id) throw badRequest(`You cannot ${verb} yourself.`);
  return target;
}

/**
 * Idempotent. Follows and follow requests between the two end both ways in the same
 * transaction; from then on users/visibility.ts keeps each out of the other's lists.
 */
export async function block(deps: AppDeps, actor: Actor, username: string): Promise<void> {
  const target = await otherAccount(deps, actor, username, 'block');
  await inTransaction(deps.db, async (trx) => {
    await removeFollowsBetween(trx, actor.id, target.id);
    await repo.insertBlock(trx, actor.id, target.id, toDbTime(deps.clock.now()));
  });
}

/** Idempotent; follows that the block ended stay ended. */
export async function unblock(deps: AppDeps, actor: Actor, username: string): Promise<void> {
  const target = await otherAccount(deps, actor, username, 'unblock');
  await repo.deleteBlock(deps.db, actor.id, target.id);
}

/** A page of (account, created_at) rows with each account's summary: two statements. */
async function pageWithUsers<Row extends { id: number; user_id: number; created_at: string }, T>(
  deps: AppDeps,
  rows: Row[],
  limit: number,
  item: (row: Row, user: UserSummaryDto) => T,
): Promise<Page<T>> {
  const page = splitPage(rows, limit, (row) => [row.created_at, row.id]);
  const users = await loadUserSummaries(
    deps.db,
    page.rows.map((row) => row.user_id),
  );
  return {
    data: page.rows.flatMap((row) => {
      const user = users.get(row.user_id);
      return user ? [item(row, toUserSummary(user, deps.mediaUrl))] : [];
    }),
    next_cursor: page.next_cursor,
  };
}

export async function listBlocks(
  deps: AppDeps,
  actor: Actor,
  input: PageInput,
): Promise<Page<BlockedUserDto>> {
  const limit = input.limit ?? 20;
  const cursor = decodeCursor(input.cursor, ['time', 'id']);
  const rows = await repo.blocksPage(deps.db, actor.id, cursor, limit);
  return pageWithUsers(deps, rows, limit, (row, user) => ({
    user,
    created_at: toIso(row.created_at),
  }));
}

/** Sets what is muted (both by default); muting nothing is the same as unmuting. */
export async function mute(
  deps: AppDeps,
  actor: Actor,
  username: string,
  input: Static<typeof MuteBody>,
): Promise<Static<typeof MuteState>> {
  const target = await otherAccount(deps, actor, username, 'mute');
  const state = { posts: input.posts ?? true, stories: input.stories ?? true };
  if (!state.posts && !state.stories) {
    await repo.deleteMute(deps.db, actor.id, target.id);
    return state;
  }
  await inTransaction(deps.db, (trx) =>
    repo.upsertMute(
      trx,
      actor.id,
      target.id,
      { mute_posts: state.posts ? 1 : 0, mute_stories: state.stories ? 1 : 0 },
      toDbTime(deps.clock.now()),
    ),
  );
  return state;
}

export async function unmute(deps: AppDeps, actor: Actor, username: string): Promise<void> {
  const target = await otherAccount(deps, actor, username, 'unmute');
  await repo.deleteMute(deps.db, actor.id, target.id);
}

export async function listMutes(
  deps: AppDeps,
  actor: Actor,
  input: PageInput,
): Promise<Page<MutedUserDto>> {
  const limit = input.limit ?? 20;
  const cursor = decodeCursor(input.cursor, ['time', 'id']);
  const rows = await repo.mutesPage(deps.db, actor.id, cursor, limit);
  return pageWithUsers(deps, rows, limit, (row, user) => ({
    user,
    posts: row.mute_posts === 1,
    stories: row.mute_stories === 1,
    created_at: toIso(row.created_at),
  }));
}

export interface Relation {
  blocking: boolean;
  blockedBy: boolean;
  muting: boolean;
}

/** How the actor stands to each of `ids` (blocks either way, mutes): two statements. */
export async function relationsWith(
  deps: AppDeps,
  actorId: number,
  ids: readonly number[],
): Promise<Map<number, Relation>> {
  const { blocks, mutes } = await repo.relationRows(deps.db, actorId, ids);
  const relations = new Map<number, Relation>(
    ids.map((id) => [id, { blocking: false, blockedBy: false, muting: false }]),
  );
  for (const row of blocks) {
    if (row.blocker_id === actorId) relations.get(row.blocked_id)!.blocking = true;
    else relations.get(row.blocker_id)!.blockedBy = true;
  }
  for (const row of mutes) relations.get(row.muted_id)!.muting = true;
  return relations;
}
