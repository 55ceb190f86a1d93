import { compiledQuery } from '../../db/compiled-query.js';
import type { DbTime } from '../../db/time.js';
import type { Executor } from '../../db/transaction.js';
import type { EmailTokenPurpose } from '../../db/types.js';
import { after } from '../../http/pagination.js';

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

/* Sessions: one row per login; its refresh tokens share its family_id. */

export interface NewSession {
  user_id: number;
  family_id: string;
  user_agent: string | null;
  ip_address: string | null;
  created_at: DbTime;
  last_used_at: DbTime;
}

export async function insertSession(db: Executor, session: NewSession): Promise<number> {
  const result = await db.insertInto('sessions').values(session).executeTakeFirstOrThrow();
  return Number(result.insertId);
}

/** The session of a refresh-token family, if it was not revoked. */
export function findLiveSession(db: Executor, familyId: string) {
  return db
    .selectFrom('sessions')
    .select(['id', 'user_id'])
    .where('family_id', '=', familyId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
}

export async function touchSession(db: Executor, id: number, now: DbTime): Promise<void> {
  await db.updateTable('sessions').set({ last_used_at: now }).where('id', '=', id).execute();
}

/** Revokes sessions and their refresh tokens: by family, one id of a user, or all of a user. */
export async function revokeSessions(
  db: Executor,
  where: { familyId: string } | { userId: number; id?: number; exceptId?: number },
  now: DbTime,
): Promise<number> {
  const result = await db
    .updateTable('sessions')
    .set({ revoked_at: now })
    .where('revoked_at', 'is', null)
    .$if('familyId' in where, (qb) =>
      qb.where('family_id', '=', (where as { familyId: string }).familyId),
    )
    .$if('userId' in where, (qb) => qb.where('user_id', '=', (where as { userId: number }).userId))
    .$if('id' in where && where.id !== undefined, (qb) =>
      qb.where('id', '=', (where as { id: number }).id),
    )
    .$if('exceptId' in where && where.exceptId !== undefined, (qb) =>
      qb.where('id', '!=', (where as { exceptId: number }).exceptId),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Refresh tokens of the user's sessions that are now revoked (after revokeSessions). */
export async function revokeTokensOfRevokedSessions(
  db: Executor,
  userId: number,
  now: DbTime,
): Promise<void> {
  await db
    .updateTable('refresh_tokens')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('family_id', 'in', (eb) =>
      eb
        .selectFrom('sessions')
        .select('sessions.family_id')
        .where('sessions.user_id', '=', userId)
        .where('sessions.revoked_at', 'is not', null),
    )
    .execute();
}

/** The user's live sessions, most recently used first. */
export function sessionsPage(
  db: Executor,
  userId: number,
  cursor: readonly [string, number] | null,
  limit: number,
) {
  return db
    .selectFrom('sessions')
    .select(['id', 'user_agent', 'ip_address', 'created_at', 'last_used_at'])
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .$if(cursor !== null, (qb) =>
      qb.where((eb) => after(eb, ['sessions.created_at', 'sessions.id'], cursor!, 'desc')),
    )
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
}

/** Whether the token's account is active and its session live: one primary-key lookup each. */
const liveSessionQuery = compiledQuery((db, userId: number, sessionId: number) =>
  db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select('sessions.id')
    .where('sessions.id', '=', sessionId)
    .where('sessions.user_id', '=', userId)
    .where('sessions.revoked_at', 'is', null)
    .where('users.is_active', '=', 1),
);

export async function isLiveSession(db: Executor, userId: number, sessionId: number) {
  return (await liveSessionQuery(db, userId, sessionId)).length > 0;
}

/** email_tokens: single-use tokens mailed for email verification and password reset. */
export interface NewEmailToken {
  user_id: number;
  purpose: EmailTokenPurpose;
  token_hash: string;
  email: string;
  expires_at: DbTime;
  created_at: DbTime;
}

export async function insertEmailToken(db: Executor, token: NewEmailToken): Promise<void> {
  await db.insertInto('email_tokens').values(token).execute();
}

/** The token with its account's current email, username and state. */
export function findEmailToken(db: Executor, purpose: EmailTokenPurpose, tokenHash: string) {
  return db
    .selectFrom('email_tokens')
    .innerJoin('users', 'users.id', 'email_tokens.user_id')
    .select([
      'email_tokens.id',
      'email_tokens.user_id',
      'email_tokens.email',
      'email_tokens.expires_at',
      'email_tokens.used_at',
      'users.email as current_email',
      'users.username',
      'users.is_active',
    ])
    .where('email_tokens.token_hash', '=', tokenHash)
    .where('email_tokens.purpose', '=', purpose)
    .executeTakeFirst();
}

/** Spends one token; false when it was already spent (a concurrent use won). */
export async function useEmailToken(db: Executor, id: number, now: DbTime): Promise<boolean> {
  const result = await db
    .updateTable('email_tokens')
    .set({ used_at: now })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Every unspent token of that purpose of the user stops working. */
export async function spendEmailTokensOf(
  db: Executor,
  userId: number,
  purpose: EmailTokenPurpose,
  now: DbTime,
): Promise<void> {
  await db
    .updateTable('email_tokens')
    .set({ used_at: now })
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .execute();
}

/** Tokens of that purpose issued to the user since `since` (limits mails per account). */
export async function countEmailTokensSince(
  db: Executor,
  userId: number,
  purpose: EmailTokenPurpose,
  since: DbTime,
): Promise<number> {
  const row = await db
    .selectFrom('email_tokens')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .where('created_at', '>=', since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Retention: tokens past expiry. */
export async function deleteExpiredEmailTokens(db: Executor, now: DbTime): Promise<void> {
  await db.deleteFrom('email_tokens').where('expires_at', '<', now).execute();
}
