import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import Database from 'better-sqlite3';
import { Kysely, type LogEvent, sql } from 'kysely';
import { createDb, onStatement, openSqlite } from './client.js';
import { runWithQueryStats } from './query-count.js';
import { AppSqliteDialect } from './sqlite-dialect.js';
import { inTransaction } from './transaction.js';

const isSqlite = !process.env.TEST_DATABASE_URL;

/** A database file with a table `t`, opened by createDb, and closed and removed after the test. */
async function openDb(ctx: TestContext) {
  const dir = mkdtempSync(path.join(tmpdir(), 'photogram-driver-'));
  const file = path.join(dir, 'db.sqlite');
  const events: LogEvent[] = [];
  const db = createDb({ dialect: 'sqlite', file }, { onQuery: (event) => events.push(event) });
  ctx.after(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });
  await sql`create table t (id integer primary key, name text not null)`.execute(db);
  return { db, file, events };
}

/** A second connection to the same file, as another process would have, that does not wait. */
function otherConnection(ctx: TestContext, file: string): Database.Database {
  const other = new Database(file);
  other.pragma('busy_timeout = 0');
  ctx.after(() => other.close());
  return other;
}

const names = async (db: Kysely<any>) =>
  (await sql<{ name: string }>`select name from t order by id`.execute(db)).rows.map((r) => r.name);

/** Resolves once the event loop has turned a few times (for promises that should stay pending). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('SQLite driver', () => {
  test('a transaction takes the write lock when it begins (begin immediate)', async (ctx) => {
    if (!isSqlite) return ctx.skip('SQLite only');
    const { db, file, events } = await openDb(ctx);
    const other = otherConnection(ctx, file);
    await inTransaction(db, async () => {
      // No statement has run in the transaction yet: a deferred `begin` would hold no lock.
      assert.throws(() => other.prepare(`insert into t (name) values ('other')`).run(), {
        code: 'SQLITE_BUSY',
      });
    });
    other.prepare(`insert into t (name) values ('other')`).run();
    assert.ok(events.some((e) => e.query.sql === 'begin immediate'));
    assert.equal(events.at(-1)?.query.sql, 'commit');
  });

  test('statements outside a transaction wait for it and never see its rows', async (ctx) => {
    if (!isSqlite) return ctx.skip('SQLite only');
    const { db } = await openDb(ctx);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let inserted!: () => void;
    const insertDone = new Promise<void>((resolve) => (inserted = resolve));
    const writer = inTransaction(db, async (trx) => {
      await sql`insert into t (name) values ('pending')`.execute(trx);
      assert.deepEqual(await names(trx), ['pending'], 'the transaction sees its own row');
      inserted();
      await gate;
    });
    await insertDone;
    const order: string[] = [];
    const read = names(db).then((rows) => (order.push('read'), rows));
    const write = sql`insert into t (name) values ('later')`
      .execute(db)
      .then(() => order.push('write'));
    const second = inTransaction(db, async (trx) => {
      order.push('second transaction');
      return names(trx);
    });
    await settle();
    assert.deepEqual(order, [], 'a statement ran while another transaction was open');
    release();
    await writer;
    assert.deepEqual(await read, ['pending']);
    await write;
    assert.equal((await second)[0], 'pending', 'the second transaction began after the first');
  });

  test('a plain statement needs no turn: it runs while another acquirer holds a connection', async (ctx) => {
    if (!isSqlite) return ctx.skip('SQLite only');
    const { db } = await openDb(ctx);
    // Kysely's own SQLite driver holds one mutex per acquired connection: this would deadlock.
    const inside = await db.connection().execute(async (connection) => {
      await sql`insert into t (name) values ('a')`.execute(connection);
      await sql`insert into t (name) values ('b')`.execute(db);
      return names(connection);
    });
    assert.deepEqual(inside, ['a', 'b']);
  });

  test('a statement that fails in a transaction rolls it back and frees the database', async (ctx) => {
    if (!isSqlite) return ctx.skip('SQLite only');
    const { db, file, events } = await openDb(ctx);
    const failed: LogEvent[] = [];
    onStatement(db, (event) => event.level === 'error' && failed.push(event));
    await assert.rejects(
      inTransaction(db, async (trx) => {
        await sql`insert into t (name) values ('gone')`.execute(trx);
        await sql`insert into t (name) values (null)`.execute(trx);
      }),
      { code: 'SQLITE_CONSTRAINT_NOTNULL' },
    );
    assert.equal(failed.length, 1);
    assert.match(failed[0]!.query.sql, /values \(null\)/);
    assert.equal(events.at(-1)?.query.sql, 'rollback');
    assert.deepEqual(await names(db), []);
    otherConnection(ctx, file).prepare(`insert into t (name) values ('other')`).run();
    await inTransaction(db, (trx) => sql`insert into t (name) values ('next')`.execute(trx));
    assert.deepEqual(await names(db), ['other', 'next']);
  });

  test('SQLITE_BUSY from begin immediate reaches inTransaction, which tries again', async (ctx) => {
    if (!isSqlite) return ctx.skip('SQLite only');
    const { db, file } = await openDb(ctx);
    await sql`pragma busy_timeout = 0`.execute(db);
    const other = otherConnection(ctx, file);
    other.exec('begin immediate');
    const begins: string[] = [];
    onStatement(db, (event) => event.query.sql === 'begin immediate' && begins.push(event.level));
    setTimeout(() => other.exec('commit'), 10);
    await inTransaction(db, (trx) => sql`insert into t (name) values ('after')`.execute(trx));
    assert.equal(begins[0], 'error');
    assert.equal(begins.at(-1), 'query');
    assert.deepEqual(await names(db), ['after']);
  });

  test('every statement is counted and timed, transactions included', async (ctx) => {
    if (!isSqlite) return ctx.skip('SQLite only');
    const { db } = await openDb(ctx);
    const stats = { count: 0, ms: 0 };
    await runWithQueryStats(stats, async () => {
      await names(db);
      await inTransaction(db, (trx) => sql`insert into t (name) values ('x')`.execute(trx));
      await assert.rejects(sql`select nope from t`.execute(db));
    });
    assert.equal(stats.count, 5, 'select, begin, insert, commit, the failed select');
    assert.ok(stats.ms > 0);
  });

  test('destroy closes the connection', async (ctx) => {
    if (!isSqlite) return ctx.skip('SQLite only');
    const dir = mkdtempSync(path.join(tmpdir(), 'photogram-driver-'));
    ctx.after(() => rmSync(dir, { recursive: true, force: true }));
    const sqlite = openSqlite(path.join(dir, 'db.sqlite'));
    const db = new Kysely<any>({ dialect: new AppSqliteDialect({ database: sqlite }) });
    assert.deepEqual((await sql`select 1 as one`.execute(db)).rows, [{ one: 1 }]);
    await db.destroy();
    assert.equal(sqlite.open, false);
  });
});
