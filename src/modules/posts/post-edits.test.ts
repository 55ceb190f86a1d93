import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createMedia, createUser } from '../../../test/helpers/factories.js';
import { expectStatus } from '../../../test/helpers/http.js';
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

describe('PATCH /posts/:id', () => {
  const patch = (id: string, user: { headers: Record<string, string> } | null, payload: object) =>
    t.app.inject({
      method: 'PATCH',
      url: `/api/v1/posts/${id}`,
      headers: user?.headers ?? {},
      payload,
    });

  test('the author edits caption and location; hashtags and updated_at follow', async () => {
    const alice = await createUser(t);
    const place = await createLocation(t, alice, 'Porto');
    const created = await createPost(t, alice, { caption: 'old #OldTag' });
    t.clock.setOffset(5_000);
    try {
      const edited = expectStatus(
        await patch(created.id, alice, { caption: 'new #NewTag #x', location_id: place.id }),
        200,
      );
      assert.deepEqual(edited.hashtags, ['newtag', 'x']);
      assert.equal(edited.location.id, place.id);
      assert.equal(edited.created_at, created.created_at);
      assert.ok(edited.updated_at > created.updated_at);
      const byTag = (tag: string) =>
        t.app.inject({ method: 'GET', url: `/api/v1/posts?hashtag=${tag}` }).then((r) => r.json());
      assert.deepEqual((await byTag('oldtag')).data, []);
      assert.deepEqual(
        (await byTag('NEWTAG')).data.map((p: { id: string }) => p.id),
        [created.id],
      );
      const cleared = expectStatus(await patch(created.id, alice, { location_id: null }), 200);
      assert.equal(cleared.location, null);
      assert.equal(cleared.caption, 'new #NewTag #x');
    } finally {
      t.clock.setOffset(0);
    }
  });

  test('401, 403 for others, 404 unknown, 400 bad input', async () => {
    const alice = await createUser(t);
    const bob = await createUser(t);
    const created = await createPost(t, alice);
    assert.equal((await patch(created.id, null, { caption: 'x' })).statusCode, 401);
    assert.equal((await patch(created.id, bob, { caption: 'x' })).statusCode, 403);
    assert.equal((await patch('999999', alice, { caption: 'x' })).statusCode, 404);
    assert.equal((await patch(created.id, alice, {})).statusCode, 400);
    assert.deepEqual(fields(await patch(created.id, alice, { colour: 'red' })), ['colour']);
    assert.deepEqual(fields(await patch(created.id, alice, { location_id: '999999' })), [
      'location_id',
    ]);
    assert.deepEqual(fields(await patch(created.id, alice, { caption: 7 })), ['caption']);
  });
});

describe('DELETE /posts/:id', () => {
  const del = (id: string, user: { headers: Record<string, string> } | null) =>
    t.app.inject({ method: 'DELETE', url: `/api/v1/posts/${id}`, headers: user?.headers ?? {} });

  test('the author deletes; media files and dependent rows go with it', async () => {
    const alice = await createUser(t);
    const bob = await createUser(t);
    const created = await createPost(t, alice, { media: ['image', 'video'], caption: '#gone' });
    const postId = Number(created.id);
    const media = await t.db
      .selectFrom('media')
      .select(['storage_key', 'thumbnail_key', 'poster_key'])
      .where('post_id', '=', postId)
      .execute();
    const keys = media.flatMap((m) => [m.storage_key, m.thumbnail_key, m.poster_key ?? []].flat());
    assert.equal(keys.length, 5);
    for (const key of keys) {
      const file = path.join(t.config.mediaDir, key);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, 'x');
    }
    const now = '2026-01-01 00:00:00.000';
    await t.db
      .insertInto('post_likes')
      .values({ post_id: postId, user_id: bob.id, created_at: now })
      .execute();
    await t.db
      .insertInto('saves')
      .values({ post_id: postId, user_id: bob.id, created_at: now })
      .execute();
    await t.db
      .insertInto('comments')
      .values({ post_id: postId, author_id: bob.id, text: 'hi', created_at: now })
      .execute();

    assert.equal((await del(created.id, null)).statusCode, 401);
    assert.equal((await del(created.id, bob)).statusCode, 403);
    assert.equal((await del(created.id, alice)).statusCode, 204);
    assert.equal((await del(created.id, alice)).statusCode, 404);
    assert.equal(
      (await t.app.inject({ method: 'GET', url: `/api/v1/posts/${created.id}` })).statusCode,
      404,
    );
    for (const key of keys) assert.equal(existsSync(path.join(t.config.mediaDir, key)), false, key);
    for (const table of ['media', 'post_likes', 'saves', 'comments', 'post_hashtags'] as const) {
      const rows = await t.db
        .selectFrom(table)
        .select('post_id')
        .where('post_id', '=', postId)
        .execute();
      assert.equal(rows.length, 0, table);
    }
    assert.equal((await del('abc', alice)).statusCode, 400);
  });
});

describe('concurrency', () => {
  test('the same media claimed by concurrent posts: one wins, the others are 400', async () => {
    const alice = await createUser(t);
    const media = String(await createMedia(t, alice));
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => post(alice, { media_ids: [media] })),
    );
    const statuses = answers.map((a) => a.statusCode).sort();
    assert.deepEqual(
      statuses,
      [201, 400, 400, 400, 400, 400],
      answers.map((a) => a.body).join('\n'),
    );
    const posts = await t.db
      .selectFrom('posts')
      .select('id')
      .where('author_id', '=', alice.id)
      .execute();
    assert.equal(posts.length, 1);
  });

  test('concurrent posts sharing new hashtags all get them', async () => {
    const alice = await createUser(t);
    const tag = `new${process.pid}`;
    const answers = await Promise.all(
      Array.from({ length: 10 }, async (_, i) =>
        post(alice, {
          media_ids: [String(await createMedia(t, alice))],
          caption: i % 2 ? `#${tag}a #${tag}b` : `#${tag}B #${tag}A`,
        }),
      ),
    );
    for (const answer of answers) assert.equal(answer.statusCode, 201, answer.body);
    for (const suffix of ['a', 'b']) {
      const listed = await t.app.inject({
        method: 'GET',
        url: `/api/v1/posts?hashtag=${tag}${suffix}&limit=100`,
      });
      assert.equal(expectStatus(listed, 200).data.length, 10);
    }
  });
});
