import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createMedia, createUser, follow, type TestUser } from '../../../test/helpers/factories.js';
import { expectStatus, queryCount } from '../../../test/helpers/http.js';
import { createLocation, createPost, ids } from '../../../test/helpers/posts-factories.js';
import { buildTestApp, type TestApp } from '../../../test/helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await buildTestApp();
});
after(async () => t.close());

const call = (method: string, url: string, user: TestUser | null, payload?: object) =>
  t.app.inject({
    method: method as 'GET',
    url: `/api/v1${url}`,
    headers: user?.headers ?? {},
    ...(payload ? { payload } : {}),
  });
const fields = (response: { json: () => any }) =>
  (response.json().errors as { field: string }[]).map((e) => e.field);
const mediaIds = (post: { media: { id: string }[] }) => post.media.map((m) => m.id);

describe('editing a post: media, alt text, switches and history', () => {
  test('requires authentication; another person gets 403 and history 404', async () => {
    const alice = await createUser(t);
    const bob = await createUser(t);
    const post = await createPost(t, alice);
    assert.equal(
      (await call('PATCH', `/posts/${post.id}`, null, { caption: 'x' })).statusCode,
      401,
    );
    assert.equal((await call('GET', `/posts/${post.id}/history`, null)).statusCode, 401);
    assert.equal((await call('POST', `/posts/${post.id}/archive`, null)).statusCode, 401);
    assert.equal((await call('GET', '/me/archive/posts', null)).statusCode, 401);
    expectStatus(await call('PATCH', `/posts/${post.id}`, bob, { caption: 'mine now' }), 403);
    expectStatus(await call('POST', `/posts/${post.id}/archive`, bob), 403);
    expectStatus(await call('GET', `/posts/${post.id}/history`, bob), 404);
  });

  test('media are reordered, added and removed; each change keeps the version it replaced', async () => {
    const alice = await createUser(t);
    const place = await createLocation(t, alice, 'Lisbon');
    const created = await createPost(t, alice, { caption: 'first', media: ['image', 'image'] });
    assert.equal(created.edited_at, null);
    const [m1, m2] = mediaIds(created);
    const m3 = String(await createMedia(t, alice, 'video'));

    t.clock.setOffset(60_000);
    try {
      const reordered = expectStatus(
        await call('PATCH', `/posts/${created.id}`, alice, {
          media_ids: [m3, m2],
          caption: 'second #edit',
          alt_texts: [{ media_id: m2, alt_text: '  A red door  ' }],
        }),
        200,
      );
      assert.deepEqual(mediaIds(reordered), [m3, m2]);
      assert.equal(reordered.media[1].alt_text, 'A red door');
      assert.equal(reordered.media[0].alt_text, null);
      assert.deepEqual(reordered.hashtags, ['edit']);
      assert.ok(reordered.edited_at > created.created_at);
      assert.equal(reordered.view_count, 0, 'a post with a video counts views');
      const removed = await t.db.selectFrom('media').select('id').where('id', '=', Number(m1));
      assert.equal((await removed.execute()).length, 0, 'the left-out media row is deleted');

      t.clock.setOffset(120_000);
      const moved = expectStatus(
        await call('PATCH', `/posts/${created.id}`, alice, { location_id: place.id }),
        200,
      );
      // Switches and alt text alone make no version and leave edited_at alone.
      const switched = expectStatus(
        await call('PATCH', `/posts/${created.id}`, alice, {
          comments_disabled: true,
          alt_texts: [{ media_id: m2, alt_text: '' }],
        }),
        200,
      );
      assert.equal(switched.edited_at, moved.edited_at);
      assert.equal(switched.media[1].alt_text, null, "'' clears the alt text");
      assert.equal(switched.comments_disabled, true);

      const history = await call('GET', `/posts/${created.id}/history?limit=2`, alice);
      const first = expectStatus(history, 200);
      assert.deepEqual(
        first.data.map((v: any) => [v.caption, v.location_id, v.media_ids, v.current]),
        [
          ['second #edit', place.id, [m3, m2], true],
          ['second #edit', null, [m3, m2], false],
        ],
      );
      assert.equal(first.data[0].edited_at, moved.edited_at);
      assert.equal(first.data[1].edited_at, reordered.edited_at);
      const rest = expectStatus(
        await call(
          'GET',
          `/posts/${created.id}/history?limit=2&cursor=${first.next_cursor}`,
          alice,
        ),
        200,
      );
      assert.deepEqual(
        rest.data.map((v: any) => [v.caption, v.media_ids, v.edited_at]),
        [['first', [m1, m2], created.created_at]],
      );
      assert.equal(rest.next_cursor, null);
      assert.equal(
        queryCount(history),
        queryCount(await call('GET', `/posts/${created.id}/history?limit=100`, alice)),
      );
    } finally {
      t.clock.setOffset(0);
    }
  });

  test('bad edits are 400 naming the field, and change nothing', async () => {
    const alice = await createUser(t);
    const bob = await createUser(t);
    const post = await createPost(t, alice, { media: ['image'] });
    const reel = await createPost(t, alice, { type: 'reel', media: ['video'] });
    const bobs = String(await createMedia(t, bob));
    const cases: [string, object, string][] = [
      [post.id, { media_ids: [] }, 'media_ids'],
      [post.id, { media_ids: [bobs] }, 'media_ids'],
      [post.id, { alt_texts: [{ media_id: bobs, alt_text: 'x' }] }, 'alt_texts'],
      [
        post.id,
        { alt_texts: [{ media_id: post.media[0].id, alt_text: 'x'.repeat(1001) }] },
        'alt_texts',
      ],
      [reel.id, { media_ids: [String(await createMedia(t, alice, 'image'))] }, 'media_ids'],
      [
        reel.id,
        { media_ids: [reel.media[0].id, String(await createMedia(t, alice, 'video'))] },
        'media_ids',
      ],
    ];
    for (const [id, body, field] of cases) {
      const response = await call('PATCH', `/posts/${id}`, alice, body);
      expectStatus(response, 400);
      assert.ok(
        fields(response).some((f) => f.startsWith(field)),
        `${JSON.stringify(body)}: ${response.body}`,
      );
    }
    const after = expectStatus(await call('GET', `/posts/${post.id}`, alice), 200);
    assert.deepEqual(after, { ...post, liked_by_me: false, saved_by_me: false });
  });

  test('comments can be turned off, and a hidden like count shows to its author only', async () => {
    const alice = await createUser(t);
    const bob = await createUser(t);
    const post = expectStatus(
      await call('POST', '/posts', alice, {
        media_ids: [String(await createMedia(t, alice))],
        hide_like_count: true,
        comments_disabled: true,
        alt_texts: [],
      }),
      201,
    );
    expectStatus(await call('POST', `/posts/${post.id}/like`, bob), 200);
    assert.equal(expectStatus(await call('GET', `/posts/${post.id}`, bob), 200).like_count, null);
    assert.equal(expectStatus(await call('GET', `/posts/${post.id}`, alice), 200).like_count, 1);
    const refused = await call('POST', `/posts/${post.id}/comments`, bob, { text: 'hi' });
    assert.equal(expectStatus(refused, 403).code, 'comments_disabled');
    expectStatus(
      await call('PATCH', `/posts/${post.id}`, alice, { comments_disabled: false }),
      200,
    );
    expectStatus(await call('POST', `/posts/${post.id}/comments`, bob, { text: 'hi' }), 201);
  });
});

