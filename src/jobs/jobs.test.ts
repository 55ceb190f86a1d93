import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser, follow } from '../../test/helpers/factories.js';
import { expectStatus } from '../../test/helpers/http.js';
import { createPost, ids } from '../../test/helpers/posts-factories.js';
import { buildTestApp, type TestApp } from '../../test/helpers/test-app.js';
import { toDbTime } from '../db/time.js';
import { inTransaction } from '../db/transaction.js';
import { timelineJobHandlers } from '../modules/timeline/timeline.jobs.js';
import {
  claimJob,
  deleteFinishedJobs,
  insertJobs,
  listFailedJobs,
  queueStats,
  requeueFailedJobs,
} from './jobs.repository.js';
import { authJobHandlers } from '../modules/auth/auth.jobs.js';
import { createJobRunner, type JobHandlers } from './runner.js';
import { startSchedule } from './schedule.js';

/** The app's own workers are off (JOB_CONCURRENCY=0): each test runs the jobs it means to. */
let t: TestApp;
before(async () => {
  t = await buildTestApp({ env: { JOB_CONCURRENCY: '0' } });
});
after(async () => t.close());

const now = () => toDbTime(t.clock.now());
let offsetMs = 0;
const advance = (ms: number) => t.clock.setOffset((offsetMs += ms));
const jobsOfKind = (kind: string) =>
  t.db.selectFrom('jobs').selectAll().where('kind', '=', kind).orderBy('id').execute();

function runner(handlers: JobHandlers, concurrency = 0, errors: unknown[] = []) {
  return createJobRunner({
    db: t.db,
    handlers,
    concurrency,
    now: () => t.clock.now(),
    pollMs: 20,
    onError: (error) => errors.push(error),
  });
}

