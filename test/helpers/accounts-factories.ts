import { toDbTime } from '../../src/db/time.js';
import { inTransaction } from '../../src/db/transaction.js';
import { countPost } from '../../src/modules/users/profile-counters.js';
import { expectStatus } from './http.js';
import type { TestApp } from './test-app.js';
import type { TestUser } from './factories.js';

let sequence = 0;
export const uniqueName = (prefix = 'acct') => `${prefix}${process.pid}_${++sequence}`;

export interface SignedUp {
  user: { id: string; username: string };
  access_token: string;
  refresh_token: string;
}

/** Signs up through the API (the real password hashing and token issuing). */
export async function signupViaApi(
  t: TestApp,
  body: { username?: string; email?: string; password?: string; name?: string } = {},
): Promise<SignedUp> {
  const username = body.username ?? uniqueName();
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/signup',
    payload: {
      username,
      email: body.email ?? `${username}@example.com`,
      password: body.password ?? 'a-good-password',
      ...(body.name !== undefined ? { name: body.name } : {}),
    },
  });
  return expectStatus<SignedUp>(response, 201);
}

/**
 * A post row as the posts module would store it, counted in the author's posts_count (a
 * `deleted` one, with deleted_at set, is not).
 */
export async function insertPost(t: TestApp, author: TestUser, deleted = false): Promise<void> {
  const now = toDbTime(t.clock.now());
  await inTransaction(t.db, async (trx) => {
    await trx
      .insertInto('posts')
      .values({
        author_id: author.id,
        type: 'post',
        caption: '',
        created_at: now,
        updated_at: now,
        deleted_at: deleted ? now : null,
      })
      .execute();
    if (!deleted) await countPost(trx, author.id, 1);
  });
}
