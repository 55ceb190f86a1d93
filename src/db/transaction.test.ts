import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { createDb } from './client.js';
import { inTransaction } from './transaction.js';

const isSqlite = !process.env.TEST_DATABASE_URL;

/** A second process committing a write every millisecond to the same file, like a replica. */
const OTHER_WRITER = `
const Database = require('better-sqlite3');
const db = new Database(process.argv[1]);
db.pragma('busy_timeout = 5000');
const write = db.prepare('update counter set other = other + 1 where id = 1');
const stopAt = Date.now() + Number(process.argv[2]);
(function loop() {
  if (Date.now() > stopAt) return db.close();
  write.run();
  setTimeout(loop, 1);
})();
`;

describe('inTransaction on SQLite with another process writing', () => {
  test('read-then-write transactions neither fail nor lose updates', async (ctx) => {
    if (!isSqlite) return ctx.skip('SQLite only: two processes on one file');
    const dir = mkdtempSync(path.join(tmpdir(), 'photogram-trx-'));
    const file = path.join(dir, 'db.sqlite');
    const db = createDb({ dialect: 'sqlite', file });
    try {
      await sql`create table counter (id integer primary key, mine integer, other integer)`.execute(
        db,
      );
      await sql`insert into counter values (1, 0, 0)`.execute(db);
      const other = spawn(process.execPath, ['-e', OTHER_WRITER, file, '1500'], {
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      const otherExit = new Promise<number | null>((resolve) => other.once('exit', resolve));
      await new Promise((resolve) => setTimeout(resolve, 100));
      const increments = 200;
      for (let i = 0; i < increments; i++) {
        await inTransaction(db, async (trx) => {
          // Read first, give the other process time to commit, then write: a deferred
          // transaction fails here with SQLITE_BUSY_SNAPSHOT.
          const row = await trx
            .selectFrom('counter' as never)
            .select(sql<number>`mine`.as('mine'))
            .executeTakeFirstOrThrow();
          await new Promise((resolve) => setTimeout(resolve, 2));
          await sql`update counter set mine = ${row.mine + 1} where id = 1`.execute(trx);
        });
      }
      assert.equal(await otherExit, 0, 'the other writer failed');
      const final = await sql<{
        mine: number;
        other: number;
      }>`select mine, other from counter`.execute(db);
      assert.equal(final.rows[0]!.mine, increments);
      assert.ok(final.rows[0]!.other > 0, 'the other process never wrote');
    } finally {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
