import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildTestApp, type TestApp } from '../../test/helpers/test-app.js';
import { createUser } from '../../test/helpers/factories.js';
import { compiledQuery } from './compiled-query.js';
import { type Executor, inTransaction } from './transaction.js';

let t: TestApp;
before(async () => {
  t = await buildTestApp();
});
after(async () => t.close());

const usersQuery = (db: Executor, minId: number, names: readonly string[], max: number | null) =>
  db
    .selectFrom('users')
    .select(['id', 'username'])
    .where('id', '>=', minId)
    .where('username', 'in', names)
    .$if(max !== null, (qb) => qb.where('id', '<=', max!))
    .orderBy('id');

test('a compiled query answers exactly like the query built on each call, for every shape', async () => {
  const users = await Promise.all(
    ['cq_a', 'cq_b', 'cq_c'].map((u) => createUser(t, { username: u })),
  );
  const ids = users.map((u) => Number(u.id));
  const compiled = compiledQuery(usersQuery);
  const cases: [number, string[], number | null][] = [
    [0, ['cq_a', 'cq_b'], null],
    [ids[1]!, ['cq_a', 'cq_b'], null], // same shape, new values
    [0, ['cq_c'], ids[2]!],
    [0, ['cq_a', 'cq_b', 'cq_c'], ids[1]!],
    [ids[2]!, ['cq_c'], ids[2]!],
  ];
  for (const [minId, names, max] of cases) {
    assert.deepEqual(
      await compiled(t.db, minId, names, max),
      await usersQuery(t.db, minId, names, max).execute(),
    );
  }
  assert.equal((await compiled(t.db, 0, ['cq_a', 'cq_b', 'cq_c'], null)).length, 3);
});

test('a builder that computes with an argument is refused instead of binding a wrong value', async () => {
  const misuse = compiledQuery((db, limit: number) =>
    db
      .selectFrom('users')
      .select('id')
      .limit(limit + 1),
  );
  await assert.rejects(misuse(t.db, 1), /not a bound parameter/);
});

test('a builder that branches on a value fails the check every test run makes', async () => {
  assert.equal(process.env.COMPILED_QUERY_CHECK, '1', 'the test helpers turn the check on');
  const branching = compiledQuery((db, name: string) =>
    db
      .selectFrom('users')
      .select('id')
      // Wrong: the first call's value decides the SQL of every later call of this shape.
      .$if(name === 'admin', (qb) => qb.where('id', '=', 1))
      .where('username', '=', name),
  );
  // The template is built with a marker in place of `name`, so its SQL has no id condition.
  await assert.rejects(branching(t.db, 'admin'), /template differs from the query/);
  assert.deepEqual(await branching(t.db, 'nobody_here'), []);
});

test("a compiled read never sees another request's uncommitted rows", async () => {
  const byName = compiledQuery((db, name: string) =>
    db.selectFrom('users').select(['id', 'username']).where('username', '=', name),
  );
  const template = await t.db
    .selectFrom('users')
    .selectAll()
    .where('username', '=', 'cq_a')
    .executeTakeFirstOrThrow();
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let inserted!: () => void;
  const insertDone = new Promise<void>((resolve) => (inserted = resolve));
  const writer = inTransaction(t.db, async (trx) => {
    await trx
      .insertInto('users')
      .values({ ...template, id: undefined, username: 'cq_pending', email: 'cq_pending@x.test' })
      .execute();
    inserted();
    await gate;
  });
  await insertDone;
  let readBeforeCommit: unknown[] | null = null;
  const reader = byName(t.db, 'cq_pending').then((rows) => {
    readBeforeCommit ??= rows;
    return rows;
  });
  await new Promise((resolve) => setTimeout(resolve, 30));
  const early = readBeforeCommit as unknown[] | null;
  if (early) assert.deepEqual(early, [], 'read an uncommitted row');
  // SQLite has one connection: the read waits for the transaction instead of joining it.
  if (t.dialect === 'sqlite') assert.equal(early, null, 'the read ran inside the transaction');
  release();
  await writer;
  const rows = await reader;
  if (t.dialect === 'sqlite') assert.equal(rows.length, 1);
  assert.equal((await byName(t.db, 'cq_pending')).length, 1);
});
