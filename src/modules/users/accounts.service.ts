import type { Executor } from '../../db/transaction.js';
import type { UserRole } from '../../db/types.js';
import { notFound } from '../../http/errors.js';
import * as repo from './users.repository.js';

/**
 * Accounts as other modules need them: creating one, the sign-in lookup, active checks. Kept
 * apart from users.service.ts, which calls the auth and follows services, so that those
 * services can call these without an import cycle.
 */

export type NewAccount = repo.NewAccount;

/** The users row and its profile; returns the new user id. */
export const createAccount = (trx: Executor, account: NewAccount) =>
  repo.insertAccount(trx, account);

/** Which of the username and email are taken, by anyone (deactivated accounts keep theirs). */
export async function takenFields(
  db: Executor,
  username: string,
  email: string,
): Promise<('username' | 'email')[]> {
  const taken = await repo.findTaken(db, username, email);
  return [
    ...(taken.some((t) => t.username === username) ? (['username'] as const) : []),
    ...(taken.some((t) => t.email === email) ? (['email'] as const) : []),
  ];
}

/** The id and password hash of the active account with this username or email, if any. */
export const findCredentials = (db: Executor, login: string) => repo.findCredentials(db, login);

/** A suspended account with this username or email, for login's refusal with the reason. */
export const findSuspendedCredentials = (db: Executor, login: string) =>
  repo.findSuspendedCredentials(db, login);

/** An active account named in a URL (usernames are case-insensitive), or 404. */
export async function requireActiveUser(db: Executor, username: string) {
  const user = await repo.findActiveByUsername(db, username.toLowerCase());
  if (!user) throw notFound('User');
  return user;
}

/** The active account's password hash and username (for checks of a new password). */
export const findPasswordHash = (db: Executor, userId: number) => repo.findPasswordHash(db, userId);

export const setPasswordHash = (db: Executor, userId: number, passwordHash: string) =>
  repo.setPasswordHash(db, userId, passwordHash);

/** Role and moderation state of any account (active or not), by id or username. */
export const findAccount = (db: Executor, where: { id: number } | { username: string }) =>
  repo.findAccount(db, where);

export const setRole = (db: Executor, userId: number, role: UserRole) =>
  repo.setRole(db, userId, role);
