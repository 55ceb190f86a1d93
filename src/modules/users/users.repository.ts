import { type ExpressionBuilder, type RawBuilder, type SqlBool, sql } from 'kysely';
import { after } from '../../http/pagination.js';
import type { DbTime } from '../../db/time.js';
import { ilike } from '../../db/like.js';
import { compiledQuery } from '../../db/compiled-query.js';
import { dialectOf } from '../../db/dialect.js';
import type { Executor, Trx } from '../../db/transaction.js';
import { notBlocked } from './visibility.js';
import type { DB, ProfileUpdate, UserRole } from '../../db/types.js';
import { USER_SUMMARY_COLUMNS } from './user-summary.js';

/** All SQL of users and profiles. Deactivated users (is_active = 0) are never returned by lookups. */
export interface NewAccount {
  username: string;
  email: string;
  password_hash: string;
  name: string;
  now: DbTime;
}

export async function insertAccount(db: Executor, account: NewAccount): Promise<number> {
  const inserted = await db
    .insertInto('users')
    .values({
      username: account.username,
      email: account.email,
      password_hash: account.password_hash,
      created_at: account.now,
    })
    .executeTakeFirstOrThrow();
  const id = Number(inserted.insertId);
  await db
    .insertInto('profiles')
    .values({
      user_id: id,
      name: account.name,
      nickname: '',
      bio: '',
      created_at: account.now,
      updated_at: account.now,
    })
    .execute();
  return id;
}

/** Which of username/email are already taken, by anyone (deactivated accounts keep theirs). */
export function findTaken(db: Executor, username: string, email: string) {
  return db
    .selectFrom('users')
    .select(['username', 'email'])
    .where((eb) => eb.or([eb('username', '=', username), eb('email', '=', email)]))
    .execute();
}

/** Login accepts a username or an email; both are stored lowercase. */
export function findCredentials(db: Executor, login: string) {
  return db
    .selectFrom('users')
    .select(['id', 'password_hash'])
    .where(login.includes('@') ? 'email' : 'username', '=', login)
    .where('is_active', '=', 1)
    .executeTakeFirst();
}

/** A suspended account with this username or email (login then says why it is refused). */
export function findSuspendedCredentials(db: Executor, login: string) {
  return db
    .selectFrom('users')
    .select(['id', 'password_hash', 'suspension_reason'])
    .where(login.includes('@') ? 'email' : 'username', '=', login)
    .where('suspended_at', 'is not', null)
    .executeTakeFirst();
}

/** Role and state of an account by id or username, active or not (moderation). */
export function findAccount(db: Executor, where: { id: number } | { username: string }) {
  return db
    .selectFrom('users')
    .select(['id', 'username', 'role', 'is_active', 'suspended_at', 'suspension_reason'])
    .$if('id' in where, (qb) => qb.where('id', '=', (where as { id: number }).id))
    .$if('username' in where, (qb) =>
      qb.where('username', '=', (where as { username: string }).username),
    )
    .executeTakeFirst();
}

export async function setRole(db: Executor, userId: number, role: UserRole): Promise<void> {
  await db.updateTable('users').set({ role }).where('id', '=', userId).execute();
}

