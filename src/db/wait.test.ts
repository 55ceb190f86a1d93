import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDb } from './client.js';
import { waitForDatabase } from './wait.js';

test('an unreachable database is retried with growing delays, then reported as down', async () => {
  // Nothing listens on this port: each attempt fails at once with ECONNREFUSED.
  const db = createDb({ dialect: 'mysql', url: 'mysql://root@127.0.0.1:3399/none' });
  const messages: string[] = [];
  try {
    assert.equal(
      await waitForDatabase(db, (m) => messages.push(m), { attempts: 3, firstDelayMs: 5 }),
      false,
    );
  } finally {
    await db.destroy();
  }
  assert.equal(messages.length, 3);
  assert.match(messages[0]!, /attempt 1\/3\): .*ECONNREFUSED.*; retrying in 5 ms$/);
  assert.match(messages[1]!, /attempt 2\/3\).*; retrying in 10 ms$/);
  // The last attempt is not followed by a retry, so it must not announce one.
  assert.doesNotMatch(messages[2]!, /retrying/);
});

test('a reachable database answers at the first attempt', async () => {
  const db = createDb({ dialect: 'sqlite', file: ':memory:' });
  const messages: string[] = [];
  try {
    assert.equal(await waitForDatabase(db, (m) => messages.push(m)), true);
  } finally {
    await db.destroy();
  }
  assert.deepEqual(messages, []);
});

test(
  'an unknown MySQL database is reported at once, not retried',
  {
    skip: !process.env.TEST_DATABASE_URL && 'needs TEST_DATABASE_URL (MySQL)',
  },
  async () => {
    const url = new URL(process.env.TEST_DATABASE_URL ?? 'mysql://localhost/x');
    url.pathname = '/photogram_no_such_database';
    const db = createDb({ dialect: 'mysql', url: url.toString() });
    const messages: string[] = [];
    try {
      await assert.rejects(
        waitForDatabase(db, (m) => messages.push(m), { attempts: 3, firstDelayMs: 5 }),
        /refused the connection: Unknown database 'photogram_no_such_database'/,
      );
    } finally {
      await db.destroy();
    }
    assert.deepEqual(messages, []);
  },
);
