import assert from 'node:assert/strict';
import { readdir, rm, writeFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { createUser, type TestUser } from '../../../test/helpers/factories.js';
import { makeImage } from '../../../test/helpers/media-fixtures.js';
import { buildTestApp, type TestApp } from '../../../test/helpers/test-app.js';
import { uploadTempDir } from './receive-upload.js';

const BOUNDARY = 'photogram-edge-boundary';
const part = (name: string, data: Buffer | string, filename?: string) =>
  Buffer.concat([
    Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"` +
        (filename ? `; filename="${filename}"\r\nContent-Type: image/png` : '') +
        '\r\n\r\n',
    ),
    Buffer.from(data),
    Buffer.from('\r\n'),
  ]);
const form = (...parts: Buffer[]) => Buffer.concat([...parts, Buffer.from(`--${BOUNDARY}--\r\n`)]);

let t: TestApp;
let alice: TestUser;
let png: Buffer;
before(async () => {
  t = await buildTestApp();
  alice = await createUser(t);
  png = await makeImage('png', 40, 30);
});
after(async () => t.close());

const send = (url: string, payload: Buffer) =>
  t.app.inject({
    method: url.endsWith('profile-image') ? 'PUT' : 'POST',
    url,
    payload,
    headers: { ...alice.headers, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
  });
const tempFiles = async () => (await readdir(uploadTempDir(t.config)).catch(() => [])).length;

describe('multipart edge cases', () => {
  for (const url of ['/api/v1/media', '/api/v1/me/profile-image']) {
    test(`${url}: two files are a 400 naming file, and nothing is kept`, async () => {
      const before = await t.db.selectFrom('media').select('id').execute();
      for (const second of ['file', 'other']) {
        const response = await send(
          url,
          form(part('file', png, 'a.png'), part(second, png, 'b.png')),
        );
        assert.equal(response.statusCode, 400, response.body);
        assert.deepEqual(response.json().errors, [
          { field: 'file', message: 'send exactly one file' },
        ]);
      }
      assert.equal(await tempFiles(), 0);
      assert.deepEqual(await t.db.selectFrom('media').select('id').execute(), before);
    });

    test(`${url}: too many fields is said plainly, not "too large"`, async () => {
      // POST /media refuses unknown fields by name first, so its parts are the allowed alt_text.
      const name = (i: number) => (url === '/api/v1/media' ? 'alt_text' : `f${i}`);
      const fields = Array.from({ length: 12 }, (_, i) => part(name(i), 'x'));
      const response = await send(url, form(...fields, part('file', png, 'a.png')));
      assert.equal(response.statusCode, 413);
      assert.match(response.json().detail, /too many parts/);
    });
  }

  test('a server-side disk failure is a 500 that names no path, not a 400', async () => {
    const dir = uploadTempDir(t.config);
    await rm(dir, { recursive: true, force: true });
    await writeFile(dir, 'not a directory');
    try {
      const response = await send('/api/v1/media', form(part('file', png, 'a.png')));
      assert.equal(response.statusCode, 500);
      assert.equal(response.json().code, 'internal_error');
      assert.doesNotMatch(response.body, /tmp|EEXIST|ENOTDIR/);
    } finally {
      await rm(dir, { force: true });
    }
  });
});
