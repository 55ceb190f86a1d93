import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createMedia, createUser, follow, type TestUser } from '../../../test/helpers/factories.js';
import { expectStatus, queryCount } from '../../../test/helpers/http.js';
import { createPost, ids } from '../../../test/helpers/posts-factories.js';
import { buildTestApp, type TestApp } from '../../../test/helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await buildTestApp();
});
after(async () => t.close());

const DAY_MS = 86_400_000;
const call = (user: TestUser | null, method: 'GET' | 'POST', url: string, payload?: object) =>
  t.app.inject({
    method,
    url: `/api/v1${url}`,
    ...(user ? { headers: user.headers } : {}),
    ...(payload ? { payload } : {}),
  });
const view = (user: TestUser, postId: string) => call(user, 'POST', `/posts/${postId}/views`);
const reel = (author: TestUser) => createPost(t, author, { type: 'reel', media: ['video'] });
const viewCount = async (user: TestUser, postId: string) =>
  expectStatus(await call(user, 'GET', `/posts/${postId}`), 200).view_count;

test('requires authentication', async () => {
  assert.equal((await call(null, 'POST', '/posts/1/views')).statusCode, 401);
  assert.equal((await call(null, 'GET', '/reels')).statusCode, 401);
});

test('a view counts once per viewer and UTC day; the author’s own views do not count', async () => {
  const [author, viewer, other] = [await createUser(t), await createUser(t), await createUser(t)];
  const post = await reel(author);
  assert.equal(post.view_count, 0);
  expectStatus(await view(viewer, post.id), 204);
  expectStatus(await view(viewer, post.id), 204);
  assert.equal(await viewCount(viewer, post.id), 1);
  expectStatus(await view(other, post.id), 204);
  expectStatus(await view(author, post.id), 204);
  assert.equal(await viewCount(viewer, post.id), 2);
  // Yesterday's view (the token would not survive moving the clock a day) leaves today's free.
  const yesterday = new Date(t.clock.now().getTime() - DAY_MS).toISOString().slice(0, 10);
  await t.db
    .updateTable('post_views')
    .set({ day: yesterday })
    .where('post_id', '=', Number(post.id))
    .where('viewer_id', '=', viewer.id)
    .execute();
  expectStatus(await view(viewer, post.id), 204);
  expectStatus(await view(viewer, post.id), 204);
  assert.equal(await viewCount(viewer, post.id), 3, 'a new day, a new view');
  // A carousel with a video counts views too.
  const mixed = await createPost(t, author, { media: ['image', 'video'] });
  expectStatus(await view(viewer, mixed.id), 204);
  assert.equal(await viewCount(viewer, mixed.id), 1);
});

test('views: photos are 400, hidden posts 403/404, bad ids 400', async () => {
  const [author, viewer] = [await createUser(t), await createUser(t, { isPrivate: false })];
  const photo = await createPost(t, author);
  assert.equal(photo.view_count, null, 'null on photo posts');
  const bad = expectStatus(await view(viewer, photo.id), 400);
  assert.equal(bad.errors[0].field, 'id');
  assert.equal((await view(viewer, '999999999')).statusCode, 404);
  assert.equal(expectStatus(await view(viewer, 'abc'), 400).errors[0].field, 'id');
  const locked = await createUser(t, { isPrivate: true });
  const hidden = await reel(locked);
  assert.equal((await view(viewer, hidden.id)).statusCode, 403);
  assert.equal(await viewCount(locked, hidden.id), 0);
  // A reel holds exactly one video: an image is 400 naming media_ids.
  const image = await createMedia(t, author);
  const refused = expectStatus(
    await call(author, 'POST', '/posts', { type: 'reel', media_ids: [String(image)] }),
    400,
  );
  assert.equal(refused.errors[0].field, 'media_ids');
});

test('a profile’s reels tab: its reels only, newest first, constant statements, privacy', async () => {
  const [author, viewer] = [await createUser(t), await createUser(t)];
  const made = [];
  for (let i = 0; i < 4; i++) made.push((await reel(author)).id);
  await createPost(t, author); // a photo post is not a reel
  const url = `/users/${author.username}/reels`;
  const one = await call(viewer, 'GET', `${url}?limit=1`);
  const three = await call(viewer, 'GET', `${url}?limit=3`);
  assert.equal(queryCount(one), queryCount(three));
  const page = expectStatus(three, 200);
  assert.deepEqual(ids(page), [...made].reverse().slice(0, 3));
  const late = await reel(author);
  const rest = expectStatus(
    await call(viewer, 'GET', `${url}?limit=3&cursor=${page.next_cursor}`),
    200,
  );
  assert.deepEqual(ids(rest), [made[0]]);
  assert.ok(!ids(rest).includes(late.id));
  assert.ok(page.data.every((p: { type: string }) => p.type === 'reel'));

  const locked = await createUser(t, { isPrivate: true });
  await reel(locked);
  assert.equal((await call(viewer, 'GET', `/users/${locked.username}/reels`)).statusCode, 403);
  await follow(t, viewer, locked);
  assert.equal(
    ids(expectStatus(await call(viewer, 'GET', `/users/${locked.username}/reels`), 200)).length,
    1,
  );
  assert.equal((await call(viewer, 'GET', '/users/no_such_user_x/reels')).statusCode, 404);
  assert.equal(
    expectStatus(await call(viewer, 'GET', `${url}?limit=101`), 400).errors[0].field,
    'limit',
  );
});
