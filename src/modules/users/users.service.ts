import type { Static } from 'typebox';
import type { AppDeps } from '../../deps.js';
import { addSeconds, toDbTime, toIso } from '../../db/time.js';
import { inTransaction, isUniqueViolation, type Trx } from '../../db/transaction.js';
import type { ProfileUpdate } from '../../db/types.js';
import type { Actor } from '../../http/auth.js';
import { AppError, conflict, forbidden, invalidField, notFound } from '../../http/errors.js';
import { decodeCursor, type Page, splitPage } from '../../http/pagination.js';
import { inEmailVerification, revokeAllRefreshTokens } from '../auth/auth.service.js';
import { afterMailsQueued, inQueueMails } from '../mail/mail.service.js';
import { verifyPassword } from '../auth/passwords.js';
import { recountAfterAccountChange } from '../posts/post-counters.js';
import {
  acceptAllRequests,
  acceptedFollowsOf,
  pendingFollowerIds,
} from '../follows/follows.service.js';
import {
  afterFollowsAccepted,
  afterTimelineChange,
  inFollowsAccepted,
  inUserDeactivated,
  inUserReactivated,
} from '../timeline/timeline.service.js';
import { type MediaUrl, toUserSummary, type UserSummaryDto } from './user-summary.js';
import * as repo from './users.repository.js';
import type { MeSchema, ProfileSchema, SearchQuery, UpdateMeBody } from './users.schema.js';

export type ProfileDto = Static<typeof ProfileSchema>;
export type MeDto = Static<typeof MeSchema>;

/** The columns a Profile is made of (the raw bench server reads the same ones). */
export type ProfileFields = Pick<
  repo.ProfileRow,
  | 'id'
  | 'username'
  | 'name'
  | 'profile_image_key'
  | 'is_private'
  | 'nickname'
  | 'bio'
  | 'website'
  | 'posts_count'
  | 'followers_count'
  | 'following_count'
  | 'actor_follow_status'
  | 'follows_you'
  | 'blocking'
  | 'muting'
  | 'created_at'
>;

export function toProfile(row: ProfileFields, mediaUrl: MediaUrl): ProfileDto {
  return {
    ...toUserSummary(row, mediaUrl),
    nickname: row.nickname,
    bio: row.bio,
    website: row.website,
    posts_count: Number(row.posts_count),
    followers_count: Number(row.followers_count),
    following_count: Number(row.following_count),
    is_following: row.actor_follow_status === 'accepted',
    follows_you: Number(row.follows_you) === 1,
    follow_requested: row.actor_follow_status === 'pending',
    blocking: Number(row.blocking) === 1,
    muting: Number(row.muting) === 1,
    created_at: toIso(row.created_at),
  };
}

export async function getProfile(
  deps: AppDeps,
  actor: Actor | null,
  username: string,
): Promise<ProfileDto> {
  const row = await repo.findProfile(deps.db, actor?.id ?? null, {
    username: username.toLowerCase(),
  });
  if (!row) throw notFound('User');
  return toProfile(row, deps.mediaUrl);
}

/** Profiles by user id (active accounts only), as the actor sees them: one statement. */
export async function getProfilesByIds(
  deps: AppDeps,
  actorId: number | null,
  ids: readonly number[],
): Promise<Map<number, ProfileDto>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await repo.findProfiles(deps.db, actorId, unique);
  return new Map(rows.map((row) => [row.id, toProfile(row, deps.mediaUrl)]));
}

export async function getMe(deps: AppDeps, actor: Actor): Promise<MeDto> {
  const row = await repo.findProfile(deps.db, actor.id, { id: actor.id });
  if (!row) throw notFound('User');
  return {
    ...toProfile(row, deps.mediaUrl),
    email: row.email,
    email_verified: Number(row.email_verified) === 1,
    tag_approval: row.tag_approval,
    role: row.role,
  };
}

export async function updateMe(
  deps: AppDeps,
  actor: Actor,
  input: Static<typeof UpdateMeBody>,
): Promise<MeDto> {
  if (input.website != null && !isHttpUrl(input.website)) {
    throw invalidField('website', 'must be an http or https URL');
  }
  if (input.username !== undefined || input.email !== undefined) {
    await changeAccountNames(deps, actor, input);
  }
  const patch: ProfileUpdate = {};
  if (input.name !== undefined) patch.name = input.name;
  if (input.nickname !== undefined) patch.nickname = input.nickname;
  if (input.bio !== undefined) patch.bio = input.bio;
  if (input.website !== undefined) patch.website = input.website;
  if (input.is_private !== undefined) patch.is_private = input.is_private ? 1 : 0;
  if (input.tag_approval !== undefined) patch.tag_approval = input.tag_approval;
  if (Object.keys(patch).length > 0) {
    patch.updated_at = toDbTime(deps.clock.now());
    const admitted = await inTransaction(deps.db, async (trx) => {
      if (input.is_private === false) {
        // Every account whose counters going public changes is locked before the profile row
        // is written, in one ascending pass (profile-counters.ts), as follow writers do.
        await repo.lockAccounts(trx, [actor.id, ...(await pendingFollowerIds(trx, actor.id))]);
      }
      await repo.updateProfile(trx, actor.id, patch);
      // Like Instagram: an account that goes public lets everyone who asked in.
      if (input.is_private !== false) return [];
      const admitted = await acceptAllRequests(trx, actor.id);
      const follows = admitted.map((followerId) => ({ followerId, authorId: actor.id }));
      await inFollowsAccepted(trx, follows, patch.updated_at!);
      return admitted;
    });
    if (admitted.length > 0) afterTimelineChange(deps);
  }
  return getMe(deps, actor);
}

