import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser, follow, type TestUser } from '../../../test/helpers/factories.js';
import { expectStatus, queryCount } from '../../../test/helpers/http.js';
import { createLocation, createPost, ids } from '../../../test/helpers/posts-factories.js';
import { buildTestApp, type TestApp } from '../../../test/helpers/test-app.js';
import { feedQuery } from './feed.repository.js';

let t: TestApp;
before(async () => {
  t = await buildTestApp();
});
after(async () => t.close());

/** Followers' copies of a post are written by a background job: run the queued ones first. */
async function get(url: string, user: TestUser | null) {
  await t.drainJobs();
  return t.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: user?.headers ?? {} });
}

async function walk(
  url: string,
  user: TestUser,
  limit: number,
  between?: (page: number) => Promise<void>,
) {
  const seen: string[] = [];
  let cursor: string | null = null;
  let page = 0;
  do {
    const body: any = expectStatus(
      await get(`${url}?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, user),
      200,
    );
    seen.push(...ids(body));
    cursor = body.next_cursor;
    await between?.(page++);
  } while (cursor);
  return seen;
}

describe('GET /feed', () => {
  test('requires authentication', async () => {
    assert.equal((await get('/feed', null)).statusCode, 401);
  });

  test("the caller's posts and accepted follows' posts, newest first, nobody else's", async () => {
    const me = await createUser(t);
    const friend = await createUser(t);
    const privFriend = await createUser(t, { isPrivate: true });
    const pendingPriv = await createUser(t, { isPrivate: true });
    const stranger = await createUser(t);
    const gone = await createUser(t);
    await follow(t, me, friend);
    await follow(t, me, privFriend);
    await follow(t, me, pendingPriv, 'pending');
    await follow(t, me, gone);
    await follow(t, friend, me);
    const expected: string[] = [];
    for (const author of [me, friend, privFriend, pendingPriv, stranger, gone, friend, me]) {
      const created = await createPost(t, author);
      if ([me, friend, privFriend].includes(author)) expected.unshift(created.id);
    }
    await t.db.updateTable('users').set({ is_active: 0 }).where('id', '=', gone.id).execute();
    assert.deepEqual(ids(expectStatus(await get('/feed', me), 200)), expected);
    assert.deepEqual(await walk('/feed', me, 2), expected);
  });

  test('constant statements per page; a walk survives inserts and deletes', async () => {
    const me = await createUser(t);
    const others = await Promise.all(Array.from({ length: 3 }, () => createUser(t)));
    const place = await createLocation(t, me);
    for (const other of others) await follow(t, me, other);
    const posts: { id: string; author: TestUser }[] = [];
    for (let i = 0; i < 24; i++) {
      const author = [me, ...others][i % 4]!;
      posts.unshift({ id: (await createPost(t, author, { locationId: place.id })).id, author });
    }
    const one = await get('/feed?limit=1', me);
    const twenty = await get('/feed?limit=20', me);
    assert.equal(expectStatus(twenty, 200).data.length, 20);
    assert.equal(queryCount(one), queryCount(twenty));
    // auth hook (1) + page (1) + authors, media, locations, liked+saved flags (4)
    assert.equal(queryCount(twenty), 6);

    const removed = posts[15]!;
    const seen = await walk('/feed', me, 5, async (page) => {
      if (page !== 0) return;
      await createPost(t, others[0]!);
      const r = await t.app.inject({
        method: 'DELETE',
        url: `/api/v1/posts/${removed.id}`,
        headers: removed.author.headers,
      });
      assert.equal(r.statusCode, 204);
    });
    assert.deepEqual(
      seen,
      posts.map((p) => p.id).filter((id) => id !== removed.id),
    );
    for (const q of ['limit=0', 'limit=101', 'limit=-1', 'limit=abc', 'cursor=abc', 'x=1']) {
      assert.equal((await get(`/feed?${q}`, me)).statusCode, 400, q);
    }
  });

  test('on SQLite the feed reads posts through posts(author_id, created_at, id)', async (ctx) => {
    if (t.dialect !== 'sqlite') return ctx.skip('SQLite plan');
    for (const cursor of [null, ['2026-01-01 00:00:00.000', 5] as const]) {
      const query = feedQuery(t.db, 1, cursor, 20).compile();
      const plan = await t.db.executeQuery<{ detail: string }>({
        ...query,
        sql: `explain query plan ${query.sql}`,
      });
      const details = plan.rows.map((row) => row.detail);
      const postsSteps = details.filter((d) => /\bposts\b/.test(d));
      const byAuthor =
        /^SEARCH posts USING (COVERING )?INDEX posts_author_created_idx \(author_id=\?/;
      assert.ok(
        postsSteps.some((step) => byAuthor.test(step)),
        details.join('\n'),
      );
      for (const step of postsSteps) {
        assert.ok(
          byAuthor.test(step) || /^SEARCH posts USING INTEGER PRIMARY KEY/.test(step),
          `unexpected access to posts: ${step}`,
        );
      }
    }
  });
});

describe('GET /explore', () => {
  test('requires authentication and rejects bad parameters', async () => {
    const me = await createUser(t);
    assert.equal((await get('/explore', null)).statusCode, 401);
    for (const q of ['limit=0', 'limit=101', 'cursor=abc', 'x=1']) {
      assert.equal((await get(`/explore?${q}`, me)).statusCode, 400, q);
    }
  });

  test('recent posts of public strangers, by likes + 2 x comments, then newest', async () => {
    const me = await createUser(t);
    const followed = await createUser(t);
    const priv = await createUser(t, { isPrivate: true });
    const gone = await createUser(t);
    const authors = await Promise.all(Array.from({ length: 3 }, () => createUser(t)));
    const fans = await Promise.all(Array.from({ length: 4 }, () => createUser(t)));
    await follow(t, me, followed);
    t.clock.setOffset(-8 * 86_400_000);
    const old = await createPost(t, authors[0]!);
    t.clock.setOffset(0);
    const excluded = [old.id];
    const like = (postId: string, fan: TestUser) =>
      t.app.inject({ method: 'POST', url: `/api/v1/posts/${postId}/like`, headers: fan.headers });
    for (const author of [me, followed, priv, gone]) {
      const popular = (await createPost(t, author)).id;
      excluded.push(popular);
      expectStatus(await like(popular, author), 200);
    }
    await t.db.updateTable('users').set({ is_active: 0 }).where('id', '=', gone.id).execute();
    // a: 1 like; b: 1 comment (2); c: 2 likes (2, newer than b); d: nothing.
    const [a, b, c, d] = [
      await createPost(t, authors[0]!),
      await createPost(t, authors[1]!),
      await createPost(t, authors[2]!),
      await createPost(t, authors[0]!),
    ];
    expectStatus(await like(a.id, fans[0]!), 200);
    expectStatus(await like(c.id, fans[0]!), 200);
    expectStatus(await like(c.id, fans[1]!), 200);
    expectStatus(await like(old.id, fans[2]!), 200);
    expectStatus(
      await t.app.inject({
        method: 'POST',
        url: `/api/v1/posts/${b.id}/comments`,
        headers: fans[1]!.headers,
        payload: { text: 'nice' },
      }),
      201,
    );
    const mine = ids(expectStatus(await get('/explore?limit=100', me), 200));
    const ranked = mine.filter((id) => [a.id, b.id, c.id, d.id].includes(id));
    assert.deepEqual(ranked, [c.id, b.id, a.id, d.id]);
    for (const id of excluded) assert.ok(!mine.includes(id), `post ${id} must not be explored`);
    const walked = await walk('/explore', me, 1);
    assert.deepEqual(walked, mine);

    const one = await get('/explore?limit=1', me);
    const twenty = await get('/explore?limit=20', me);
    assert.ok(expectStatus(twenty, 200).data.length >= 4);
    assert.equal(queryCount(one), queryCount(twenty));
  });
});
