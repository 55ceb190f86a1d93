import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildTestApp, type TestApp } from '../../test/helpers/test-app.js';
import { migrateDown, migrateToLatest } from './migrate.js';
import { tableColumns } from './types.js';

let t: TestApp;
before(async () => {
  t = await buildTestApp({ migrate: false });
});
after(async () => t.close());

const liveTables = async () =>
  (await t.db.introspection.getTables()).filter((table) => !table.name.startsWith('kysely_'));

test('migrations create exactly the schema src/db/types.ts describes, then revert completely', async () => {
  const applied = [
    'applied 0001_initial',
    'applied 0002_home_timeline',
    'applied 0003_follow_count_indexes',
    'applied 0004_profile_counters',
    'applied 0005_idempotency_keys',
  ];
  assert.deepEqual(await migrateToLatest(t.db), applied);
  assert.deepEqual(await migrateToLatest(t.db), [], 'a second run has nothing to do');

  const live = await liveTables();
  assert.deepEqual(live.map((table) => table.name).sort(), Object.keys(tableColumns).sort());
  for (const table of live) {
    const expected = [...tableColumns[table.name as keyof typeof tableColumns]].sort();
    assert.deepEqual(table.columns.map((c) => c.name).sort(), expected, `columns of ${table.name}`);
  }

  assert.deepEqual(await migrateDown(t.db, true), [
    'reverted 0005_idempotency_keys',
    'reverted 0004_profile_counters',
    'reverted 0003_follow_count_indexes',
    'reverted 0002_home_timeline',
    'reverted 0001_initial',
  ]);
  assert.deepEqual(await liveTables(), []);
  assert.deepEqual(await migrateToLatest(t.db), applied, 'and up again');
});

test('unique constraints hold on this engine', async () => {
  const now = '2026-01-01 00:00:00.000';
  const user = { username: 'dup', email: 'dup@example.com', password_hash: 'x', created_at: now };
  await t.db.insertInto('users').values(user).execute();
  await assert.rejects(
    t.db
      .insertInto('users')
      .values({ ...user, email: 'other@example.com' })
      .execute(),
  );
  await assert.rejects(
    t.db
      .insertInto('users')
      .values({ ...user, username: 'other' })
      .execute(),
  );
});

test('0004 backfills the profile counters with what the profile used to count', async () => {
  assert.deepEqual(await migrateDown(t.db), ['reverted 0005_idempotency_keys']);
  assert.deepEqual(await migrateDown(t.db), ['reverted 0004_profile_counters']);
  const now = '2026-01-01 00:00:00.000';
  const ids: Record<string, number> = {};
  for (const [name, isActive] of [
    ['ann', 1],
    ['ben', 1],
    ['cat', 0],
    ['dan', 1],
  ] as const) {
    const user = await t.db
      .insertInto('users')
      .values({
        username: name,
        email: `${name}@example.com`,
        password_hash: 'x',
        is_active: isActive,
        created_at: now,
      })
      .executeTakeFirstOrThrow();
    ids[name] = Number(user.insertId);
    await t.db
      .insertInto('profiles')
      .values({ user_id: ids[name], name, nickname: '', bio: '', created_at: now, updated_at: now })
      .execute();
  }
  const follows = [
    ['ben', 'ann', 'accepted'],
    ['cat', 'ann', 'accepted'],
    ['dan', 'ann', 'pending'],
    ['ann', 'ben', 'accepted'],
    ['ann', 'cat', 'accepted'],
  ] as const;
  for (const [from, to, status] of follows) {
    await t.db
      .insertInto('follows')
      .values({ follower_id: ids[from]!, following_id: ids[to]!, status, created_at: now })
      .execute();
  }
  for (const deleted of [null, null, now]) {
    await t.db
      .insertInto('posts')
      .values({
        author_id: ids.ann!,
        type: 'post',
        caption: '',
        created_at: now,
        updated_at: now,
        deleted_at: deleted,
      })
      .execute();
  }

  assert.deepEqual(await migrateToLatest(t.db), [
    'applied 0004_profile_counters',
    'applied 0005_idempotency_keys',
  ]);
  const rows = await t.db
    .selectFrom('profiles')
    .select(['name', 'posts_count', 'followers_count', 'following_count'])
    .orderBy('user_id')
    .execute();
  // Deactivated cat counts for nobody, but its own counters still count its active peers.
  assert.deepEqual(
    rows.map((r) => [r.name, r.posts_count, r.followers_count, r.following_count]),
    [
      ['ann', 2, 1, 1],
      ['ben', 0, 1, 1],
      ['cat', 0, 1, 1],
      ['dan', 0, 0, 0],
    ],
  );
});
