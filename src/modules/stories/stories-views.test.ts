import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { createUser, follow, type TestUser } from '../../../test/helpers/factories.js';
import { expectStatus, queryCount } from '../../../test/helpers/http.js';
import { postStory, viewStory } from '../../../test/helpers/stories-factories.js';
import { buildTestApp, type TestApp } from '../../../test/helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await buildTestApp({ env: { TEST_CLOCK: '1', STORY_TTL_SECONDS: '300' } });
});
after(async () => t.close());
afterEach(() => t.clock.setOffset(0));

const call = (method: 'GET' | 'POST' | 'DELETE', url: string, user: TestUser | null) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: user?.headers ?? {} });
const viewRows = (storyId: string) =>
  t.db.selectFrom('story_views').selectAll().where('story_id', '=', Number(storyId)).execute();

describe('POST /stories/{id}/view', () => {
  test('requires authentication', async () => {
    assert.equal((await call('POST', '/stories/1/view', null)).statusCode, 401);
  });

  test('is idempotent: five concurrent views leave one row', async () => {
    const alice = await createUser(t);
    const bob = await createUser(t);
    const id = await postStory(t, alice);
    const responses = await Promise.all(
      [1, 2, 3, 4, 5].map(() => call('POST', `/stories/${id}/view`, bob)),
    );
    assert.deepEqual(
      responses.map((r) => r.statusCode),
      [204, 204, 204, 204, 204],
    );
    assert.equal((await viewRows(id)).length, 1);
    assert.equal(expectStatus(await call('GET', `/stories/${id}`, bob), 200).seen_by_me, true);
  });

  test('the author viewing their own story records nothing', async () => {
    const alice = await createUser(t);
    const id = await postStory(t, alice);
    await viewStory(t, alice, id);
    assert.equal((await viewRows(id)).length, 0);
  });

  test('404 unknown, 400 invalid id, 403 private account for a pending requester', async () => {
    const priv = await createUser(t, { isPrivate: true });
    const requester = await createUser(t);
    await follow(t, requester, priv, 'pending');
    const id = await postStory(t, priv);
    expectStatus(await call('POST', '/stories/987654321/view', requester), 404);
    expectStatus(await call('POST', '/stories/0/view', requester), 400);
    expectStatus(await call('POST', `/stories/${id}/view`, requester), 403);
    assert.equal((await viewRows(id)).length, 0);
  });
});

describe('POST/DELETE /stories/{id}/like', () => {
  test('requires authentication', async () => {
    assert.equal((await call('POST', '/stories/1/like', null)).statusCode, 401);
    assert.equal((await call('DELETE', '/stories/1/like', null)).statusCode, 401);
  });

  test('liking records the view with the flag; unliking keeps the view', async () => {
    const alice = await createUser(t);
    const bob = await createUser(t);
    const id = await postStory(t, alice);
    for (let i = 0; i < 2; i++) {
      const liked = expectStatus(await call('POST', `/stories/${id}/like`, bob), 200);
      assert.equal(liked.id, id);
      assert.deepEqual([liked.seen_by_me, liked.liked_by_me], [true, true]);
    }
    let rows = await viewRows(id);
    assert.deepEqual(
      rows.map((r) => [r.viewer_id, Number(r.liked)]),
      [[bob.id, 1]],
    );
    const unliked = expectStatus(await call('DELETE', `/stories/${id}/like`, bob), 200);
    assert.deepEqual([unliked.seen_by_me, unliked.liked_by_me], [true, false]);
    rows = await viewRows(id);
    assert.deepEqual(
      rows.map((r) => [r.viewer_id, Number(r.liked)]),
      [[bob.id, 0]],
    );
  });

  test('unliking a story never viewed records no view', async () => {
    const alice = await createUser(t);
    const carol = await createUser(t);
    const id = await postStory(t, alice);
    const story = expectStatus(await call('DELETE', `/stories/${id}/like`, carol), 200);
    assert.deepEqual([story.seen_by_me, story.liked_by_me], [false, false]);
    assert.equal((await viewRows(id)).length, 0);
  });

  test('403 on your own story or a private one; 404 unknown', async () => {
    const alice = await createUser(t);
    const priv = await createUser(t, { isPrivate: true });
    const own = await postStory(t, alice);
    const hidden = await postStory(t, priv);
    expectStatus(await call('POST', `/stories/${own}/like`, alice), 403);
    expectStatus(await call('POST', `/stories/${hidden}/like`, alice), 403);
    expectStatus(await call('POST', '/stories/987654321/like', alice), 404);
  });
});