describe('archiving a post', () => {
  test('only the author sees it, in their archive; restoring brings it back everywhere', async () => {
    const alice = await createUser(t);
    const bob = await createUser(t);
    await follow(t, bob, alice);
    const kept = await createPost(t, alice, { caption: 'kept #arch' });
    const post = await createPost(t, alice, { caption: 'to archive #arch' });
    expectStatus(await call('POST', `/posts/${post.id}/like`, bob), 200);
    expectStatus(await call('POST', `/posts/${post.id}/save`, bob), 200);
    await t.drainJobs();

    const lists = (user: TestUser) => [
      `/users/${alice.username}/posts`,
      `/posts?author=${alice.username}`,
      '/posts?hashtag=arch',
      ...(user === bob ? ['/feed', '/me/saved'] : ['/feed']),
    ];
    const seen = async (user: TestUser) =>
      Promise.all(
        lists(user).map(async (url) => ids(expectStatus(await call('GET', url, user), 200))),
      );
    for (const page of await seen(bob)) assert.ok(page.includes(post.id));

    const archived = expectStatus(await call('POST', `/posts/${post.id}/archive`, alice), 200);
    assert.ok(archived.archived_at);
    expectStatus(await call('POST', `/posts/${post.id}/archive`, alice), 200);
    await t.drainJobs();
    for (const user of [bob, alice]) {
      for (const page of await seen(user)) {
        assert.ok(!page.includes(post.id), 'archived posts leave every list');
        if (user === alice) assert.ok(page.includes(kept.id));
      }
    }
    expectStatus(await call('GET', `/posts/${post.id}`, bob), 404);
    expectStatus(await call('POST', `/posts/${post.id}/comments`, bob, { text: 'hey' }), 404);
    assert.equal(expectStatus(await call('GET', `/posts/${post.id}`, alice), 200).like_count, 1);
    const profile = expectStatus(await call('GET', `/users/${alice.username}`, bob), 200);
    assert.equal(profile.posts_count, 1, 'archived posts are not counted');
    const archive = await call('GET', '/me/archive/posts', alice);
    assert.deepEqual(ids(expectStatus(archive, 200)), [post.id]);
    assert.deepEqual(ids(expectStatus(await call('GET', '/me/archive/posts', bob), 200)), []);

    expectStatus(await call('DELETE', `/posts/${post.id}/archive`, alice), 200);
    await t.drainJobs();
    for (const page of await seen(bob)) assert.ok(page.includes(post.id), 'restored everywhere');
    const restored = expectStatus(await call('GET', `/users/${alice.username}`, bob), 200);
    assert.equal(restored.posts_count, 2);
    assert.deepEqual(ids(expectStatus(await call('GET', '/me/archive/posts', alice), 200)), []);
  });

  test('the archive lists in constant statements and walks with keyset pages', async () => {
    const alice = await createUser(t);
    const posts = [];
    for (let i = 0; i < 5; i++) posts.push(await createPost(t, alice));
    for (const post of posts)
      expectStatus(await call('POST', `/posts/${post.id}/archive`, alice), 200);
    const first = await call('GET', '/me/archive/posts?limit=2', alice);
    const page = expectStatus(first, 200);
    assert.deepEqual(ids(page), [posts[4].id, posts[3].id]);
    // Archiving another post between pages neither repeats nor skips one.
    const late = await createPost(t, alice);
    expectStatus(await call('POST', `/posts/${late.id}/archive`, alice), 200);
    const second = expectStatus(
      await call('GET', `/me/archive/posts?limit=10&cursor=${page.next_cursor}`, alice),
      200,
    );
    assert.deepEqual(ids(second), [posts[2].id, posts[1].id, posts[0].id]);
    assert.equal(
      queryCount(first),
      queryCount(await call('GET', '/me/archive/posts?limit=100', alice)),
    );
  });
});
