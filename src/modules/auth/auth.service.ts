import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Static } from 'typebox';
import type { AppDeps } from '../../deps.js';
import { addSeconds, type DbTime, toDbTime, toIso } from '../../db/time.js';
import { type Executor, inTransaction, isUniqueViolation } from '../../db/transaction.js';
import type { Actor } from '../../http/auth.js';
import {
  accountSuspended,
  conflict,
  forbidden,
  notAuthenticated,
  notFound,
} from '../../http/errors.js';
import { decodeCursor, type Page, splitPage } from '../../http/pagination.js';
import { loadUserSummaries, toUserSummary } from '../users/user-summary.js';
import {
  createAccount,
  findCredentials,
  findPasswordHash,
  findSuspendedCredentials,
  setPasswordHash,
  takenFields,
} from '../users/accounts.service.js';
import { signAccessToken } from './access-token.js';
import * as repo from './auth.repository.js';
import type {
  ChangePasswordBody,
  LoginBody,
  Session,
  SignupBody,
  TokenPair,
} from './auth.schema.js';
import { checkPassword } from './password-policy.js';
import { hashPassword, verifyPassword } from './passwords.js';

export type TokenPairDto = Static<typeof TokenPair>;

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

/** Opaque, 256 bits of randomness; only its sha256 is stored. */
const newRefreshToken = () => randomBytes(32).toString('base64url');

/** Where a login comes from, shown in GET /me/sessions. */
export interface ClientInfo {
  userAgent: string | null;
  ip: string | null;
}

/** A new login: its session row, then its first token pair. */
async function startSession(deps: AppDeps, db: Executor, userId: number, client: ClientInfo) {
  const now = toDbTime(deps.clock.now());
  const familyId = randomUUID();
  const sessionId = await repo.insertSession(db, {
    user_id: userId,
    family_id: familyId,
    user_agent: client.userAgent?.slice(0, 255) ?? null,
    ip_address: client.ip?.slice(0, 64) ?? null,
    created_at: now,
    last_used_at: now,
  });
  return issueTokens(deps, db, userId, familyId, sessionId);
}

async function issueTokens(
  deps: AppDeps,
  db: Executor,
  userId: number,
  familyId: string,
  sessionId: number,
): Promise<{ pair: Omit<TokenPairDto, 'user'>; tokenId: number }> {
  const now = deps.clock.now();
  const refreshToken = newRefreshToken();
  const tokenId = await repo.insertRefreshToken(db, {
    user_id: userId,
    family_id: familyId,
    token_hash: sha256(refreshToken),
    created_at: toDbTime(now),
    expires_at: addSeconds(toDbTime(now), deps.config.refreshTokenTtlSeconds),
  });
  const ttl = deps.config.accessTokenTtlSeconds;
  const accessToken = await signAccessToken(deps.config.jwtSecret, userId, ttl, now, sessionId);
  return {
    tokenId,
    pair: {
      access_token: accessToken,
      refresh_token: refreshToken,
      token_type: 'Bearer',
      expires_in: ttl,
    },
  };
}

async function withUser(deps: AppDeps, userId: number, pair: Omit<TokenPairDto, 'user'>) {
  const summaries = await loadUserSummaries(deps.db, [userId]);
  const row = summaries.get(userId);
  if (!row) throw notAuthenticated();
  return { user: toUserSummary(row, deps.mediaUrl), ...pair };
}

export async function signup(
  deps: AppDeps,
  input: Static<typeof SignupBody>,
  client: ClientInfo,
): Promise<TokenPairDto> {
  const { username, email } = input;
  checkPassword('password', input.password, username);
  const takenError = (fields: string[]) =>
    conflict(`That ${fields.join(' and ') || 'username'} is already taken.`);
  // Checked first for a clear message; the unique indexes settle races between simultaneous signups.
  const taken = await takenFields(deps.db, username, email);
  if (taken.length > 0) throw takenError(taken);
  const passwordHash = await hashPassword(input.password);
  try {
    const { userId, pair } = await inTransaction(deps.db, async (trx) => {
      const userId = await createAccount(trx, {
        username,
        email,
        password_hash: passwordHash,
        name: input.name ?? '',
        now: toDbTime(deps.clock.now()),
      });
      const { pair } = await startSession(deps, trx, userId, client);
      return { userId, pair };
    });
    return await withUser(deps, userId, pair);
  } catch (error) {
    if (isUniqueViolation(error)) throw takenError(await takenFields(deps.db, username, email));
    throw error;
  }
}

const badCredentials = () => notAuthenticated('The username or password is not correct.');

/** Only with the right password does a suspended account learn that (and why) it is refused. */
async function refuseIfSuspended(deps: AppDeps, input: Static<typeof LoginBody>) {
  const suspended = await findSuspendedCredentials(deps.db, input.username);
  if (suspended && (await verifyPassword(suspended.password_hash, input.password))) {
    throw accountSuspended(suspended.suspension_reason);
  }
}

export async function login(
  deps: AppDeps,
  input: Static<typeof LoginBody>,
  client: ClientInfo,
): Promise<TokenPairDto> {
  const user = await findCredentials(deps.db, input.username);
  const ok = await verifyPassword(user?.password_hash, input.password);
  if (!user) await refuseIfSuspended(deps, input);
  if (!user || !ok) throw badCredentials();
  const { pair } = await inTransaction(deps.db, (trx) => startSession(deps, trx, user.id, client));
  return withUser(deps, user.id, pair);
}