describe('GET /stories/{id}/viewers', () => {
  test('requires authentication', async () => {
    assert.equal((await call('GET', '/stories/1/viewers', null)).statusCode, 401);
  });

  test('author only: newest view first with likes, paginated at a constant cost', async () => {
    const alice = await createUser(t);
    const id = await postStory(t, alice);
    const viewers: TestUser[] = [];
    for (let i = 0; i < 22; i++) {
      const viewer = await createUser(t);
      viewers.push(viewer);
      t.clock.setOffset(i * 10);
      await viewStory(t, viewer, id);
    }
    expectStatus(await call('POST', `/stories/${id}/like`, viewers[21]!), 200);
    const gone = viewers[0]!;
    await t.db.updateTable('users').set({ is_active: 0 }).where('id', '=', gone.id).execute();

    expectStatus(await call('GET', `/stories/${id}/viewers`, viewers[3]!), 403);
    expectStatus(await call('GET', '/stories/987654321/viewers', alice), 404);

    const first = await call('GET', `/stories/${id}/viewers?limit=20`, alice);
    const page = expectStatus(first, 200);
    const names = (p: { data: { user: { username: string } }[] }) =>
      p.data.map((v) => v.user.username);
    assert.deepEqual(
      names(page),
      viewers
        .slice(2)
        .reverse()
        .map((v) => v.username),
    );
    assert.deepEqual(
      page.data.slice(0, 2).map((v: { liked: boolean }) => v.liked),
      [true, false],
    );
    const rest = expectStatus(
      await call('GET', `/stories/${id}/viewers?cursor=${page.next_cursor}`, alice),
      200,
    );
    assert.deepEqual(names(rest), [viewers[1]!.username]);
    assert.equal(rest.next_cursor, null);
    const one = await call('GET', `/stories/${id}/viewers?limit=1`, alice);
    assert.equal(queryCount(one), queryCount(first));
  });
});

describe('expiry through the test clock', () => {
  test('after expires_at: gone from lists, 404 to all but the author, views kept', async () => {
    const alice = await createUser(t);
    const bob = await createUser(t);
    await follow(t, bob, alice);
    const id = await postStory(t, alice);
    expectStatus(await call('POST', `/stories/${id}/like`, bob), 200);
    const tray = () => call('GET', '/stories/feed', bob);
    assert.equal(expectStatus(await tray(), 200).length, 1);

    const shift = await t.app.inject({
      method: 'POST',
      url: '/api/v1/test/clock',
      payload: { offset_ms: 299_000 },
    });
    assert.equal(shift.statusCode, 204);
    expectStatus(await call('GET', `/stories/${id}`, bob), 200);

    await t.app.inject({
      method: 'POST',
      url: '/api/v1/test/clock',
      payload: { offset_ms: 300_001 },
    });
    assert.deepEqual(expectStatus(await tray(), 200), []);
    const listed = expectStatus(await call('GET', `/users/${alice.username}/stories`, bob), 200);
    assert.deepEqual(listed.data, []);
    expectStatus(await call('GET', `/stories/${id}`, bob), 404);
    expectStatus(await call('POST', `/stories/${id}/view`, bob), 404);
    expectStatus(await call('POST', `/stories/${id}/like`, bob), 404);
    expectStatus(await call('DELETE', `/stories/${id}/like`, bob), 404);
    expectStatus(await call('GET', `/stories/${id}/viewers`, bob), 404);

    const own = expectStatus(await call('GET', `/stories/${id}`, alice), 200);
    assert.equal(own.id, id);
    const viewers = expectStatus(await call('GET', `/stories/${id}/viewers`, alice), 200);
    assert.deepEqual(
      viewers.data.map((v: { user: { id: string }; liked: boolean }) => [v.user.id, v.liked]),
      [[String(bob.id), true]],
    );
    assert.deepEqual(expectStatus(await call('GET', '/stories/feed', alice), 200), []);
  });
});
