import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createUser, follow, type TestUser } from '../../../test/helpers/factories.js';
import { expectStatus, queryCount } from '../../../test/helpers/http.js';
import { createPost, ids } from '../../../test/helpers/posts-factories.js';
import { buildTestApp, type TestApp } from '../../../test/helpers/test-app.js';
import { toDbTime } from '../../db/time.js';
import { encodeCursor } from '../../http/pagination.js';
import { PRUNE_REELS_SERVED, reelsJobHandlers } from './reels.jobs.js';

// Its own database: GET /reels reads every public reel there is.
let t: TestApp;
before(async () => {
  t = await buildTestApp();
});
after(async () => t.close());

const HOUR_MS = 3_600_000;
const reels = (user: TestUser, query = '') =>
  t.app.inject({ method: 'GET', url: `/api/v1/reels${query}`, headers: user.headers });
const view = async (user: TestUser, postId: string) => {
  const response = await t.app.inject({
    method: 'POST',
    url: `/api/v1/posts/${postId}/views`,
    headers: user.headers,
  });
  expectStatus(response, 204);
};
/** A reel created `hoursAgo` before now, with the given counters. */
async function reel(
  author: TestUser,
  hoursAgo: number,
  counts: { like_count?: number; comment_count?: number; view_count?: number } = {},
): Promise<string> {
  const post = await createPost(t, author, { type: 'reel', media: ['video'] });
  await t.db
    .updateTable('posts')
    .set({
      created_at: toDbTime(new Date(t.clock.now().getTime() - hoursAgo * HOUR_MS)),
      ...counts,
    })
    .where('id', '=', Number(post.id))
    .execute();
  return post.id as string;
}

test('unseen reels of followed accounts first, then popular public ones, walked without repeats', async () => {
  const me = await createUser(t);
  const [friend, privateFriend, strangerA, strangerB, lockedStranger, blocker, fan] =
    await Promise.all([
      createUser(t),
      createUser(t, { isPrivate: true }),
      createUser(t),
      createUser(t),
      createUser(t, { isPrivate: true }),
      createUser(t),
      createUser(t),
    ]);
  await follow(t, me, friend);
  await follow(t, me, privateFriend);

  const a1 = await reel(friend, 5);
  const a2 = await reel(friend, 3);
  const watched = await reel(friend, 2);
  await view(me, watched);
  const p1 = await reel(privateFriend, 1);
  const s1 = await reel(strangerA, 10, { like_count: 5 }); // score 5
  const s2 = await reel(strangerA, 20, { comment_count: 3 }); // score 6
  await reel(strangerA, 31 * 24, { like_count: 100 }); // older than 30 days
  const s4 = await reel(strangerB, 4, { view_count: 20 }); // score 2
  const s5 = await reel(strangerB, 6); // score 0
  await reel(lockedStranger, 1, { like_count: 50 });
  await reel(blocker, 1, { like_count: 50 });
  await reel(me, 1, { like_count: 50 });
  await createPost(t, strangerA, { media: ['video'] }); // a video post, not a reel
  expectStatus(
    await t.app.inject({
      method: 'POST',
      url: `/api/v1/users/${me.username}/block`,
      headers: blocker.headers,
    }),
    204,
  );

  // The whole list in one page, then the same walked two at a time with changes between pages.
  const all = expectStatus(await reels(me, '?limit=100'), 200);
  assert.deepEqual(ids(all), [p1, a2, a1, s2, s1, s4, s5]);
  assert.equal(all.next_cursor, null);

  const page1 = expectStatus(await reels(me, '?limit=2'), 200);
  assert.deepEqual(ids(page1), [p1, a2]);
  await reel(friend, 0); // newer than the cursor: waits for the next walk
  const page2 = expectStatus(await reels(me, `?limit=2&cursor=${page1.next_cursor}`), 200);
  assert.deepEqual(ids(page2), [a1, s2], 'phase 1 ends and phase 2 starts on the same page');

  await view(me, s1); // watched: gone
  for (const viewer of [fan, friend, strangerA]) await view(viewer, s4);
  await t.db.updateTable('posts').set({ like_count: 40 }).where('id', '=', Number(s4)).execute();
  await reel(strangerB, 0, { like_count: 90 }); // posted after the walk began: the next walk's
  const page3 = expectStatus(await reels(me, `?limit=2&cursor=${page2.next_cursor}`), 200);
  assert.deepEqual(ids(page3), [s4, s5], 's4 rose: served, not skipped');
  assert.equal(page3.next_cursor, null);

  const served = [...ids(page1), ...ids(page2), ...ids(page3)];
  assert.equal(new Set(served).size, served.length, 'no reel twice');
  assert.equal(page1.data[0].view_count, 0);
});

