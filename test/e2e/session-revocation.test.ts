import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadDatabaseConfig } from '../../src/config.js';
import { createDb, type Db } from '../../src/db/client.js';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';
import { freshDatabase } from '../helpers/test-app.js';

/**
 * Two replicas (real processes) on one database and one Redis: replica B remembers a session it
 * found live (its requests then issue no session statement), and every way a session ends,
 * taken through replica A, makes the very next request to B a 401.
 */
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PASSWORD = 'a-good-password';
let dir: string;
let database: { url: string; drop(): Promise<void> };
let db: Db;
let a: ServerProcess;
let b: ServerProcess;

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'photogram-session-revocation-'));
  database = await freshDatabase(dir);
  const env = {
    DATABASE_URL: database.url,
    DATA_DIR: dir,
    JWT_SECRET: 'revocation-secret-revocation-secret-0123456789',
    LOG_LEVEL: 'warn',
    REDIS_URL,
    REDIS_KEY_PREFIX: `test-${randomBytes(6).toString('hex')}:`,
    // The statement count of each answer, to see the cache at work.
    SERVER_TIMING: '1',
    AUTH_RATE_LIMIT_PER_MIN: '1000',
    WRITE_RATE_LIMIT_PER_5MIN: '0',
  };
  // One after the other: both would migrate the new database at once.
  a = await startServerProcess(env);
  b = await startServerProcess(env);
  db = createDb(loadDatabaseConfig({ DATABASE_URL: database.url, DATA_DIR: dir }).database);
});
after(async () => {
  for (const server of [a, b]) {
    if (server?.process.exitCode === null) server.process.kill('SIGTERM');
  }
  await db?.destroy();
  await database?.drop();
  await rm(dir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  body: any;
  queries: number;
}

async function call(
  server: ServerProcess,
  method: string,
  url: string,
  token: string | null,
  body?: object,
): Promise<Answer> {
  const response = await fetch(`${server.base}/api/v1${url}`, {
    method,
    headers: {
      ...(token && { authorization: `Bearer ${token}` }),
      ...(body && { 'content-type': 'application/json' }),
    },
    ...(body && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  const timing = /queries=(\d+)/.exec(response.headers.get('server-timing') ?? '');
  return {
    status: response.status,
    body: text ? JSON.parse(text) : undefined,
    queries: timing ? Number(timing[1]) : NaN,
  };
}

interface Login {
  userId: number;
  username: string;
  access_token: string;
  refresh_token: string;
}

let sequence = 0;
async function signup(): Promise<Login> {
  const username = `rev${process.pid}_${++sequence}`;
  const answer = await call(a, 'POST', '/auth/signup', null, {
    username,
    email: `${username}@example.com`,
    password: PASSWORD,
  });
  assert.equal(answer.status, 201, JSON.stringify(answer.body));
  return { userId: Number(answer.body.user.id), username, ...answer.body };
}

async function login(username: string): Promise<Login> {
  const answer = await call(a, 'POST', '/auth/login', null, { username, password: PASSWORD });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return { userId: Number(answer.body.user.id), username, ...answer.body };
}

/**
 * GET /me on B until the session is cached there: the answer costs one statement fewer than the
 * first (B subscribes to revocations shortly after it starts; until then it does not cache).
 * The statement counts of the first answer and of the cached one.
 */
async function cachedOnB(token: string): Promise<{ first: number; cached: number }> {
  const first = await call(b, 'GET', '/me', token);
  assert.equal(first.status, 200);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const again = await call(b, 'GET', '/me', token);
    assert.equal(again.status, 200);
    if (again.queries < first.queries) return { first: first.queries, cached: again.queries };
    assert.ok(Date.now() < deadline, `B never cached the session (${again.queries} statements)`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const meOnB = async (token: string) => (await call(b, 'GET', '/me', token)).status;

describe('a session cached on one replica ends there at once when another ends it', () => {
  test('a cached request issues no session statement', async () => {
    const user = await signup();
    const { first, cached } = await cachedOnB(user.access_token);
    // The session statement, and only it, is gone; and it stays gone.
    assert.equal(cached, first - 1);
    const again = await call(b, 'GET', '/me', user.access_token);
    assert.equal(again.status, 200);
    assert.equal(again.queries, cached);
  });

  test('logout', async () => {
    const user = await signup();
    await cachedOnB(user.access_token);
    assert.equal(
      (await call(a, 'POST', '/auth/logout', null, { refresh_token: user.refresh_token })).status,
      204,
    );
    assert.equal(await meOnB(user.access_token), 401);
  });

  test('DELETE /me/sessions/{id} and "log out everywhere else"', async () => {
    const user = await signup();
    const [phone, tablet] = [await login(user.username), await login(user.username)];
    await cachedOnB(phone.access_token);
    await cachedOnB(tablet.access_token);
    const sessions = await call(a, 'GET', '/me/sessions', user.access_token);
    const ids = (sessions.body.data as { id: string; current: boolean }[])
      .filter((s) => !s.current)
      .map((s) => s.id);
    // Newest first: the tablet's login, then the phone's.
    assert.equal(
      (await call(a, 'DELETE', `/me/sessions/${ids[0]}`, user.access_token)).status,
      204,
    );
    assert.equal(await meOnB(tablet.access_token), 401);
    assert.equal(await meOnB(phone.access_token), 200);
    assert.equal((await call(a, 'DELETE', '/me/sessions', user.access_token)).status, 204);
    assert.equal(await meOnB(phone.access_token), 401);
    assert.equal(await meOnB(user.access_token), 200);
  });

  test('a reused refresh token', async () => {
    const user = await signup();
    const rotated = await call(a, 'POST', '/auth/refresh', null, {
      refresh_token: user.refresh_token,
    });
    assert.equal(rotated.status, 200);
    await cachedOnB(rotated.body.access_token);
    const reuse = await call(a, 'POST', '/auth/refresh', null, {
      refresh_token: user.refresh_token,
    });
    assert.equal(reuse.status, 401);
    assert.equal(await meOnB(rotated.body.access_token), 401);
  });

  test('a password change ends the other sessions', async () => {
    const user = await signup();
    const other = await login(user.username);
    await cachedOnB(other.access_token);
    await cachedOnB(user.access_token);
    const change = await call(a, 'POST', '/me/password', user.access_token, {
      current_password: PASSWORD,
      new_password: 'another-good-password',
    });
    assert.equal(change.status, 204, JSON.stringify(change.body));
    assert.equal(await meOnB(other.access_token), 401);
    assert.equal(await meOnB(user.access_token), 200);
  });

  test('suspension', async () => {
    const [user, admin] = [await signup(), await signup()];
    await db.updateTable('users').set({ role: 'admin' }).where('id', '=', admin.userId).execute();
    await cachedOnB(user.access_token);
    const report = await call(a, 'POST', '/reports', admin.access_token, {
      target_type: 'user',
      target_id: String(user.userId),
      reason: 'spam',
    });
    assert.equal(report.status, 201, JSON.stringify(report.body));
    const resolve = await call(
      a,
      'POST',
      `/admin/reports/${report.body.id}/resolve`,
      admin.access_token,
      { action: 'suspend_user', note: 'spam' },
    );
    assert.equal(resolve.status, 200, JSON.stringify(resolve.body));
    assert.equal(await meOnB(user.access_token), 401);
  });

  test('deactivation', async () => {
    const user = await signup();
    await cachedOnB(user.access_token);
    const close = await call(a, 'DELETE', '/me', user.access_token, { password: PASSWORD });
    assert.equal(close.status, 204, JSON.stringify(close.body));
    assert.equal(await meOnB(user.access_token), 401);
  });

  test('a password reset ends every session', async () => {
    const user = await signup();
    await cachedOnB(user.access_token);
    const email = `${user.username}@example.com`;
    assert.equal((await call(a, 'POST', '/auth/password-reset', null, { email })).status, 202);
    const token = await mailedResetToken(email);
    const confirm = await call(a, 'POST', '/auth/password-reset/confirm', null, {
      token,
      new_password: 'a-reset-good-password',
    });
    assert.equal(confirm.status, 204, JSON.stringify(confirm.body));
    assert.equal(await meOnB(user.access_token), 401);
  });
});

/** The token of the reset mail to `to`, from the files replica A writes without SMTP. */
async function mailedResetToken(to: string): Promise<string> {
  const folder = path.join(dir, 'mail');
  const deadline = Date.now() + 10_000;
  for (;;) {
    const names = await readdir(folder).catch(() => [] as string[]);
    for (const name of names) {
      // Quoted-printable: soft line breaks and "=" itself are encoded.
      const text = (await readFile(path.join(folder, name), 'utf8'))
        .replace(/=\r?\n/g, '')
        .replace(/=3D/g, '=');
      const token = /reset-password\?token=([\w-]+)/.exec(text)?.[1];
      if (token && text.includes(to)) return token;
    }
    assert.ok(Date.now() < deadline, `no reset mail to ${to}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
