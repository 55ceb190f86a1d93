import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser, follow, type TestUser } from '../../../test/helpers/factories.js';
import { expectStatus, queryCount } from '../../../test/helpers/http.js';
import { createPost, ids } from '../../../test/helpers/posts-factories.js';
import { buildTestApp, type TestApp } from '../../../test/helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await buildTestApp();
});
after(async () => t.close());

const like = (postId: string, user: TestUser | null, method: 'POST' | 'DELETE' = 'POST') =>
  t.app.inject({ method, url: `/api/v1/posts/${postId}/like`, headers: user?.headers ?? {} });
const likers = (postId: string, user: TestUser | null, query = '') =>
  t.app.inject({
    method: 'GET',
    url: `/api/v1/posts/${postId}/likes${query}`,
    headers: user?.headers ?? {},
  });
const storedCount = async (postId: string) => {
  const row = await t.db
    .selectFrom('posts')
    .select('like_count')
    .where('id', '=', Number(postId))
    .executeTakeFirstOrThrow();
  const rows = await t.db
    .selectFrom('post_likes')
    .select('id')
    .where('post_id', '=', Number(postId))
    .execute();
  assert.equal(row.like_count, rows.length, 'like_count matches the like rows');
  return row.like_count;
};

describe('POST/DELETE /posts/:id/like', () => {
  test('requires authentication', async () => {
    assert.equal((await like('1', null)).statusCode, 401);
    assert.equal((await like('1', null, 'DELETE')).statusCode, 401);
  });

  test('is idempotent and answers with the post as it is now', async () => {
    const alice = await createUser(t);
    const bob = await createUser(t);
    const created = await createPost(t, alice);
    const liked = expectStatus(await like(created.id, bob), 200);
    assert.equal(liked.like_count, 1);
    assert.equal(liked.liked_by_me, true);
    assert.equal(expectStatus(await like(created.id, bob), 200).like_count, 1);
    const seenByAlice = expectStatus(
      await t.app.inject({
        method: 'GET',
        url: `/api/v1/posts/${created.id}`,
        headers: alice.headers,
      }),
      200,
    );
    assert.equal(seenByAlice.liked_by_me, false);
    assert.equal(seenByAlice.like_count, 1);
    const unliked = expectStatus(await like(created.id, bob, 'DELETE'), 200);
    assert.equal(unliked.like_count, 0);
    assert.equal(unliked.liked_by_me, false);
    assert.equal(expectStatus(await like(created.id, bob, 'DELETE'), 200).like_count, 0);
  });

  test('50 users liking at once count 50; one user liking 10 times at once counts 1', async () => {
    const alice = await createUser(t);
    const created = await createPost(t, alice);
    const fans = await Promise.all(Array.from({ length: 50 }, () => createUser(t)));
    const answers = await Promise.all(fans.map((fan) => like(created.id, fan)));
    for (const answer of answers) assert.equal(answer.statusCode, 200, answer.body);
    assert.equal(await storedCount(created.id), 50);

    const other = await createPost(t, alice);
    const same = await Promise.all(Array.from({ length: 10 }, () => like(other.id, fans[0]!)));
    for (const answer of same) assert.equal(answer.statusCode, 200, answer.body);
    assert.equal(await storedCount(other.id), 1);

    const mixed = await Promise.all(
      fans.slice(0, 20).flatMap((fan) => [like(other.id, fan), like(created.id, fan, 'DELETE')]),
    );
    for (const answer of mixed) assert.equal(answer.statusCode, 200, answer.body);
    assert.equal(await storedCount(other.id), 20);
    assert.equal(await storedCount(created.id), 30);
  });

  test('403 on a private post for non-followers, 404 unknown, 400 bad id', async () => {
    const priv = await createUser(t, { isPrivate: true });
    const stranger = await createUser(t);
    const fan = await createUser(t);
    await follow(t, fan, priv);
    const hidden = await createPost(t, priv);
    assert.equal((await like(hidden.id, stranger)).statusCode, 403);
    assert.equal((await like(hidden.id, fan)).statusCode, 200);
    assert.equal((await like('999999', stranger)).statusCode, 404);
    assert.equal((await like('abc', stranger)).statusCode, 400);
    assert.equal(await storedCount(hidden.id), 1);
  });
});

describe('GET /posts/:id/likes', () => {
  test('lists likers newest first with a constant statement count', async () => {
    const alice = await createUser(t);
    const created = await createPost(t, alice);
    const fans: TestUser[] = [];
    for (let i = 0; i < 22; i++) {
      const fan = await createUser(t);
      fans.unshift(fan);
      expectStatus(await like(created.id, fan), 200);
    }
    assert.equal((await likers(created.id, null)).statusCode, 401);
    const one = await likers(created.id, alice, '?limit=1');
    const twenty = await likers(created.id, alice, '?limit=20');
    assert.deepEqual(ids(expectStatus(one, 200)), [String(fans[0]!.id)]);
    assert.equal(expectStatus(twenty, 200).data.length, 20);
    assert.equal(queryCount(one), queryCount(twenty));
    // auth hook (1) + post check (1) + page (1) + users (1)
    assert.equal(queryCount(twenty), 4);

    // Walk in pages of 5 while the newest fan unlikes and an unseen one is deactivated.
    const seen: string[] = [];
    let cursor: string | null = null;
    let page = 0;
    do {
      const body: any = expectStatus(
        await likers(created.id, alice, `?limit=5${cursor ? `&cursor=${cursor}` : ''}`),
        200,
      );
      seen.push(...ids(body));
      cursor = body.next_cursor;
      if (page++ === 0) {
        expectStatus(await like(created.id, fans[0]!, 'DELETE'), 200);
        await t.db
          .updateTable('users')
          .set({ is_active: 0 })
          .where('id', '=', fans[10]!.id)
          .execute();
      }
    } while (cursor);
    const expected = fans.map((f) => String(f.id)).filter((id) => id !== String(fans[10]!.id));
    assert.deepEqual(seen, expected);
  });

  test('403 private, 404 unknown, 400 bad parameters', async () => {
    const priv = await createUser(t, { isPrivate: true });
    const stranger = await createUser(t);
    const hidden = await createPost(t, priv);
    assert.equal((await likers(hidden.id, stranger)).statusCode, 403);
    assert.equal((await likers('999999', stranger)).statusCode, 404);
    for (const q of ['?limit=0', '?limit=101', '?cursor=x', '?foo=1']) {
      assert.equal((await likers(hidden.id, priv, q)).statusCode, 400, q);
    }
  });
});
