import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { createUser, follow } from '../../test/helpers/factories.js';
import { createPost } from '../../test/helpers/posts-factories.js';
import { buildTestApp, type TestApp } from '../../test/helpers/test-app.js';
import { toDbTime } from '../db/time.js';
import { insertJobs } from './jobs.repository.js';

/** `npm run jobs` and `npm run timeline:rebuild` as operators run them: real processes. */
let t: TestApp;
before(async () => {
  t = await buildTestApp({ env: { JOB_CONCURRENCY: '0' } });
});
after(async () => t.close());

async function run(script: string, ...args: string[]) {
  const { stdout } = await promisify(execFile)('npx', ['tsx', script, ...args], {
    env: {
      ...process.env,
      DATABASE_URL: t.config.databaseUrl,
      DATA_DIR: t.config.dataDir,
      JWT_SECRET: t.config.jwtSecret,
    },
  });
  return stdout;
}

test('npm run jobs lists failed jobs with their error and queues them again', async () => {
  const now = toDbTime(t.clock.now());
  await insertJobs(t.db, [{ kind: 'test.cli', payload: { n: 1 } }], now);
  await t.db
    .updateTable('jobs')
    .set({ status: 'failed', last_error: 'disk full', attempts: 8, finished_at: now })
    .where('kind', '=', 'test.cli')
    .execute();
  const { id } = await t.db
    .selectFrom('jobs')
    .select('id')
    .where('kind', '=', 'test.cli')
    .executeTakeFirstOrThrow();

  const listed = await run('src/jobs/cli.ts', '--failed');
  assert.match(listed, new RegExp(`^${id}\\ttest\\.cli\\tattempts 8\\t.*\\n\\tdisk full`, 'm'));
  assert.match(await run('src/jobs/cli.ts', '--retry', String(id)), /^1 failed job queued again/);
  const job = await t.db
    .selectFrom('jobs')
    .select(['status', 'attempts'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  assert.deepEqual(job, { status: 'queued', attempts: 0 });
  assert.match(await run('src/jobs/cli.ts', '--failed'), /No failed jobs/);
});

test('npm run timeline:rebuild restores a reader’s home timeline from follows and posts', async () => {
  const [reader, author] = [await createUser(t), await createUser(t)];
  await follow(t, reader, author);
  await createPost(t, author);
  await createPost(t, reader);
  await t.db.deleteFrom('home_timeline').where('user_id', '=', reader.id).execute();

  const output = await run('src/modules/timeline/timeline.cli.ts', '--user', reader.username);
  assert.match(output, new RegExp(`timeline of ${reader.username}: 2 posts`));
  const rows = await t.db
    .selectFrom('home_timeline')
    .select('author_id')
    .where('user_id', '=', reader.id)
    .execute();
  assert.deepEqual(rows.map((row) => row.author_id).sort(), [author.id, reader.id].sort());

  assert.match(
    await run('src/modules/timeline/timeline.cli.ts', '--all'),
    /Rebuilt the home timelines of user ids/,
  );
});
