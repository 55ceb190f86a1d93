import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser, follow, type TestUser } from '../../../test/helpers/factories.js';
import { expectStatus, queryCount } from '../../../test/helpers/http.js';
import { createLocation, createPost, ids } from '../../../test/helpers/posts-factories.js';
import { postStory } from '../../../test/helpers/stories-factories.js';
import { buildTestApp, type TestApp } from '../../../test/helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await buildTestApp();
});
after(async () => t.close());

const api = (method: string, url: string, user: TestUser | null, payload?: object) =>
  t.app.inject({
    method: method as 'GET',
    url: `/api/v1${url}`,
    headers: user?.headers ?? {},
    ...(payload ? { payload } : {}),
  });
const get = async (url: string, user: TestUser | null) =>
  expectStatus(await api('GET', url, user), 200);
const usernames = (page: { data: { username: string }[] }) => page.data.map((u) => u.username);

describe('block routes', () => {
  test('require authentication', async () => {
    const other = await createUser(t);
    for (const [method, url] of [
      ['POST', `/users/${other.username}/block`],
      ['DELETE', `/users/${other.username}/block`],
      ['GET', '/me/blocks'],
      ['POST', `/users/${other.username}/mute`],
      ['DELETE', `/users/${other.username}/mute`],
      ['GET', '/me/mutes'],
    ] as const) {
      assert.equal((await api(method, url, null)).statusCode, 401, `${method} ${url}`);
    }
  });

  test('yourself is 400, an unknown account 404', async () => {
    const me = await createUser(t);
    assert.equal((await api('POST', `/users/${me.username}/block`, me)).statusCode, 400);
    assert.equal((await api('POST', `/users/${me.username}/mute`, me, {})).statusCode, 400);
    assert.equal((await api('POST', '/users/nobody_here/block', me)).statusCode, 404);
  });

  test('a block ends follows and requests both ways, with their counts; idempotent', async () => {
    const a = await createUser(t);
    const b = await createUser(t, { isPrivate: true });
    await follow(t, b, a);
    await follow(t, a, b, 'pending');
    assert.equal((await get(`/users/${a.username}`, a)).followers_count, 1);
    expectStatus(await api('POST', `/users/${b.username}/block`, a), 204);
    expectStatus(await api('POST', `/users/${b.username}/block`, a), 204);
    const profile = await get(`/users/${a.username}`, a);
    assert.equal(profile.followers_count, 0);
    assert.equal((await get(`/users/${b.username}`, a)).follow_requested, false);
    assert.equal((await get('/me/follow-requests', b)).data.length, 0);
  });

  test('/me/blocks pages with a constant statement count; unblock is idempotent', async () => {
    const me = await createUser(t);
    const others = [await createUser(t), await createUser(t), await createUser(t)];
    for (const other of others) {
      expectStatus(await api('POST', `/users/${other.username}/block`, me), 204);
    }
    const first = await api('GET', '/me/blocks?limit=2', me);
    const page = expectStatus(first, 200);
    assert.deepEqual(
      page.data.map((b: { user: { username: string } }) => b.user.username),
      [others[2]!.username, others[1]!.username],
    );
    const second = await api('GET', `/me/blocks?limit=2&cursor=${page.next_cursor}`, me);
    assert.deepEqual(
      expectStatus(second, 200).data.map((b: { user: { username: string } }) => b.user.username),
      [others[0]!.username],
    );
    assert.equal(queryCount(first), queryCount(second));
    expectStatus(await api('DELETE', `/users/${others[0]!.username}/block`, me), 204);
    expectStatus(await api('DELETE', `/users/${others[0]!.username}/block`, me), 204);
    assert.equal((await get('/me/blocks', me)).data.length, 2);
  });
});