const invalidRefresh = () => notAuthenticated('The refresh token is invalid, expired or revoked.');

/**
 * Rotation: each refresh token works once. Presenting one that was already rotated means it was
 * copied, so the whole family (every token descended from that login) is revoked; the user's
 * other logins keep working.
 */
export async function refresh(deps: AppDeps, refreshToken: string): Promise<TokenPairDto> {
  const now = toDbTime(deps.clock.now());
  const row = await repo.findRefreshToken(deps.db, sha256(refreshToken));
  if (!row) throw invalidRefresh();
  if (row.revoked_at !== null) {
    await endFamily(deps.db, row.family_id, now);
    throw invalidRefresh();
  }
  if (row.expires_at <= now || !row.is_active) throw invalidRefresh();
  const session = await repo.findLiveSession(deps.db, row.family_id);
  if (!session) throw invalidRefresh();
  const pair = await inTransaction(deps.db, async (trx) => {
    // A concurrent refresh with the same token lost the race: treat it as reuse.
    if (!(await repo.revokeToken(trx, row.id, now))) return null;
    const issued = await issueTokens(deps, trx, row.user_id, row.family_id, session.id);
    await repo.setReplacedBy(trx, row.id, issued.tokenId);
    await repo.touchSession(trx, session.id, now);
    return issued.pair;
  });
  if (!pair) {
    await endFamily(deps.db, row.family_id, now);
    throw invalidRefresh();
  }
  return withUser(deps, row.user_id, pair);
}

/** A login ends: its refresh tokens and its session, so its access tokens stop at once. */
async function endFamily(db: Executor, familyId: string, now: DbTime) {
  await inTransaction(db, async (trx) => {
    await repo.revokeFamily(trx, familyId, now);
    await repo.revokeSessions(trx, { familyId }, now);
  });
}

/**
 * Idempotent; an unknown token is not an error (nothing to reveal). Logging out ends the whole
 * login (its session): its access tokens stop working at once too.
 */
export async function logout(deps: AppDeps, refreshToken: string): Promise<void> {
  const now = toDbTime(deps.clock.now());
  const row = await repo.findRefreshToken(deps.db, sha256(refreshToken));
  if (!row) return;
  await endFamily(deps.db, row.family_id, now);
}

/** Every login of the user ends (deactivation, suspension, password reset). */
export async function revokeAllRefreshTokens(db: Executor, userId: number, now: Date) {
  await repo.revokeAllOfUser(db, userId, toDbTime(now));
  await repo.revokeSessions(db, { userId }, toDbTime(now));
}

/** For the auth hook: the token's account is active and its session was not revoked. */
export const isLiveSession = (db: Executor, userId: number, sessionId: number) =>
  repo.isLiveSession(db, userId, sessionId);

export async function listSessions(
  deps: AppDeps,
  actor: Actor,
  input: { limit?: number; cursor?: string },
): Promise<Page<Static<typeof Session>>> {
  const limit = input.limit ?? 20;
  const cursor = decodeCursor(input.cursor, ['time', 'id']);
  const rows = await repo.sessionsPage(deps.db, actor.id, cursor, limit);
  const page = splitPage(rows, limit, (row) => [row.created_at, row.id]);
  return {
    data: page.rows.map((row) => ({
      id: String(row.id),
      user_agent: row.user_agent,
      ip_address: row.ip_address,
      created_at: toIso(row.created_at),
      last_used_at: toIso(row.last_used_at),
      current: row.id === actor.sessionId,
    })),
    next_cursor: page.next_cursor,
  };
}

/** Ends one of the caller's sessions (404 when it is not theirs or already ended). */
export async function revokeSession(deps: AppDeps, actor: Actor, sessionId: number) {
  const now = toDbTime(deps.clock.now());
  await inTransaction(deps.db, async (trx) => {
    if ((await repo.revokeSessions(trx, { userId: actor.id, id: sessionId }, now)) === 0) {
      throw notFound('Session');
    }
    await repo.revokeTokensOfRevokedSessions(trx, actor.id, now);
  });
}

async function endOtherSessions(trx: Executor, actor: Actor, now: DbTime) {
  await repo.revokeSessions(trx, { userId: actor.id, exceptId: actor.sessionId }, now);
  await repo.revokeTokensOfRevokedSessions(trx, actor.id, now);
}

/** "Log out everywhere else": every session but the caller's own ends. */
export async function revokeOtherSessions(deps: AppDeps, actor: Actor) {
  const now = toDbTime(deps.clock.now());
  await inTransaction(deps.db, (trx) => endOtherSessions(trx, actor, now));
}

/**
 * Needs the current password (403 when wrong; attempts are rate limited by the route). The new
 * one follows the signup rules; every other session ends, this one goes on.
 */
export async function changePassword(
  deps: AppDeps,
  actor: Actor,
  input: Static<typeof ChangePasswordBody>,
): Promise<void> {
  const user = await findPasswordHash(deps.db, actor.id);
  if (!(await verifyPassword(user?.password_hash, input.current_password))) {
    throw forbidden('The current password is not correct.');
  }
  checkPassword('new_password', input.new_password, user!.username);
  const passwordHash = await hashPassword(input.new_password);
  await inTransaction(deps.db, async (trx) => {
    await setPasswordHash(trx, actor.id, passwordHash);
    await endOtherSessions(trx, actor, toDbTime(deps.clock.now()));
  });
}
