import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createUser, follow, type TestUser } from '../../../test/helpers/factories.js';
import { expectStatus, queryCount } from '../../../test/helpers/http.js';
import { insertStory, viewStory } from '../../../test/helpers/stories-factories.js';
import { buildTestApp, type TestApp } from '../../../test/helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await buildTestApp();
});
after(async () => t.close());

interface Group {
  user: { username: string };
  stories: { id: string; seen_by_me: boolean; liked_by_me: boolean }[];
  has_unseen: boolean;
}
const tray = (user: TestUser) =>
  t.app.inject({ method: 'GET', url: '/api/v1/stories/feed', headers: user.headers });

test('requires authentication', async () => {
  const response = await t.app.inject({ method: 'GET', url: '/api/v1/stories/feed' });
  assert.equal(response.statusCode, 401);
});

test('own group first, then unseen groups, then fully seen ones, most recent first', async () => {
  const me = await createUser(t);
  const [recentSeen, older, partlySeen, newest, privFriend] = await Promise.all([
    createUser(t),
    createUser(t),
    createUser(t),
    createUser(t),
    createUser(t, { isPrivate: true }),
  ]);
  const [oldSeen, pendingPriv, stranger, gone, noStories] = await Promise.all([
    createUser(t),
    createUser(t, { isPrivate: true }),
    createUser(t),
    createUser(t),
    createUser(t),
  ]);
  for (const u of [recentSeen, older, partlySeen, newest, privFriend, oldSeen, gone, noStories]) {
    await follow(t, me, u);
  }
  await follow(t, me, pendingPriv, 'pending');

  const mine = await insertStory(t, me, 500);
  const recentSeenIds = [await insertStory(t, recentSeen, 40), await insertStory(t, recentSeen, 2)];
  const olderId = await insertStory(t, older, 300);
  const partly = [await insertStory(t, partlySeen, 100), await insertStory(t, partlySeen, 50)];
  const newestId = await insertStory(t, newest, 1);
  const privId = await insertStory(t, privFriend, 200);
  const oldSeenId = await insertStory(t, oldSeen, 400);
  await insertStory(t, noStories, t.config.storyTtlSeconds + 1); // expired
  await insertStory(t, pendingPriv, 10);
  await insertStory(t, stranger, 10);
  await insertStory(t, gone, 10);
  await t.db.updateTable('users').set({ is_active: 0 }).where('id', '=', gone.id).execute();

  for (const id of [...recentSeenIds, partly[0]!, oldSeenId]) await viewStory(t, me, id);
  await viewStory(t, me, mine); // the author's own view records nothing but counts as seen
  expectStatus(
    await t.app.inject({
      method: 'POST',
      url: `/api/v1/stories/${recentSeenIds[1]}/like`,
      headers: me.headers,
    }),
    200,
  );

  const groups = expectStatus<Group[]>(await tray(me), 200);
  assert.deepEqual(
    groups.map((g) => [g.user.username, g.has_unseen]),
    [
      [me.username, false],
      [newest.username, true],
      [partlySeen.username, true],
      [privFriend.username, true],
      [older.username, true],
      [recentSeen.username, false],
      [oldSeen.username, false],
    ],
  );
  const byUser = new Map(groups.map((g) => [g.user.username, g.stories]));
  assert.deepEqual(
    byUser.get(recentSeen.username)?.map((s) => [s.id, s.seen_by_me, s.liked_by_me]),
    [
      [recentSeenIds[0], true, false],
      [recentSeenIds[1], true, true],
    ],
  );
  assert.deepEqual(
    byUser.get(partlySeen.username)?.map((s) => [s.id, s.seen_by_me]),
    [
      [partly[0], true],
      [partly[1], false],
    ],
  );
  assert.deepEqual(
    [newestId, olderId, privId].map((id) => groups.some((g) => g.stories.some((s) => s.id === id))),
    [true, true, true],
  );
});

test('no stories: an empty array', async () => {
  const loner = await createUser(t);
  assert.deepEqual(expectStatus(await tray(loner), 200), []);
});

test('the statement count does not grow with the number of followed accounts', async () => {
  const countFor = async (accounts: number) => {
    const viewer = await createUser(t);
    for (let i = 0; i < accounts; i++) {
      const friend = await createUser(t);
      await follow(t, viewer, friend);
      await insertStory(t, friend, 30);
      await insertStory(t, friend, 20);
      if (i % 2 === 0) await viewStory(t, viewer, await insertStory(t, friend, 10));
    }
    const response = await tray(viewer);
    assert.equal(expectStatus<Group[]>(response, 200).length, accounts);
    return queryCount(response);
  };
  const one = await countFor(1);
  const ten = await countFor(10);
  assert.equal(ten, one);
  assert.equal(
    one,
    4,
    'active-account check of the token, stories with my view flags, authors, media',
  );
});
