import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { MediaRejected } from './errors.js';
import { ffprobeJson, makeVideo, tempDir } from '../../test/helpers/media-fixtures.js';
import { createLimiter } from './semaphore.js';
import { extractPoster, probeVideo, transcodedSize, transcodeVideo } from './video.js';

const rejectsInvalid = (promise: Promise<unknown>, message: RegExp) =>
  assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof MediaRejected, String(err));
    assert.equal(err.kind, 'invalid');
    assert.match(err.detail, message);
    assert.doesNotMatch(err.detail, /\/tmp\//, 'no server paths in messages');
    return true;
  });

describe('video', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let mp4: string;
  before(async () => {
    ({ dir, cleanup } = await tempDir());
    mp4 = await makeVideo(dir, 'clip.mp4', {
      container: 'mp4',
      audio: true,
      location: '+48.8577+002.2950/',
    });
  });
  after(() => cleanup());

  it('probes duration, size and codec of an MP4', async () => {
    assert.deepEqual(await probeVideo(mp4), {
      duration_ms: 2000,
      width: 640,
      height: 360,
      codec: 'h264',
    });
  });

  it('probes WebM and MOV', async () => {
    const webm = await makeVideo(dir, 'clip.webm', {
      container: 'webm',
      seconds: 1,
      size: '320x240',
    });
    assert.deepEqual(await probeVideo(webm), {
      duration_ms: 1000,
      width: 320,
      height: 240,
      codec: 'vp8',
    });
    const mov = await makeVideo(dir, 'clip.mov', { container: 'mov', seconds: 1, size: '160x120' });
    assert.deepEqual(await probeVideo(mov), {
      duration_ms: 1000,
      width: 160,
      height: 120,
      codec: 'h264',
    });
  });

  it('reports the display size of a rotated (portrait phone) video', async () => {
    const rotated = await makeVideo(dir, 'portrait.mp4', {
      container: 'mp4',
      seconds: 1,
      rotate: 90,
    });
    const info = await probeVideo(rotated);
    assert.deepEqual([info.width, info.height], [360, 640]);
    const poster = join(dir, 'portrait.jpg');
    await extractPoster(rotated, info.duration_ms ?? 1000, poster);
    const meta = await sharp(poster).metadata();
    assert.deepEqual([meta.width, meta.height], [360, 640]);
  });

  it('cuts a poster frame JPEG at full size', async () => {
    const poster = join(dir, 'poster.jpg');
    await extractPoster(mp4, 2000, poster);
    const meta = await sharp(poster).metadata();
    assert.equal(meta.format, 'jpeg');
    assert.deepEqual([meta.width, meta.height], [640, 360]);
  });

  it('transcodes to H.264 High yuv420p + AAC in MP4, index first, without metadata', async () => {
    const before = await ffprobeJson(mp4);
    assert.equal(before.format.tags?.location, '+48.8577+002.2950/', 'fixture carries a location');
    const out = join(dir, 'clean.mp4');
    const video = await transcodeVideo(mp4, out, createLimiter(1));
    assert.deepEqual(video, { width: 640, height: 360, duration_ms: video.duration_ms });
    assert.ok(Math.abs(video.duration_ms - 2000) < 100, `duration ${video.duration_ms}`);
    const after = await ffprobeJson(out);
    assert.equal(after.format.tags?.location, undefined);
    assert.equal(JSON.stringify(after).includes('48.8577'), false);
    assert.deepEqual(
      after.streams.map((s) => [s.codec_type, s.codec_name, s.profile, s.pix_fmt ?? null]),
      [
        ['video', 'h264', 'High', 'yuv420p'],
        ['audio', 'aac', 'LC', null],
      ],
    );
    const bytes = await readFile(out);
    assert.ok(bytes.indexOf('moov') < bytes.indexOf('mdat'), 'faststart: the index comes first');
  });

  it('scales the longest side to 1080 (even sizes) and caps the frame rate at 60', async () => {
    assert.deepEqual(transcodedSize(1920, 1080), { width: 1080, height: 606 });
    assert.deepEqual(transcodedSize(1080, 1920), { width: 606, height: 1080 });
    assert.deepEqual(transcodedSize(641, 363), { width: 640, height: 362 });
    const fast = await makeVideo(dir, 'fast.mp4', {
      container: 'mp4',
      seconds: 1,
      size: '1280x720',
      rate: 120,
    });
    const out = join(dir, 'fast-out.mp4');
    const video = await transcodeVideo(fast, out, createLimiter(1));
    assert.deepEqual([video.width, video.height], [1080, 606]);
    const [stream] = (await ffprobeJson(out)).streams;
    assert.equal(stream?.r_frame_rate, '60/1');
  });

  it('refuses frames over 8K on either side from the header, before decoding', async () => {
    const wide = await makeVideo(dir, 'wide.mp4', {
      container: 'mp4',
      seconds: 0.04,
      size: '12000x120',
    });
    await rejectsInvalid(probeVideo(wide), /12000×120 pixels; at most 8192 pixels on either side/);
  });

  it('rejects a video longer than 180 s', async () => {
    const long = await makeVideo(dir, 'long.mp4', {
      container: 'mp4',
      seconds: 181,
      size: '32x32',
      rate: 1,
    });
    await rejectsInvalid(probeVideo(long), /is 181\.0 s long; the limit is 180 s/);
  });

  it('rejects a file with no video stream', async () => {
    const audioOnly = join(dir, 'audio.mp4');
    const { execFile } = await import('node:child_process');
    await new Promise<void>((resolve, reject) =>
      execFile(
        'ffmpeg',
        [
          '-v',
          'error',
          '-f',
          'lavfi',
          '-i',
          'sine=duration=1',
          '-c:a',
          'aac',
          '-f',
          'mp4',
          '-y',
          audioOnly,
        ],
        (err) => (err ? reject(err) : resolve()),
      ),
    );
    await rejectsInvalid(
      probeVideo(audioOnly),
      /not a playable video: the file has no video stream we can decode/,
    );
  });

  it('rejects a corrupt video', async () => {
    const garbage = join(dir, 'garbage.mp4');
    await writeFile(
      garbage,
      Buffer.concat([Buffer.from('\0\0\0\x18ftypmp42'), Buffer.alloc(2000, 0x5a)]),
    );
    await rejectsInvalid(probeVideo(garbage), /not a playable video/);
  });
});
