import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildTestApp } from '../../test/helpers/test-app.js';

describe('closing the app', () => {
  test('waits for a running handler before the database is closed', async () => {
    let started!: () => void;
    const handlerStarted = new Promise<void>((resolve) => (started = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const t = await buildTestApp({
      extend: (app) => {
        app.get('/slow', async () => {
          started();
          await gate;
          const rows = await t.db.selectFrom('users').select('id').execute();
          return { users: rows.length };
        });
      },
    });
    // inject() has no socket, like a request whose client has gone: nothing else waits for it.
    const answer = t.app.inject({ method: 'GET', url: '/slow' });
    await handlerStarted;
    let closed = false;
    const closing = t.close().then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(closed, false, 'the app closed while a handler was still running');
    release();
    const response = await answer;
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual(response.json(), { users: 0 });
    await closing;
    assert.equal(closed, true);
  });

  test('waits for a request still in its hooks (the auth lookup awaits on MySQL)', async () => {
    let started!: () => void;
    const hookStarted = new Promise<void>((resolve) => (started = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const t = await buildTestApp({
      extend: (app) => {
        app.get(
          '/slow-hook',
          {
            preHandler: async () => {
              started();
              await gate;
            },
          },
          async () => {
            const rows = await t.db.selectFrom('users').select('id').execute();
            return { users: rows.length };
          },
        );
      },
    });
    const answer = t.app.inject({ method: 'GET', url: '/slow-hook' });
    await hookStarted;
    let closed = false;
    const closing = t.close().then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(closed, false, 'the app closed while a request was in its hooks');
    release();
    const response = await answer;
    await closing;
    assert.equal(response.statusCode, 200, response.body);
  });

  test('a callback-style handler that replies later still gets its answer out', async () => {
    const t = await buildTestApp({
      extend: (app) => {
        app.get('/later', (_request, reply) => {
          setTimeout(() => void reply.send({ late: true }), 10);
        });
      },
    });
    try {
      const response = await t.app.inject({ method: 'GET', url: '/later' });
      assert.equal(response.statusCode, 200);
      assert.deepEqual(response.json(), { late: true });
    } finally {
      await t.close();
    }
  });
});
