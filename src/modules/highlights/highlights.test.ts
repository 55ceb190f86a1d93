import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createUser, follow, type TestUser } from '../../../test/helpers/factories.js';
import { expectStatus, queryCount } from '../../../test/helpers/http.js';
import { insertStory } from '../../../test/helpers/stories-factories.js';
import { buildTestApp, type TestApp } from '../../../test/helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await buildTestApp();
});
after(async () => t.close());

const HOUR = 3600;
type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
const call = (user: TestUser | null, method: Method, url: string, payload?: object) =>
  t.app.inject({
    method,
    url: `/api/v1${url}`,
    ...(user ? { headers: user.headers } : {}),
    ...(payload ? { payload } : {}),
  });
const ids = (items: { id: string }[]) => items.map((item) => item.id);

async function create(user: TestUser, title: string, storyIds: string[], cover?: string) {
  const body = { title, story_ids: storyIds, ...(cover ? { cover_media_id: cover } : {}) };
  return expectStatus(await call(user, 'POST', '/highlights', body), 201);
}
const storyMedia = async (id: string) =>
  String(
    (
      await t.db
        .selectFrom('stories')
        .select('media_id')
        .where('id', '=', Number(id))
        .executeTakeFirstOrThrow()
    ).media_id,
  );

test('requires authentication', async () => {
  for (const [method, url] of [
    ['POST', '/highlights'],
    ['GET', '/highlights/1'],
    ['PATCH', '/highlights/1'],
    ['DELETE', '/highlights/1'],
    ['PUT', '/me/highlights/order'],
    ['GET', '/users/someone/highlights'],
  ] as const) {
    assert.equal((await call(null, method, url, {})).statusCode, 401, `${method} ${url}`);
  }
});

test('a highlight keeps expired and archived stories, in order, and records no view', async () => {
  const [owner, viewer] = [await createUser(t), await createUser(t)];
  const expired = await insertStory(t, owner, 30 * HOUR);
  const active = await insertStory(t, owner, HOUR);
  const created = await create(owner, '  Porto  ', [active, expired]);
  assert.equal(created.title, 'Porto');
  assert.deepEqual(ids(created.stories), [active, expired]);
  assert.equal(created.story_count, 2);
  assert.equal(created.cover.id, await storyMedia(active), 'first story’s media by default');

  const seen = expectStatus(await call(viewer, 'GET', `/highlights/${created.id}`), 200);
  assert.deepEqual(ids(seen.stories), [active, expired]);
  assert.equal(seen.stories[1].seen_by_me, false);
  const views = await t.db
    .selectFrom('story_views')
    .selectAll()
    .where('viewer_id', '=', viewer.id)
    .execute();
  assert.equal(views.length, 0, 'reading a highlight records no view');

  // Edit: title, reorder + add + remove, cover.
  const third = await insertStory(t, owner, 50 * HOUR);
  const edited = expectStatus(
    await call(owner, 'PATCH', `/highlights/${created.id}`, {
      title: 'Porto 2026',
      story_ids: [third, active],
      cover_media_id: await storyMedia(third),
    }),
    200,
  );
  assert.equal(edited.title, 'Porto 2026');
  assert.deepEqual(ids(edited.stories), [third, active]);
  assert.equal(edited.cover.id, await storyMedia(third));
  const titled = expectStatus(
    await call(owner, 'PATCH', `/highlights/${created.id}`, { title: 'P' }),
    200,
  );
  assert.deepEqual(ids(titled.stories), [third, active], 'unchanged without story_ids');

  // Others may not change or delete it: 403 when they see it.
  assert.equal(
    (await call(viewer, 'PATCH', `/highlights/${created.id}`, { title: 'x' })).statusCode,
    403,
  );
  assert.equal((await call(viewer, 'DELETE', `/highlights/${created.id}`)).statusCode, 403);
  expectStatus(await call(owner, 'DELETE', `/highlights/${created.id}`), 204);
  assert.equal((await call(owner, 'GET', `/highlights/${created.id}`)).statusCode, 404);
  assert.equal((await call(owner, 'DELETE', `/highlights/${created.id}`)).statusCode, 404);
});

test('bad input is 400 naming the field, and nothing is written', async () => {
  const [owner, other] = [await createUser(t), await createUser(t)];
  const mine = await insertStory(t, owner, HOUR);
  const theirs = await insertStory(t, other, HOUR);
  const foreign = expectStatus(
    await call(owner, 'POST', '/highlights', { title: 'x', story_ids: [mine, theirs] }),
    400,
  );
  assert.deepEqual(
    foreign.errors.map((e: { field: string }) => e.field),
    ['story_ids'],
  );
  const tooMany = Array.from({ length: 101 }, (_, i) => String(i + 1));
  const big = expectStatus(
    await call(owner, 'POST', '/highlights', { title: 'x', story_ids: tooMany }),
    400,
  );
  assert.equal(big.errors[0].field, 'story_ids');
  const long = expectStatus(
    await call(owner, 'POST', '/highlights', {
      title: 'x'.repeat(31),
      story_ids: [mine],
      extra: 1,
    }),
    400,
  );
  assert.deepEqual(long.errors.map((e: { field: string }) => e.field).sort(), ['extra', 'title']);
  const cover = expectStatus(
    await call(owner, 'POST', '/highlights', {
      title: 'x',
      story_ids: [mine],
      cover_media_id: await storyMedia(theirs),
    }),
    400,
  );
  assert.equal(cover.errors[0].field, 'cover_media_id');
  const list = expectStatus(await call(owner, 'GET', `/users/${owner.username}/highlights`), 200);
  assert.deepEqual(list.data, []);
  const h = await create(owner, 'ok', [mine]);
  const patch = expectStatus(
    await call(owner, 'PATCH', `/highlights/${h.id}`, { story_ids: [theirs] }),
    400,
  );
  assert.equal(patch.errors[0].field, 'story_ids');
  assert.equal(
    expectStatus(await call(owner, 'PATCH', `/highlights/${h.id}`, {}), 400).code,
    'validation_failed',
  );
});

