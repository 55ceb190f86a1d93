import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { loadDatabaseConfig } from '../../src/config.js';
import { createDb, type Db } from '../../src/db/client.js';
import { toDbTime } from '../../src/db/time.js';
import { insertJobs } from '../../src/jobs/jobs.repository.js';
import { BACKFILL } from '../../src/modules/timeline/timeline.jobs.js';
import { freePort, type ServerProcess, startServerProcess } from '../helpers/server-process.js';
import { freshDatabase } from '../helpers/test-app.js';

/**
 * Two replicas with two workers each on one database take disjoint jobs: every job is claimed
 * exactly once (its attempt count says so), and the runs the replicas' /metrics count add up
 * to the number of jobs. Real processes; on MariaDB (TEST_DATABASE_URL) the claims use SKIP LOCKED, on
 * SQLite a write transaction.
 */
const JOBS = 1000;
let dir: string;
let database: { url: string; drop(): Promise<void> };
let db: Db | undefined;
const servers: ServerProcess[] = [];

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'photogram-fault-replicas-'));
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

const start = async () => {
  const metricsPort = await freePort();
  const server = await startServerProcess({
    METRICS_PORT: String(metricsPort),
    DATABASE_URL: database.url,
    DATA_DIR: dir,
    JWT_SECRET: 'fault-secret-fault-secret-fault-secret-0123',
    LOG_LEVEL: 'warn',
    JOB_CONCURRENCY: '2',
  });
  servers.push(server);
  const scrape = async () => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  return { ...server, scrape };
};

/** The value of one series in a scrape (0 when absent). */
const sample = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
};

test('two replicas claim disjoint jobs: each of 1,000 runs once', async () => {
  const replicas = [await start(), await start()];
  db = createDb(loadDatabaseConfig({ DATABASE_URL: database.url, DATA_DIR: dir }).database);
  // Backfills between accounts that do not exist: each run is a real claim, a (no-op)
  // statement and a finish, so the claims race for the whole run.
  // Due 2 s from now, so both replicas' polls (every second) meet them at about the same time.
  const due = toDbTime(new Date(Date.now() + 2_000));
  const jobs = Array.from({ length: JOBS }, (_, k) => ({
    kind: BACKFILL,
    payload: { follower_id: 1_000_000 + k, author_id: 2_000_000 + k },
    runAt: due,
  }));
  // And three for later: queued, not due, so the depth gauge counts them and no one runs them.
  const later = toDbTime(new Date(Date.now() + 3_600_000));
  const waiting = Array.from({ length: 3 }, (_, k) => ({
    kind: 'timeline.fan_out',
    payload: { post_id: 3_000_000 + k, author_id: 3_000_000 + k },
    runAt: later,
  }));
  await db
    .transaction()
    .execute((trx) => insertJobs(trx, [...jobs, ...waiting], toDbTime(new Date())));

  const deadline = Date.now() + 120_000;
  let done = 0;
  while (Date.now() < deadline) {
    const row = await db
      .selectFrom('jobs')
      .select(sql<number>`count(*)`.as('n'))
      .where('status', '=', 'done')
      .executeTakeFirstOrThrow();
    done = Number(row.n);
    if (done === JOBS) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.equal(done, JOBS, 'every job finished');
  const attempts = await db
    .selectFrom('jobs')
    .select(['attempts', sql<number>`count(*)`.as('n')])
    .where('kind', '=', BACKFILL)
    .groupBy('attempts')
    .execute();
  assert.deepEqual(
    attempts.map((row) => [Number(row.attempts), Number(row.n)]),
    [[1, JOBS]],
    'no job was claimed twice',
  );

  const scrapes = await Promise.all(replicas.map((replica) => replica.scrape()));
  const ran = scrapes.map((text) =>
    sample(text, `job_run_duration_seconds_count{kind="${BACKFILL}",outcome="ok"}`),
  );
  assert.equal(
    ran.reduce((a, b) => a + b, 0),
    JOBS,
    `the runs the replicas report: ${ran}`,
  );
  // Which replica ran how many depends on scheduling; disjointness is what must hold.
  console.log(`jobs run per replica: ${ran.join(', ')}`);
  for (const text of scrapes) {
    assert.equal(sample(text, 'job_queue_depth{kind="timeline.fan_out"}'), 3);
    assert.equal(sample(text, 'job_queue_oldest_age_seconds{kind="timeline.fan_out"}'), 0);
    assert.equal(sample(text, `job_queue_depth{kind="${BACKFILL}"}`), 0, 'nothing left');
  }
  for (const replica of replicas) {
    replica.process.kill('SIGTERM');
    await once(replica.process, 'exit');
  }
});
