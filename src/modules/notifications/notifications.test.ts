import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser, deactivate, type TestUser } from '../../../test/helpers/factories.js';
import { expectStatus, queryCount } from '../../../test/helpers/http.js';
import { createPost } from '../../../test/helpers/posts-factories.js';
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
const ok = async (method: string, url: string, user: TestUser, payload?: object) => {
  const response = await api(method, url, user, payload);
  if (response.statusCode >= 300) throw new Error(`${method} ${url}: ${response.body}`);
  return response.body ? response.json() : undefined;
};
const list = async (user: TestUser, query = '') =>
  expectStatus(await api('GET', `/notifications${query}`, user), 200);
const kinds = async (user: TestUser, query = '') =>
  (await list(user, query)).data.map((n: { type: string }) => n.type);
const unread = async (user: TestUser) =>
  expectStatus(await api('GET', '/notifications/unread-count', user), 200).count;
const comment = (postId: string, user: TestUser, text: string, parentId?: string) =>
  ok('POST', `/posts/${postId}/comments`, user, { text, ...(parentId && { parent_id: parentId }) });

describe('notifications', () => {
  test('requires authentication', async () => {
    for (const [method, url] of [
      ['GET', '/notifications'],
      ['GET', '/notifications/grouped'],
      ['GET', '/notifications/unread-count'],
      ['POST', '/notifications/read'],
      ['GET', '/notifications/stream'],
    ] as const) {
      const response = await api(
        method,
        url,
        null,
        method === 'POST' ? { up_to_id: '1' } : undefined,
      );
      assert.equal(response.statusCode, 401, url);
      assert.match(String(response.headers['content-type']), /application\/problem\+json/);
    }
  });

  test('a like notifies the author once: not for their own like, not again after unlike and like', async () => {
    const alice = await createUser(t);
    const bob = await createUser(t);
    const post = await createPost(t, alice);
    await ok('POST', `/posts/${post.id}/like`, alice);
    assert.deepEqual(await kinds(alice), []);
    await ok('POST', `/posts/${post.id}/like`, bob);
    await ok('DELETE', `/posts/${post.id}/like`, bob);
    await ok('POST', `/posts/${post.id}/like`, bob);
    const page = await list(alice);
    assert.equal(page.data.length, 1);
    const [n] = page.data;
    assert.equal(n.type, 'like');
    assert.equal(n.read, false);
    assert.equal(n.actor.id, String(bob.id));
    assert.equal(n.actor.username, bob.username);
    assert.equal(n.post.id, post.id);
    assert.equal(n.post.thumbnail_url, post.media[0].thumbnail_url);
    assert.equal(n.comment, undefined);
    assert.equal(page.next_cursor, null);
    assert.deepEqual(await kinds(bob), []);
  });

  test('comments, replies and comment likes; filters by kind', async () => {
    const alice = await createUser(t);
    const bob = await createUser(t);
    const carol = await createUser(t);
    const post = await createPost(t, alice);
    const top = await comment(post.id, bob, 'Lovely light');
    await comment(post.id, alice, 'Thanks!', top.id);
    const reply = await comment(post.id, carol, 'Agreed', top.id);
    await ok('POST', `/comments/${top.id}/like`, alice);
    await ok('POST', `/comments/${top.id}/like`, bob);

    // Alice: bob's comment, carol's reply (a comment on her post); not her own reply.
    assert.deepEqual(await kinds(alice), ['comment', 'comment']);
    const [latest] = (await list(alice)).data;
    assert.deepEqual(latest.comment, { id: reply.id, text: 'Agreed' });
    // Bob: alice's and carol's replies to his comment, alice's like of it; not his own like.
    assert.deepEqual(await kinds(bob), ['comment_like', 'reply', 'reply']);
    assert.deepEqual(await kinds(bob, '?types=reply'), ['reply', 'reply']);
    assert.deepEqual(await kinds(bob, '?types=reply,comment_like&limit=1'), ['comment_like']);
    assert.deepEqual(await kinds(bob, '?exclude_types=reply'), ['comment_like']);
    assert.deepEqual(await kinds(carol), []);
  });

  test('follows, requests and their acceptance; unfollowing removes them', async () => {
    const alice = await createUser(t);
    const bob = await createUser(t);
    const priv = await createUser(t, { isPrivate: true });
    await ok('POST', `/users/${alice.username}/follow`, bob);
    assert.deepEqual(await kinds(alice), ['follow']);
    await ok('POST', `/users/${priv.username}/follow`, bob);
    assert.deepEqual(await kinds(priv), ['follow_request']);
    const requests = await ok('GET', '/me/follow-requests', priv);
    await ok('POST', `/me/follow-requests/${requests.data[0].id}/approve`, priv);
    assert.deepEqual(await kinds(priv), ['follow']);
    const bobs = (await list(bob)).data;
    assert.deepEqual(
      bobs.map((n: { type: string; actor: { id: string } }) => [n.type, n.actor.id]),
      [['follow_accepted', String(priv.id)]],
    );
    await ok('DELETE', `/users/${priv.username}/follow`, bob);
    assert.deepEqual(await kinds(priv), []);
    assert.deepEqual(await kinds(bob), []);
    await ok('DELETE', `/users/${alice.username}/follow`, bob);
    assert.deepEqual(await kinds(alice), []);
  });

  test('story likes', async () => {
    const alice = await createUser(t);
    const bob = await createUser(t);
    const story = await postStory(t, alice);
    await ok('POST', `/stories/${story}/like`, bob);
    await ok('DELETE', `/stories/${story}/like`, bob);
    await ok('POST', `/stories/${story}/like`, bob);
    const page = await list(alice);
    assert.equal(page.data.length, 1);
    assert.equal(page.data[0].type, 'story_like');
    assert.deepEqual(page.data[0].story, { id: story });
  });

  test('deleting the comment or the post removes what points at it', async () => {
    const alice = await createUser(t);
    const bob = await createUser(t);
    const post = await createPost(t, alice);
    const c = await comment(post.id, bob, 'first');
    await comment(post.id, bob, 'second');
    await ok('POST', `/posts/${post.id}/like`, bob);
    assert.deepEqual(await kinds(alice), ['like', 'comment', 'comment']);
    await ok('DELETE', `/comments/${c.id}`, bob);
    assert.deepEqual(await kinds(alice), ['like', 'comment']);
    await ok('DELETE', `/posts/${post.id}`, alice);
    assert.deepEqual(await kinds(alice), []);
    const stored = await t.db
      .selectFrom('notifications')
      .select('id')
      .where('recipient_id', '=', alice.id)
      .execute();
    assert.equal(stored.length, 0);
  });

  test('never shown when the actor is deactivated or the post is no longer visible', async () => {
    const alice = await createUser(t);
    const bob = await createUser(t);
    const carol = await createUser(t);
    const post = await createPost(t, carol);
    const c = await comment(post.id, alice, 'nice');
    await ok('POST', `/comments/${c.id}/like`, bob);
    await ok('POST', `/users/${alice.username}/follow`, bob);
    assert.deepEqual(await kinds(alice), ['follow', 'comment_like']);
    assert.equal(await unread(alice), 2);
    // Carol goes private: alice does not follow her, so carol's post and all about it are hidden.
    await ok('PATCH', '/me', carol, { is_private: true });
    assert.deepEqual(await kinds(alice), ['follow']);
    assert.equal(await unread(alice), 1);
    await deactivate(t, bob);
    assert.deepEqual(await kinds(alice), []);
    assert.equal(await unread(alice), 0);
  });

  test('unread count and marking read', async () => {
    const alice = await createUser(t);
    const post = await createPost(t, alice);
    const fans = [await createUser(t), await createUser(t), await createUser(t)];
    for (const fan of fans) await ok('POST', `/posts/${post.id}/like`, fan);
    const count = await api('GET', '/notifications/unread-count', alice);
    assert.deepEqual(expectStatus(count, 200), { count: 3 });
    assert.equal(queryCount(count), 2); // auth + count
    const page = await list(alice);
    // Up to the middle one: the newest stays unread.
    const read = await api('POST', '/notifications/read', alice, { up_to_id: page.data[1].id });
    expectStatus(read, 204);
    assert.equal(await unread(alice), 1);
    assert.deepEqual(
      (await list(alice)).data.map((n: { read: boolean }) => n.read),
      [false, true, true],
    );
    // Another account's ids are not touched by alice's call.
    const bob = await createUser(t);
    const bobsPost = await createPost(t, bob);
    await ok('POST', `/posts/${bobsPost.id}/like`, alice);
    await ok('POST', '/notifications/read', alice, { up_to_id: '999999999' });
    assert.equal(await unread(alice), 0);
    assert.equal(await unread(bob), 1);
  });

  test('400 for unknown kinds and bad parameters, naming the field', async () => {
    const alice = await createUser(t);
    for (const [query, field] of [
      ['?types=like,poke', 'types'],
      ['?exclude_types=nope', 'exclude_types'],
      ['?limit=0', 'limit'],
      ['?limit=101', 'limit'],
      ['?cursor=x', 'cursor'],
    ]) {
      for (const path of ['/notifications', '/notifications/grouped']) {
        const body = expectStatus(await api('GET', `${path}${query}`, alice), 400);
        assert.ok(
          body.errors.some((e: { field: string }) => e.field === field),
          `${path}${query}: ${JSON.stringify(body.errors)}`,
        );
      }
    }
    for (const payload of [{}, { up_to_id: 'abc' }, { up_to_id: '1', extra: 1 }]) {
      expectStatus(await api('POST', '/notifications/read', alice, payload), 400);
    }
  });

  test('lists walk in pages with a constant statement count', async () => {
    const alice = await createUser(t);
    const post = await createPost(t, alice);
    const fans: TestUser[] = [];
    for (let i = 0; i < 23; i++) {
      const fan = await createUser(t);
      fans.unshift(fan);
      await ok('POST', `/posts/${post.id}/like`, fan);
    }
    const one = await api('GET', '/notifications?limit=1', alice);
    const twenty = await api('GET', '/notifications?limit=20', alice);
    assert.equal(expectStatus(twenty, 200).data.length, 20);
    assert.equal(queryCount(one), queryCount(twenty));
    assert.equal(queryCount(twenty), 2); // auth + page
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: { actor: { id: string } }[]; next_cursor: string | null } = await list(
        alice,
        `?limit=5${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.data.map((n) => n.actor.id));
      cursor = page.next_cursor;
    } while (cursor);
    assert.deepEqual(
      seen,
      fans.map((fan) => String(fan.id)),
    );
  });

  test('grouped: one group per kind and subject within a day, latest three actors', async () => {
    const alice = await createUser(t);
    const post = await createPost(t, alice);
    const other = await createPost(t, alice);
    const fans: TestUser[] = [];
    for (let i = 0; i < 5; i++) {
      const fan = await createUser(t);
      fans.unshift(fan);
      await ok('POST', `/posts/${post.id}/like`, fan);
    }
    await comment(post.id, fans[0]!, 'one');
    await comment(post.id, fans[0]!, 'two');
    await comment(post.id, fans[1]!, 'three');
    await ok('POST', `/posts/${other.id}/like`, fans[2]!);
    await ok('POST', `/users/${alice.username}/follow`, fans[3]!);
    await ok('POST', `/users/${alice.username}/follow`, fans[4]!);

    const grouped = await api('GET', '/notifications/grouped', alice);
    const body = expectStatus(grouped, 200);
    const summary = body.data.map(
      (g: { type: string; count: number; post?: { id: string } }) =>
        `${g.type}:${g.count}:${g.post?.id ?? '-'}`,
    );
    assert.deepEqual(summary, [
      'follow:2:-',
      `like:1:${other.id}`,
      `comment:3:${post.id}`,
      `like:5:${post.id}`,
    ]);
    const likes = body.data[3];
    assert.deepEqual(
      likes.latest_actors.map((u: { id: string }) => u.id),
      fans.slice(0, 3).map((f) => String(f.id)),
    );
    // Distinct actors: fans[0] commented twice.
    assert.deepEqual(
      body.data[2].latest_actors.map((u: { id: string }) => u.id),
      [String(fans[1]!.id), String(fans[0]!.id)],
    );
    assert.equal(body.data[2].comment.text, 'three');
    assert.equal(likes.read, false);

    const one = await api('GET', '/notifications/grouped?limit=1', alice);
    assert.equal(queryCount(one), queryCount(grouped));
    assert.equal(queryCount(grouped), 3); // auth + groups + latest actors
    // Paging by groups, and filters apply.
    const first = expectStatus(one, 200);
    const next = await list(alice, `/grouped?limit=3&cursor=${first.next_cursor}`);
    assert.deepEqual(
      next.data.map((g: { type: string }) => g.type),
      ['like', 'comment', 'like'],
    );
    assert.equal(next.next_cursor, null);
    const onlyLikes = await list(alice, '/grouped?types=like');
    assert.deepEqual(
      onlyLikes.data.map((g: { count: number }) => g.count),
      [1, 5],
    );
    // Marking the newest group read marks everything up to it.
    await ok('POST', '/notifications/read', alice, { up_to_id: body.data[0].latest_id });
    assert.ok((await list(alice, '/grouped')).data.every((g: { read: boolean }) => g.read));
  });
});
