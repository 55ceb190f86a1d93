import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser, follow, type TestUser } from '../../../test/helpers/factories.js';
import { expectStatus, queryCount } from '../../../test/helpers/http.js';
import { createLocation, createPost, ids } from '../../../test/helpers/posts-factories.js';
import { buildTestApp, type TestApp } from '../../../test/helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await buildTestApp();
});
after(async () => t.close());

const save = (postId: string, user: TestUser | null, method: 'POST' | 'DELETE' = 'POST') =>
  t.app.inject({ method, url: `/api/v1/posts/${postId}/save`, headers: user?.headers ?? {} });
const saved = (user: TestUser | null, query = '') =>
  t.app.inject({ method: 'GET', url: `/api/v1/me/saved${query}`, headers: user?.headers ?? {} });

describe('POST/DELETE /posts/:id/save', () => {
  test('requires authentication', async () => {
    assert.equal((await save('1', null)).statusCode, 401);
    assert.equal((await save('1', null, 'DELETE')).statusCode, 401);
  });

  test('is idempotent and sets saved_by_me for the caller only', async () => {
    const alice = await createUser(t);
    const bob = await createUser(t);
    const created = await createPost(t, alice);
    const answers = await Promise.all(Array.from({ length: 5 }, () => save(created.id, bob)));
    for (const answer of answers) assert.equal(expectStatus(answer, 200).saved_by_me, true);
    const rows = await t.db
      .selectFrom('saves')
      .select('id')
      .where('user_id', '=', bob.id)
      .execute();
    assert.equal(rows.length, 1);
    const forAlice = await t.app.inject({
      method: 'GET',
      url: `/api/v1/posts/${created.id}`,
      headers: alice.headers,
    });
    assert.equal(expectStatus(forAlice, 200).saved_by_me, false);
    assert.equal(expectStatus(await save(created.id, bob, 'DELETE'), 200).saved_by_me, false);
    assert.equal(expectStatus(await save(created.id, bob, 'DELETE'), 200).saved_by_me, false);
  });

  test('403 private, 404 unknown, 400 bad id', async () => {
    const priv = await createUser(t, { isPrivate: true });
    const stranger = await createUser(t);
    const hidden = await createPost(t, priv);
    assert.equal((await save(hidden.id, stranger)).statusCode, 403);
    assert.equal((await save('999999', stranger)).statusCode, 404);
    assert.equal((await save('-1', stranger)).statusCode, 400);
  });
});

describe('GET /me/saved', () => {
  test('most recently saved first, hides posts the caller can no longer see, constant statements', async () => {
    const reader = await createUser(t);
    const author = await createUser(t);
    const priv = await createUser(t, { isPrivate: true });
    await follow(t, reader, priv);
    const place = await createLocation(t, author);
    const posts: string[] = [];
    for (let i = 0; i < 21; i++)
      posts.push((await createPost(t, author, { locationId: place.id })).id);
    const secret = (await createPost(t, priv, { locationId: place.id })).id;
    // Save oldest post last: it must come first.
    for (const id of [...posts.slice(1), secret, posts[0]!])
      expectStatus(await save(id, reader), 200);
    assert.equal((await saved(null)).statusCode, 401);
    const first = expectStatus(await saved(reader, '?limit=2'), 200);
    assert.deepEqual(ids(first), [posts[0], secret]);
    assert.equal(first.data[0].saved_by_me, true);

    const one = await saved(reader, '?limit=1');
    const twenty = await saved(reader, '?limit=20');
    assert.equal(queryCount(one), queryCount(twenty));
    // auth hook (1) + page (1) + authors, media, locations, liked+saved flags (4)
    assert.equal(queryCount(twenty), 6);

    await t.db.deleteFrom('follows').where('follower_id', '=', reader.id).execute();
    const all: string[] = [];
    let cursor: string | null = null;
    let page = 0;
    do {
      const body: any = expectStatus(
        await saved(reader, `?limit=6${cursor ? `&cursor=${cursor}` : ''}`),
        200,
      );
      all.push(...ids(body));
      cursor = body.next_cursor;
      if (page++ === 0) {
        expectStatus(await save(posts[1]!, reader, 'DELETE'), 200); // not reached yet: must vanish
        expectStatus(await save(posts[0]!, reader), 200); // already saved: no move
      }
    } while (cursor);
    const expected = [posts[0]!, ...posts.slice(2).reverse()];
    assert.deepEqual(all, expected);
    for (const q of ['?limit=0', '?limit=abc', '?cursor=%%', '?type=post']) {
      assert.equal((await saved(reader, q)).statusCode, 400, q);
    }
  });
});
