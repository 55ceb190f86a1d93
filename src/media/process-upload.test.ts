import assert from 'node:assert/strict';
import { access, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import sharp from 'sharp';
import { type MediaRejection, MediaRejected } from './errors.js';
import {
  ffprobeJson,
  gpsEntryCount,
  makeImage,
  makeJpegWithGps,
  makeLargeFile,
  makeVideo,
  tempDir,
  writeFixture,
} from '../../test/helpers/media-fixtures.js';
import { processUpload, processVideo } from './process-upload.js';
import { createLimiter } from './semaphore.js';
import { createStorage, isValidMediaKey, type Storage } from './storage.js';

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

describe('processUpload', () => {
  let uploads: string;
  let mediaDir: string;
  let storage: Storage;
  const cleanups: Array<() => Promise<void>> = [];

  before(async () => {
    for (const target of ['uploads', 'media'] as const) {
      const t = await tempDir(`photogram-${target}-`);
      cleanups.push(t.cleanup);
      if (target === 'uploads') uploads = t.dir;
      else mediaDir = t.dir;
    }
    storage = createStorage({ mediaDir, publicUrl: 'http://localhost', s3: null });
  });
  after(async () => Promise.all(cleanups.map((c) => c())));

  const stored = async () =>
    (await readdir(mediaDir, { recursive: true })).filter((f) => /\.\w+$/.test(f));
  let before_: string[];
  beforeEach(async () => {
    before_ = await stored();
  });

  const rejects = async (path: string, kind: MediaRejection, message: RegExp, options = {}) => {
    const beforeRejection = await stored();
    await assert.rejects(processUpload(path, storage, options), (err: unknown) => {
      assert.ok(err instanceof MediaRejected, String(err));
      assert.equal(err.kind, kind);
      assert.match(err.detail, message);
      return true;
    });
    assert.equal(await exists(path), false, 'temp upload removed');
    assert.deepEqual(await stored(), beforeRejection, 'nothing new in storage');
  };

  it('stores a JPEG with GPS as clean display + thumbnail files', async () => {
    const input = await makeJpegWithGps(2400, 1800);
    assert.ok(gpsEntryCount((await sharp(input).metadata()).exif) > 0, 'fixture has GPS');
    const path = await writeFixture(uploads, 'upload-1', input);

    const media = await processUpload(path, storage);
    assert.equal(await exists(path), false, 'temp upload removed');
    assert.equal(media.kind, 'image');
    assert.equal(media.mime, 'image/jpeg');
    assert.deepEqual([media.width, media.height], [1080, 1440]); // orientation 6 applied
    assert.equal(media.poster_key, null);
    assert.equal(media.duration_ms, null);
    assert.equal(media.blurhash?.length, 28);
    for (const key of [media.storage_key, media.thumbnail_key]) {
      assert.ok(isValidMediaKey(key) && key.endsWith('.jpg'), key);
    }
    const display = await readFile(join(mediaDir, media.storage_key));
    assert.equal(media.bytes, display.length);
    const thumb = await sharp(join(mediaDir, media.thumbnail_key)).metadata();
    assert.deepEqual([thumb.width, thumb.height], [240, 320]);
    for (const file of [display, await readFile(join(mediaDir, media.thumbnail_key))]) {
      const meta = await sharp(file).metadata();
      assert.equal(meta.exif, undefined);
      assert.equal(file.includes('PhotogramTestCam'), false);
    }
  });

  it('stores a PNG with alpha as WebP', async () => {
    const path = await writeFixture(
      uploads,
      'upload-2',
      await makeImage('png', 500, 250, { alpha: true }),
    );
    const media = await processUpload(path, storage);
    assert.equal(media.mime, 'image/webp');
    assert.ok(media.storage_key.endsWith('.webp') && media.thumbnail_key.endsWith('.webp'));
    assert.deepEqual([media.width, media.height], [500, 250]);
  });

  it('crops profile images square and refuses videos for them', async () => {
    const path = await writeFixture(uploads, 'upload-3', await makeImage('webp', 900, 600));
    const media = await processUpload(path, storage, { profile: true });
    assert.deepEqual([media.width, media.height], [320, 320]);
    assert.equal(media.storage_key, media.thumbnail_key, 'one file');
    const meta = await sharp(join(mediaDir, media.storage_key)).metadata();
    assert.deepEqual([meta.width, meta.height], [320, 320]);
    const video = await makeVideo(uploads, 'upload-3v', {
      container: 'mp4',
      seconds: 1,
      size: '64x64',
    });
    await rejects(video, 'unsupported_type', /profile image must be an image/, { profile: true });
  });

  it('stores a video as it came, after recording it; processVideo then transcodes it', async () => {
    const path = await makeVideo(uploads, 'upload-4', {
      container: 'mp4',
      location: '+48.8577+002.2950/',
    });
    const original = await readFile(path);
    let recorded: string[] | undefined;
    const media = await processUpload(path, storage, {
      beforeWrite: async () => {
        recorded = await stored();
      },
    });
    assert.equal(await exists(path), false);
    assert.deepEqual(recorded, before_, 'recorded before any file was written');
    assert.equal(media.status, 'processing');
    assert.equal(media.kind, 'video');
    assert.equal(media.mime, 'video/mp4');
    assert.deepEqual([media.width, media.height, media.duration_ms], [640, 360, 2000]);
    assert.deepEqual(await readFile(join(mediaDir, media.source_key!)), original);
    assert.deepEqual((await stored()).length, before_.length + 1, 'only the original so far');

    const work = await tempDir('photogram-work-');
    cleanups.push(work.cleanup);
    const keys = {
      storage_key: media.storage_key,
      poster_key: media.poster_key!,
      thumbnail_key: media.thumbnail_key,
    };
    const video = await processVideo(
      join(mediaDir, media.source_key!),
      work.dir,
      keys,
      storage,
      createLimiter(1),
    );
    assert.deepEqual([video.width, video.height], [640, 360]);
    assert.match(video.blurhash, /^.{6,}$/);
    const poster = await sharp(join(mediaDir, keys.poster_key)).metadata();
    assert.deepEqual([poster.width, poster.height, poster.exif], [640, 360, undefined]);
    const thumb = await sharp(join(mediaDir, keys.thumbnail_key)).metadata();
    assert.deepEqual([thumb.width, thumb.height], [320, 180]);
    const probe = await ffprobeJson(join(mediaDir, keys.storage_key));
    assert.equal(probe.format.tags?.location, undefined);
    assert.equal(probe.streams[0]?.codec_name, 'h264');
    assert.equal(video.bytes, (await readFile(join(mediaDir, keys.storage_key))).length);
  });

  it('rejects a text file named .jpg as an unsupported type and leaves nothing behind', async () => {
    const path = await writeFixture(uploads, 'notes.jpg', 'hello, I am text');
    await rejects(path, 'unsupported_type', /plain text/);
  });

  it('rejects an SVG as an unsupported type', async () => {
    const path = await writeFixture(uploads, 'x.svg', '<svg xmlns="http://www.w3.org/2000/svg"/>');
    await rejects(path, 'unsupported_type', /SVG/);
  });

  it('rejects a truncated PNG as invalid', async () => {
    const png = await makeImage('png', 200, 200);
    const path = await writeFixture(uploads, 'cut.png', png.subarray(0, png.length - 600));
    await rejects(path, 'invalid', /truncated or corrupt/);
  });

  it('rejects an image over 15 MB as too large', async () => {
    const head = await makeImage('jpeg', 16, 16);
    const path = await makeLargeFile(join(uploads, 'big.jpg'), head, 15 * 1024 * 1024 + 1);
    await rejects(path, 'too_large', /The image is 15\.0 MB; images may be at most 15 MB/);
  });

  it('rejects any file over 200 MB as too large before reading it', async () => {
    const path = await makeLargeFile(
      join(uploads, 'huge.mp4'),
      Buffer.from('x'),
      201 * 1024 * 1024,
    );
    await rejects(path, 'too_large', /The file is 201\.0 MB; uploads may be at most 200 MB/);
  });

  it('rejects a video over 180 s as invalid', async () => {
    const path = await makeVideo(uploads, 'long', {
      container: 'mp4',
      seconds: 181,
      size: '32x32',
      rate: 1,
    });
    await rejects(path, 'invalid', /181\.0 s long; the limit is 180 s/);
  });

  it('removes already-stored files when a later write fails', async () => {
    let puts = 0;
    const failing: Storage = {
      ...storage,
      put: async (key, source, type) => {
        if (++puts === 2) throw new Error('disk full');
        await storage.put(key, source, type);
      },
    };
    const path = await writeFixture(uploads, 'upload-5', await makeImage('jpeg', 100, 100));
    await assert.rejects(processUpload(path, failing), /disk full/);
    assert.equal(puts, 2);
    assert.equal(await exists(path), false);
    assert.deepEqual(await stored(), before_, 'the first file was deleted again');
  });
});