/** Marks the account suspended (and inactive); false when it already was suspended. */
export async function suspend(
  db: Executor,
  userId: number,
  reason: string,
  now: DbTime,
): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ is_active: 0, suspended_at: now, suspension_reason: reason })
    .where('id', '=', userId)
    .where('suspended_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Lifts a suspension (the account is active again); false when it was not suspended. */
export async function unsuspend(db: Executor, userId: number): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ is_active: 1, suspended_at: null, suspension_reason: null })
    .where('id', '=', userId)
    .where('suspended_at', 'is not', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** What follow and privacy checks need about an active account named in a URL. */
export function findActiveByUsername(db: Executor, username: string) {
  return db
    .selectFrom('users')
    .innerJoin('profiles', 'profiles.user_id', 'users.id')
    .select(['users.id', 'users.is_active', 'profiles.is_private'])
    .where('users.username', '=', username)
    .where('users.is_active', '=', 1)
    .executeTakeFirst();
}

/**
 * The caller's follow of the profile's account (accepted, pending or none) in one lookup of
 * the unique (follower_id, following_id) index, and whether that account follows the caller.
 */
const actorFollowStatus = (actorId: number) =>
  sql<string | null>`(select ff.status from follows ff where ff.follower_id = ${actorId}
    and ff.following_id = ${sql.ref('u.id')})`;
const followsActor = (actorId: number) =>
  sql<number>`exists (select 1 from follows ff where ff.follower_id = ${sql.ref('u.id')}
    and ff.following_id = ${actorId} and ff.status = 'accepted')`;

/**
 * A whole profile in one statement: the stored counters (profile-counters.ts) and the caller's
 * relationship flags.
 */
export async function findProfile(
  db: Executor,
  actorId: number | null,
  by: { username: string } | { id: number },
) {
  const [row] =
    'username' in by
      ? await profileByUsername(db, actorId ?? 0, by.username)
      : await profileById(db, actorId ?? 0, by.id);
  return row;
}

const profileByUsername = compiledQuery((db, actor: number, username: string) =>
  profileQuery(db, actor).where('u.username', '=', username),
);
const profileById = compiledQuery((db, actor: number, id: number) =>
  profileQuery(db, actor).where('u.id', '=', id),
);

function profileQuery(db: Executor, actor: number) {
  return (
    db
      .selectFrom('users as u')
      .innerJoin('profiles as p', 'p.user_id', 'u.id')
      .select([
        'u.id',
        'u.username',
        'u.email',
        'u.email_verified',
        'u.role',
        'u.created_at',
        'p.name',
        'p.nickname',
        'p.bio',
        'p.website',
        'p.profile_image_key',
        'p.is_private',
        'p.posts_count',
        'p.followers_count',
        'p.following_count',
        'p.tag_approval',
      ])
      .select([
        actorFollowStatus(actor).as('actor_follow_status'),
        followsActor(actor).as('follows_you'),
        sql<number>`exists (select 1 from blocks pb where pb.blocker_id = ${actor}
        and pb.blocked_id = u.id)`.as('blocking'),
        sql<number>`exists (select 1 from mutes pm where pm.muter_id = ${actor}
        and pm.muted_id = u.id)`.as('muting'),
      ])
      .where('u.is_active', '=', 1)
      // To the person it blocked, an account does not exist; the blocker still sees the profile
      // (to unblock), though none of its content.
      .where(
        sql<SqlBool>`not exists (select 1 from blocks pbb where pbb.blocker_id = u.id
        and pbb.blocked_id = ${actor})`,
      )
  );
}

/** Profiles of several active accounts as `actorId` sees them: one statement. */
export function findProfiles(db: Executor, actorId: number | null, ids: readonly number[]) {
  return profileQuery(db, actorId ?? 0)
    .where('u.id', 'in', ids)
    .execute();
}

export type ProfileRow = NonNullable<Awaited<ReturnType<typeof findProfile>>>;

export async function updateProfile(
  db: Executor,
  userId: number,
  patch: ProfileUpdate,
): Promise<void> {
  await db.updateTable('profiles').set(patch).where('user_id', '=', userId).execute();
}

/** False when the account was already deactivated (a concurrent DELETE /me). */
export async function deactivate(db: Executor, userId: number): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ is_active: 0 })
    .where('id', '=', userId)
    .where('is_active', '=', 1)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export interface AccountState {
  isPrivate: boolean;
  isActive: boolean;
}

/**
 * Locks the accounts' profiles rows (MySQL), in ascending user_id order so that two writers never
 * wait for each other crosswise, then reads each account's state. users is read with a locking
 * read too: it sees the latest committed is_active whatever snapshot the transaction has, and
 * a shared lock does not block the foreign-key checks of concurrent inserts.
 */
export async function lockAccounts(
  trx: Trx,
  ids: readonly number[],
): Promise<Map<number, AccountState>> {
  const sorted = [...new Set(ids)].sort((a, b) => a - b);
  const profiles: { user_id: number; is_private: number }[] = [];
  const users: { id: number; is_active: number }[] = [];
  // Ascending chunks keep the lock order ascending overall (an account deactivating or going
  // public can have thousands of peers; SQLite also limits the bound parameters).
  for (const chunk of chunksOf(sorted, ACCOUNTS_PER_STATEMENT)) {
    profiles.push(...(await lockProfilesQuery(trx, chunk)));
  }
  for (const chunk of chunksOf(sorted, ACCOUNTS_PER_STATEMENT)) {
    users.push(...(await readUsersLockedQuery(trx, chunk)));
  }
  const active = new Map(users.map((u) => [u.id, Number(u.is_active) === 1]));
  return new Map(
    profiles.map((p) => [
      p.user_id,
      { isPrivate: Number(p.is_private) === 1, isActive: active.get(p.user_id) ?? false },
    ]),
  );
}

