import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { MediaRejected } from './errors.js';
import {
  gpsEntryCount,
  makeAnimatedGif,
  makeImage,
  makeJpegWithGps,
  makePngClaiming,
} from '../../test/helpers/media-fixtures.js';
import { processImage, type ImageVariant } from './images.js';

async function assertClean(
  variant: ImageVariant,
  format: 'jpeg' | 'webp',
  width: number,
  height: number,
) {
  const meta = await sharp(variant.data).metadata();
  assert.equal(meta.format, format);
  assert.deepEqual([meta.width, meta.height], [width, height]);
  assert.deepEqual([variant.width, variant.height], [width, height]);
  assert.equal(meta.exif, undefined, 'no EXIF');
  assert.equal(meta.xmp, undefined, 'no XMP');
  assert.equal(meta.icc, undefined, 'no ICC profile (sRGB implied)');
  assert.equal(meta.orientation, undefined, 'orientation already applied');
}

const rejectsInvalid = (promise: Promise<unknown>, message: RegExp) =>
  assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof MediaRejected);
    assert.equal(err.kind, 'invalid');
    assert.match(err.detail, message);
    return true;
  });

describe('processImage', () => {
  it('scales a large JPEG to 1080 px wide and a 320 px thumbnail, aspect kept', async () => {
    const out = await processImage(await makeImage('jpeg', 2000, 1500));
    await assertClean(out.display, 'jpeg', 1080, 810);
    await assertClean(out.thumbnail, 'jpeg', 320, 240);
    assert.equal(out.display.mime, 'image/jpeg');
    assert.equal(out.display.ext, 'jpg');
  });

  it('never enlarges a small image', async () => {
    const out = await processImage(await makeImage('jpeg', 300, 200));
    await assertClean(out.display, 'jpeg', 300, 200);
    await assertClean(out.thumbnail, 'jpeg', 300, 200);
  });

  it('bounds a tall thumbnail by its height', async () => {
    const out = await processImage(await makeImage('png', 600, 1200));
    await assertClean(out.display, 'jpeg', 600, 1200);
    await assertClean(out.thumbnail, 'jpeg', 160, 320);
  });

  it('rotates by EXIF orientation, then strips EXIF including GPS', async () => {
    const input = await makeJpegWithGps(1600, 1200);
    const before = await sharp(input).metadata();
    assert.equal(before.orientation, 6, 'fixture carries an orientation');
    assert.ok(gpsEntryCount(before.exif) >= 4, 'fixture really carries a GPS position');
    assert.ok(before.exif?.includes('PhotogramTestCam'));

    const out = await processImage(input);
    await assertClean(out.display, 'jpeg', 1080, 1440);
    await assertClean(out.thumbnail, 'jpeg', 240, 320);
    for (const v of [out.display, out.thumbnail]) {
      assert.equal(v.data.includes('PhotogramTestCam'), false);
      assert.equal(v.data.includes('Exif\0\0'), false);
    }
  });

  it('re-encodes an opaque PNG and WebP as JPEG', async () => {
    for (const format of ['png', 'webp'] as const) {
      const out = await processImage(await makeImage(format, 1200, 600));
      await assertClean(out.display, 'jpeg', 1080, 540);
      await assertClean(out.thumbnail, 'jpeg', 320, 160);
    }
  });

  it('keeps transparency: a PNG with alpha becomes WebP with alpha', async () => {
    const out = await processImage(await makeImage('png', 400, 400, { alpha: true }));
    await assertClean(out.display, 'webp', 400, 400);
    await assertClean(out.thumbnail, 'webp', 320, 320);
    assert.equal((await sharp(out.display.data).metadata()).hasAlpha, true);
    assert.equal(out.display.mime, 'image/webp');
  });

  it('keeps only the first frame of an animated GIF', async () => {
    const gif = await makeAnimatedGif(40, 30);
    assert.equal((await sharp(gif).metadata()).pages, 2, 'fixture is animated');
    const out = await processImage(gif);
    const meta = await sharp(out.display.data).metadata();
    assert.equal(meta.pages, undefined);
    assert.deepEqual([out.display.width, out.display.height], [40, 30]);
    const { dominant } = await sharp(out.display.data).stats();
    assert.ok(
      dominant.r > 200 && dominant.b < 60,
      `first (red) frame, got ${JSON.stringify(dominant)}`,
    );
  });

  it('computes a 4x3-component blurhash', async () => {
    const out = await processImage(await makeImage('jpeg', 400, 300));
    // 1 size char + 1 max-AC char + 4 DC chars + 2 per AC component (4*3 - 1).
    assert.equal(out.blurhash.length, 28);
    assert.match(out.blurhash, /^[0-9A-Za-z#$%*+,\-.:;=?@[\]^_{|}~]+$/);
  });

  it('crops profile images to a centred square', async () => {
    const out = await processImage(await makeImage('jpeg', 2000, 1500), { square: true });
    await assertClean(out.display, 'jpeg', 1080, 1080);
    await assertClean(out.thumbnail, 'jpeg', 320, 320);
    const small = await processImage(await makeImage('jpeg', 500, 300), { square: true });
    await assertClean(small.display, 'jpeg', 300, 300);
  });

  it('rejects a decompression bomb before decoding it', async () => {
    const bomb = await makePngClaiming(10_000, 10_000);
    assert.ok(bomb.length < 200);
    await rejectsInvalid(
      processImage(bomb),
      /10000x10000 pixels \(100\.0 megapixels\); the limit is 50 megapixels/,
    );
  });

  it('rejects a truncated PNG and a truncated JPEG, saying so', async () => {
    const png = await makeImage('png', 300, 300);
    await rejectsInvalid(processImage(png.subarray(0, png.length / 2)), /truncated or corrupt/);
    const jpeg = await makeImage('jpeg', 300, 300);
    await rejectsInvalid(
      processImage(jpeg.subarray(0, jpeg.length / 2)),
      /truncated or corrupt.*premature end/,
    );
  });

  it('rejects garbage after a valid image signature', async () => {
    const bytes = Buffer.concat([
      (await makeImage('png', 10, 10)).subarray(0, 16),
      Buffer.alloc(64, 7),
    ]);
    await rejectsInvalid(processImage(bytes), /truncated or corrupt/);
  });
});