describe('the jobs table', () => {
  test('a job commits or rolls back with the change that wrote it', async () => {
    await assert.rejects(
      inTransaction(t.db, async (trx) => {
        await insertJobs(trx, [{ kind: 'test.rollback', payload: { n: 1 } }], now());
        throw new Error('the change failed');
      }),
      /the change failed/,
    );
    assert.equal((await jobsOfKind('test.rollback')).length, 0);

    await inTransaction(t.db, (trx) =>
      insertJobs(trx, [{ kind: 'test.commit', payload: { n: 2 } }], now()),
    );
    const seen: unknown[] = [];
    await runner({ 'test.commit': async (payload) => void seen.push(payload) }).drain();
    assert.deepEqual(seen, [{ n: 2 }]);
    const [job] = await jobsOfKind('test.commit');
    assert.equal(job!.status, 'done');
    assert.equal(job!.attempts, 1);
    assert.ok(job!.finished_at);
  });

  test('a failing job is retried later with backoff, then kept as failed with its error', async () => {
    await insertJobs(t.db, [{ kind: 'test.flaky', payload: {}, maxAttempts: 2 }], now());
    let calls = 0;
    const errors: unknown[] = [];
    const jobs = runner(
      {
        'test.flaky': async () => {
          calls++;
          throw new Error(`boom ${calls}`);
        },
      },
      0,
      errors,
    );
    await jobs.drain();
    let [job] = await jobsOfKind('test.flaky');
    assert.equal(calls, 1);
    assert.equal(job!.status, 'queued');
    assert.equal(job!.last_error, 'boom 1');
    assert.ok(job!.run_at > now(), 'the retry waits for its backoff');

    advance(5 * 60_000);
    await jobs.drain();
    [job] = await jobsOfKind('test.flaky');
    assert.equal(calls, 2);
    assert.equal(job!.status, 'failed');
    assert.equal(job!.last_error, 'boom 2');
    assert.equal(errors.length, 2);
    assert.deepEqual(
      (await listFailedJobs(t.db)).map((failed) => failed.id),
      [job!.id],
    );

    assert.equal(await requeueFailedJobs(t.db, [job!.id], now()), 1);
    await runner({ 'test.flaky': async () => void calls++ }).drain();
    [job] = await jobsOfKind('test.flaky');
    assert.equal(job!.status, 'done');
    assert.equal(calls, 3);
  });

  test('a job of an unknown kind fails with a message that names the kind', async () => {
    await insertJobs(t.db, [{ kind: 'test.nobody', payload: {}, maxAttempts: 1 }], now());
    await runner({}).drain();
    const [job] = await jobsOfKind('test.nobody');
    assert.equal(job!.status, 'failed');
    assert.match(job!.last_error!, /no handler for job kind "test.nobody"/);
  });

  test('a job whose worker died is taken again when its lease ends', async () => {
    await insertJobs(t.db, [{ kind: 'test.orphan', payload: {} }], now());
    const lease = toDbTime(new Date(t.clock.now().getTime() + 60_000));
    const claimed = await claimJob(t.db, 'dead-worker', now(), lease);
    assert.equal(claimed?.kind, 'test.orphan');
    let runs = 0;
    const jobs = runner({ 'test.orphan': async () => void runs++ });
    await jobs.drain();
    assert.equal(runs, 0, 'the lease still holds');

    advance(61_000);
    await jobs.drain();
    const [job] = await jobsOfKind('test.orphan');
    assert.equal(runs, 1);
    assert.equal(job!.status, 'done');
    assert.equal(job!.attempts, 2, 'the dead worker’s attempt counts');
  });

  test('two runners on one database run every job exactly once, never one job twice at a time', async () => {
    const total = 40;
    await insertJobs(
      t.db,
      Array.from({ length: total }, (_, n) => ({ kind: 'test.parallel', payload: { n } })),
      now(),
    );
    const runs = new Map<number, number>();
    const active = new Set<number>();
    const handlers: JobHandlers = {
      'test.parallel': async (payload) => {
        const { n } = payload as { n: number };
        assert.ok(!active.has(n), `job ${n} is already running`);
        active.add(n);
        await new Promise((resolve) => setTimeout(resolve, 2));
        active.delete(n);
        runs.set(n, (runs.get(n) ?? 0) + 1);
      },
    };
    const first = runner(handlers, 3);
    const second = runner(handlers, 3);
    for (let i = 0; i < 500 && runs.size < total; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await Promise.all([first.stop(5000), second.stop(5000)]);
    assert.equal(runs.size, total);
    assert.ok(
      [...runs.values()].every((count) => count === 1),
      'a job ran twice',
    );
    const states = await jobsOfKind('test.parallel');
    assert.ok(states.every((job) => job.status === 'done' && job.attempts === 1));
  });

  test('stop finishes the running job, claims no more, and leaves the rest queued', async () => {
    await insertJobs(
      t.db,
      Array.from({ length: 3 }, (_, n) => ({ kind: 'test.slow', payload: { n } })),
      now(),
    );
    let started = 0;
    let finished = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const jobs = runner(
      {
        'test.slow': async () => {
          started++;
          await gate;
          finished++;
        },
      },
      1,
    );
    while (started === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const stopped = jobs.stop(5000);
    release();
    await stopped;
    assert.equal(started, 1);
    assert.equal(finished, 1);
    const states = (await jobsOfKind('test.slow')).map((job) => job.status);
    assert.deepEqual(states.sort(), ['done', 'queued', 'queued']);
    assert.equal((await queueStats(t.db, now())).queued >= 2, true);
  });

  test('finished jobs older than the cut-off are pruned; queued and failed ones stay', async () => {
    await insertJobs(t.db, [{ kind: 'test.prune', payload: {} }], now());
    await runner({ 'test.prune': async () => undefined }).drain();
    advance(8 * 24 * 3600_000);
    const cutoff = toDbTime(new Date(t.clock.now().getTime() - 7 * 24 * 3600_000));
    assert.ok((await deleteFinishedJobs(t.db, cutoff)) >= 1);
    assert.equal((await jobsOfKind('test.prune')).length, 0);
    assert.ok(
      (await t.db.selectFrom('jobs').select('id').where('status', '=', 'failed').execute()).length >
        0,
    );
  });
});

describe('home timeline fan-out through the jobs table', () => {
  test('the post and its fan-out job commit together; followers see it once the job ran', async () => {
    const [author, reader] = [await createUser(t), await createUser(t)];
    await follow(t, reader, author);
    const post = await createPost(t, author);
    const feed = async (user: typeof author) =>
      ids(
        expectStatus(
          await t.app.inject({ method: 'GET', url: '/api/v1/feed', headers: user.headers }),
          200,
        ),
      );
    assert.deepEqual(await feed(author), [post.id], 'the author sees the post at once');
    assert.deepEqual(await feed(reader), [], 'the feed read does not wait for the job');
    const [job] = (await jobsOfKind('timeline.fan_out')).filter(
      (row) => JSON.parse(row.payload).post_id === Number(post.id),
    );
    assert.equal(job?.status, 'queued');

    await t.drainJobs();
    assert.deepEqual(await feed(reader), [post.id]);

    // Handlers are idempotent: running the fan-out again adds nothing.
    const handlers = timelineJobHandlers({ db: t.db, config: t.config, clock: t.clock });
    await handlers['timeline.fan_out']!(JSON.parse(job!.payload));
    const rows = await t.db
      .selectFrom('home_timeline')
      .select('user_id')
      .where('post_id', '=', Number(post.id))
      .execute();
    assert.deepEqual(rows.map((row) => row.user_id).sort(), [author.id, reader.id].sort());
  });

  test('a follow’s backfill is a job, run before the follow is answered', async () => {
    const [author, reader] = [await createUser(t), await createUser(t)];
    const post = await createPost(t, author);
    const response = await t.app.inject({
      method: 'POST',
      url: `/api/v1/users/${author.username}/follow`,
      headers: reader.headers,
    });
    expectStatus(response, 200);
    const backfills = (await jobsOfKind('timeline.backfill')).filter(
      (row) => JSON.parse(row.payload).follower_id === reader.id,
    );
    assert.deepEqual(
      backfills.map((row) => [JSON.parse(row.payload), row.status]),
      [[{ follower_id: reader.id, author_id: author.id }, 'done']],
    );
    // No drainJobs(): the new follower's next read already has the author's posts.
    const feed = expectStatus(
      await t.app.inject({ method: 'GET', url: '/api/v1/feed', headers: reader.headers }),
      200,
    );
    assert.deepEqual(ids(feed), [post.id]);
  });
});

describe('recurring tasks', () => {
  test('across two replicas each run is queued once per interval, as an ordinary job', async () => {
    const tasks = [{ kind: 'test.every_minute', everyMs: 60_000 }];
    const queuedBy: string[] = [];
    const start = (name: string) =>
      startSchedule(t.db, tasks, {
        now: () => t.clock.now(),
        tickMs: 10,
        onQueued: () => queuedBy.push(name),
        onError: (error) => assert.fail(String(error)),
      });
    const stops = [start('a'), start('b')];
    const settle = () => new Promise((resolve) => setTimeout(resolve, 150));
    try {
      await settle();
      assert.equal(
        (await jobsOfKind('test.every_minute')).length,
        0,
        'the first run waits an interval',
      );
      advance(61_000);
      await settle();
      assert.equal((await jobsOfKind('test.every_minute')).length, 1);
      advance(61_000);
      await settle();
      assert.equal((await jobsOfKind('test.every_minute')).length, 2);
      assert.equal(queuedBy.length, 2);
    } finally {
      await Promise.all(stops.map((stop) => stop()));
    }
  });

  test('retention: expired and long-revoked refresh tokens go, live ones stay', async () => {
    const user = await createUser(t);
    const at = (offsetMs: number) => toDbTime(new Date(t.clock.now().getTime() + offsetMs));
    const day = 24 * 3600_000;
    const token = (hash: string, expires: number, revoked: number | null) => ({
      user_id: user.id,
      family_id: `family-${hash}`,
      token_hash: hash.padEnd(64, '0'),
      expires_at: at(expires),
      revoked_at: revoked === null ? null : at(revoked),
      created_at: at(-40 * day),
    });
    await t.db
      .insertInto('refresh_tokens')
      .values([
        token('live', day, null),
        token('expired', -1000, null),
        token('revokedold', day, -31 * day),
        token('revokednew', day, -day),
      ])
      .execute();
    const handlers = authJobHandlers({ db: t.db, clock: t.clock });
    await handlers['auth.prune_refresh_tokens']!({});
    const left = await t.db
      .selectFrom('refresh_tokens')
      .select('family_id')
      .where('user_id', '=', user.id)
      .orderBy('family_id')
      .execute();
    assert.deepEqual(
      left.map((row) => row.family_id),
      ['family-live', 'family-revokednew'],
    );
  });
});