// Every follow, unfollow and block runs these two: compiled once per dialect and list length.
const lockProfilesQuery = compiledQuery((db, ids: readonly number[]) =>
  db
    .selectFrom('profiles')
    .select(['user_id', 'is_private'])
    .where('user_id', 'in', ids)
    .orderBy('user_id')
    .$if(dialectOf(db) === 'mysql', (qb) => qb.forUpdate()),
);
const readUsersLockedQuery = compiledQuery((db, ids: readonly number[]) =>
  db
    .selectFrom('users')
    .select(['id', 'is_active'])
    .where('id', 'in', ids)
    .orderBy('id')
    .$if(dialectOf(db) === 'mysql', (qb) => qb.modifyEnd(sql`lock in share mode`)),
);

export type CounterColumn = 'posts_count' | 'followers_count' | 'following_count';
export type CounterDeltas = Map<number, Partial<Record<CounterColumn, number>>>;

/** Accounts per locking read or counter update: bounded statements, few of them. */
const ACCOUNTS_PER_STATEMENT = 200;

function chunksOf<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/**
 * Adds each account's deltas to its counters, one statement per 200 accounts (rows locked in
 * user_id order). A counter never goes below zero, even if it had drifted.
 */
export async function adjustCounters(db: Executor, deltas: CounterDeltas): Promise<void> {
  const sorted = [...deltas.keys()].sort((a, b) => a - b);
  for (const ids of chunksOf(sorted, ACCOUNTS_PER_STATEMENT)) {
    await adjustCountersOf(db, ids, deltas);
  }
}

async function adjustCountersOf(db: Executor, ids: readonly number[], deltas: CounterDeltas) {
  const columns: CounterColumn[] = ['posts_count', 'followers_count', 'following_count'];
  const set: Partial<Record<CounterColumn, RawBuilder<number>>> = {};
  const atLeastZero = dialectOf(db) === 'mysql' ? sql`greatest` : sql`max`;
  for (const column of columns) {
    const cases = ids.flatMap((id) => {
      const delta = deltas.get(id)?.[column] ?? 0;
      return delta === 0 ? [] : [sql`when ${id} then ${delta}`];
    });
    if (cases.length === 0) continue;
    set[column] = sql<number>`${atLeastZero}(0, ${sql.ref(column)} + case ${sql.ref('user_id')}
      ${sql.join(cases, sql` `)} else 0 end)`;
  }
  if (Object.keys(set).length === 0) return;
  await db.updateTable('profiles').set(set).where('user_id', 'in', ids).execute();
}

/**
 * Recomputes the counters of accounts `from`…`to` from the rows they count (the bench seed
 * writes rows in bulk, past the writers).
 */
export async function recountCounters(db: Executor, from: number, to: number): Promise<void> {
  await db
    .updateTable('profiles')
    .set({
      posts_count: sql<number>`(select count(*) from posts
        where posts.author_id = profiles.user_id and posts.deleted_at is null)`,
      followers_count: sql<number>`(select count(*) from follows
        inner join users on users.id = follows.follower_id
        where follows.following_id = profiles.user_id and follows.status = 'accepted'
          and users.is_active = 1)`,
      following_count: sql<number>`(select count(*) from follows
        inner join users on users.id = follows.following_id
        where follows.follower_id = profiles.user_id and follows.status = 'accepted'
          and users.is_active = 1)`,
    })
    .where('user_id', '>=', from)
    .where('user_id', '<=', to)
    .execute();
}

/**
 * Prefix search on username and on name, case-insensitive (MySQL tables use a binary collation,
 * so both sides are lowercased; SQLite's lower() folds ASCII only). Ordered by (username, id).
 */
