import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildApp, type App } from '../../app.js';
import { mulberry32, randomInt } from '../../../scripts/bench/prng.js';
import { createUser, FACTORY_PASSWORD, type TestUser } from '../../../test/helpers/factories.js';
import { expectStatus } from '../../../test/helpers/http.js';
import { createPost, ids } from '../../../test/helpers/posts-factories.js';
import { buildTestApp, type TestApp } from '../../../test/helpers/test-app.js';
import { rebuildTimelines } from './timeline.repository.js';

/**
 * The materialised timeline must answer exactly what fan-out on read answers. Two apps share
 * one database: the test app (FEED_MODE=timeline, the default) and a FEED_MODE=read twin. A
 * seeded random sequence of follows, approvals, unfollows, removed followers, posts, deletes,
 * privacy changes and deactivations runs through the API, and every user's whole feed is
 * walked in both modes at checkpoints. A low fan-out threshold makes some authors merge-at-read.
 */
let t: TestApp;
let readApp: App;
before(async () => {
  t = await buildTestApp({ env: { TIMELINE_FANOUT_MAX_FOLLOWERS: '4' } });
  assert.equal(t.config.feedMode, 'timeline');
  // Its jobs are run by the test app's workers, which drainJobs() waits for.
  readApp = await buildApp(
    { ...t.config, feedMode: 'read', jobConcurrency: 0 },
    { db: t.db, clock: t.clock },
  );
  await readApp.ready();
});
after(async () => {
  await readApp?.close();
  await t?.close();
});

const call = (app: App, user: TestUser, method: string, url: string, payload?: object) =>
  app.inject({
    method: method as 'GET',
    url: `/api/v1${url}`,
    headers: user.headers,
    ...(payload ? { payload } : {}),
  });

async function walkFeed(app: App, user: TestUser, limit: number): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const url = `/feed?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`;
    const page: any = expectStatus(await call(app, user, 'GET', url), 200);
    seen.push(...ids(page));
    cursor = page.next_cursor;
  } while (cursor);
  return seen;
}

test('timeline and fan-out on read give identical feeds on random data', async () => {
  const random = mulberry32(4242);
  const pick = <T>(list: readonly T[]) => list[randomInt(random, list.length)]!;
  const users: TestUser[] = [];
  for (let i = 0; i < 14; i++) users.push(await createUser(t, { isPrivate: i % 5 === 0 }));
  const active = new Set(users);
  const posts: { id: string; author: TestUser }[] = [];
  let checkpoints = 0;
  let nonEmpty = 0;

  async function compareAll() {
    checkpoints++;
    for (const user of active) {
      const limit = 1 + randomInt(random, 4);
      await t.drainJobs();
      const timeline = await walkFeed(t.app, user, limit);
      assert.deepEqual(timeline, await walkFeed(readApp, user, limit), `feed of ${user.username}`);
      if (timeline.length > 0) nonEmpty++;
    }
  }

  for (let step = 1; step <= 260; step++) {
    const living = [...active];
    const actor = pick(living);
    const other = pick(living);
    const roll = random();
    if (roll < 0.3) {
      posts.push({ id: (await createPost(t, actor)).id, author: actor });
    } else if (roll < 0.55 && other !== actor) {
      expectStatus(await call(t.app, actor, 'POST', `/users/${other.username}/follow`), 200);
    } else if (roll < 0.65) {
      const requests: any = expectStatus(
        await call(t.app, actor, 'GET', '/me/follow-requests'),
        200,
      );
      for (const request of requests.data.slice(0, 2)) {
        const url = `/me/follow-requests/${request.id}/${random() < 0.8 ? 'approve' : 'decline'}`;
        expectStatus(await call(t.app, actor, 'POST', url), 204);
      }
    } else if (roll < 0.73 && other !== actor) {
      expectStatus(await call(t.app, actor, 'DELETE', `/users/${other.username}/follow`), 204);
    } else if (roll < 0.77 && other !== actor) {
      expectStatus(await call(t.app, actor, 'DELETE', `/users/${other.username}/follower`), 204);
    } else if (roll < 0.87 && posts.length > 0) {
      const victim = posts.splice(randomInt(random, posts.length), 1)[0]!;
      const response = await call(t.app, victim.author, 'DELETE', `/posts/${victim.id}`);
      assert.ok([204, 401].includes(response.statusCode), response.body);
    } else if (roll < 0.97) {
      const is_private = random() < 0.5;
      expectStatus(await call(t.app, actor, 'PATCH', '/me', { is_private }), 200);
    } else if (active.size > 8) {
      const response = await call(t.app, actor, 'DELETE', '/me', { password: FACTORY_PASSWORD });
      expectStatus(response, 204);
      active.delete(actor);
    }
    if (step % 65 === 0) await compareAll();
  }
  assert.equal(checkpoints, 4);
  assert.ok(nonEmpty > 20, `feeds were mostly empty (${nonEmpty}): the test would prove little`);
  const merged = await t.db.selectFrom('timeline_merge_authors').select('user_id').execute();
  assert.ok(merged.length > 0, 'no author crossed the fan-out threshold: merge path untested');
});

test('a new follower gets the author’s earlier posts; an unfollow removes them', async () => {
  const [reader, author] = [await createUser(t), await createUser(t)];
  const first = await createPost(t, author);
  const second = await createPost(t, author);
  expectStatus(await call(t.app, reader, 'POST', `/users/${author.username}/follow`), 200);
  await t.drainJobs();
  assert.deepEqual(await walkFeed(t.app, reader, 20), [second.id, first.id]);
  const stored = () =>
    t.db.selectFrom('home_timeline').select('post_id').where('user_id', '=', reader.id).execute();
  assert.equal((await stored()).length, 2);
  expectStatus(await call(t.app, reader, 'DELETE', `/users/${author.username}/follow`), 204);
  assert.deepEqual(await walkFeed(t.app, reader, 20), []);
  assert.equal((await stored()).length, 0, 'the unfollow removed the rows, not just hid them');
});

test('a rebuild of a block of readers gives a deactivated reader no timeline', async () => {
  const [author, reader, gone] = [await createUser(t), await createUser(t), await createUser(t)];
  for (const follower of [reader, gone]) {
    expectStatus(await call(t.app, follower, 'POST', `/users/${author.username}/follow`), 200);
  }
  await createPost(t, author);
  await t.db.updateTable('users').set({ is_active: 0 }).where('id', '=', Number(gone.id)).execute();
  const block = [author, reader, gone].map((u) => Number(u.id));
  await t.db
    .transaction()
    .execute((trx) => rebuildTimelines(trx, Math.min(...block), Math.max(...block)));
  const rowsOf = async (user: TestUser) =>
    (
      await t.db
        .selectFrom('home_timeline')
        .select('post_id')
        .where('user_id', '=', Number(user.id))
        .execute()
    ).length;
  assert.equal(await rowsOf(reader), 1);
  assert.equal(await rowsOf(author), 1);
  assert.equal(await rowsOf(gone), 0);
});
