import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { hash } from '@node-rs/argon2';
import { sql } from 'kysely';
import { createConnection } from 'mysql2/promise';
import { insertRows } from '../../scripts/bench/bulk.js';
import { anchorOf, BENCH_PASSWORD, username, userRows } from '../../scripts/bench/dataset.js';
import { loadDatabaseConfig } from '../../src/config.js';
import { createDb, type Db } from '../../src/db/client.js';
import { toDbTime } from '../../src/db/time.js';
import { tableColumns } from '../../src/db/types.js';
import { makeImage } from '../helpers/media-fixtures.js';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';
import { freshDatabase } from '../helpers/test-app.js';

/**
 * Fault: the process fanning out a post by an author with 10,000 followers is killed with
 * SIGKILL. After a restart every follower's timeline has the post exactly once. Real processes;
 * SQLite, or MariaDB with TEST_DATABASE_URL. On MariaDB the kill lands while the fan-out's
 * last batch is half done: the test's own transaction holds the last follower's timeline row
 * (uncommitted), so the fan-out waits on it with the earlier batches committed and the last
 * one's other rows written but not committed.
 */
const FOLLOWERS = 10_000;
const AUTHOR = 1;
let dir: string;
let database: { url: string; drop(): Promise<void> };
let db: Db;
const servers: ServerProcess[] = [];
const onMysql = () => database.url.startsWith('mysql');

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'photogram-fault-fanout-'));
  database = await freshDatabase(dir);
});
after(async () => {
  for (const server of servers) {
    if (server.process.exitCode === null) server.process.kill('SIGKILL');
  }
  await db?.destroy();
  await database.drop();
  await rm(dir, { recursive: true, force: true });
});

const start = async (env: Record<string, string> = {}) => {
  const server = await startServerProcess({
    DATABASE_URL: database.url,
    DATA_DIR: dir,
    JWT_SECRET: 'fault-secret-fault-secret-fault-secret-0123',
    LOG_LEVEL: 'warn',
    TEST_CLOCK: '1',
    JOB_CONCURRENCY: '1',
    WRITE_RATE_LIMIT_PER_5MIN: '0',
    UPLOAD_RATE_LIMIT_PER_30MIN: '0',
    ...env,
  });
  servers.push(server);
  return server;
};

