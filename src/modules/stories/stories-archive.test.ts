import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createUser, follow, type TestUser } from '../../../test/helpers/factories.js';
import { expectStatus, queryCount } from '../../../test/helpers/http.js';
import { insertStory } from '../../../test/helpers/stories-factories.js';
import { buildTestApp, type TestApp } from '../../../test/helpers/test-app.js';
import { toDbTime } from '../../db/time.js';
import { insertJob } from '../../jobs/jobs.repository.js';
import { ARCHIVE_EXPIRED_STORIES } from './stories.jobs.js';

let t: TestApp;
before(async () => {
  t = await buildTestApp({ env: { JOB_CONCURRENCY: '0' } });
});
after(async () => t.close());

const HOUR = 3600;
const get = (user: TestUser, url: string) =>
  t.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: user.headers });
const ids = (page: { data: { id: string }[] }) => page.data.map((s) => s.id);
const archiveJob = async () => {
  await insertJob(t.db, { kind: ARCHIVE_EXPIRED_STORIES, payload: {} }, toDbTime(t.clock.now()));
  await t.drainJobs();
};
const archivedAt = async (id: string) =>
  (
    await t.db
      .selectFrom('stories')
      .select('archived_at')
      .where('id', '=', Number(id))
      .executeTakeFirstOrThrow()
  ).archived_at;

test('requires authentication', async () => {
  const response = await t.app.inject({ method: 'GET', url: '/api/v1/me/stories/archive' });
  assert.equal(response.statusCode, 401);
});

test('expired stories move to their author’s archive, kept, and leave every viewer’s list', async () => {
  const [alice, bob] = [await createUser(t), await createUser(t)];
  await follow(t, bob, alice);
  const older = await insertStory(t, alice, 30 * HOUR);
  const expired = await insertStory(t, alice, 25 * HOUR);
  const active = await insertStory(t, alice, HOUR);

  // Before the job: nothing archived yet, and the expired stories already leave viewers' lists.
  assert.deepEqual(ids(expectStatus(await get(alice, '/me/stories/archive'), 200)), []);
  const tray = expectStatus(await get(bob, '/stories/feed'), 200);
  assert.deepEqual(
    tray.flatMap((g: { stories: { id: string }[] }) => g.stories.map((s) => s.id)),
    [active],
  );

  await archiveJob();
  assert.equal(await archivedAt(active), null, 'an active story stays where it is');
  const when = await archivedAt(expired);
  assert.ok(when, 'archived');
  await archiveJob();
  assert.equal(await archivedAt(expired), when, 'archiving again changes nothing');

  const archive = expectStatus(await get(alice, '/me/stories/archive'), 200);
  assert.deepEqual(ids(archive), [expired, older], 'most recent first');
  assert.equal(archive.data[0].media.status, 'ready');

  assert.deepEqual(ids(expectStatus(await get(bob, '/me/stories/archive'), 200)), []);
  assert.deepEqual(ids(expectStatus(await get(bob, `/users/${alice.username}/stories`), 200)), [
    active,
  ]);
  assert.equal((await get(bob, `/stories/${expired}`)).statusCode, 404);
  assert.equal(expectStatus(await get(alice, `/stories/${expired}`), 200).id, expired);
  const media = await t.db
    .selectFrom('media')
    .innerJoin('stories', 'stories.media_id', 'media.id')
    .select('media.id')
    .where('stories.id', '=', Number(expired))
    .execute();
  assert.equal(media.length, 1, 'its media is kept');
});

test('the archive pages by cursor in a constant number of statements', async () => {
  const carol = await createUser(t);
  const made = [];
  for (const hoursAgo of [40, 39, 38, 37, 36])
    made.push(await insertStory(t, carol, hoursAgo * HOUR));
  await archiveJob();
  const first = await get(carol, '/me/stories/archive?limit=1');
  const page1 = expectStatus(first, 200);
  const full = await get(carol, '/me/stories/archive?limit=3');
  const page3 = expectStatus(full, 200);
  assert.deepEqual(ids(page3), made.slice(2).reverse());
  assert.equal(queryCount(first), queryCount(full));
  const rest = expectStatus(
    await get(carol, `/me/stories/archive?limit=3&cursor=${page3.next_cursor}`),
    200,
  );
  assert.deepEqual(ids(rest), made.slice(0, 2).reverse());
  assert.equal(rest.next_cursor, null);
  assert.ok(page1.next_cursor);
});

test('GET /me/archive/stories is the same list as the older /me/stories/archive', async () => {
  assert.equal(
    (await t.app.inject({ method: 'GET', url: '/api/v1/me/archive/stories' })).statusCode,
    401,
  );
  const dave = await createUser(t);
  for (const hoursAgo of [30, 29, 28]) await insertStory(t, dave, hoursAgo * HOUR);
  await archiveJob();
  const now = expectStatus(await get(dave, '/me/archive/stories?limit=2'), 200);
  const old = expectStatus(await get(dave, '/me/stories/archive?limit=2'), 200);
  assert.deepEqual(now, old);
  assert.equal(now.data.length, 2);
  const rest = expectStatus(await get(dave, `/me/archive/stories?cursor=${now.next_cursor}`), 200);
  assert.equal(rest.data.length, 1);
  assert.ok(!ids(now).includes(rest.data[0].id));
  const bad = expectStatus(await get(dave, '/me/archive/stories?limit=101'), 400);
  assert.equal(bad.errors[0].field, 'limit');
});
