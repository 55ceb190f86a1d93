import { createHash } from 'node:crypto';
import { hash } from '@node-rs/argon2';
import { signAccessToken } from '../../src/modules/auth/access-token.js';
import { toDbTime } from '../../src/db/time.js';
import { inTransaction } from '../../src/db/transaction.js';
import type { MediaKind } from '../../src/db/types.js';
import { countFollows, lockAccounts } from '../../src/modules/users/profile-counters.js';
import type { TestApp } from './test-app.js';

export const FACTORY_PASSWORD = 'correct-horse-battery';
let passwordHash: Promise<string> | undefined;
let sequence = 0;
const next = () => `${process.pid}${++sequence}`;

export interface TestUser {
  id: number;
  username: string;
  email: string;
  token: string;
  headers: { authorization: string };
  /** The session its token belongs to. */
  sessionId: number;
}

/** Inserts a real user + profile (password FACTORY_PASSWORD) and signs an access token for it. */
export async function createUser(
  t: TestApp,
  overrides: { username?: string; name?: string; isPrivate?: boolean; isActive?: boolean } = {},
): Promise<TestUser> {
  passwordHash ??= hash(FACTORY_PASSWORD);
  const username = overrides.username ?? `user${next()}`;
  const email = `${username}@example.com`;
  const now = toDbTime(t.clock.now());
  const inserted = await t.db
    .insertInto('users')
    .values({
      username,
      email,
      password_hash: await passwordHash,
      is_active: overrides.isActive === false ? 0 : 1,
      created_at: now,
    })
    .executeTakeFirstOrThrow();
  const id = Number(inserted.insertId);
  await t.db
    .insertInto('profiles')
    .values({
      user_id: id,
      name: overrides.name ?? username,
      nickname: '',
      bio: '',
      is_private: overrides.isPrivate ? 1 : 0,
      created_at: now,
      updated_at: now,
    })
    .execute();
  // A session row as a login makes: access tokens name theirs and die with it.
  const session = await t.db
    .insertInto('sessions')
    .values({
      user_id: id,
      family_id: `factory-${id}`,
      user_agent: 'test factory',
      ip_address: '127.0.0.1',
      created_at: now,
      last_used_at: now,
    })
    .executeTakeFirstOrThrow();
  const token = await signAccessToken(
    t.config.jwtSecret,
    id,
    t.config.accessTokenTtlSeconds,
    t.clock.now(),
    Number(session.insertId),
  );
  return {
    id,
    username,
    email,
    token,
    headers: { authorization: `Bearer ${token}` },
    sessionId: Number(session.insertId),
  };
}

/** Inserts a follow (or request) directly, with the profile counters the services would keep. */
export async function follow(
  t: TestApp,
  follower: TestUser,
  following: TestUser,
  status: 'accepted' | 'pending' = 'accepted',
) {
  await inTransaction(t.db, async (trx) => {
    const accounts = await lockAccounts(trx, [follower.id, following.id]);
    await trx
      .insertInto('follows')
      .values({
        follower_id: follower.id,
        following_id: following.id,
        status,
        created_at: toDbTime(t.clock.now()),
      })
      .execute();
    if (status === 'accepted') {
      await countFollows(trx, accounts, [[follower.id, following.id]], 1);
    }
  });
}

/** Deactivates through DELETE /me, so counters and timelines change as in production. */
export async function deactivate(t: TestApp, user: TestUser): Promise<void> {
  const response = await t.app.inject({
    method: 'DELETE',
    url: '/api/v1/me',
    headers: user.headers,
    payload: { password: FACTORY_PASSWORD },
  });
  if (response.statusCode !== 204) throw new Error(`deactivate: ${response.body}`);
}

/** An unattached media row as the upload pipeline would leave it (files are not created). */
export async function createMedia(
  t: TestApp,
  owner: TestUser,
  kind: MediaKind = 'image',
): Promise<number> {
  const hex = createHash('sha256').update(next()).digest('hex');
  const key = (ext: string) => `${hex.slice(0, 2)}/${hex.slice(2, 4)}/${hex}.${ext}`;
  const inserted = await t.db
    .insertInto('media')
    .values({
      owner_id: owner.id,
      kind,
      storage_key: key(kind === 'image' ? 'webp' : 'mp4'),
      thumbnail_key: key('jpg'),
      poster_key: kind === 'video' ? key('webp') : null,
      mime: kind === 'image' ? 'image/jpeg' : 'video/mp4',
      width: 1080,
      height: 1080,
      duration_ms: kind === 'video' ? 2000 : null,
      blurhash: kind === 'image' ? 'LEHV6nWB2yk8pyo0adR*.7kCMdnj' : null,
      bytes: 1234,
      created_at: toDbTime(t.clock.now()),
    })
    .executeTakeFirstOrThrow();
  return Number(inserted.insertId);
}