test('pages cost the same number of statements whatever their size; bad cursors are 400', async () => {
  const me = await createUser(t);
  const [star, stranger] = [await createUser(t), await createUser(t)];
  await follow(t, me, star);
  for (let i = 0; i < 3; i++) await reel(star, i + 1);
  for (let i = 0; i < 5; i++) await reel(stranger, i + 1);
  const one = await reels(me, '?limit=1');
  const five = await reels(me, '?limit=5');
  assert.equal(queryCount(one), queryCount(five));
  const phase2 = expectStatus(await reels(me, '?limit=4'), 200);
  assert.ok(phase2.next_cursor);
  const a = await reels(me, `?limit=1&cursor=${phase2.next_cursor}`);
  const { next_cursor } = expectStatus(a, 200);
  const b = await reels(me, `?limit=3&cursor=${next_cursor}`);
  assert.equal(queryCount(a), queryCount(b));
  const walk = JSON.parse(Buffer.from(next_cursor, 'base64url').toString('utf8'))[1];
  for (const cursor of [
    'nope',
    encodeCursor([3, walk, toDbTime(t.clock.now())]),
    encodeCursor([2, 'short', toDbTime(t.clock.now())]),
  ]) {
    const bad = expectStatus(await reels(me, `?cursor=${cursor}`), 400);
    assert.equal(bad.errors[0].field, 'cursor');
  }
  assert.equal(expectStatus(await reels(me, '?limit=0'), 400).errors[0].field, 'limit');
});

const call = (user: TestUser, method: 'POST' | 'DELETE', url: string, payload?: object) =>
  t.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: user.headers,
    ...(payload ? { payload } : {}),
  });

/** Walks the rest of a reels walk two at a time; fails if it does not end. */
async function walkToEnd(user: TestUser, cursor: string): Promise<string[]> {
  const served: string[] = [];
  let next: string | null = cursor;
  for (let pages = 0; next !== null; pages++) {
    assert.ok(pages < 100, 'the walk ends');
    const response = await reels(user, `?limit=2&cursor=${next}`);
    const page: { data: { id: string }[]; next_cursor: string | null } = expectStatus(
      response,
      200,
    );
    served.push(...ids(page));
    next = page.next_cursor;
  }
  return served;
}

test('unfollowing, unliking, comments and likes mid-walk never serve a reel twice; the walk ends', async () => {
  const me = await createUser(t);
  const [friend, stranger, fan] = [await createUser(t), await createUser(t), await createUser(t)];
  await follow(t, me, friend);
  const f1 = await reel(friend, 2);
  const f2 = await reel(friend, 1);
  // Scores far above the other tests' reels, which this walk meets later.
  const x1 = await reel(stranger, 1, { like_count: 1010 });
  const x2 = await reel(stranger, 2, { like_count: 1008 });
  expectStatus(await call(fan, 'POST', `/posts/${x2}/like`), 200); // 1009
  const x3 = await reel(stranger, 3, { like_count: 1006 });
  const x4 = await reel(stranger, 4, { like_count: 1004 });
  const x5 = await reel(stranger, 5, { like_count: 1000 });

  const page1 = expectStatus(await reels(me, '?limit=2'), 200);
  assert.deepEqual(ids(page1), [f2, f1]);
  // Unfollowed: f1 and f2 become popular public reels, already served.
  expectStatus(await call(me, 'DELETE', `/users/${friend.username}/follow`), 204);
  const page2 = expectStatus(await reels(me, `?limit=2&cursor=${page1.next_cursor}`), 200);
  assert.deepEqual(ids(page2), [x1, x2]);

  expectStatus(await call(fan, 'DELETE', `/posts/${x2}/like`), 200); // dropped behind a score cursor
  expectStatus(await call(fan, 'POST', `/posts/${x1}/comments`, { text: 'again!' }), 201);
  // x5 rises from last to first of what is left: served next, not skipped.
  expectStatus(await call(fan, 'POST', `/posts/${x5}/like`), 200);
  for (const text of ['one', 'two', 'three']) {
    expectStatus(await call(fan, 'POST', `/posts/${x5}/comments`, { text }), 201);
  }
  const page3 = expectStatus(await reels(me, `?limit=2&cursor=${page2.next_cursor}`), 200);
  assert.deepEqual(ids(page3), [x5, x3]);

  const rest = await walkToEnd(me, page3.next_cursor);
  assert.equal(rest[0], x4);
  const served = [...ids(page1), ...ids(page2), ...ids(page3), ...rest];
  assert.equal(new Set(served).size, served.length, 'no reel twice');
  for (const id of [f1, f2, x1, x2, x3, x4, x5]) assert.ok(served.includes(id));

  // A new walk starts afresh.
  const again = expectStatus(await reels(me, '?limit=100'), 200);
  assert.ok(ids(again).includes(x1));
});

test('a cursor lasts a day; the retention job prunes what expired walks served', async () => {
  const me = await createUser(t);
  const page = expectStatus(await reels(me, '?limit=1'), 200);
  assert.ok(page.next_cursor, 'the earlier tests left reels to walk');
  const [, walk] = JSON.parse(Buffer.from(page.next_cursor, 'base64url').toString('utf8'));
  const dayAgo = toDbTime(new Date(t.clock.now().getTime() - 25 * HOUR_MS));
  const expired = expectStatus(await reels(me, `?cursor=${encodeCursor([2, walk, dayAgo])}`), 400);
  assert.equal(expired.errors[0].field, 'cursor');

  const servedRows = () =>
    t.db.selectFrom('reel_feed_served').select('post_id').where('viewer_id', '=', me.id).execute();
  assert.equal((await servedRows()).length, 1);
  const prune = reelsJobHandlers({ db: t.db, clock: t.clock })[PRUNE_REELS_SERVED]!;
  await prune({});
  assert.equal((await servedRows()).length, 1, 'a walk of today is kept');
  await t.db
    .updateTable('reel_feed_served')
    .set({ served_at: dayAgo })
    .where('viewer_id', '=', me.id)
    .execute();
  await prune({});
  assert.deepEqual(await servedRows(), []);
});
