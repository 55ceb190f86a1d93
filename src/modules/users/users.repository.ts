import { type ExpressionBuilder, sql } from 'kysely';
import { after } from '../../http/pagination.js';
import type { DbTime } from '../../db/time.js';
import { ilike } from '../../db/like.js';
import { compiledQuery } from '../../db/compiled-query.js';
import type { Executor } from '../../db/transaction.js';
import type { DB, ProfileUpdate } from '../../db/types.js';

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

const activeUserQuery = compiledQuery((db, userId: number) =>
  db.selectFrom('users').select('id').where('id', '=', userId).where('is_active', '=', 1),
);

export async function isActiveUser(db: Executor, userId: number): Promise<boolean> {
  return (await activeUserQuery(db, userId)).length > 0;
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

const flag = (actorId: number, follower: 'actor' | 'user', status: 'accepted' | 'pending') => {
  const [from, to] = follower === 'actor' ? [actorId, sql.ref('u.id')] : [sql.ref('u.id'), actorId];
  return sql<number>`exists (select 1 from follows ff where ff.follower_id = ${from}
    and ff.following_id = ${to} and ff.status = ${status})`;
};

/**
 * A whole profile in one statement: exact counts as subqueries (only accepted follows between
 * active users, only posts not deleted) and the caller's relationship flags.
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
  return db
    .selectFrom('users as u')
    .innerJoin('profiles as p', 'p.user_id', 'u.id')
    .select([
      'u.id',
      'u.username',
      'u.email',
      'u.created_at',
      'p.name',
      'p.nickname',
      'p.bio',
      'p.website',
      'p.profile_image_key',
      'p.is_private',
    ])
    .select([
      sql<number>`(select count(*) from posts cp where cp.author_id = u.id
        and cp.deleted_at is null)`.as('posts_count'),
      sql<number>`(select count(*) from follows cf inner join users cu on cu.id = cf.follower_id
        where cf.following_id = u.id and cf.status = 'accepted' and cu.is_active = 1)`.as(
        'followers_count',
      ),
      sql<number>`(select count(*) from follows cg inner join users cv on cv.id = cg.following_id
        where cg.follower_id = u.id and cg.status = 'accepted' and cv.is_active = 1)`.as(
        'following_count',
      ),
      flag(actor, 'actor', 'accepted').as('is_following'),
      flag(actor, 'user', 'accepted').as('follows_you'),
      flag(actor, 'actor', 'pending').as('follow_requested'),
    ])
    .where('u.is_active', '=', 1);
}

export type ProfileRow = NonNullable<Awaited<ReturnType<typeof findProfile>>>;

export async function updateProfile(
  db: Executor,
  userId: number,
  patch: ProfileUpdate,
): Promise<void> {
  await db.updateTable('profiles').set(patch).where('user_id', '=', userId).execute();
}

export async function deactivate(db: Executor, userId: number): Promise<void> {
  await db.updateTable('users').set({ is_active: 0 }).where('id', '=', userId).execute();
}

/**
 * Prefix search on username and on name, case-insensitive (MySQL tables use a binary collation,
 * so both sides are lowercased; SQLite's lower() folds ASCII only). Ordered by (username, id).
 */
export function searchUsers(
  db: Executor,
  query: string,
  limit: number,
  afterKey: readonly [string, number] | null,
) {
  return db
    .selectFrom('users')
    .innerJoin('profiles', 'profiles.user_id', 'users.id')
    .select([
      'users.id',
      'users.username',
      'profiles.name',
      'profiles.profile_image_key',
      'profiles.is_private',
    ])
    .where('users.is_active', '=', 1)
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

export function findPasswordHash(db: Executor, userId: number) {
  return db
    .selectFrom('users')
    .select('password_hash')
    .where('id', '=', userId)
    .where('is_active', '=', 1)
    .executeTakeFirst();
}
