import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createMedia, createUser, follow } from '../../../test/helpers/factories.js';
import { expectStatus, queryCount } from '../../../test/helpers/http.js';
import { createLocation, createPost } from '../../../test/helpers/posts-factories.js';
import { buildTestApp, type TestApp } from '../../../test/helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await buildTestApp();
});
after(async () => t.close());

const fields = (response: { json: () => any }) =>
  (response.json().errors as { field: string }[]).map((e) => e.field).sort();

const post = (user: { headers: object } | null, payload: unknown) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/posts',
    headers: user ? (user.headers as Record<string, string>) : {},
    payload: payload as object,
  });

describe('POST /posts', () => {
  test('requires authentication', async () => {
    assert.equal((await post(null, { media_ids: ['1'] })).statusCode, 401);
  });

  test('a carousel keeps the given media order, mixes images and videos, and extracts hashtags', async () => {
    const alice = await createUser(t);
    const image1 = await createMedia(t, alice, 'image');
    const video = await createMedia(t, alice, 'video');
    const image2 = await createMedia(t, alice, 'image');
    const order = [image2, video, image1].map(String);
    const response = await post(alice, {
      media_ids: order,
      caption: '  Sunset #Beach #beach #CAFÉ #日本 #a_b1 and # alone  ',
    });
    const created = expectStatus(response, 201);
    assert.equal(response.headers.location, `/api/v1/posts/${created.id}`);
    assert.deepEqual(
      created.media.map((m: { id: string }) => m.id),
      order,
    );
    assert.deepEqual(
      created.media.map((m: { type: string }) => m.type),
      ['image', 'video', 'image'],
    );
    assert.equal(created.type, 'post');
    assert.equal(created.caption, 'Sunset #Beach #beach #CAFÉ #日本 #a_b1 and # alone');
    assert.deepEqual(created.hashtags, ['beach', 'café', '日本', 'a_b1']);
    assert.equal(created.author.id, String(alice.id));
    assert.equal(created.location, null);
    assert.equal(created.like_count, 0);
    assert.equal(created.liked_by_me, false);
    assert.equal(created.saved_by_me, false);
    assert.match(created.media[0].url, /^http:\/\/photogram\.test\/media\//);
    const again = expectStatus(
      await t.app.inject({ method: 'GET', url: `/api/v1/posts/${created.id}` }),
      200,
    );
    assert.deepEqual(again, created);
    const tags = await t.db
      .selectFrom('post_hashtags')
      .innerJoin('hashtags', 'hashtags.id', 'post_hashtags.hashtag_id')
      .select('hashtags.name')
      .where('post_id', '=', Number(created.id))
      .execute();
    assert.deepEqual(tags.map((r) => r.name).sort(), ['a_b1', 'beach', 'café', '日本'].sort());
  });

  test('a reel is exactly one video', async () => {
    const alice = await createUser(t);
    const reel = await createPost(t, alice, { type: 'reel', media: ['video'] });
    assert.equal(reel.type, 'reel');
    const image = await createMedia(t, alice, 'image');
    const v1 = await createMedia(t, alice, 'video');
    const v2 = await createMedia(t, alice, 'video');
    for (const media_ids of [[image], [v1, v2]]) {
      const response = await post(alice, { type: 'reel', media_ids: media_ids.map(String) });
      assert.equal(response.statusCode, 400, response.body);
      assert.deepEqual(fields(response), ['media_ids']);
    }
    const unattached = await t.db
      .selectFrom('media')
      .select('id')
      .where('id', 'in', [image, v1, v2])
      .where('post_id', 'is', null)
      .execute();
    assert.equal(unattached.length, 3);
  });

  test('with a location, the post embeds it', async () => {
    const alice = await createUser(t);
    const place = await createLocation(t, alice, 'Lisbon');
    const created = await createPost(t, alice, { locationId: place.id });
    assert.deepEqual(created.location, {
      id: place.id,
      name: 'Lisbon',
      address: null,
      lat: null,
      lng: null,
    });
  });

  test('foreign, unknown, used and duplicated media are 400 and nothing is written', async () => {
    const alice = await createUser(t);
    const bob = await createUser(t);
    const mine = await createMedia(t, alice);
    const bobs = await createMedia(t, bob);
    const used = (await createPost(t, alice)).media[0].id;
    const cases = [[String(bobs)], ['999999'], [used], [String(mine), String(mine)]];
    for (const media_ids of cases) {
      const response = await post(alice, { media_ids: [String(mine), ...media_ids].slice(-2) });
      assert.equal(response.statusCode, 400, `${media_ids}: ${response.body}`);
      assert.deepEqual(fields(response), ['media_ids']);
    }
    const posts = await t.db
      .selectFrom('posts')
      .select('id')
      .where('author_id', '=', alice.id)
      .execute();
    assert.equal(posts.length, 1);
    const free = await t.db
      .selectFrom('media')
      .select('post_id')
      .where('id', '=', mine)
      .executeTakeFirstOrThrow();
    assert.equal(free.post_id, null);
  });

  test('every invalid field is named: media, location, caption, type, unknown fields', async () => {
    const alice = await createUser(t);
    const mine = String(await createMedia(t, alice));
    const semantic = await post(alice, { media_ids: ['999998'], location_id: '999999' });
    assert.equal(semantic.statusCode, 400);
    assert.deepEqual(fields(semantic), ['location_id', 'media_ids']);
    const schema = await post(alice, {
      media_ids: [],
      type: 'story',
      caption: 'x'.repeat(2201),
      location_id: 'abc',
      extra: 1,
    });
    assert.equal(schema.statusCode, 400);
    assert.deepEqual(fields(schema), ['caption', 'extra', 'location_id', 'media_ids', 'type']);
    const tooMany = await post(alice, {
      media_ids: Array.from({ length: 11 }, (_, i) => String(i + 1)),
    });
    assert.deepEqual(fields(tooMany), ['media_ids']);
    assert.equal((await post(alice, { media_ids: [mine, 'x'] })).statusCode, 400);
    assert.equal((await post(alice, {})).statusCode, 400);
  });

  test('hashtags cost the same statements for 1 tag as for 40', async () => {
    const alice = await createUser(t);
    const countFor = async (caption: string) => {
      const response = await post(alice, {
        media_ids: [String(await createMedia(t, alice))],
        caption,
      });
      expectStatus(response, 201);
      return queryCount(response);
    };
    const many = Array.from({ length: 40 }, (_, i) => `#many${process.pid}x${i}`).join(' ');
    assert.equal(await countFor(`#one${process.pid}`), await countFor(many));
  });

  test('captions are counted in Unicode characters: 2,200 emoji fit, 2,201 do not', async () => {
    const alice = await createUser(t);
    const ok = await post(alice, {
      media_ids: [String(await createMedia(t, alice))],
      caption: '😀'.repeat(2200),
    });
    assert.equal(expectStatus(ok, 201).caption.length, 4400);
    const tooLong = await post(alice, {
      media_ids: [String(await createMedia(t, alice))],
      caption: '😀'.repeat(2201),
    });
    assert.deepEqual(fields(tooLong), ['caption']);
  });
});

describe('GET /posts/:id', () => {
  test('public posts are public; private ones only for approved followers', async () => {
    const pub = await createUser(t);
    const priv = await createUser(t, { isPrivate: true });
    const friend = await createUser(t);
    const requester = await createUser(t);
    await follow(t, friend, priv, 'accepted');
    await follow(t, requester, priv, 'pending');
    const open = await createPost(t, pub);
    const hidden = await createPost(t, priv);
    const get = (id: string, user?: { headers: Record<string, string> }) =>
      t.app.inject({ method: 'GET', url: `/api/v1/posts/${id}`, headers: user?.headers ?? {} });
    assert.equal((await get(open.id)).statusCode, 200);
    assert.equal((await get(hidden.id)).statusCode, 403);
    assert.equal((await get(hidden.id, requester)).statusCode, 403);
    assert.equal((await get(hidden.id, friend)).statusCode, 200);
    assert.equal((await get(hidden.id, priv)).statusCode, 200);
    assert.equal((await get('999999')).statusCode, 404);
    assert.deepEqual(fields(await get('abc')), ['id']);
    assert.equal((await get('0')).statusCode, 400);
    await t.db.updateTable('users').set({ is_active: 0 }).where('id', '=', pub.id).execute();
    assert.equal((await get(open.id)).statusCode, 404);
  });

  test('liked_by_me and saved_by_me are exact, and a post costs 6 statements', async () => {
    const author = await createUser(t);
    const reader = await createUser(t);
    const [liked, saved, both, neither] = [
      await createPost(t, author),
      await createPost(t, author),
      await createPost(t, author),
      await createPost(t, author),
    ];
    const act = (id: string, what: 'like' | 'save') =>
      t.app.inject({ method: 'POST', url: `/api/v1/posts/${id}/${what}`, headers: reader.headers });
    for (const [id, what] of [
      [liked.id, 'like'],
      [saved.id, 'save'],
      [both.id, 'like'],
      [both.id, 'save'],
    ] as const) {
      assert.ok((await act(id, what)).statusCode < 300);
    }
    const expected = [
      [liked.id, true, false],
      [saved.id, false, true],
      [both.id, true, true],
      [neither.id, false, false],
    ] as const;
    for (const [id, likedByMe, savedByMe] of expected) {
      const response = await t.app.inject({ url: `/api/v1/posts/${id}`, headers: reader.headers });
      const body = expectStatus(response, 200);
      assert.deepEqual([body.liked_by_me, body.saved_by_me], [likedByMe, savedByMe], id);
      // auth hook (1) + post with access (1) + authors, media, locations, liked+saved flags (4)
      assert.equal(queryCount(response), 6);
    }
  });

  test('a bad token is 401 even on a public route', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/api/v1/posts/1',
      headers: { authorization: 'Bearer nope' },
    });
    assert.equal(response.statusCode, 401);
  });
});

