import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { castLimits, createDb } from './client.js';

describe('SQLite rows built from arrays', () => {
  const isSqlite = !process.env.TEST_DATABASE_URL;

  test('same keys, order and values as better-sqlite3 objects, including odd names', async (ctx) => {
    if (!isSqlite) return ctx.skip('SQLite only');
    const dir = mkdtempSync(path.join(tmpdir(), 'photogram-client-'));
    const db = createDb({ dialect: 'sqlite', file: path.join(dir, 'db.sqlite') });
    try {
      const { rows } = await sql<Record<string, unknown>>`select 1 as "a", 'x"y' as "quote""d",
        null as "__proto__", 2.5 as "a b", 3 as "a"`.execute(db);
      assert.equal(rows.length, 1);
      const row = rows[0]!;
      assert.deepEqual(Object.keys(row), ['a', 'quote"d', '__proto__', 'a b']);
      assert.equal(row.a, 3, 'a later duplicate name wins, as with objects');
      assert.equal(row['quote"d'], 'x"y');
      assert.equal(Object.getPrototypeOf(row), Object.prototype);
      assert.equal(Object.getOwnPropertyDescriptor(row, '__proto__')?.value, null);
    } finally {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a cached statement whose table gained a column returns the new column', async (ctx) => {
    if (!isSqlite) return ctx.skip('SQLite only');
    const dir = mkdtempSync(path.join(tmpdir(), 'photogram-client-'));
    const db = createDb({ dialect: 'sqlite', file: path.join(dir, 'db.sqlite') });
    try {
      await sql`create table t (id integer primary key, a text)`.execute(db);
      await sql`insert into t (a) values ('one')`.execute(db);
      const read = () => sql<Record<string, unknown>>`select * from t`.execute(db);
      assert.deepEqual((await read()).rows, [{ id: 1, a: 'one' }]);
      await sql`alter table t add column b integer default 7`.execute(db);
      assert.deepEqual((await read()).rows, [{ id: 1, a: 'one', b: 7 }]);
    } finally {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('SQLite statistics', () => {
  test('opening drops ANALYZE value samples (stat4) and keeps the row counts (stat1)', async (ctx) => {
    if (process.env.TEST_DATABASE_URL) return ctx.skip('SQLite only');
    const dir = mkdtempSync(path.join(tmpdir(), 'photogram-client-'));
    const file = path.join(dir, 'db.sqlite');
    const first = createDb({ dialect: 'sqlite', file });
    const counts = async (db: typeof first) => {
      const { rows } = await sql<{ stat1: number; stat4: number }>`select
        (select count(*) from sqlite_stat1) as stat1,
        (select count(*) from sqlite_stat4) as stat4`.execute(db);
      return rows[0];
    };
    try {
      await sql`create table t (id integer primary key, name text not null)`.execute(first);
      await sql`create index t_name on t (name)`.execute(first);
      await sql`with recursive n(i) as (select 1 union all select i + 1 from n where i < 500)
        insert into t (name) select 'name_' || (i % 37) from n`.execute(first);
      await sql`analyze`.execute(first);
      const analyzed = await counts(first);
      assert.ok(analyzed!.stat1 > 0 && analyzed!.stat4 > 0, JSON.stringify(analyzed));
      await first.destroy();

      const reopened = createDb({ dialect: 'sqlite', file });
      try {
        assert.deepEqual(await counts(reopened), { stat1: analyzed!.stat1, stat4: 0 });
        const { rows } = await sql<{ n: number }>`select count(*) as n from t
          where name = ${'name_3'}`.execute(reopened);
        assert.equal(rows[0]!.n, 14);
      } finally {
        await reopened.destroy();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('SQLite LIMIT and OFFSET parameters', () => {
  test('are cast in the statement text, and still limit and skip rows', async (ctx) => {
    assert.equal(
      castLimits('select "limit" from "t" where "offset" = ? order by "id" limit ? offset ?'),
      'select "limit" from "t" where "offset" = ? order by "id" limit cast(? as integer) offset cast(? as integer)',
    );
    assert.equal(
      castLimits('select * from (select "id" from "t" limit ?) union all select 1 limit ?'),
      'select * from (select "id" from "t" limit cast(? as integer)) union all select 1 limit cast(? as integer)',
    );
    if (process.env.TEST_DATABASE_URL) return ctx.skip('SQLite only');
    const dir = mkdtempSync(path.join(tmpdir(), 'photogram-client-'));
    const db = createDb({ dialect: 'sqlite', file: path.join(dir, 'db.sqlite') });
    try {
      await sql`create table t (id integer primary key, "limit" integer not null)`.execute(db);
      await sql`with recursive n(i) as (select 1 union all select i + 1 from n where i < 10)
        insert into t (id, "limit") select i, i * 10 from n`.execute(db);
      const page = (limit: number, offset: number) =>
        db
          .selectFrom('t' as never)
          .select(['id' as never])
          .orderBy('id' as never)
          .limit(limit)
          .offset(offset)
          .execute();
      assert.deepEqual(
        (await page(3, 4)).map((row: any) => row.id),
        [5, 6, 7],
      );
      assert.deepEqual(
        (await page(2, 0)).map((row: any) => row.id),
        [1, 2],
      );
      assert.deepEqual(
        (await page(5, 8)).map((row: any) => row.id),
        [9, 10],
      );
    } finally {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
