import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { createDb } from './client.js';

/** Runs `use` with the path of a database file in a fresh temporary folder, removed after. */
async function withTempFile(use: (file: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'photogram-client-'));
  try {
    await use(path.join(dir, 'db.sqlite'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('SQLite rows built from arrays', () => {
  const isSqlite = !process.env.TEST_DATABASE_URL;

  test('same keys, order and values as better-sqlite3 objects, including odd names', async (ctx) => {
    if (!isSqlite) return ctx.skip('SQLite only');
    await withTempFile(async (file) => {
      const db = createDb({ dialect: 'sqlite', file });
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
      }
    });
  });

  test('a cached statement whose table gained a column returns the new column', async (ctx) => {
    if (!isSqlite) return ctx.skip('SQLite only');
    await withTempFile(async (file) => {
      const db = createDb({ dialect: 'sqlite', file });
      try {
        await sql`create table t (id integer primary key, a text)`.execute(db);
        await sql`insert into t (a) values ('one')`.execute(db);
        const read = () => sql<Record<string, unknown>>`select * from t`.execute(db);
        assert.deepEqual((await read()).rows, [{ id: 1, a: 'one' }]);
        await sql`alter table t add column b integer default 7`.execute(db);
        assert.deepEqual((await read()).rows, [{ id: 1, a: 'one', b: 7 }]);
      } finally {
        await db.destroy();
      }
    });
  });
});

describe('SQLite statistics', () => {
  test('opening drops ANALYZE value samples (stat4), keeps stat1, and plans without them', async (ctx) => {
    if (process.env.TEST_DATABASE_URL) return ctx.skip('SQLite only');
    await withTempFile(async (file) => {
      const first = createDb({ dialect: 'sqlite', file });
      const counts = async (db: typeof first) => {
        const { rows } = await sql<{ stat1: number; stat4: number }>`select
        (select count(*) from sqlite_stat1) as stat1,
        (select count(*) from sqlite_stat4) as stat4`.execute(db);
        return rows[0]!;
      };
      // One 'rare' value of a among 2,000 rows, and 10 rows per value of b: only the samples
      // tell the planner that a = 'rare' is the narrower index.
      const plan = async (db: typeof first) => {
        const { rows } = await sql<{ detail: string }>`explain query plan
        select id from t where a = 'rare' and b = 7`.execute(db);
        return rows.map((row) => row.detail).join('; ');
      };
      let analyzed: { stat1: number; stat4: number };
      try {
        await sql`create table t (id integer primary key, a text not null, b integer not null)`.execute(
          first,
        );
        await sql`create index t_a on t (a)`.execute(first);
        await sql`create index t_b on t (b)`.execute(first);
        await sql`with recursive n(i) as (select 1 union all select i + 1 from n where i < 2000)
        insert into t (a, b) select case when i = 7 then 'rare' else 'common' end, i % 200
        from n`.execute(first);
        await sql`analyze`.execute(first);
        analyzed = await counts(first);
        assert.ok(analyzed.stat1 > 0 && analyzed.stat4 > 0, JSON.stringify(analyzed));
        assert.match(await plan(first), /USING INDEX t_a /);
      } finally {
        await first.destroy();
      }

      const reopened = createDb({ dialect: 'sqlite', file });
      try {
        assert.deepEqual(await counts(reopened), { stat1: analyzed.stat1, stat4: 0 });
        assert.match(await plan(reopened), /USING INDEX t_b /);
        const { rows } = await sql<{ id: number }>`select id from t
        where a = ${'rare'} and b = ${7}`.execute(reopened);
        assert.deepEqual(rows, [{ id: 7 }]);
      } finally {
        await reopened.destroy();
      }
    });
  });
});

describe('SQLite LIMIT and OFFSET parameters', () => {
  test('are bound as cast(? as integer), and still limit and skip rows', async (ctx) => {
    if (process.env.TEST_DATABASE_URL) return ctx.skip('SQLite only');
    await withTempFile(async (file) => {
      const executed: string[] = [];
      const db = createDb(
        { dialect: 'sqlite', file },
        { onQuery: (event) => executed.push(event.query.sql) },
      );
      try {
        await sql`create table t (id integer primary key, "limit" integer not null)`.execute(db);
        await sql`with recursive n(i) as (select 1 union all select i + 1 from n where i < 10)
        insert into t (id, "limit") select i, i * 10 from n`.execute(db);
        const page = (limit: number, offset: number) =>
          db
            .selectFrom('t' as never)
            .select(['id' as never, 'limit' as never])
            .orderBy('id' as never)
            .limit(limit)
            .offset(offset);
        assert.equal(
          page(3, 4).compile().sql,
          'select "id", "limit" from "t" order by "id" limit cast(? as integer) offset cast(? as integer)',
        );
        const ids = async (limit: number, offset: number) =>
          (await page(limit, offset).execute()).map((row: any) => [row.id, row.limit]);
        assert.deepEqual(await ids(3, 4), [
          [5, 50],
          [6, 60],
          [7, 70],
        ]);
        assert.deepEqual(await ids(2, 0), [
          [1, 10],
          [2, 20],
        ]);
        assert.deepEqual(await ids(5, 8), [
          [9, 90],
          [10, 100],
        ]);
        assert.match(executed.at(-1)!, /limit cast\(\? as integer\) offset cast\(\? as integer\)$/);
      } finally {
        await db.destroy();
      }
    });
  });
});