export function searchUsers(
  db: Executor,
  actorId: number | null,
  query: string,
  limit: number,
  afterKey: readonly [string, number] | null,
) {
  return db
    .selectFrom('users')
    .innerJoin('profiles', 'profiles.user_id', 'users.id')
    .select(USER_SUMMARY_COLUMNS)
    .where('users.is_active', '=', 1)
    .where(notBlocked(actorId, 'users.id'))
    .where((eb) =>
      eb.or([
        ilike('users.username', query, 'prefix', true),
        ilike('profiles.name', query, 'prefix'),
      ]),
    )
    .$if(afterKey !== null, (qb) =>
      qb.where((eb: ExpressionBuilder<DB, 'users' | 'profiles'>) =>
        after(eb, ['users.username', 'users.id'], afterKey!, 'asc'),
      ),
    )
    .orderBy('users.username')
    .orderBy('users.id')
    .limit(limit + 1)
    .execute();
}

export async function setPasswordHash(db: Executor, userId: number, passwordHash: string) {
  await db
    .updateTable('users')
    .set({ password_hash: passwordHash })
    .where('id', '=', userId)
    .execute();
}

export function findPasswordHash(db: Executor, userId: number) {
  return db
    .selectFrom('users')
    .select(['password_hash', 'username'])
    .where('id', '=', userId)
    .where('is_active', '=', 1)
    .executeTakeFirst();
}

/** The current profile image key, locked (MySQL) until the caller's transaction ends. */
export function lockProfileImageKey(trx: Trx, userId: number) {
  return trx
    .selectFrom('profiles')
    .select('profile_image_key')
    .where('user_id', '=', userId)
    .$if(dialectOf(trx) === 'mysql', (qb) => qb.forUpdate())
    .executeTakeFirst();
}

export async function setProfileImageKey(
  db: Executor,
  userId: number,
  key: string | null,
  now: DbTime,
): Promise<void> {
  await db
    .updateTable('profiles')
    .set({ profile_image_key: key, updated_at: now })
    .where('user_id', '=', userId)
    .execute();
}

/** A username given up by a rename within its reservation, by someone other than `exceptUserId`. */
export async function isUsernameReserved(
  db: Executor,
  username: string,
  exceptUserId: number | null,
  now: DbTime,
): Promise<boolean> {
  const row = await db
    .selectFrom('username_reservations')
    .select('id')
    .where('username', '=', username)
    .where('reserved_until', '>', now)
    .$if(exceptUserId !== null, (qb) => qb.where('user_id', '<>', exceptUserId!))
    .executeTakeFirst();
  return row !== undefined;
}

/** What account settings need: the names in use and when the username last changed. */
export function findAccountSettings(db: Executor, userId: number) {
  return db
    .selectFrom('users')
    .select(['id', 'username', 'email', 'email_verified', 'username_changed_at'])
    .where('id', '=', userId)
    .where('is_active', '=', 1)
    .executeTakeFirst();
}

export function findActiveByEmail(db: Executor, email: string) {
  return db
    .selectFrom('users')
    .select(['id', 'username', 'email'])
    .where('email', '=', email)
    .where('is_active', '=', 1)
    .executeTakeFirst();
}

/**
 * The rename and its reservation: the old name stays the user's until `reservedUntil`. Rows for
 * the old name can only be stale ones (it was in use); of the new name only the user's own or
 * an ended reservation is dropped, never another account's live one.
 */
export async function renameUser(
  trx: Executor,
  userId: number,
  rename: { from: string; to: string; now: DbTime; reservedUntil: DbTime },
): Promise<void> {
  await trx
    .deleteFrom('username_reservations')
    .where((eb) =>
      eb.or([
        eb('username', '=', rename.from),
        eb.and([
          eb('username', '=', rename.to),
          eb.or([eb('user_id', '=', userId), eb('reserved_until', '<=', rename.now)]),
        ]),
      ]),
    )
    .execute();
  await trx
    .updateTable('users')
    .set({ username: rename.to, username_changed_at: rename.now })
    .where('id', '=', userId)
    .execute();
  await trx
    .insertInto('username_reservations')
    .values({ username: rename.from, user_id: userId, reserved_until: rename.reservedUntil })
    .execute();
}

/** A new email starts unverified. */
export async function setEmail(trx: Executor, userId: number, email: string): Promise<void> {
  await trx
    .updateTable('users')
    .set({ email, email_verified: 0 })
    .where('id', '=', userId)
    .execute();
}

/** Verified only while the account still has the address the token was mailed to. */
export async function markEmailVerified(
  db: Executor,
  userId: number,
  email: string,
): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ email_verified: 1 })
    .where('id', '=', userId)
    .where('email', '=', email)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
