import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { createUser, type TestUser } from '../../../test/helpers/factories.js';
import { expectStatus } from '../../../test/helpers/http.js';
import {
  ffprobeJson,
  makeVideo,
  multipartForm,
  tempDir,
} from '../../../test/helpers/media-fixtures.js';
import { buildTestApp, type TestApp } from '../../../test/helpers/test-app.js';
import { PROCESS_MEDIA } from './media.jobs.js';

const run = promisify(execFile);

/** An iPhone-like clip: HEVC (hvc1) with AAC audio and a location tag, in a QuickTime .mov. */
const makeHevcMov = (dir: string) =>
  makeVideo(dir, 'IMG_0001.mov', {
    container: 'mov',
    hevc: true,
    audio: true,
    seconds: 2,
    size: '1280x720',
    rate: 30,
    location: '+48.8577+002.2950/',
  });

/** An MP4 that plays for `seconds` while its headers (mvhd, tkhd, mdhd) claim one second. */
async function makeVideoClaimingOneSecond(dir: string, seconds: number): Promise<string> {
  const honest = await makeVideo(dir, 'honest.mp4', {
    container: 'mp4',
    seconds,
    size: '32x32',
    rate: 1,
  });
  const data = await readFile(honest);
  const box = (name: string) => data.indexOf(name);
  const mvhd = box('mvhd');
  data.writeUInt32BE(data.readUInt32BE(mvhd + 16), mvhd + 20); // duration = 1 s of its timescale
  data.writeUInt32BE(data.readUInt32BE(mvhd + 16), box('tkhd') + 24);
  const mdhd = box('mdhd');
  data.writeUInt32BE(data.readUInt32BE(mdhd + 16), mdhd + 20);
  const out = join(dir, 'liar.mp4');
  await writeFile(out, data);
  return out;
}

