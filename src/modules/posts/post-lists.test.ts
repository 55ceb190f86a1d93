import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser, follow, type TestUser } from '../../../test/helpers/factories.js';
import { expectStatus, queryCount } from '../../../test/helpers/http.js';
import { createLocation, createPost, ids } from '../../../test/helpers/posts-factories.js';
import { buildTestApp, type TestApp } from '../../../test/helpers/test-app.js';

let t: TestApp;
let alice: TestUser;
let priv: TestUser;
let friend: TestUser;
let place: { id: string };
const alicePosts: string[] = [];
const privPosts: string[] = [];

before(async () => {
  t = await buildTestApp();
  alice = await createUser(t, { username: `alice${process.pid}` });
  priv = await createUser(t, { isPrivate: true });
  friend = await createUser(t);
  await follow(t, friend, priv);
  place = await createLocation(t, alice, 'Everywhere');
  // 22 public posts with #Sun, every third a reel; 3 private ones with #sun too.
  for (let i = 0; i < 22; i++) {
    const reel = i % 3 === 0;
    const created = await createPost(t, alice, {
      caption: `day ${i} #Sun`,
      type: reel ? 'reel' : 'post',
      media: reel ? ['video'] : ['image', 'image'],
      locationId: place.id,
    });
    alicePosts.unshift(created.id);
  }
  for (let i = 0; i < 3; i++) {
    privPosts.unshift((await createPost(t, priv, { caption: '#SUN', locationId: place.id })).id);
  }
});
after(async () => t.close());

const get = (url: string, user?: TestUser | null) =>
  t.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: user?.headers ?? {} });
const list = async (url: string, user?: TestUser | null) =>
  ids(expectStatus(await get(url, user), 200));

