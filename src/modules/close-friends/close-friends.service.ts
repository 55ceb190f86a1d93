import type { AppDeps } from '../../deps.js';
import { toDbTime } from '../../db/time.js';
import { inTransaction } from '../../db/transaction.js';
import type { Actor } from '../../http/auth.js';
import { badRequest } from '../../http/errors.js';
import { decodeCursor, type Page, splitPage } from '../../http/pagination.js';
import { toUserSummary, type UserSummaryDto } from '../users/user-summary.js';
import * as repo from './close-friends.repository.js';

/**
 * Replaces the caller's close friends list (who sees their `close_friends` stories). Every
 * name must be an active account other than the caller; otherwise 400 with one `usernames`
 * error per bad entry, and nothing changes.
 */
export async function replaceCloseFriends(
  deps: AppDeps,
  actor: Actor,
  usernames: readonly string[],
): Promise<void> {
  const wanted = usernames.map((name) => name.trim().toLowerCase());
  const found = await repo.findListableUsers(deps.db, actor.id, [...new Set(wanted)]);
  const idOf = new Map(found.map((row) => [row.username, Number(row.id)]));
  const errors = wanted.flatMap((name, i) => {
    const problem =
      wanted.indexOf(name) !== i
        ? 'is repeated'
        : idOf.get(name) === actor.id
          ? 'is you'
          : !idOf.has(name)
            ? 'is no active account'
            : null;
    return problem ? [{ field: 'usernames', message: `"${name}" ${problem}` }] : [];
  });
  if (errors.length > 0) throw badRequest('Some usernames cannot be close friends.', errors);
  const ids = wanted.map((name) => idOf.get(name)!);
  await inTransaction(deps.db, (trx) =>
    repo.replaceCloseFriends(trx, actor.id, ids, toDbTime(deps.clock.now())),
  );
}

export async function listCloseFriends(
  deps: AppDeps,
  actor: Actor,
  query: { limit?: number; cursor?: string },
): Promise<Page<UserSummaryDto>> {
  const limit = query.limit ?? 20;
  const cursor = decodeCursor(query.cursor, ['text', 'id'] as const);
  const rows = await repo.closeFriendsPage(deps.db, actor.id, cursor, limit);
  const page = splitPage(rows, limit, (row) => [row.username, row.id]);
  return {
    data: page.rows.map((row) => toUserSummary(row, deps.mediaUrl)),
    next_cursor: page.next_cursor,
  };
}
