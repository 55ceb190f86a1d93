import type { DbTime } from '../../db/time.js';
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

/**
 * Which of the username and email are taken, by anyone (deactivated accounts keep theirs); a
 * username given up by a rename less than 14 days ago is taken too.
 */
export async function takenFields(
  db: Executor,
  username: string,
  email: string,
  now: DbTime,
): Promise<('username' | 'email')[]> {
  const taken = await repo.findTaken(db, username, email);
  const usernameTaken =
    taken.some((t) => t.username === username) ||
    (await repo.isUsernameReserved(db, username, null, now));
  return [
    ...(usernameTaken ? (['username'] as const) : []),
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

/** The active account with this (lowercase) email, if any: password reset. */
export const findActiveByEmail = (db: Executor, email: string) => repo.findActiveByEmail(db, email);

/** Marks the email verified if the account still has it; false otherwise. */
export const markEmailVerified = (db: Executor, userId: number, email: string) =>
  repo.markEmailVerified(db, userId, email);

/** Username, email, whether it is verified and the last rename, of an active account. */
export const findAccountSettings = (db: Executor, userId: number) =>
  repo.findAccountSettings(db, userId);
/** Role and moderation state of any account (active or not), by id or username. */
export const findAccount = (db: Executor, where: { id: number } | { username: string }) =>
  repo.findAccount(db, where);

export const setRole = (db: Executor, userId: number, role: UserRole) =>
  repo.setRole(db, userId, role);