describe('video processing', () => {
  let t: TestApp;
  let alice: TestUser;
  let fixtures: { dir: string; cleanup: () => Promise<void> };

  before(async () => {
    t = await buildTestApp();
    alice = await createUser(t);
    fixtures = await tempDir();
  });
  after(async () => {
    await t.close();
    await fixtures.cleanup();
  });

  const upload = async (app: TestApp, path: string, user = alice) => {
    const { payload, headers } = multipartForm(await readFile(path), {
      filename: path.split('/').at(-1),
      type: 'application/octet-stream',
    });
    return app.app.inject({
      method: 'POST',
      url: '/api/v1/media',
      payload,
      headers: { ...headers, ...user.headers },
    });
  };
  const storedFiles = async (app: TestApp) =>
    (await readdir(app.config.mediaDir, { recursive: true }).catch(() => [] as string[])).filter(
      (f) => /\.\w+$/.test(f),
    );
  const fileOf = (app: TestApp, url: string) =>
    join(app.config.mediaDir, new URL(url).pathname.slice('/media/'.length));
  const mediaRow = (app: TestApp, id: string) =>
    app.db.selectFrom('media').selectAll().where('id', '=', Number(id)).executeTakeFirst();

  it('an iPhone HEVC .mov comes back as an H.264 High / AAC MP4, index first, original deleted', async () => {
    const mov = await makeHevcMov(fixtures.dir);
    assert.equal((await ffprobeJson(mov)).streams[0]?.codec_name, 'hevc', 'fixture is HEVC');
    const files = await storedFiles(t);
    const response = await upload(t, mov);
    const media = expectStatus(response, 201);
    assert.equal(response.headers.location, `/api/v1/media/${media.id}`);
    assert.equal(media.status, 'ready');
    assert.equal(media.type, 'video');
    assert.match(media.url, /\.mp4\?/);
    assert.deepEqual([media.width, media.height], [1080, 606]);
    assert.ok(Math.abs(media.duration_ms - 2000) < 100, `duration ${media.duration_ms}`);
    assert.match(media.blurhash, /^.{6,}$/);

    const probe = await ffprobeJson(fileOf(t, media.url));
    const video = probe.streams.find((s) => s.codec_type === 'video')!;
    const audio = probe.streams.find((s) => s.codec_type === 'audio')!;
    assert.deepEqual(
      [video.codec_name, video.profile, video.pix_fmt, video.width, video.height],
      ['h264', 'High', 'yuv420p', 1080, 606],
    );
    assert.equal(audio.codec_name, 'aac');
    assert.equal(probe.format.tags?.location, undefined, 'no location in the served video');
    const bytes = await readFile(fileOf(t, media.url));
    assert.ok(bytes.indexOf('moov') < bytes.indexOf('mdat'), '+faststart');

    const added = (await storedFiles(t)).filter((f) => !files.includes(f));
    assert.equal(added.length, 3, `video, poster and thumbnail only: ${added.join(', ')}`);
    const row = await mediaRow(t, media.id);
    assert.equal(row?.source_key, null, 'the original is deleted');
    assert.equal(row?.mime, 'video/mp4');
    const got = expectStatus(
      await t.app.inject({ url: `/api/v1/media/${media.id}`, headers: alice.headers }),
      200,
    );
    assert.deepEqual(got, media);
  });

  it('WebM and MKV with a video stream are accepted and transcoded to MP4', async () => {
    const webm = await makeVideo(fixtures.dir, 'clip.webm', { container: 'webm', seconds: 1 });
    const mkv = join(fixtures.dir, 'clip.mkv');
    await run('ffmpeg', ['-v', 'error', '-i', webm, '-c', 'copy', '-y', mkv]);
    for (const path of [webm, mkv]) {
      const media = expectStatus(await upload(t, path), 201);
      assert.equal(media.status, 'ready');
      const probe = await ffprobeJson(fileOf(t, media.url));
      assert.equal(probe.streams[0]?.codec_name, 'h264', path);
    }
  });

  it('refuses frames over 8K before decoding, and a file with no video stream, in words', async () => {
    const files = await storedFiles(t);
    const wide = await makeVideo(fixtures.dir, 'wide.mp4', {
      container: 'mp4',
      seconds: 0.04,
      size: '12000x120',
    });
    const tooWide = expectStatus(await upload(t, wide), 400);
    assert.match(tooWide.detail, /12000×120 pixels; at most 8192 pixels on either side/);
    const audioOnly = join(fixtures.dir, 'audio.mp4');
    await run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=duration=1', '-y', audioOnly]);
    const noVideo = expectStatus(await upload(t, audioOnly), 400);
    assert.equal(
      noVideo.detail,
      'The file is not a playable video: the file has no video stream we can decode.',
    );
    assert.deepEqual(await storedFiles(t), files, 'nothing stored');
  });

  it('measures the decoded duration, not the header: a 1 s header on 200 s is refused', async () => {
    const liar = await makeVideoClaimingOneSecond(fixtures.dir, 200);
    const header = await ffprobeJson(liar);
    assert.equal(Number(header.format.duration), 1, 'the header claims 1 s');
    const files = await storedFiles(t);
    const rows = await t.db.selectFrom('media').select('id').execute();
    const problem = expectStatus(await upload(t, liar), 400);
    assert.match(problem.detail, /plays for more than 180 s/);
    assert.doesNotMatch(problem.detail, /ffmpeg|\/tmp|Error/, 'no tool output');
    assert.deepEqual(await storedFiles(t), files, 'nothing stored');
    assert.equal((await t.db.selectFrom('media').select('id').execute()).length, rows.length);
  });

  describe('with MEDIA_SYNC_WAIT_MS=0 (always answered before the transcode)', () => {
    let slow: TestApp;
    let bob: TestUser;
    before(async () => {
      // No workers of its own: the test decides when jobs run.
      slow = await buildTestApp({ env: { MEDIA_SYNC_WAIT_MS: '0', JOB_CONCURRENCY: '0' } });
      bob = await createUser(slow);
    });
    after(() => slow.close());

    it('202 processing; posts and stories refuse it with 409 media_not_ready until it is ready', async () => {
      const clip = await makeVideo(fixtures.dir, 'slow.mp4', { container: 'mp4', seconds: 1 });
      const response = await upload(slow, clip, bob);
      const media = expectStatus(response, 202);
      assert.equal(response.headers.location, `/api/v1/media/${media.id}`);
      assert.deepEqual(
        [media.status, media.failure_reason, media.width, media.height, media.duration_ms],
        ['processing', null, 640, 360, 1000],
      );
      const get = () => slow.app.inject({ url: `/api/v1/media/${media.id}`, headers: bob.headers });
      assert.equal(expectStatus(await get(), 200).status, 'processing');

      const post = () =>
        slow.app.inject({
          method: 'POST',
          url: '/api/v1/posts',
          headers: bob.headers,
          payload: { media_ids: [media.id], type: 'reel' },
        });
      const refused = expectStatus(await post(), 409);
      assert.equal(refused.code, 'media_not_ready');
      assert.deepEqual(
        refused.errors.map((e: { field: string }) => e.field),
        ['media_ids'],
      );
      const story = await slow.app.inject({
        method: 'POST',
        url: '/api/v1/stories',
        headers: bob.headers,
        payload: { media_id: media.id },
      });
      assert.equal(expectStatus(story, 409).code, 'media_not_ready');

      await slow.drainJobs();
      const ready = expectStatus(await get(), 200);
      assert.equal(ready.status, 'ready');
      assert.equal((await ffprobeJson(fileOf(slow, ready.url))).streams[0]?.codec_name, 'h264');
      expectStatus(await post(), 201);
    });

    it('a video refused by its transcode is failed, with the reason, and leaves no file', async () => {
      const liar = await makeVideoClaimingOneSecond(fixtures.dir, 190);
      const files = await storedFiles(slow);
      const media = expectStatus(await upload(slow, liar, bob), 202);
      assert.equal((await storedFiles(slow)).length, files.length + 1, 'the original, stored');
      await slow.drainJobs();
      const failed = expectStatus(
        await slow.app.inject({ url: `/api/v1/media/${media.id}`, headers: bob.headers }),
        200,
      );
      assert.equal(failed.status, 'failed');
      assert.match(failed.failure_reason, /plays for more than 180 s/);
      assert.deepEqual(await storedFiles(slow), files, 'original deleted, nothing written');
      const job = await slow.db
        .selectFrom('jobs')
        .select(['status', 'attempts'])
        .where('kind', '=', PROCESS_MEDIA)
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      assert.deepEqual(job, { status: 'done', attempts: 1 }, 'a refused file is not retried');
      const post = await slow.app.inject({
        method: 'POST',
        url: '/api/v1/posts',
        headers: bob.headers,
        payload: { media_ids: [media.id] },
      });
      assert.match(expectStatus(post, 409).detail, /failed to process/);
    });

    it('the job is idempotent: run again after success it changes nothing', async () => {
      const clip = await makeVideo(fixtures.dir, 'again.mp4', { container: 'mp4', seconds: 1 });
      const media = expectStatus(await upload(slow, clip, bob), 202);
      await slow.drainJobs();
      const files = await storedFiles(slow);
      const row = await mediaRow(slow, media.id);
      await slow.db
        .insertInto('jobs')
        .values({
          kind: PROCESS_MEDIA,
          payload: JSON.stringify({ media_id: Number(media.id) }),
          status: 'queued',
          run_at: row!.created_at,
          max_attempts: 3,
          created_at: row!.created_at,
        })
        .execute();
      await slow.drainJobs();
      assert.deepEqual(await storedFiles(slow), files);
      assert.deepEqual(await mediaRow(slow, media.id), row);
    });
  });
});
