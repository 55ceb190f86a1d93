import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createMedia, createUser, follow, type TestUser } from '../../../test/helpers/factories.js';
import { expectStatus, queryCount } from '../../../test/helpers/http.js';
import { buildTestApp, type TestApp } from '../../../test/helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await buildTestApp();
});
after(async () => t.close());

const call = (
  user: TestUser | null,
  method: 'GET' | 'PUT' | 'POST',
  url: string,
  payload?: object,
) =>
  t.app.inject({
    method,
    url: `/api/v1${url}`,
    ...(user ? { headers: user.headers } : {}),
    ...(payload ? { payload } : {}),
  });
const setFriends = (user: TestUser, usernames: string[]) =>
  call(user, 'PUT', '/me/close-friends', { usernames });
const names = (page: { data: { username: string }[] }) => page.data.map((u) => u.username);

async function story(author: TestUser, audience?: 'everyone' | 'close_friends') {
  const mediaId = await createMedia(t, author);
  const response = await call(author, 'POST', '/stories', {
    media_id: String(mediaId),
    ...(audience ? { audience } : {}),
  });
  return expectStatus<{ id: string; audience: string }>(response, 201);
}

test('requires authentication', async () => {
  assert.equal((await call(null, 'GET', '/me/close-friends')).statusCode, 401);
  const put = await t.app.inject({
    method: 'PUT',
    url: '/api/v1/me/close-friends',
    payload: { usernames: [] },
  });
  assert.equal(put.statusCode, 401);
});

test('the list is replaced as a whole, kept by username, and pages in constant statements', async () => {
  const me = await createUser(t);
  const friends = await Promise.all([1, 2, 3, 4].map(() => createUser(t)));
  const sorted = friends.map((f) => f.username).sort();
  expectStatus(
    await setFriends(me, [friends[0]!.username.toUpperCase(), friends[1]!.username]),
    204,
  );
  assert.deepEqual(
    names(expectStatus(await call(me, 'GET', '/me/close-friends'), 200)),
    [friends[0]!.username, friends[1]!.username].sort(),
  );
  expectStatus(
    await setFriends(
      me,
      friends.map((f) => f.username),
    ),
    204,
  );
  const one = await call(me, 'GET', '/me/close-friends?limit=1');
  const three = await call(me, 'GET', '/me/close-friends?limit=3');
  assert.equal(queryCount(one), queryCount(three));
  const first = expectStatus(three, 200);
  assert.deepEqual(names(first), sorted.slice(0, 3));
  // A friend added between pages sorts before the cursor or after it: never twice.
  const late = await createUser(t, { username: `zz${friends[0]!.username}` });
  expectStatus(await setFriends(me, [...friends.map((f) => f.username), late.username]), 204);
  const rest = expectStatus(
    await call(me, 'GET', `/me/close-friends?limit=3&cursor=${first.next_cursor}`),
    200,
  );
  assert.deepEqual(names(rest), [sorted[3], late.username]);
  assert.equal(rest.next_cursor, null);
  expectStatus(await setFriends(me, []), 204);
  assert.deepEqual(names(expectStatus(await call(me, 'GET', '/me/close-friends'), 200)), []);
});

test('unknown, repeated or own names and unknown fields are 400 naming the field', async () => {
  const me = await createUser(t);
  const friend = await createUser(t);
  const bad = expectStatus(
    await setFriends(me, [friend.username, 'nobody_here_xyz', me.username, friend.username]),
    400,
  );
  assert.equal(bad.code, 'validation_failed');
  assert.equal(bad.errors.length, 3);
  assert.ok(bad.errors.every((e: { field: string }) => e.field === 'usernames'));
  assert.deepEqual(names(expectStatus(await call(me, 'GET', '/me/close-friends'), 200)), []);
  const extra = expectStatus(
    await call(me, 'PUT', '/me/close-friends', { usernames: [], extra: 1 }),
    400,
  );
  assert.equal(extra.errors[0].field, 'extra');
  assert.equal(
    expectStatus(await call(me, 'GET', '/me/close-friends?limit=0'), 400).errors[0].field,
    'limit',
  );
  const story400 = expectStatus(
    await call(me, 'POST', '/stories', { media_id: '1', audience: 'friends' }),
    400,
  );
  assert.equal(story400.errors[0].field, 'audience');
});

test('a close-friends story is seen only by its author and listed accounts', async () => {
  const author = await createUser(t);
  const [friend, follower] = [await createUser(t), await createUser(t)];
  await follow(t, friend, author);
  await follow(t, follower, author);
  expectStatus(await setFriends(author, [friend.username]), 204);
  const open = await story(author);
  const close = await story(author, 'close_friends');
  assert.equal(open.audience, 'everyone');
  assert.equal(close.audience, 'close_friends');

  const storyIds = (page: { data: { id: string }[] }) => page.data.map((s) => s.id);
  const profile = `/users/${author.username}/stories`;
  assert.deepEqual(storyIds(expectStatus(await call(friend, 'GET', profile), 200)), [
    open.id,
    close.id,
  ]);
  assert.deepEqual(storyIds(expectStatus(await call(follower, 'GET', profile), 200)), [open.id]);
  assert.deepEqual(storyIds(expectStatus(await call(author, 'GET', profile), 200)), [
    open.id,
    close.id,
  ]);

  const trayOf = async (user: TestUser) =>
    expectStatus<
      {
        user: { id: string };
        stories: { id: string; audience: string }[];
        has_close_friends: boolean;
      }[]
    >(await call(user, 'GET', '/stories/feed'), 200).find((g) => g.user.id === String(author.id));
  const friendGroup = await trayOf(friend);
  assert.deepEqual(
    friendGroup?.stories.map((s) => s.audience),
    ['everyone', 'close_friends'],
  );
  assert.equal(friendGroup?.has_close_friends, true);
  const followerGroup = await trayOf(follower);
  assert.deepEqual(
    followerGroup?.stories.map((s) => s.id),
    [open.id],
  );
  assert.equal(followerGroup?.has_close_friends, false);

  assert.equal(
    expectStatus(await call(friend, 'GET', `/stories/${close.id}`), 200).audience,
    'close_friends',
  );
  assert.equal((await call(follower, 'GET', `/stories/${close.id}`)).statusCode, 404);
  assert.equal((await call(follower, 'POST', `/stories/${close.id}/view`)).statusCode, 404);
  assert.equal((await call(follower, 'POST', `/stories/${close.id}/like`)).statusCode, 404);
  expectStatus(await call(friend, 'POST', `/stories/${close.id}/view`), 204);

  // Off the list, off the audience.
  expectStatus(await setFriends(author, []), 204);
  assert.equal((await call(friend, 'GET', `/stories/${close.id}`)).statusCode, 404);
});
