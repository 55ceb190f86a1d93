import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type MediaRejection, MediaRejected } from './errors.js';
import {
  makeAnimatedGif,
  makeImage,
  makeVideo,
  tempDir,
  writeFixture,
} from '../../test/helpers/media-fixtures.js';
import { sniff } from './sniff.js';

describe('sniff', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => ({ dir, cleanup } = await tempDir()));
  after(() => cleanup());

  const rejects = (path: string, kind: MediaRejection, message: RegExp) =>
    assert.rejects(sniff(path), (err: unknown) => {
      assert.ok(err instanceof MediaRejected);
      assert.equal(err.kind, kind);
      assert.match(err.detail, message);
      return true;
    });

  for (const [format, mime] of [
    ['jpeg', 'image/jpeg'],
    ['png', 'image/png'],
    ['webp', 'image/webp'],
    ['gif', 'image/gif'],
  ] as const) {
    it(`detects ${format} from the bytes, whatever the name`, async () => {
      const path = await writeFixture(dir, `${format}.txt`, await makeImage(format, 20, 10));
      assert.deepEqual(await sniff(path), { kind: 'image', mime });
    });
  }

  it('detects an animated GIF as an image', async () => {
    const path = await writeFixture(dir, 'anim.gif', await makeAnimatedGif(8, 8));
    assert.deepEqual(await sniff(path), { kind: 'image', mime: 'image/gif' });
  });

  for (const [container, mime] of [
    ['mp4', 'video/mp4'],
    ['mov', 'video/quicktime'],
    ['webm', 'video/webm'],
  ] as const) {
    it(`detects ${container} video`, async () => {
      const path = await makeVideo(dir, `clip-${container}.bin`, {
        container,
        seconds: 1,
        size: '64x64',
      });
      assert.deepEqual(await sniff(path), { kind: 'video', mime });
    });
  }

  it('rejects a text file named .jpg as an unsupported type, saying it is text', async () => {
    const path = await writeFixture(dir, 'notes.jpg', 'just some notes, not a photo\n');
    await rejects(
      path,
      'unsupported_type',
      /plain text.*Accepted: images \(JPEG, PNG, WebP, GIF\) and videos \(MP4, MOV, WebM, MKV\)/,
    );
  });

  it('rejects SVG (it can carry scripts) as an unsupported type', async () => {
    const svg =
      '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>';
    const path = await writeFixture(dir, 'logo.png', svg);
    await rejects(path, 'unsupported_type', /an SVG image/);
    const bare = await writeFixture(
      dir,
      'bare.png',
      '<svg xmlns="http://www.w3.org/2000/svg"></svg>',
    );
    await rejects(bare, 'unsupported_type', /SVG/);
  });

  it('rejects HTML as an unsupported type', async () => {
    const path = await writeFixture(dir, 'page.gif', '<!DOCTYPE html><html><body>hi</body></html>');
    await rejects(path, 'unsupported_type', /HTML document/);
  });

  it('rejects a PDF as an unsupported type naming the detected type', async () => {
    const path = await writeFixture(
      dir,
      'doc.jpg',
      '%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n',
    );
    await rejects(path, 'unsupported_type', /application\/pdf/);
  });

  it('rejects unknown binary data as an unsupported type', async () => {
    const path = await writeFixture(
      dir,
      'blob.webp',
      Buffer.from([0x00, 0x01, 0x02, 0xfe, 0xff, 0x00, 0x13, 0x37]),
    );
    await rejects(path, 'unsupported_type', /not a recognised image or video format/);
  });

  it('rejects an empty file as invalid', async () => {
    const path = await writeFixture(dir, 'empty.jpg', '');
    await rejects(path, 'invalid', /empty/);
  });
});