async function walk(
  url: string,
  limit: number,
  user?: TestUser,
  between?: (page: number) => Promise<void>,
) {
  const seen: string[] = [];
  let cursor: string | null = null;
  let page = 0;
  do {
    const sep = url.includes('?') ? '&' : '?';
    const body: any = expectStatus(
      await get(`${url}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, user),
      200,
    );
    seen.push(...ids(body));
    cursor = body.next_cursor;
    await between?.(page++);
  } while (cursor);
  return seen;
}

describe('GET /posts', () => {
  test('filters combine; author accepts a username in any case or an id', async () => {
    assert.deepEqual(await list(`/posts?author=${alice.username}&limit=100`), alicePosts);
    assert.deepEqual(
      await list(`/posts?author=${alice.username.toUpperCase()}&limit=100`),
      alicePosts,
    );
    assert.deepEqual(await list(`/posts?author=${alice.id}&limit=100`), alicePosts);
    assert.deepEqual(await list(`/posts?author=nobody_here`), []);
    const reels = await list(`/posts?author=${alice.username}&type=reel&limit=100`);
    assert.equal(reels.length, 8);
    assert.deepEqual(
      await list(`/posts?type=reel&hashtag=%23sUn&location_id=${place.id}&limit=100`),
      reels,
    );
    assert.deepEqual(await list(`/posts?location_id=999999`), []);
  });

  test('q matches a caption substring in any case, literally, within privacy', async () => {
    const dayOne = await list('/posts?q=DAY%201&limit=100');
    assert.equal(dayOne.length, 11, 'day 1 and day 10..19');
    assert.deepEqual(await list('/posts?q=%25&limit=100'), [], '% is not a wildcard');
    assert.deepEqual(await list('/posts?q=sun&limit=100'), alicePosts);
    assert.equal((await list('/posts?q=sun&limit=100', friend)).length, 25);
    const bad = await get('/posts?q=');
    assert.equal(expectStatus(bad, 400).errors[0].field, 'q');
  });

  test('hashtag and location lists never show private posts to non-followers', async () => {
    for (const url of [
      '/posts?hashtag=sun&limit=100',
      `/posts?location_id=${place.id}&limit=100`,
    ]) {
      assert.deepEqual(await list(url), alicePosts, url);
      assert.deepEqual(await list(url, alice), alicePosts, url);
      const forFriend = await list(url, friend);
      assert.deepEqual(forFriend.sort(), [...alicePosts, ...privPosts].sort(), url);
      assert.equal(forFriend.length, 25);
    }
  });

  test('statement count is the same for 1 and 20 posts, for every filter', async () => {
    const urls = [
      '/posts',
      `/posts?author=${alice.username}`,
      `/posts?location_id=${place.id}`,
      '/posts?hashtag=sun',
      '/posts?type=post',
      '/posts?q=day',
      `/users/${alice.username}/posts`,
    ];
    for (const url of urls) {
      for (const user of [null, friend]) {
        const sep = url.includes('?') ? '&' : '?';
        const one = await get(`${url}${sep}limit=1`, user);
        const twenty = await get(`${url}${sep}limit=20`, user);
        assert.equal(expectStatus(one, 200).data.length, 1);
        assert.ok(expectStatus(twenty, 200).data.length >= 14, url);
        assert.equal(queryCount(one), queryCount(twenty), url);
        assert.ok(queryCount(twenty) <= 7, `${url}: ${queryCount(twenty)}`);
      }
    }
  });

  test('a cursor walk survives inserts and deletes between pages', async () => {
    const walker = await createUser(t);
    const mine: string[] = [];
    for (let i = 0; i < 12; i++)
      mine.unshift((await createPost(t, walker, { caption: `w${i}` })).id);
    const deleted = new Set([mine[5]!, mine[9]!]);
    const inserted: string[] = [];
    const seen = await walk(`/posts?author=${walker.username}`, 4, undefined, async (page) => {
      if (page === 0) {
        inserted.push((await createPost(t, walker)).id);
        for (const id of deleted) {
          const r = await t.app.inject({
            method: 'DELETE',
            url: `/api/v1/posts/${id}`,
            headers: walker.headers,
          });
          assert.equal(r.statusCode, 204);
        }
      }
    });
    assert.equal(new Set(seen).size, seen.length, 'no duplicates');
    assert.deepEqual(
      seen,
      mine.filter((id) => !deleted.has(id)),
    );
    assert.ok(!seen.includes(inserted[0]!));
  });

  test('posts created in the same millisecond keep their creation order', async () => {
    const twin = await createUser(t);
    const frozen = new Date('2026-06-01T12:00:00.000Z');
    const offset = frozen.getTime() - Date.now();
    const created: string[] = [];
    t.clock.setOffset(offset);
    try {
      for (let i = 0; i < 3; i++) created.unshift((await createPost(t, twin)).id);
    } finally {
      t.clock.setOffset(0);
    }
    assert.deepEqual(await walk(`/posts?author=${twin.username}`, 1), created);
  });

  test('bad parameters are 400 naming the field', async () => {
    const bad: [string, string][] = [
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['limit=-1', 'limit'],
      ['limit=abc', 'limit'],
      ['cursor=abc', 'cursor'],
      ['type=story', 'type'],
      ['location_id=abc', 'location_id'],
      ['hashtag=a%20b', 'hashtag'],
      ['author=a%20b', 'author'],
      ['colour=red', 'colour'],
    ];
    for (const [query, field] of bad) {
      const response = await get(`/posts?${query}`);
      assert.equal(response.statusCode, 400, query);
      assert.deepEqual(
        response.json().errors.map((e: { field: string }) => e.field),
        [field],
        query,
      );
    }
  });
});

describe('GET /users/:username/posts', () => {
  test('newest first, filtered by type; private accounts for approved followers only', async () => {
    assert.deepEqual(await list(`/users/${alice.username}/posts?limit=100`), alicePosts);
    assert.equal((await list(`/users/${alice.username}/posts?type=reel&limit=100`)).length, 8);
    assert.equal((await get(`/users/${priv.username}/posts`)).statusCode, 403);
    assert.equal((await get(`/users/${priv.username}/posts`, alice)).statusCode, 403);
    assert.deepEqual(await list(`/users/${priv.username}/posts`, friend), privPosts);
    assert.deepEqual(await list(`/users/${priv.username}/posts`, priv), privPosts);
    assert.equal((await get('/users/nobody_at_all/posts')).statusCode, 404);
    assert.equal((await get('/users/bad%20name/posts')).statusCode, 400);
    assert.equal((await get(`/users/${alice.username}/posts?type=x`)).statusCode, 400);
  });

  test('deactivated accounts are 404 and vanish from every list', async () => {
    const gone = await createUser(t);
    await createPost(t, gone, { caption: '#sun' });
    await t.db.updateTable('users').set({ is_active: 0 }).where('id', '=', gone.id).execute();
    assert.equal((await get(`/users/${gone.username}/posts`)).statusCode, 404);
    assert.deepEqual(await list(`/posts?author=${gone.username}`), []);
    assert.equal((await list('/posts?hashtag=sun&limit=100')).length, 22);
  });
});