describe('across a block', () => {
  // a blocks b; c is a third person whose post both reach.
  let a: TestUser, b: TestUser, c: TestUser;
  let aPost: { id: string }, bPost: { id: string }, cPost: { id: string };
  let aComment: { id: string }, bComment: { id: string };
  let aStory: string;
  let place: { id: string };
  const tag = `blk${process.pid}`;

  before(async () => {
    [a, b, c] = [await createUser(t), await createUser(t), await createUser(t)];
    await follow(t, b, a);
    await follow(t, a, b);
    place = await createLocation(t, c, 'Block Square');
    aPost = await createPost(t, a, { caption: `#${tag}`, locationId: place.id });
    bPost = await createPost(t, b, { caption: `#${tag}`, locationId: place.id });
    cPost = await createPost(t, c);
    aStory = await postStory(t, a);
    await postStory(t, b);
    for (const user of [a, b]) {
      expectStatus(await api('POST', `/posts/${cPost.id}/like`, user), 200);
    }
    aComment = expectStatus(
      await api('POST', `/posts/${cPost.id}/comments`, a, { text: 'a' }),
      201,
    );
    bComment = expectStatus(
      await api('POST', `/posts/${cPost.id}/comments`, b, { text: 'b' }),
      201,
    );
    await t.drainJobs();
    // Before the block each sees the other everywhere (checked once here).
    assert.ok(ids(await get('/feed', b)).includes(aPost.id));
    expectStatus(await api('POST', `/users/${b.username}/block`, a), 204);
    await t.drainJobs();
  });

  test('to the blocked person the blocker does not exist: lookups are 404', async () => {
    for (const url of [
      `/users/${a.username}`,
      `/users/${a.username}/posts`,
      `/users/${a.username}/stories`,
      `/users/${a.username}/followers`,
      `/users/${a.username}/following`,
      `/posts/${aPost.id}`,
      `/posts/${aPost.id}/comments`,
      `/posts/${aPost.id}/likes`,
      `/stories/${aStory}`,
      `/comments/${aComment.id}/replies`,
    ]) {
      assert.equal((await api('GET', url, b)).statusCode, 404, url);
    }
  });

  test("the blocker sees the profile (to unblock) but none of the blocked person's content", async () => {
    const profile = await get(`/users/${b.username}`, a);
    assert.equal(profile.blocking, true);
    assert.equal(profile.is_following, false);
    for (const url of [`/users/${b.username}/posts`, `/posts/${bPost.id}`]) {
      assert.equal((await api('GET', url, a)).statusCode, 404, url);
    }
  });

  test('lists leave each out for the other: comments, likes, search, follow lists', async () => {
    const comments = (u: TestUser) => get(`/posts/${cPost.id}/comments`, u).then(ids);
    assert.deepEqual(await comments(b), [bComment.id]);
    assert.deepEqual(await comments(a), [aComment.id]);
    assert.deepEqual(await comments(c), [aComment.id, bComment.id]);
    const likers = (u: TestUser) => get(`/posts/${cPost.id}/likes`, u).then(usernames);
    assert.deepEqual(await likers(b), [b.username]);
    assert.deepEqual(await likers(a), [a.username]);
    assert.equal((await likers(c)).length, 2);
    assert.deepEqual(usernames(await get(`/users?q=${a.username}`, b)), []);
    assert.deepEqual(usernames(await get(`/users?q=${b.username}`, a)), []);
    assert.deepEqual(usernames(await get(`/users?q=${a.username}`, c)), [a.username]);
    await follow(t, c, a);
    await follow(t, c, b);
    assert.deepEqual(usernames(await get(`/users/${c.username}/following`, b)), [b.username]);
    assert.deepEqual(usernames(await get(`/users/${c.username}/following`, a)), [a.username]);
    assert.equal((await get(`/users/${c.username}/following`, c)).data.length, 2);
  });

  test('post lists leave each out for the other: feed, explore, hashtag, location, author', async () => {
    const lists = [
      '/feed',
      '/explore',
      `/posts?hashtag=${tag}`,
      `/posts?location_id=${place.id}`,
      `/posts?author=${a.username}`,
      `/posts?author=${b.username}`,
      '/stories/feed',
    ];
    for (const url of lists) {
      const seenByB = JSON.stringify(await get(url, b));
      const seenByA = JSON.stringify(await get(url, a));
      assert.ok(!seenByB.includes(`"${a.username}"`), `${url} shows a to b`);
      assert.ok(!seenByA.includes(`"${b.username}"`), `${url} shows b to a`);
    }
    // A third person still sees both.
    const hashtag = ids(await get(`/posts?hashtag=${tag}`, c));
    assert.deepEqual(hashtag.sort(), [aPost.id, bPost.id].sort());
  });

  test('follow, like and comment between them are 403 blocked, either way', async () => {
    const refusals = [
      await api('POST', `/users/${a.username}/follow`, b),
      await api('POST', `/users/${b.username}/follow`, a),
      await api('POST', `/posts/${aPost.id}/like`, b),
      await api('POST', `/posts/${bPost.id}/like`, a),
      await api('POST', `/posts/${aPost.id}/comments`, b, { text: 'hi' }),
      await api('POST', `/posts/${bPost.id}/comments`, a, { text: 'hi' }),
    ];
    for (const response of refusals) {
      assert.equal(response.statusCode, 403, response.body);
      assert.equal(response.json().code, 'blocked');
    }
    // A comment of the blocker is not there to like or reply to.
    assert.equal((await api('POST', `/comments/${aComment.id}/like`, b)).statusCode, 404);
  });

  test('after unblocking, each sees the other again (follows are not restored)', async () => {
    const d = await createUser(t);
    const e = await createUser(t);
    const post = await createPost(t, d);
    expectStatus(await api('POST', `/users/${e.username}/block`, d), 204);
    assert.equal((await api('GET', `/posts/${post.id}`, e)).statusCode, 404);
    expectStatus(await api('DELETE', `/users/${e.username}/block`, d), 204);
    expectStatus(await api('GET', `/posts/${post.id}`, e), 200);
    assert.equal((await get(`/users/${d.username}`, e)).blocking, false);
  });
});

