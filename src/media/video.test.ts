import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { MediaRejected } from './errors.js';
import { ffprobeJson, makeVideo, tempDir } from '../../test/helpers/media-fixtures.js';
import { extractPoster, probeVideo, stripVideoMetadata } from './video.js';

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
    await extractPoster(rotated, info.duration_ms, poster);
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

  it('strips container metadata (GPS location) without re-encoding', async () => {
    const before = await ffprobeJson(mp4);
    assert.equal(before.format.tags?.location, '+48.8577+002.2950/', 'fixture carries a location');
    const out = join(dir, 'clean.mp4');
    await stripVideoMetadata(mp4, 'video/mp4', out);
    const after = await ffprobeJson(out);
    assert.equal(after.format.tags?.location, undefined);
    assert.equal(JSON.stringify(after).includes('48.8577'), false);
    assert.deepEqual(
      after.streams.map((s) => [s.codec_type, s.codec_name]),
      [
        ['video', 'h264'],
        ['audio', 'aac'],
      ],
    );
    assert.equal(Number(after.format.duration).toFixed(1), '2.0');
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
      /not a playable video: it contains no video stream/,
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