/** The author (user 1) and 10,000 accounts that follow it, written in bulk. */
async function seedFollowers(): Promise<void> {
  const anchor = anchorOf(new Date());
  const [users, profiles] = userRows(1, FOLLOWERS + 1, await hash(BENCH_PASSWORD), anchor);
  const now = toDbTime(new Date());
  const follows = Array.from({ length: FOLLOWERS }, (_, k) => [
    k + 1,
    k + 2,
    AUTHOR,
    'accepted',
    now,
  ]);
  await db.transaction().execute(async (trx) => {
    await insertRows(trx, 'users', tableColumns.users, users!);
    await insertRows(trx, 'profiles', tableColumns.profiles, profiles!);
    await insertRows(trx, 'follows', tableColumns.follows, follows);
    await trx
      .updateTable('profiles')
      .set({ followers_count: FOLLOWERS })
      .where('user_id', '=', AUTHOR)
      .execute();
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms: number) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The post's fan-out job; `held` while a worker has claimed it and not finished it. */
async function fanOutJob() {
  const job = await db
    .selectFrom('jobs')
    .select(['status', 'attempts', 'locked_by'])
    .where('kind', '=', 'timeline.fan_out')
    .executeTakeFirst();
  if (!job) return undefined;
  const held = job.status === 'queued' && job.locked_by !== null;
  return { status: held ? 'held' : job.status, attempts: job.attempts };
}

const timelineRows = async (postId: number) => {
  const row = await db
    .selectFrom('home_timeline')
    .select([
      sql<number>`count(*)`.as('rows'),
      sql<number>`count(distinct user_id)`.as('followers'),
    ])
    .where('post_id', '=', postId)
    .executeTakeFirstOrThrow();
  return { rows: Number(row.rows), followers: Number(row.followers) };
};

test('kill -9 while a post by an author with 10,000 followers fans out: after a restart each follower has it once', async () => {
  const first = await start();
  db = createDb(loadDatabaseConfig({ DATABASE_URL: database.url, DATA_DIR: dir }).database);
  await seedFollowers();

  const login = await fetch(`${first.base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: username(AUTHOR), password: BENCH_PASSWORD }),
  });
  assert.equal(login.status, 200, await login.clone().text());
  const auth = {
    authorization: `Bearer ${((await login.json()) as { access_token: string }).access_token}`,
  };
  const form = new FormData();
  form.append('file', new File([await makeImage('jpeg', 320, 240)], 'a.jpg'));
  const media = await fetch(`${first.base}/api/v1/media`, {
    method: 'POST',
    headers: auth,
    body: form,
  });
  assert.equal(media.status, 201, await media.clone().text());
  const mediaId = ((await media.json()) as { id: string }).id;

  // MariaDB: the last follower's row for the coming post (id 1 in this fresh database), written
  // and not committed, so the fan-out's insert waits on it mid-statement.
  const blocker = onMysql() ? await createConnection({ uri: database.url }) : undefined;
  if (blocker) {
    await blocker.query('BEGIN');
    await blocker.query(
      'INSERT INTO home_timeline (user_id, post_id, author_id, created_at) VALUES (?, 1, ?, ?)',
      [FOLLOWERS + 1, AUTHOR, toDbTime(new Date())],
    );
  }
  const created = await fetch(`${first.base}/api/v1/posts`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ media_ids: [mediaId], caption: 'to all ten thousand' }),
  });
  assert.equal(created.status, 201, await created.clone().text());
  const postId = Number(((await created.json()) as { id: string }).id);
  assert.equal(postId, 1);

  if (blocker) {
    await until(
      'the fan-out to be running',
      async () => ((await fanOutJob())?.status === 'held' ? true : undefined),
      30_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 500)); // let it reach the held row
  }
  first.process.kill('SIGKILL');
  await once(first.process, 'exit');
  if (blocker) {
    await blocker.query('ROLLBACK');
    await blocker.end();
  }
  const afterKill = await timelineRows(postId);
  console.log(`timeline rows of the post right after the kill: ${afterKill.rows}`);
  // The fan-out commits in batches of followers, so a kill may leave some batches written.
  assert.ok(
    afterKill.rows >= 1 && afterKill.rows <= FOLLOWERS + 1,
    `the author's own row, and at most every follower once: ${afterKill.rows}`,
  );
  // Whether MariaDB finished the dead client's statement or not, its job was never marked done.
  if (blocker) assert.equal((await fanOutJob())?.status, 'held', 'the job is still claimed');

  const second = await start();
  // Past the killed worker's lease (60 s) on this process's clock, instead of waiting for it.
  const moved = await fetch(`${second.base}/api/v1/test/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ offset_ms: 61_000 }),
  });
  assert.equal(moved.status, 204);
  await until(
    'the fan-out to finish',
    async () => ((await fanOutJob())?.status === 'done' ? true : undefined),
    120_000,
  );
  assert.deepEqual(
    await timelineRows(postId),
    { rows: FOLLOWERS + 1, followers: FOLLOWERS + 1 },
    'every follower (and the author) exactly once',
  );
  const job = await fanOutJob();
  if (blocker) assert.equal(job?.attempts, 2, 'taken again after the kill');

  // A follower's feed over HTTP shows it.
  const follower = await fetch(`${second.base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: username(FOLLOWERS + 1), password: BENCH_PASSWORD }),
  });
  const token = ((await follower.json()) as { access_token: string }).access_token;
  const feed = await fetch(`${second.base}/api/v1/feed`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const page = (await feed.json()) as { data: { id: string }[] };
  assert.deepEqual(
    page.data.map((p) => p.id),
    [String(postId)],
  );

  second.process.kill('SIGTERM');
  await once(second.process, 'exit');
});
