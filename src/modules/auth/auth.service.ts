import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Static } from 'typebox';
import type { AppDeps } from '../../deps.js';
import { addSeconds, type DbTime, toDbTime, toIso } from '../../db/time.js';
import { type Executor, inTransaction, isUniqueViolation } from '../../db/transaction.js';
import type { EmailTokenPurpose } from '../../db/types.js';
import type { Actor } from '../../http/auth.js';
import {
  AppError,
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
  findAccountSettings,
  findActiveByEmail,
  findCredentials,
  markEmailVerified,
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
  PasswordResetConfirmBody,
  Session,
  SignupBody,
  TokenPair,
} from './auth.schema.js';
import { afterMailsQueued, inQueueMails, newMailToken, sha256Hex } from '../mail/mail.service.js';
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

/** A login by a third-party app (OAuth): a session row only, its token is the app's. */
export async function openAppSession(
  deps: AppDeps,
  db: Executor,
  userId: number,
  client: ClientInfo,
): Promise<number> {
  const now = toDbTime(deps.clock.now());
  return repo.insertSession(db, {
    user_id: userId,
    family_id: randomUUID(),
    user_agent: client.userAgent?.slice(0, 255) ?? null,
    ip_address: client.ip?.slice(0, 64) ?? null,
    created_at: now,
    last_used_at: now,
  });
}

/** The app revoked its token (/oauth/revoke): its session ends too (call `deps.sessions.ended` after commit). */
export async function endAppSession(deps: AppDeps, db: Executor, userId: number, id: number) {
  await repo.revokeSessions(db, { userId, id }, toDbTime(deps.clock.now()));
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
  const now = toDbTime(deps.clock.now());
  const taken = await takenFields(deps.db, username, email, now);
  if (taken.length > 0) throw takenError(taken);
  const passwordHash = await hashPassword(input.password);
  try {
    const { userId, pair } = await inTransaction(deps.db, async (trx) => {
      const userId = await createAccount(trx, {
        username,
        email,
        password_hash: passwordHash,
        name: input.name ?? '',
        now,
      });
      await inEmailVerification(deps, trx, { userId, username, email });
      const { pair } = await startSession(deps, trx, userId, client);
      return { userId, pair };
    });
    afterMailsQueued(deps);
    return await withUser(deps, userId, pair);
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw takenError(await takenFields(deps.db, username, email, now));
    }
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
    await endFamily(deps, row, now);
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
    await endFamily(deps, row, now);
    throw invalidRefresh();
  }
  return withUser(deps, row.user_id, pair);
}

/** A login ends: its refresh tokens and its session, so its access tokens stop at once. */
async function endFamily(
  deps: AppDeps,
  login: { user_id: number; family_id: string },
  now: DbTime,
) {
  await inTransaction(deps.db, async (trx) => {
    await repo.revokeFamily(trx, login.family_id, now);
    await repo.revokeSessions(trx, { familyId: login.family_id }, now);
  });
  await deps.sessions.ended([login.user_id]);
}

/**
 * Idempotent; an unknown token is not an error (nothing to reveal). Logging out ends the whole
 * login (its session): its access tokens stop working at once too.
 */
export async function logout(deps: AppDeps, refreshToken: string): Promise<void> {
  const now = toDbTime(deps.clock.now());
  const row = await repo.findRefreshToken(deps.db, sha256(refreshToken));
  if (!row) return;
  await endFamily(deps, row, now);
}

/**
 * Every login of the user ends (deactivation, suspension, password reset), in the caller's
 * transaction; the caller then calls `deps.sessions.ended` after commit.
 */
export async function revokeAllRefreshTokens(db: Executor, userId: number, now: Date) {
  await repo.revokeAllOfUser(db, userId, toDbTime(now));
  await repo.revokeSessions(db, { userId }, toDbTime(now));
}

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
  await deps.sessions.ended([actor.id]);
}

async function endOtherSessions(trx: Executor, actor: Actor, now: DbTime) {
  await repo.revokeSessions(trx, { userId: actor.id, exceptId: actor.sessionId }, now);
  await repo.revokeTokensOfRevokedSessions(trx, actor.id, now);
}

/** "Log out everywhere else": every session but the caller's own ends. */
export async function revokeOtherSessions(deps: AppDeps, actor: Actor) {
  const now = toDbTime(deps.clock.now());
  await inTransaction(deps.db, (trx) => endOtherSessions(trx, actor, now));
  await deps.sessions.ended([actor.id]);
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
  await deps.sessions.ended([actor.id]);
}

const TOKEN_TTL_SECONDS: Record<EmailTokenPurpose, number> = {
  verify_email: 24 * 3600,
  password_reset: 3600,
};
/** Mails of each kind per account per hour, whatever the number of requests. */
const MAILS_PER_HOUR = 3;

const invalidToken = (what: string) =>
  new AppError(400, 'invalid_token', `This ${what} link is invalid, expired or already used.`);

/**
 * A mailed token that still works: unspent, unexpired, of an active account that still has the
 * address it was mailed to (a token sent before an email change is void).
 */
