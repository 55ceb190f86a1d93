import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
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

describe('multipart edge cases', () => {
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