test('every posts, comments, likes, saves, feed and locations route is in /openapi.json', async () => {
  const document = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
  const expected: Record<string, string[]> = {
    '/api/v1/posts': ['get', 'post'],
    '/api/v1/posts/{id}': ['get', 'patch', 'delete'],
    '/api/v1/users/{username}/posts': ['get'],
    '/api/v1/feed': ['get'],
    '/api/v1/explore': ['get'],
    '/api/v1/posts/{id}/like': ['post', 'delete'],
    '/api/v1/posts/{id}/likes': ['get'],
    '/api/v1/posts/{id}/save': ['post', 'delete'],
    '/api/v1/me/saved': ['get'],
    '/api/v1/posts/{id}/comments': ['get', 'post'],
    '/api/v1/comments/{id}': ['get', 'delete'],
    '/api/v1/comments/{id}/replies': ['get'],
    '/api/v1/comments/{id}/like': ['post', 'delete'],
    '/api/v1/locations': ['get', 'post'],
    '/api/v1/locations/{id}': ['get'],
  };
  for (const [path, methods] of Object.entries(expected)) {
    for (const method of methods) {
      const operation = document.paths[path]?.[method];
      assert.ok(operation, `${method.toUpperCase()} ${path} is documented`);
      assert.ok(operation.summary, `${method.toUpperCase()} ${path} has a summary`);
    }
  }
  assert.match(
    document.paths['/api/v1/explore'].get.description,
    /like_count \+ 2 × comment_count/,
  );
});
