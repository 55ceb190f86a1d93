import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createMedia, createUser, follow, type TestUser } from '../../../test/helpers/factories.js';
import { expectStatus, queryCount } from '../../../test/helpers/http.js';
import { insertStory, postStory } from '../../../test/helpers/stories-factories.js';
import { buildTestApp, type TestApp } from '../../../test/helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await buildTestApp();
});
after(async () => t.close());

const create = (user: TestUser | null, payload: unknown) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/stories',
    headers: user?.headers ?? {},
    payload: payload as object,
  });
const get = (user: TestUser | null, url: string) =>
  t.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: user?.headers ?? {} });

const fieldsOf = (body: { errors?: { field: string }[] }) => body.errors?.map((e) => e.field);

describe('POST /stories', () => {
  test('requires authentication', async () => {
    assert.equal((await create(null, { media_id: '1' })).statusCode, 401);
  });

  test('turns an unattached upload into a story that lives STORY_TTL_SECONDS', async () => {
    const alice = await createUser(t);
    const mediaId = await createMedia(t, alice, 'video');
    const response = await create(alice, { media_id: String(mediaId) });
    const story = expectStatus(response, 201);
    assert.equal(response.headers.location, `/api/v1/stories/${story.id}`);
    assert.equal(story.author.username, alice.username);
    assert.equal(story.media.id, String(mediaId));
    assert.equal(story.media.type, 'video');
    assert.match(story.media.url, /^http:\/\/photogram\.test\/media\//);
    assert.equal(
      Date.parse(story.expires_at) - Date.parse(story.created_at),
      t.config.storyTtlSeconds * 1000,
    );
    assert.equal(story.seen_by_me, true);
    assert.equal(story.liked_by_me, false);
    const media = await t.db
      .selectFrom('media')
      .select('story_id')
      .where('id', '=', mediaId)
      .executeTakeFirstOrThrow();
    assert.equal(media.story_id, Number(story.id));
  });

  test('missing, malformed, unknown, foreign or used media_id is a 400 naming media_id', async () => {
    const alice = await createUser(t);
    const bob = await createUser(t);
    const used = await createMedia(t, alice);
    expectStatus(await create(alice, { media_id: String(used) }), 201);
    const onPost = await createMedia(t, alice);
    const cases: [unknown, RegExp | null][] = [
      [{}, /required/],
      [{ media_id: 'abc' }, null],
      [{ media_id: 7 }, null],
      [{ media_id: '999999999' }, /no media/],
      [{ media_id: String(await createMedia(t, bob)) }, /not your media/],
      [{ media_id: String(used) }, /already used/],
    ];
    for (const [payload, message] of cases) {
      const body = expectStatus(await create(alice, payload), 400);
      assert.equal(body.code, 'validation_failed');
      assert.deepEqual(fieldsOf(body), ['media_id'], JSON.stringify(payload));
      if (message) assert.match(body.errors[0].message, message);
    }
    const extra = expectStatus(await create(alice, { media_id: String(onPost), x: 1 }), 400);
    assert.deepEqual(fieldsOf(extra), ['x']);
    const stories = await t.db
      .selectFrom('stories')
      .select('id')
      .where('author_id', '=', alice.id)
      .execute();
    assert.equal(stories.length, 1, 'failed attempts leave no story behind');
  });

  test('two concurrent stories from one upload: exactly one wins', async () => {
    const alice = await createUser(t);
    const mediaId = String(await createMedia(t, alice));
    const responses = await Promise.all([1, 2, 3].map(() => create(alice, { media_id: mediaId })));
    const statuses = responses.map((r) => r.statusCode).sort();
    assert.deepEqual(statuses, [201, 400, 400]);
  });
});

describe('GET /stories/{id}', () => {
  test('requires authentication', async () => {
    assert.equal((await get(null, '/stories/1')).statusCode, 401);
  });

  test('answers the story; 404 unknown; 400 invalid id', async () => {
    const alice = await createUser(t);
    const bob = await createUser(t);
    const id = await postStory(t, alice);
    const story = expectStatus(await get(bob, `/stories/${id}`), 200);
    assert.equal(story.id, id);
    assert.equal(story.seen_by_me, false);
    assert.equal((await get(bob, '/stories/987654321')).statusCode, 404);
    assert.equal((await get(bob, '/stories/999999999999999999')).statusCode, 404);
    const invalid = expectStatus(await get(bob, '/stories/abc'), 400);
    assert.deepEqual(fieldsOf(invalid), ['id']);
  });

  test('private accounts: approved followers and the author only', async () => {
    const priv = await createUser(t, { isPrivate: true });
    const fan = await createUser(t);
    const requester = await createUser(t);
    const stranger = await createUser(t);
    await follow(t, fan, priv, 'accepted');
    await follow(t, requester, priv, 'pending');
    const id = await postStory(t, priv);
    expectStatus(await get(priv, `/stories/${id}`), 200);
    expectStatus(await get(fan, `/stories/${id}`), 200);
    assert.equal(expectStatus(await get(requester, `/stories/${id}`), 403).code, 'forbidden');
    expectStatus(await get(stranger, `/stories/${id}`), 403);
    expectStatus(await get(requester, `/users/${priv.username}/stories`), 403);
    expectStatus(await get(stranger, `/users/${priv.username}/stories`), 403);
    assert.equal(
      expectStatus(await get(fan, `/users/${priv.username}/stories`), 200).data.length,
      1,
    );
  });

  test('a deactivated author’s stories are gone', async () => {
    const ghost = await createUser(t);
    const viewer = await createUser(t);
    const id = await insertStory(t, ghost, 10);
    await t.db.updateTable('users').set({ is_active: 0 }).where('id', '=', ghost.id).execute();
    expectStatus(await get(viewer, `/stories/${id}`), 404);
    expectStatus(await get(viewer, `/users/${ghost.username}/stories`), 404);
  });
});

describe('GET /users/{username}/stories', () => {
  test('requires authentication', async () => {
    assert.equal((await get(null, '/users/someone/stories')).statusCode, 401);
  });

  test('active stories oldest first, paginated, at a constant statement count', async () => {
    const alice = await createUser(t);
    const bob = await createUser(t);
    const expired = await insertStory(t, alice, t.config.storyTtlSeconds + 5);
    const ids = [];
    for (let ago = 25; ago >= 1; ago--) ids.push(await insertStory(t, alice, ago));
    const url = `/users/${alice.username.toUpperCase()}/stories`;
    const first = await get(bob, `${url}?limit=20`);
    const page = expectStatus(first, 200);
    assert.deepEqual(
      page.data.map((s: { id: string }) => s.id),
      ids.slice(0, 20),
    );
    assert.ok(!page.data.some((s: { id: string }) => s.id === expired));
    const rest = expectStatus(await get(bob, `${url}?cursor=${page.next_cursor}`), 200);
    assert.deepEqual(
      rest.data.map((s: { id: string }) => s.id),
      ids.slice(20),
    );
    assert.equal(rest.next_cursor, null);
    const single = await get(bob, `${url}?limit=1`);
    assert.equal(queryCount(single), queryCount(first));
  });

  test('404 for an unknown user, 400 for a bad cursor', async () => {
    const bob = await createUser(t);
    expectStatus(await get(bob, '/users/nobody_here/stories'), 404);
    const bad = expectStatus(await get(bob, `/users/${bob.username}/stories?cursor=zzz`), 400);
    assert.deepEqual(fieldsOf(bad), ['cursor']);
  });
});

describe('DELETE /stories/{id}', () => {
  const del = (user: TestUser | null, id: string) =>
    t.app.inject({
      method: 'DELETE',
      url: `/api/v1/stories/${id}`,
      headers: user?.headers ?? {},
    });

  test('requires authentication', async () => {
    assert.equal((await del(null, '1')).statusCode, 401);
  });

  test('author only; removes the story, its views, its media row and files', async () => {
    const alice = await createUser(t);
    const bob = await createUser(t);
    const id = await postStory(t, alice);
    await t.app.inject({ method: 'POST', url: `/api/v1/stories/${id}/view`, headers: bob.headers });
    const media = await t.db
      .selectFrom('media')
      .selectAll()
      .where('story_id', '=', Number(id))
      .executeTakeFirstOrThrow();
    const file = path.join(t.config.mediaDir, media.storage_key);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, 'bytes');

    assert.equal(expectStatus(await del(bob, id), 403).code, 'forbidden');
    assert.equal((await del(alice, id)).statusCode, 204);
    assert.equal(existsSync(file), false);
    const left = await Promise.all([
      t.db.selectFrom('stories').select('id').where('id', '=', Number(id)).execute(),
      t.db.selectFrom('story_views').select('id').where('story_id', '=', Number(id)).execute(),
      t.db.selectFrom('media').select('id').where('id', '=', media.id).execute(),
    ]);
    assert.deepEqual(
      left.map((rows) => rows.length),
      [0, 0, 0],
    );
    expectStatus(await del(alice, id), 404);
    expectStatus(await get(alice, `/stories/${id}`), 404);
    expectStatus(await del(alice, 'abc'), 400);
  });
});

test('every stories endpoint is in /openapi.json', async () => {
  const paths = expectStatus(
    await t.app.inject({ method: 'GET', url: '/openapi.json' }),
    200,
  ).paths;
  for (const p of [
    '/api/v1/stories',
    '/api/v1/stories/feed',
    '/api/v1/stories/{id}',
    '/api/v1/stories/{id}/view',
    '/api/v1/stories/{id}/like',
    '/api/v1/stories/{id}/viewers',
    '/api/v1/users/{username}/stories',
  ]) {
    assert.ok(paths[p], p);
  }
  assert.ok(paths['/api/v1/stories/{id}/like'].post && paths['/api/v1/stories/{id}/like'].delete);
});