test('a profile’s highlights: ordered, reorderable, paged in constant statements', async () => {
  const owner = await createUser(t);
  const viewer = await createUser(t);
  const made: string[] = [];
  for (let i = 0; i < 4; i++) {
    made.push((await create(owner, `h${i}`, [await insertStory(t, owner, (i + 1) * HOUR)])).id);
  }
  const url = `/users/${owner.username}/highlights`;
  // Newest first by default.
  const one = await call(viewer, 'GET', `${url}?limit=1`);
  const three = await call(viewer, 'GET', `${url}?limit=3`);
  assert.equal(queryCount(one), queryCount(three));
  const page = expectStatus(three, 200);
  assert.deepEqual(ids(page.data), [...made].reverse().slice(0, 3));
  // One created between pages goes first: the walk goes on without repeats.
  const late = (await create(owner, 'late', [await insertStory(t, owner, HOUR)])).id;
  const rest = expectStatus(
    await call(viewer, 'GET', `${url}?limit=3&cursor=${page.next_cursor}`),
    200,
  );
  assert.deepEqual(ids(rest.data), [made[0]]);
  assert.equal(rest.next_cursor, null);

  const order = [made[1]!, late, made[3]!, made[0]!, made[2]!];
  expectStatus(await call(owner, 'PUT', '/me/highlights/order', { ids: order }), 204);
  assert.deepEqual(ids(expectStatus(await call(viewer, 'GET', url), 200).data), order);
  const partial = expectStatus(
    await call(owner, 'PUT', '/me/highlights/order', { ids: order.slice(1) }),
    400,
  );
  assert.equal(partial.errors[0].field, 'ids');
  const foreign = expectStatus(
    await call(viewer, 'PUT', '/me/highlights/order', { ids: [made[0]] }),
    400,
  );
  assert.equal(foreign.errors[0].field, 'ids');
  assert.equal((await call(viewer, 'GET', '/users/nobody_at_all_x/highlights')).statusCode, 404);
});

test('visible as the account’s posts: private → followers, blocked → 404, close friends only', async () => {
  const owner = await createUser(t, { isPrivate: true });
  const [fan, stranger, friend] = [await createUser(t), await createUser(t), await createUser(t)];
  await follow(t, fan, owner);
  await follow(t, friend, owner);
  expectStatus(
    await call(owner, 'PUT', '/me/close-friends', { usernames: [friend.username] }),
    204,
  );
  const open = await insertStory(t, owner, HOUR);
  const closeOnly = await insertStory(t, owner, 2 * HOUR);
  await t.db
    .updateTable('stories')
    .set({ audience: 'close_friends' })
    .where('id', '=', Number(closeOnly))
    .execute();
  const mixed = await create(owner, 'mixed', [closeOnly, open], await storyMedia(closeOnly));
  const secret = await create(owner, 'secret', [closeOnly]);

  const url = `/users/${owner.username}/highlights`;
  assert.equal((await call(stranger, 'GET', url)).statusCode, 403);
  assert.equal((await call(stranger, 'GET', `/highlights/${mixed.id}`)).statusCode, 403);
  const fanList = expectStatus(await call(fan, 'GET', url), 200);
  assert.deepEqual(
    ids(fanList.data),
    [mixed.id],
    'a highlight with nothing for the caller is left out',
  );
  assert.equal(fanList.data[0].story_count, 1);
  assert.equal(
    fanList.data[0].cover.id,
    await storyMedia(open),
    'a cover they may not see is not shown',
  );
  assert.deepEqual(
    ids(expectStatus(await call(fan, 'GET', `/highlights/${mixed.id}`), 200).stories),
    [open],
  );
  assert.equal((await call(fan, 'GET', `/highlights/${secret.id}`)).statusCode, 404);
  const friendView = expectStatus(await call(friend, 'GET', `/highlights/${mixed.id}`), 200);
  assert.deepEqual(ids(friendView.stories), [closeOnly, open]);
  assert.equal(friendView.cover.id, await storyMedia(closeOnly));

  expectStatus(await call(owner, 'POST', `/users/${fan.username}/block`), 204);
  assert.equal((await call(fan, 'GET', url)).statusCode, 404);
  assert.equal((await call(fan, 'GET', `/highlights/${mixed.id}`)).statusCode, 404);
});

test('deleting a story takes it out of its highlights', async () => {
  const owner = await createUser(t);
  const [keep, gone] = [await insertStory(t, owner, HOUR), await insertStory(t, owner, 2 * HOUR)];
  const h = await create(owner, 'both', [gone, keep], await storyMedia(gone));
  expectStatus(await call(owner, 'DELETE', `/stories/${gone}`), 204);
  const after = expectStatus(await call(owner, 'GET', `/highlights/${h.id}`), 200);
  assert.deepEqual(ids(after.stories), [keep]);
  assert.equal(after.story_count, 1);
  assert.equal(after.cover.id, await storyMedia(keep));
});