async function findUsableToken(
  db: Executor,
  purpose: EmailTokenPurpose,
  token: string,
  now: DbTime,
) {
  const row = await repo.findEmailToken(db, purpose, sha256Hex(token));
  const usable =
    row &&
    row.used_at === null &&
    row.expires_at > now &&
    row.is_active &&
    row.email === row.current_email;
  return usable ? row : undefined;
}

interface MailedAccount {
  userId: number;
  username: string;
  email: string;
}

/** In the caller's transaction: a single-use token of `purpose` and the mail that carries it. */
async function inMailToken(
  deps: Pick<AppDeps, 'config' | 'clock'>,
  trx: Executor,
  purpose: EmailTokenPurpose,
  user: MailedAccount,
): Promise<void> {
  const now = toDbTime(deps.clock.now());
  const { nonce, tokenHash } = newMailToken(deps.config.jwtSecret);
  await repo.insertEmailToken(trx, {
    user_id: user.userId,
    purpose,
    token_hash: tokenHash,
    email: user.email,
    expires_at: addSeconds(now, TOKEN_TTL_SECONDS[purpose]),
    created_at: now,
  });
  await inQueueMails(
    trx,
    [{ template: purpose, to: user.email, username: user.username, nonce }],
    now,
  );
}

/** Whether MAILS_PER_HOUR tokens of `purpose` were mailed to the account in the last hour. */
async function mailedEnough(deps: AppDeps, userId: number, purpose: EmailTokenPurpose) {
  const hourAgo = toDbTime(new Date(deps.clock.now().getTime() - 3600_000));
  return (await repo.countEmailTokensSince(deps.db, userId, purpose, hourAgo)) >= MAILS_PER_HOUR;
}

/**
 * In the transaction that sets an account's email (signup, email change): a verification token
 * for that address, and the mail that carries it. Earlier verification tokens stop working.
 */
export async function inEmailVerification(
  deps: Pick<AppDeps, 'config' | 'clock'>,
  trx: Executor,
  user: MailedAccount,
): Promise<void> {
  await repo.spendEmailTokensOf(trx, user.userId, 'verify_email', toDbTime(deps.clock.now()));
  await inMailToken(deps, trx, 'verify_email', user);
}

/**
 * Mails a new verification link for the current address (the previous one stops working), unless
 * it is verified already; at most MAILS_PER_HOUR an hour (429).
 */
export async function resendEmailVerification(deps: AppDeps, actor: Actor): Promise<void> {
  const account = await findAccountSettings(deps.db, actor.id);
  if (!account) throw notAuthenticated();
  if (account.email_verified) return;
  if (await mailedEnough(deps, actor.id, 'verify_email')) {
    throw new AppError(
      429,
      'rate_limited',
      'A confirmation link was mailed several times in the last hour; try again later.',
    );
  }
  const { username, email } = account;
  await inTransaction(deps.db, (trx) =>
    inEmailVerification(deps, trx, { userId: actor.id, username, email }),
  );
  afterMailsQueued(deps);
}

/** Marks the address the token was mailed to as verified, if it is still the account's. */
export async function verifyEmail(deps: AppDeps, token: string): Promise<void> {
  const now = toDbTime(deps.clock.now());
  const row = await findUsableToken(deps.db, 'verify_email', token, now);
  if (!row) throw invalidToken('verification');
  await inTransaction(deps.db, async (trx) => {
    if (!(await repo.useEmailToken(trx, row.id, now))) throw invalidToken('verification');
    if (!(await markEmailVerified(trx, row.user_id, row.email))) {
      throw invalidToken('verification');
    }
  });
}

/**
 * Always the same answer, whether or not an account has this address (no enumeration). An
 * active account gets a single-use token valid for an hour, at most MAILS_PER_HOUR an hour
 * whatever the number of requests (the route also limits requests per client address).
 */
export async function requestPasswordReset(deps: AppDeps, email: string): Promise<void> {
  const user = await findActiveByEmail(deps.db, email);
  if (!user || (await mailedEnough(deps, user.id, 'password_reset'))) return;
  await inTransaction(deps.db, (trx) =>
    inMailToken(deps, trx, 'password_reset', {
      userId: user.id,
      username: user.username,
      email: user.email,
    }),
  );
  afterMailsQueued(deps);
}

/**
 * A new password from a mailed token: the password rules apply (400 naming `new_password`),
 * every session ends, and every other reset token of the account stops working. Having read
 * the mail also proves the address.
 */
export async function confirmPasswordReset(
  deps: AppDeps,
  input: Static<typeof PasswordResetConfirmBody>,
): Promise<void> {
  const now = deps.clock.now();
  const row = await findUsableToken(deps.db, 'password_reset', input.token, toDbTime(now));
  if (!row) throw invalidToken('password reset');
  checkPassword('new_password', input.new_password, row.username);
  const passwordHash = await hashPassword(input.new_password);
  await inTransaction(deps.db, async (trx) => {
    if (!(await repo.useEmailToken(trx, row.id, toDbTime(now)))) {
      throw invalidToken('password reset');
    }
    await repo.spendEmailTokensOf(trx, row.user_id, 'password_reset', toDbTime(now));
    await setPasswordHash(trx, row.user_id, passwordHash);
    await markEmailVerified(trx, row.user_id, row.email);
    await revokeAllRefreshTokens(trx, row.user_id, now);
  });
  await deps.sessions.ended([row.user_id]);
}