describe('mutes', () => {
  test("muted posts leave the home feed and muted stories the tray; they aren't told", async () => {
    const me = await createUser(t);
    const them = await createUser(t);
    await follow(t, me, them);
    const post = await createPost(t, them);
    const story = await postStory(t, them);
    await t.drainJobs();
    const tray = async () =>
      ((await get('/stories/feed', me)) as { user: { username: string } }[]).map(
        (g) => g.user.username,
      );
    assert.ok(ids(await get('/feed', me)).includes(post.id));
    assert.ok((await tray()).includes(them.username));

    const muted = await api('POST', `/users/${them.username}/mute`, me, { stories: false });
    assert.deepEqual(expectStatus(muted, 200), { posts: true, stories: false });
    assert.ok(!ids(await get('/feed', me)).includes(post.id));
    assert.ok((await tray()).includes(them.username));

    expectStatus(await api('POST', `/users/${them.username}/mute`, me, {}), 200);
    assert.ok(!(await tray()).includes(them.username));
    // Everything else stays: their profile, posts and story are there, and they see nothing.
    assert.equal((await get(`/users/${them.username}`, me)).muting, true);
    expectStatus(await api('GET', `/posts/${post.id}`, me), 200);
    expectStatus(await api('GET', `/stories/${story}`, me), 200);
    assert.equal((await get(`/users/${me.username}`, them)).muting, false);

    const list = await get('/me/mutes', me);
    assert.deepEqual(
      list.data.map((m: { user: { username: string }; posts: boolean; stories: boolean }) => [
        m.user.username,
        m.posts,
        m.stories,
      ]),
      [[them.username, true, true]],
    );
    expectStatus(await api('DELETE', `/users/${them.username}/mute`, me), 204);
    assert.ok(ids(await get('/feed', me)).includes(post.id));
    assert.ok((await tray()).includes(them.username));
    assert.equal((await get('/me/mutes', me)).data.length, 0);
  });

  test('the feed computed on read honours mutes too (FEED_MODE=read)', async () => {
    const other = await buildTestApp({ env: { FEED_MODE: 'read' } });
    try {
      const me = await createUser(other);
      const them = await createUser(other);
      await follow(other, me, them);
      const post = await createPost(other, them);
      const feed = async () =>
        ids(
          expectStatus(
            await other.app.inject({ method: 'GET', url: '/api/v1/feed', headers: me.headers }),
            200,
          ),
        );
      assert.ok((await feed()).includes(post.id));
      const mute = await other.app.inject({
        method: 'POST',
        url: `/api/v1/users/${them.username}/mute`,
        headers: me.headers,
        payload: { stories: false },
      });
      expectStatus(mute, 200);
      assert.ok(!(await feed()).includes(post.id));
    } finally {
      await other.close();
    }
  });
});