const USERNAME_CHANGE_DAYS = 14;
const DAY_SECONDS = 86_400;

/**
 * A new username (once per 14 days; the old one stays reserved for this account as long) and/or
 * a new email (unverified until the link mailed to it is used; the old address is told). The
 * unique indexes settle races with signups and other renames (409).
 */
async function changeAccountNames(
  deps: AppDeps,
  actor: Actor,
  input: { username?: string; email?: string; current_password?: string },
): Promise<void> {
  const account = await repo.findAccountSettings(deps.db, actor.id);
  if (!account) throw notFound('User');
  const now = toDbTime(deps.clock.now());
  const username = input.username !== account.username ? input.username : undefined;
  const email = input.email !== account.email ? input.email : undefined;
  if (username === undefined && email === undefined) return;
  if (email !== undefined) await confirmPassword(deps, actor, input.current_password);
  if (username !== undefined) {
    const last = account.username_changed_at;
    if (last !== null && addSeconds(last, USERNAME_CHANGE_DAYS * DAY_SECONDS) > now) {
      const next = toIso(addSeconds(last, USERNAME_CHANGE_DAYS * DAY_SECONDS));
      throw new AppError(
        409,
        'username_change_too_soon',
        `You can change your username once every ${USERNAME_CHANGE_DAYS} days; next on ${next}.`,
      );
    }
  }
  /** Names in use by anyone; a name given up by a rename only by others (it can be taken back). */
  const taken = async () => {
    const rows = await repo.findTaken(deps.db, username ?? '', email ?? '');
    const usernameTaken =
      username !== undefined &&
      (rows.some((row) => row.username === username) ||
        (await repo.isUsernameReserved(deps.db, username, actor.id, now)));
    return [
      ...(usernameTaken ? ['username'] : []),
      ...(email !== undefined && rows.some((row) => row.email === email) ? ['email'] : []),
    ];
  };
  const takenError = (fields: string[]) =>
    conflict(`That ${fields.join(' and ') || 'username or email'} is already taken.`);
  const before = await taken();
  if (before.length > 0) throw takenError(before);
  try {
    await inTransaction(deps.db, async (trx) => {
      if (username !== undefined) {
        await repo.renameUser(trx, actor.id, {
          from: account.username,
          to: username,
          now,
          reservedUntil: addSeconds(now, USERNAME_CHANGE_DAYS * DAY_SECONDS),
        });
      }
      if (email !== undefined) {
        await repo.setEmail(trx, actor.id, email);
        const name = username ?? account.username;
        await inEmailVerification(deps, trx, { userId: actor.id, username: name, email });
        await inQueueMails(
          trx,
          [{ template: 'email_changed', to: account.email, username: name, new_email: email }],
          now,
        );
      }
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw takenError(await taken());
    throw error;
  }
  if (email !== undefined) afterMailsQueued(deps);
}

/**
 * Deactivation, not deletion: the row stays so the username and email stay reserved, while
 * is_active = 0 hides the account and its content everywhere and every session ends.
 */
/**
 * A new email decides where password resets go: changing it asks for the password, so a stolen
 * access token alone cannot take the account over. Missing is 400, wrong is 403.
 */
async function confirmPassword(deps: AppDeps, actor: Actor, password: string | undefined) {
  if (password === undefined) {
    throw invalidField('current_password', 'is required to change the email');
  }
  const user = await repo.findPasswordHash(deps.db, actor.id);
  if (!(await verifyPassword(user?.password_hash, password))) {
    throw forbidden('The password is not correct.');
  }
}

export async function deactivateMe(deps: AppDeps, actor: Actor, password: string): Promise<void> {
  const user = await repo.findPasswordHash(deps.db, actor.id);
  if (!(await verifyPassword(user?.password_hash, password))) {
    throw forbidden('The password is not correct.');
  }
  await inTransaction(deps.db, async (trx) => {
    // This account and every peer whose counters change are locked first, in one ascending
    // pass (profile-counters.ts): no follow of this account changes until commit, and a
    // concurrent follow between a peer and this account cannot lock them crosswise.
    const peers = await acceptedFollowsOf(trx, actor.id, false);
    await repo.lockAccounts(trx, [actor.id, ...peers.followerIds, ...peers.followingIds]);
    if (await repo.deactivate(trx, actor.id)) {
      await uncountDeactivated(trx, actor.id);
      await recountAfterAccountChange(trx, actor.id);
    }
    await revokeAllRefreshTokens(trx, actor.id, deps.clock.now());
    await inUserDeactivated(trx, actor.id);
  });
  await deps.sessions.ended([actor.id]);
}

/**
 * An inactive account counts in nobody's followers_count or following_count: each account it
 * follows loses a follower, each of its followers one followed account. Its own counters keep
 * counting its still-active peers, as their definitions say.
 */
async function uncountDeactivated(trx: Trx, userId: number, delta = -1): Promise<void> {
  const { followerIds, followingIds } = await acceptedFollowsOf(trx, userId, true);
  const deltas: repo.CounterDeltas = new Map();
  for (const id of followingIds) deltas.set(id, { followers_count: delta });
  for (const id of followerIds) deltas.set(id, { ...deltas.get(id), following_count: delta });
  await repo.adjustCounters(trx, deltas);
}

/**
 * Suspension by a moderator: the account disappears exactly as a deactivated one does
 * (is_active = 0, counters, timelines) and every session ends at once. False (nothing done)
 * when it was already suspended or deactivated.
 */
export async function suspendAccount(
  deps: AppDeps,
  userId: number,
  reason: string,
): Promise<boolean> {
  const now = deps.clock.now();
  const suspended = await inTransaction(deps.db, async (trx) => {
    const peers = await acceptedFollowsOf(trx, userId, false);
    const accounts = await repo.lockAccounts(trx, [
      userId,
      ...peers.followerIds,
      ...peers.followingIds,
    ]);
    // A deactivated account is hidden and signed out already; marking it would let an
    // unsuspension bring back an account its owner closed.
    if (!accounts.get(userId)?.isActive) return false;
    if (!(await repo.suspend(trx, userId, reason, toDbTime(now)))) return false;
    await uncountDeactivated(trx, userId);
    await recountAfterAccountChange(trx, userId);
    await inUserDeactivated(trx, userId);
    await revokeAllRefreshTokens(trx, userId, now);
    return true;
  });
  if (suspended) await deps.sessions.ended([userId]);
  return suspended;
}

/**
 * Lifts a suspension: the account and its content come back, counted again, and its posts
 * return to its followers' timelines (backfill jobs, as for newly accepted follows) and
 * its own timeline is rebuilt. False when it was not suspended.
 */
export async function unsuspendAccount(deps: AppDeps, userId: number): Promise<boolean> {
  const now = toDbTime(deps.clock.now());
  const jobIds = await inTransaction(deps.db, async (trx) => {
    const peers = await acceptedFollowsOf(trx, userId, false);
    await repo.lockAccounts(trx, [userId, ...peers.followerIds, ...peers.followingIds]);
    if (!(await repo.unsuspend(trx, userId))) return null;
    await uncountDeactivated(trx, userId, +1);
    await recountAfterAccountChange(trx, userId);
    await inUserReactivated(trx, userId);
    const follows = peers.followerIds.map((followerId) => ({ followerId, authorId: userId }));
    return inFollowsAccepted(trx, follows, now);
  });
  if (jobIds === null) return false;
  await afterFollowsAccepted(deps, jobIds);
  return true;
}

export async function searchUsers(
  deps: AppDeps,
  actor: Actor | null,
  query: Static<typeof SearchQuery>,
): Promise<Page<UserSummaryDto>> {
  const limit = query.limit ?? 20;
  const afterKey = decodeCursor(query.cursor, ['text', 'id']);
  const rows = await repo.searchUsers(deps.db, actor?.id ?? null, query.q, limit, afterKey);
  const page = splitPage(rows, limit, (row) => [row.username, row.id]);
  return {
    data: page.rows.map((row) => toUserSummary(row, deps.mediaUrl)),
    next_cursor: page.next_cursor,
  };
}

/**
 * Sets (or clears, with null) the profile image's storage key; returns the previous key, whose
 * file the caller deletes. The row is locked (MySQL) while it is read and written: two
 * simultaneous replacements then each see the key the other one set, so every replaced file
 * is deleted exactly once and none is left behind.
 */
export async function replaceProfileImageKey(
  deps: Pick<AppDeps, 'db' | 'clock'>,
  userId: number,
  key: string | null,
): Promise<string | null> {
  return inTransaction(deps.db, async (trx) => {
    const row = await repo.lockProfileImageKey(trx, userId);
    if (!row) throw notFound('Profile');
    await repo.setProfileImageKey(trx, userId, key, toDbTime(deps.clock.now()));
    return row.profile_image_key;
  });
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}
