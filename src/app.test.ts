import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, type TestApp } from '../test/helpers/test-app.js';

describe('failed SQL statements', () => {
  let t: TestApp;
  const lines: Record<string, unknown>[] = [];
  before(async () => {
    // The test app passes in a database it opened itself, as src/server.ts does.
    t = await buildTestApp({
      env: { LOG_LEVEL: 'warn' },
      logStream: { write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) },
    });
  });
  after(() => t.close());

  it('are logged with their SQL and error, on a database the caller opened', async () => {
    await assert.rejects(sql`select no_such_column from users`.execute(t.db));
    await assert.rejects(
      t.db
        .selectFrom('users')
        .select(sql<number>`missing_column`.as('x'))
        .execute(),
    );
    const failed = lines.filter((line) => line.msg === 'sql statement failed');
    assert.equal(failed.length, 2, JSON.stringify(lines));
    assert.match(String(failed[0]!.sql), /select no_such_column from users/);
    assert.match(String(failed[1]!.sql), /missing_column/);
    for (const line of failed) {
      assert.equal(line.level, 40, 'logged as a warning');
      assert.match(
        String((line.err as { message?: string }).message),
        /no_such_column|missing_column|Unknown column/,
      );
    }
  });

  it('are logged no more once the app is closed', async () => {
    const logged = lines.length;
    await t.app.close();
    await assert.rejects(sql`select still_missing from users`.execute(t.db));
    assert.equal(lines.length, logged);
  });
});
