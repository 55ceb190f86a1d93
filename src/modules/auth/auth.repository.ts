import type { DbTime } from '../../db/time.js';
import type { Executor } from '../../db/transaction.js';

/** All SQL of refresh_tokens. Tokens are stored only as their sha256 hex. */
export interface NewRefreshToken {
  user_id: number;
  family_id: string;
  token_hash: string;
  expires_at: DbTime;
  created_at: DbTime;
}

export async function insertRefreshToken(db: Executor, token: NewRefreshToken): Promise<number> {
  const result = await db.insertInto('refresh_tokens').values(token).executeTakeFirstOrThrow();
  return Number(result.insertId);
}

/** The token row together with whether its user may still sign in. */
export function findRefreshToken(db: Executor, tokenHash: string) {
  return db
    .selectFrom('refresh_tokens')
    .innerJoin('users', 'users.id', 'refresh_tokens.user_id')
    .select([
      'refresh_tokens.id',
      'refresh_tokens.user_id',
      'refresh_tokens.family_id',
      'refresh_tokens.expires_at',
      'refresh_tokens.revoked_at',
      'refresh_tokens.replaced_by',
      'users.is_active',
    ])
    .where('refresh_tokens.token_hash', '=', tokenHash)
    .executeTakeFirst();
}

/** Revokes one token if it is still active; false when someone else revoked it first. */
export async function revokeToken(db: Executor, id: number, now: DbTime): Promise<boolean> {
  const result = await db
    .updateTable('refresh_tokens')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function setReplacedBy(db: Executor, id: number, replacedBy: number): Promise<void> {
  await db
    .updateTable('refresh_tokens')
    .set({ replaced_by: replacedBy })
    .where('id', '=', id)
    .execute();
}

export async function revokeFamily(db: Executor, familyId: string, now: DbTime): Promise<void> {
  await db
    .updateTable('refresh_tokens')
    .set({ revoked_at: now })
    .where('family_id', '=', familyId)
    .where('revoked_at', 'is', null)
    .execute();
}

export async function revokeAllOfUser(db: Executor, userId: number, now: DbTime): Promise<void> {
  await db
    .updateTable('refresh_tokens')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
}

/** Retention: tokens past expiry, and revoked ones once `revokedBefore` (kept a while to spot reuse). */
export async function deleteStaleRefreshTokens(
  db: Executor,
  now: DbTime,
  revokedBefore: DbTime,
): Promise<number> {
  const expired = await db
    .deleteFrom('refresh_tokens')
    .where('expires_at', '<', now)
    .executeTakeFirst();
  const revoked = await db
    .deleteFrom('refresh_tokens')
    .where('revoked_at', '<', revokedBefore)
    .executeTakeFirst();
  return Number(expired.numDeletedRows) + Number(revoked.numDeletedRows);
}
