import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createUser, follow, type TestUser } from '../../../test/helpers/factories.js';
import { expectStatus, queryCount } from '../../../test/helpers/http.js';
import { createPost } from '../../../test/helpers/posts-factories.js';
import { insertStory, viewStory } from '../../../test/helpers/stories-factories.js';
import { buildTestApp, type TestApp } from '../../../test/helpers/test-app.js';
import { toDbTime } from '../../db/time.js';

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
const ok = async (user: TestUser, method: 'GET' | 'POST', url: string, payload?: object) => {
  const response = await call(user, method, url, payload);
  assert.ok(response.statusCode < 300, `${method} ${url}: ${response.body}`);
  return response;
};

test('requires authentication', async () => {
  for (const url of ['/posts/1/insights', '/stories/1/insights', '/me/insights']) {
    assert.equal((await call(null, 'GET', url)).statusCode, 401, url);
  }
});

test('post insights: likes, comments, saves, views for videos; author only', async () => {
  const [author, fan, other] = [await createUser(t), await createUser(t), await createUser(t)];
  const reel = await createPost(t, author, { type: 'reel', media: ['video'] });
  const photo = await createPost(t, author);
  for (const user of [fan, other]) {
    await ok(user, 'POST', `/posts/${reel.id}/like`);
    await ok(user, 'POST', `/posts/${reel.id}/views`);
  }
  await ok(fan, 'POST', `/posts/${reel.id}/save`);
  await ok(fan, 'POST', `/posts/${reel.id}/comments`, { text: 'wow' });
  assert.deepEqual(expectStatus(await call(author, 'GET', `/posts/${reel.id}/insights`), 200), {
    post_id: reel.id,
    likes: 2,
    comments: 1,
    saves: 1,
    views: 2,
  });
  const photoInsights = expectStatus(await call(author, 'GET', `/posts/${photo.id}/insights`), 200);
  assert.equal(photoInsights.views, null);
  assert.equal((await call(fan, 'GET', `/posts/${reel.id}/insights`)).statusCode, 404);
  assert.equal((await call(author, 'GET', '/posts/987654321/insights')).statusCode, 404);
  assert.equal(
    expectStatus(await call(author, 'GET', '/posts/x/insights'), 400).errors[0].field,
    'id',
  );
});

test('story insights: viewers and likes, after expiry too; author only', async () => {
  const [author, a, b] = [await createUser(t), await createUser(t), await createUser(t)];
  const story = await insertStory(t, author, 60);
  await viewStory(t, a, story);
  await viewStory(t, b, story);
  await ok(b, 'POST', `/stories/${story}/like`);
  await viewStory(t, author, story); // not counted
  assert.deepEqual(expectStatus(await call(author, 'GET', `/stories/${story}/insights`), 200), {
    story_id: story,
    viewers: 2,
    likes: 1,
  });
  const expired = await insertStory(t, author, 2 * t.config.storyTtlSeconds);
  assert.equal(
    expectStatus(await call(author, 'GET', `/stories/${expired}/insights`), 200).viewers,
    0,
  );
  assert.equal((await call(a, 'GET', `/stories/${story}/insights`)).statusCode, 404);
});

test('account insights per day over 7 or 30 days, in constant statements', async () => {
  const [me, fan, other] = [await createUser(t), await createUser(t), await createUser(t)];
  await follow(t, fan, me);
  await follow(t, other, me);
  const post = await createPost(t, me);
  await ok(fan, 'POST', `/posts/${post.id}/like`);
  await ok(me, 'POST', `/posts/${post.id}/like`); // own likes are not "received"
  await ok(other, 'POST', `/posts/${post.id}/comments`, { text: 'nice' });
  // Activity 3 days ago, and 10 days ago (outside the 7-day window).
  const ago = (days: number) => toDbTime(new Date(t.clock.now().getTime() - days * DAY_MS));
  const old = await createPost(t, me);
  await t.db
    .updateTable('posts')
    .set({ created_at: ago(3) })
    .where('id', '=', Number(old.id))
    .execute();
  await t.db
    .updateTable('follows')
    .set({ created_at: ago(10) })
    .where('follower_id', '=', other.id)
    .execute();

  const week = expectStatus(await call(me, 'GET', '/me/insights'), 200);
  assert.equal(week.days, 7);
  assert.equal(week.per_day.length, 7);
  assert.equal(week.per_day[6].date, t.clock.now().toISOString().slice(0, 10));
  assert.deepEqual(week.per_day[6], {
    date: week.per_day[6].date,
    new_followers: 1,
    posts_published: 1,
    likes_received: 1,
    comments_received: 1,
  });
  assert.equal(week.per_day[3].posts_published, 1);
  assert.equal(week.followers_count, 2);
  assert.equal(week.follower_change, 1);
  assert.equal(week.posts_published, 2);
  assert.equal(week.likes_received, 1);
  assert.equal(week.comments_received, 1);

  const monthResponse = await call(me, 'GET', '/me/insights?days=30');
  const month = expectStatus(monthResponse, 200);
  assert.equal(month.per_day.length, 30);
  assert.equal(month.follower_change, 2);
  assert.equal(queryCount(monthResponse), queryCount(await call(me, 'GET', '/me/insights?days=7')));
  const bad = expectStatus(await call(me, 'GET', '/me/insights?days=14&extra=1'), 400);
  assert.deepEqual(bad.errors.map((e: { field: string }) => e.field).sort(), ['days', 'extra']);
});
