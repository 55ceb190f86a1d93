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
