import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createUser, type TestUser } from '../../../test/helpers/factories.js';
import { expectStatus } from '../../../test/helpers/http.js';
import { makeVideo, multipartForm, tempDir } from '../../../test/helpers/media-fixtures.js';
import { buildTestApp, type TestApp } from '../../../test/helpers/test-app.js';
import { toDbTime } from '../../db/time.js';
import { insertJob } from '../../jobs/jobs.repository.js';
import { newMediaKey } from '../../media/storage.js';
import { SWEEP_MEDIA } from './media.jobs.js';
import { uploadTempDir } from './receive-upload.js';

const HOUR_MS = 3600_000;

describe('media retention (the media.sweep job)', () => {
  let t: TestApp;
  let alice: TestUser;
  let fixtures: { dir: string; cleanup: () => Promise<void> };

  before(async () => {
    // The test runs the jobs itself.
    t = await buildTestApp({ env: { JOB_CONCURRENCY: '0', MEDIA_SYNC_WAIT_MS: '0' } });
    alice = await createUser(t);
    fixtures = await tempDir();
  });
  after(async () => {
    await t.close();
    await fixtures.cleanup();
  });

  const runSweep = async () => {
    await insertJob(t.db, { kind: SWEEP_MEDIA, payload: {} }, toDbTime(t.clock.now()));
    await t.drainJobs();
  };
  const ago = async (path: string, ms: number) => {
    const when = new Date(Date.now() - ms);
    await utimes(path, when, when);
  };
  const storedFiles = async () =>
    (await readdir(t.config.mediaDir, { recursive: true }).catch(() => [] as string[])).filter(
      (f) => /\.\w+$/.test(f),
    );
  const mediaIds = async () =>
    (await t.db.selectFrom('media').select('id').execute()).map((r) => String(r.id));

  it('a video a crash left processing (row, original, partial outputs) goes once a day old', async () => {
    const clip = await makeVideo(fixtures.dir, 'clip.mp4', { container: 'mp4', seconds: 1 });
    const { payload, headers } = multipartForm(await readFile(clip), { filename: 'clip.mp4' });
    const before = await storedFiles();
    const media = expectStatus(
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/media',
        payload,
        headers: { ...headers, ...alice.headers },
      }),
      202,
    );
    // As if the process died during the transcode: the row and the stored original remain.
    const row = await t.db
      .selectFrom('media')
      .select(['status', 'source_key'])
      .where('id', '=', Number(media.id))
      .executeTakeFirstOrThrow();
    assert.equal(row.status, 'processing');
    assert.ok((await storedFiles()).includes(row.source_key!), 'the original is referenced');
    await t.db.deleteFrom('jobs').execute();

    await runSweep();
    assert.ok((await mediaIds()).includes(media.id), 'a fresh upload stays');
    await t.db
      .updateTable('media')
      .set({ created_at: toDbTime(new Date(t.clock.now().getTime() - 25 * HOUR_MS)) })
      .where('id', '=', Number(media.id))
      .execute();
    await runSweep();
    assert.ok(!(await mediaIds()).includes(media.id), 'the row is swept');
    assert.deepEqual(await storedFiles(), before, 'with every file it named');
  });

  it('partial .tmp files in the media store older than an hour are removed, nothing else', async () => {
    const key = await newMediaKey(Buffer.from('x'), 'jpg');
    const file = join(t.config.mediaDir, key);
    await mkdir(dirname(file), { recursive: true });
    const stale = `${file}.0123456789ab.tmp`;
    const live = `${file}.ba9876543210.tmp`;
    for (const path of [file, stale, live]) await writeFile(path, 'x');
    await ago(stale, 2 * HOUR_MS);
    await ago(file, 2 * HOUR_MS);
    await ago(live, 10 * 60_000);

    await runSweep();
    const names = await readdir(dirname(file));
    assert.ok(!names.includes(stale.split('/').at(-1)!), 'the stale partial file is gone');
    assert.ok(names.includes(live.split('/').at(-1)!), 'a write under way is left alone');
    assert.ok(names.includes(key.split('/').at(-1)!), 'a finished file is never touched');
  });

  it('temp uploads and transcode folders a crash left are removed after an hour', async () => {
    const dir = uploadTempDir(t.config);
    await mkdir(join(dir, 'transcode-9-aaaaaaaaaaaa'), { recursive: true });
    await writeFile(join(dir, 'transcode-9-aaaaaaaaaaaa', 'video.mp4'), 'partial');
    await writeFile(join(dir, 'upload-orphan'), 'x');
    await writeFile(join(dir, 'upload-live'), 'x');
    await ago(join(dir, 'transcode-9-aaaaaaaaaaaa'), 2 * HOUR_MS);
    await ago(join(dir, 'upload-orphan'), 2 * HOUR_MS);

    await runSweep();
    assert.deepEqual(await readdir(dir), ['upload-live']);
  });
});
