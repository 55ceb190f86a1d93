import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Static } from 'typebox';
import type { AppDeps } from '../../deps.js';
import { addSeconds, toDbTime } from '../../db/time.js';
import { type Executor, inTransaction, isUniqueViolation } from '../../db/transaction.js';
import { conflict, notAuthenticated } from '../../http/errors.js';
import { loadUserSummaries, toUserSummary } from '../users/user-summary.js';
import { createAccount, findCredentials, takenFields } from '../users/accounts.service.js';
import { signAccessToken } from './access-token.js';
import * as repo from './auth.repository.js';
import type { LoginBody, SignupBody, TokenPair } from './auth.schema.js';
import { checkPassword } from './password-policy.js';
import { hashPassword, verifyPassword } from './passwords.js';

export type TokenPairDto = Static<typeof TokenPair>;

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

/** Opaque, 256 bits of randomness; only its sha256 is stored. */
const newRefreshToken = () => randomBytes(32).toString('base64url');

async function issueTokens(
  deps: AppDeps,
  db: Executor,
  userId: number,
  familyId: string,
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
  const accessToken = await signAccessToken(deps.config.jwtSecret, userId, ttl, now);
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
      const { pair } = await issueTokens(deps, trx, userId, randomUUID());
      return { userId, pair };
    });
    return await withUser(deps, userId, pair);
  } catch (error) {
    if (isUniqueViolation(error)) throw takenError(await takenFields(deps.db, username, email));
    throw error;
  }
}

const badCredentials = () => notAuthenticated('The username or password is not correct.');

export async function login(deps: AppDeps, input: Static<typeof LoginBody>): Promise<TokenPairDto> {
  const user = await findCredentials(deps.db, input.username);
  const ok = await verifyPassword(user?.password_hash, input.password);
  if (!user || !ok) throw badCredentials();
  const { pair } = await issueTokens(deps, deps.db, user.id, randomUUID());
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
    await repo.revokeFamily(deps.db, row.family_id, now);
    throw invalidRefresh();
  }
  if (row.expires_at <= now || !row.is_active) throw invalidRefresh();
  const pair = await inTransaction(deps.db, async (trx) => {
    // A concurrent refresh with the same token lost the race: treat it as reuse.
    if (!(await repo.revokeToken(trx, row.id, now))) return null;
    const issued = await issueTokens(deps, trx, row.user_id, row.family_id);
    await repo.setReplacedBy(trx, row.id, issued.tokenId);
    return issued.pair;
  });
  if (!pair) {
    await repo.revokeFamily(deps.db, row.family_id, now);
    throw invalidRefresh();
  }
  return withUser(deps, row.user_id, pair);
}

/** Idempotent; an unknown token is not an error (nothing to reveal). */
export async function logout(deps: AppDeps, refreshToken: string): Promise<void> {
  const now = toDbTime(deps.clock.now());
  const row = await repo.findRefreshToken(deps.db, sha256(refreshToken));
  if (!row) return;
  // A rotated token showing up again is reuse, even on logout.
  if (row.replaced_by !== null) await repo.revokeFamily(deps.db, row.family_id, now);
  else await repo.revokeToken(deps.db, row.id, now);
}

export async function revokeAllRefreshTokens(db: Executor, userId: number, now: Date) {
  await repo.revokeAllOfUser(db, userId, toDbTime(now));
}
